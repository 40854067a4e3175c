//! The real Auth.js adapters from npm and authmodel's compat model sets on one database.
//!
//! For every layout and dialect the adapter supports, twice (on the tables the adapter's own
//! tooling creates, `tests/interop/layouts/<layout>/<dialect>.sql`, and on the tables
//! `authmodel::ddl` creates for the matching `authmodel::compat` schema type), a Node process
//! runs the adapter (`tests/interop/driver.mjs`, JSON lines over stdin/stdout) while this test
//! runs `SqlAdapter` on the same database, and each reads what the other wrote:
//!
//! - **node→rust**: Node creates a user, links an account with every OAuth field, creates a
//!   session, a verification token and (where the layout has them) an authenticator; Rust
//!   reads each back field by field, instants to the millisecond, and uses the token;
//! - **rust→node**: the same the other way;
//! - **updates by node** / **updates by rust**: one side creates, the other updates (user,
//!   session expiry, authenticator counter), the first reads;
//! - **deletes by node** / **deletes by rust**: one side creates, the other unlinks an account,
//!   deletes a session and then the user; the first finds no account, session or authenticator
//!   of that user left.
//!
//! Before the phases, `authmodel::migrate::diff` (what `authmodel check` runs) must find the
//! tables in sync with the compat schema: the layout's keys exactly, the recommended ones it
//! lacks only as notes.
//!
//! Each phase runs on rows of its own, so one failing phase does not hide the others; a case
//! fails listing every phase that failed, with the first mismatch or error of each.
//!
//! Node is `node` on `PATH`, the packages `tests/interop/node_modules` (`scripts/test` runs
//! `npm ci`). When either is missing the case fails under `CI=true` and is skipped loudly
//! otherwise, as a missing server is (`tests/common`).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use authmodel::compat::{drizzle, kysely, pg, prisma};
use authmodel::schema::{ColumnType, OnDelete, RoleField, Table};
use authmodel::{
    AccountKey, Adapter, CreateOptions, Dialect, Model, MySqlFlavour, Options, Patch, Schema,
    SqlAdapter, Value, ddl,
};
use chrono::{DateTime, Utc};
use common::Server;
use serde_json::{Map, Value as Json, json};
use sqlx::{AssertSqlSafe, Connection as _};

// ---- where the tables come from ------------------------------------------------------------

/// Which DDL created the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tables {
    /// The adapter's own tooling: `tests/interop/layouts/<layout>/<dialect>.sql`.
    Tool,
    /// `authmodel::ddl::create_statements` for the compat schema type.
    Authmodel,
}

/// One case: a layout, a dialect, and the source of its tables.
struct Case {
    /// The driver's layout name (a module of `tests/interop/driver/`).
    layout: &'static str,
    dialect: Dialect,
    tables: Tables,
}

impl Case {
    fn label(&self) -> String {
        format!(
            "{} on {} ({:?} tables)",
            self.layout, self.dialect, self.tables
        )
    }

    /// Whether the tables keep `expires` of sessions and verification tokens to the second:
    /// the documented Drizzle schema for MySQL declares them `timestamp("expires")` without
    /// `fsp`, and drizzle-kit writes `timestamp` (0 fractional digits), so both adapters read
    /// back the instant without its milliseconds. Everywhere else instants are compared to
    /// the millisecond.
    fn expires_in_seconds(&self) -> bool {
        self.layout == "drizzle" && self.dialect == Dialect::MySql && self.tables == Tables::Tool
    }

    /// The file of the tool's DDL in `tests/interop/layouts/<layout>/`: `<dialect>.sql`, but
    /// `postgres.sql` for Prisma's, named as its schemas (`schema.postgres.prisma`) and its
    /// smoke test name the dialect.
    fn layout_file(&self) -> String {
        match (self.layout, self.dialect) {
            ("prisma", Dialect::Postgres) => "postgres.sql".to_owned(),
            _ => format!("{}.sql", self.dialect_name()),
        }
    }

    /// The dialect's name in the driver and in the layout files.
    fn dialect_name(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "pg",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// Whether Node and the installed packages are here: `false` (said loudly) when not, a panic
/// under `CI=true`.
fn node_ready() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let modules = interop_dir().join("node_modules").is_dir();
    let missing = match (node, modules) {
        (true, true) => return true,
        (false, _) => "`node` is not on PATH",
        (true, false) => "tests/interop/node_modules is missing (run `npm ci` in tests/interop)",
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{missing} under CI=true: scripts/test must install Node and run `npm ci`");
    }
    eprintln!("\n*** SKIPPED the Node interop case: {missing}. Run scripts/test. ***\n");
    false
}

/// A database for `case`, as (adapter URL, the driver's URL, keep-alive for an SQLite file).
async fn database(case: &Case) -> Option<(String, Option<tempfile::TempDir>)> {
    let label = format!("interop_{}_{}", case.layout, case.dialect_name());
    match case.dialect {
        Dialect::Sqlite => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!("sqlite://{}", dir.path().join("interop.db").display());
            Some((url, Some(dir)))
        }
        Dialect::Postgres => Some((
            common::fresh_database(Server::Postgres, &label).await?,
            None,
        )),
        Dialect::MySql => Some((common::fresh_database(Server::MySql, &label).await?, None)),
    }
}

/// The statements of a DDL file: comment lines and psql meta-commands (`\set ...`) dropped,
/// split at a `;` that ends a line.
fn statements(script: &str) -> Vec<String> {
    let kept: Vec<&str> = script
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("--") && !line.starts_with('\\')
        })
        .collect();
    kept.join("\n")
        .split(";\n")
        .map(|s| s.trim().trim_end_matches(';').trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Runs `sql` on the database as a console would, outside both adapters.
async fn execute(dialect: Dialect, url: &str, sql: &[String]) {
    match dialect {
        Dialect::Sqlite => {
            let connection = rusqlite::Connection::open(url.trim_start_matches("sqlite://"))
                .expect("open the file");
            for statement in sql {
                connection
                    .execute_batch(statement)
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }
        Dialect::Postgres => {
            let mut connection = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
            for statement in sql {
                sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }
        Dialect::MySql => {
            let mut connection = sqlx::MySqlConnection::connect(url).await.expect("MySQL");
            for statement in sql {
                sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }
    }
}

/// The DDL of `case` for schema `S`.
fn case_ddl<S: Schema>(case: &Case) -> Vec<String> {
    match case.tables {
        Tables::Tool => {
            let path = interop_dir()
                .join("layouts")
                .join(case.layout)
                .join(case.layout_file());
            let script = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            statements(&script)
        }
        Tables::Authmodel => {
            // The servers of this test command are MariaDB.
            let options = CreateOptions::default().flavour(MySqlFlavour::MariaDb);
            ddl::create_statements::<S>(case.dialect, options)
                .unwrap_or_else(|e| panic!("{}: authmodel's DDL: {e}", case.label()))
        }
    }
}

// ---- the Node side -------------------------------------------------------------------------

/// One `driver.mjs` process: the real adapter, kept open for the whole case.
struct Node {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    methods: BTreeSet<String>,
}

impl Node {
    fn spawn(case: &Case, url: &str) -> Node {
        let dir = interop_dir();
        let mut child = Command::new("node")
            .arg(dir.join("driver.mjs"))
            .args([case.layout, case.dialect_name(), url])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: spawn node: {e}", case.label()));
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut node = Node {
            child,
            stdin,
            stdout,
            methods: BTreeSet::new(),
        };
        let methods = node
            .call("$methods", json!([]))
            .unwrap_or_else(|e| panic!("{}: the driver did not start: {e}", case.label()));
        node.methods = methods
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        node
    }

    /// Whether the real adapter has `op` (Kysely and pg-adapter have no `getAccount` and no
    /// WebAuthn methods).
    fn has(&self, op: &str) -> bool {
        self.methods.contains(op)
    }

    /// Calls `op` with `args` (a JSON array): its result, or the adapter's error message.
    fn call(&mut self, op: &str, args: Json) -> Result<Json, String> {
        let stdin = self.stdin.as_mut().ok_or("the driver's stdin is closed")?;
        let line = json!({ "op": op, "args": args }).to_string();
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("node {op}: write: {e}"))?;
        let mut answer = String::new();
        let read = self
            .stdout
            .read_line(&mut answer)
            .map_err(|e| format!("node {op}: read: {e}"))?;
        if read == 0 {
            return Err(format!("node {op}: the driver exited"));
        }
        let answer: Json = serde_json::from_str(&answer)
            .map_err(|e| format!("node {op}: not JSON ({e}): {answer}"))?;
        match (answer.get("ok"), answer.get("err")) {
            (Some(ok), _) => Ok(ok.clone()),
            (None, Some(err)) => Err(format!("node {op}: {}", err.as_str().unwrap_or("?"))),
            (None, None) => Err(format!("node {op}: no answer in {answer}")),
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // End of stdin ends the driver, which closes its pools.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

// ---- models as Auth.js objects -------------------------------------------------------------

/// A tagged instant, as the driver writes and reads Dates.
fn date(ms: i64) -> Json {
    let instant = DateTime::from_timestamp_millis(ms).expect("in range");
    json!({ "$date": iso(instant) })
}

fn iso(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The Auth.js name of a column's role, for the columns the contract knows.
fn authjs_name(role: Option<RoleField>) -> Option<&'static str> {
    match role {
        None | Some(RoleField::AccountExtra) => None,
        Some(role) => Some(role.authjs_name()),
    }
}

/// A model as the Auth.js object Node would see: each role column under its Auth.js name.
fn to_json<M: Model>(model: &M) -> Result<Json, String> {
    let values = model.to_values().map_err(|e| format!("encode: {e}"))?;
    let mut object = Map::new();
    for (column, value) in M::TABLE.columns.iter().zip(values) {
        if let Some(name) = authjs_name(column.role) {
            let value = match value {
                Value::Null => Json::Null,
                Value::Bool(b) => Json::Bool(b),
                Value::Int(i) => json!(i),
                Value::Float(f) => json!(f),
                Value::Text(t) => Json::String(t),
                Value::Uuid(u) => Json::String(u.to_string()),
                Value::Timestamp(t) => json!({ "$date": iso(t) }),
                Value::Json(j) => j,
                Value::Bytes(b) => json!(b),
            };
            object.insert(name.to_owned(), value);
        }
    }
    Ok(Json::Object(object))
}

/// One JSON value as the `Value` a column of type `ty` holds.
fn to_value(ty: ColumnType, json: &Json) -> Result<Value, String> {
    let text = |j: &Json| match j {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let value = match (ty, json) {
        (_, Json::Null) => Some(Value::Null),
        (ColumnType::Text, j) => text(j).map(Value::Text),
        (ColumnType::Uuid, j) => text(j)
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(Value::Uuid),
        (ColumnType::Bool, Json::Bool(b)) => Some(Value::Bool(*b)),
        (ColumnType::Int32 | ColumnType::Int64, j) => {
            text(j).and_then(|s| s.parse().ok()).map(Value::Int)
        }
        (ColumnType::Timestamp | ColumnType::EpochMillis, j) => j
            .get("$date")
            .and_then(Json::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| Value::Timestamp(t.with_timezone(&Utc))),
        _ => None,
    };
    value.ok_or_else(|| format!("{json} does not fit a {ty:?} column"))
}

/// A placeholder for an id the adapter's id strategy replaces (or the database assigns).
fn placeholder_id(ty: ColumnType) -> Value {
    match ty {
        ColumnType::Uuid => Value::Uuid(uuid::Uuid::new_v4()),
        ColumnType::Int32 | ColumnType::Int64 => Value::Int(0),
        _ => Value::Text(uuid::Uuid::new_v4().to_string()),
    }
}

fn is_id(role: Option<RoleField>) -> bool {
    matches!(
        role,
        Some(
            RoleField::UserId
                | RoleField::AccountId
                | RoleField::SessionId
                | RoleField::AuthenticatorId
        )
    )
}

/// The model an Auth.js object describes: each column from its Auth.js name; an id the
/// object lacks, and a `createdAt`/`updatedAt` stamp, is a placeholder the adapter replaces.
fn from_json<M: Model>(object: &Json) -> Result<M, String> {
    let mut values = Vec::with_capacity(M::TABLE.columns.len());
    for column in M::TABLE.columns {
        let given = authjs_name(column.role).and_then(|name| object.get(name));
        let value = match given {
            Some(json) if !json.is_null() => to_value(column.ty, json)
                .map_err(|e| format!("{}.{}: {e}", M::TABLE.name, column.name))?,
            _ if is_id(column.role) => placeholder_id(column.ty),
            // A created_at/updated_at stamp: the adapter writes the current instant.
            _ if column.stamp.is_some() => Value::Timestamp(DateTime::UNIX_EPOCH),
            _ => Value::Null,
        };
        values.push(value);
    }
    M::from_values(values).map_err(|e| format!("{}: from_values: {e}", M::TABLE.name))
}

/// A patch of `M` setting each Auth.js field `object` names.
fn patch<M: Model>(object: &Json) -> Result<M::Patch, String> {
    let mut patch = M::Patch::default();
    let fields = object.as_object().ok_or("a patch is an object")?;
    for (name, json) in fields {
        let table: &Table = M::TABLE;
        let position = table
            .columns
            .iter()
            .position(|c| authjs_name(c.role) == Some(name.as_str()))
            .ok_or_else(|| format!("{} has no field {name}", table.name))?;
        let value = to_value(table.columns[position].ty, json)?;
        patch
            .set(position, value)
            .map_err(|e| format!("patch {name}: {e}"))?;
    }
    Ok(patch)
}

/// An id as the string Auth.js passes around (`42` and `"42"` alike).
fn id_string(json: &Json) -> Result<String, String> {
    match json {
        Json::String(s) => Ok(s.clone()),
        Json::Number(n) => Ok(n.to_string()),
        other => Err(format!("{other} is not an id")),
    }
}

/// Every field of `expected` has the same value in `actual` (ids compared as strings, since
/// Auth.js passes every id as one); `what` names the record in the message.
fn same(what: &str, expected: &Json, actual: &Json) -> Result<(), String> {
    let fields = expected.as_object().ok_or("expected an object")?;
    let mut mismatches = Vec::new();
    for (name, want) in fields {
        let got = actual.get(name).unwrap_or(&Json::Null);
        let equal = if matches!(name.as_str(), "id" | "userId") {
            id_string(want).ok() == id_string(got).ok()
        } else {
            want == got
        };
        if !equal {
            mismatches.push(format!("{name}: wrote {want}, read {got}"));
        }
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: {}", mismatches.join("; ")))
    }
}

/// `Err` unless `result` is absent (`null` from Node, `None` from Rust).
fn absent(what: &str, found: &Json) -> Result<(), String> {
    if found.is_null() || found.as_array().is_some_and(Vec::is_empty) {
        Ok(())
    } else {
        Err(format!("{what}: still there: {found}"))
    }
}

fn rust<T>(what: &str, result: authmodel::Result<T>) -> Result<T, String> {
    result.map_err(|e| format!("rust {what}: {e}"))
}

fn found<T>(what: &str, result: Option<T>) -> Result<T, String> {
    result.ok_or_else(|| format!("{what}: not found"))
}

fn opt_json<M: Model>(model: Option<&M>) -> Result<Json, String> {
    model.map_or(Ok(Json::Null), to_json)
}

// ---- the records each phase writes ---------------------------------------------------------

const VERIFIED_MS: i64 = 1_780_000_000_123;
const EXPIRES_MS: i64 = 1_990_000_000_456;
const LATER_MS: i64 = 1_995_000_000_789;
const LATEST_MS: i64 = 1_999_000_000_012;

/// A user of phase `tag` (every field set; the email unique to the phase).
fn user(tag: &str) -> Json {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "name": format!("User {tag}"),
        "email": format!("{tag}@example.com"),
        "emailVerified": date(VERIFIED_MS),
        "image": format!("https://example.com/{tag}.png"),
    })
}

/// An account of `user_id` with every OAuth field (short enough for the layouts that store
/// them in `VARCHAR(255)`).
fn account(tag: &str, user_id: &str) -> Json {
    json!({
        "userId": user_id,
        "type": "oidc",
        "provider": "github",
        "providerAccountId": format!("gh-{tag}"),
        "refresh_token": format!("ghr_{tag}"),
        "access_token": format!("gho_{tag}"),
        "expires_at": 1_990_000_000_i64,
        "token_type": "bearer",
        "scope": "openid email profile",
        "id_token": format!("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ{tag}In0.c2lnbmF0dXJl"),
        "session_state": format!("state-{tag}"),
    })
}

fn key(account: &Json) -> (String, String) {
    let field = |name: &str| account[name].as_str().unwrap_or_default().to_owned();
    (field("provider"), field("providerAccountId"))
}

fn session(tag: &str, user_id: &str) -> Json {
    json!({ "sessionToken": format!("session-{tag}"), "userId": user_id, "expires": date(EXPIRES_MS) })
}

fn verification_token(tag: &str) -> Json {
    json!({ "identifier": format!("{tag}@example.com"), "token": format!("token-{tag}"), "expires": date(EXPIRES_MS) })
}

fn authenticator(tag: &str, user_id: &str) -> Json {
    json!({
        "credentialID": format!("cred-{tag}"),
        "userId": user_id,
        "providerAccountId": format!("webauthn-{tag}"),
        "credentialPublicKey": format!("pk-{tag}"),
        "counter": 1,
        "credentialDeviceType": "singleDevice",
        "credentialBackedUp": false,
        "transports": "usb,nfc",
    })
}

// ---- the phases ----------------------------------------------------------------------------

/// Both adapters on one database, and what the layout has.
struct Sides<S: Schema> {
    rust: SqlAdapter<S>,
    node: Node,
    /// Whether both sides have authenticators (the table, and the adapter's methods).
    webauthn: bool,
    /// Whether the tables keep session and token expiry to the second only.
    expires_in_seconds: bool,
}

impl<S: Schema> Sides<S> {
    /// [`same`], with the instants of `expires` as the layout stores them (see
    /// [`Case::expires_in_seconds`]).
    fn same(&self, what: &str, expected: &Json, actual: &Json) -> Result<(), String> {
        let mut expected = expected.clone();
        if self.expires_in_seconds
            && let Some(ms) = expected["expires"]["$date"]
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.timestamp_millis())
        {
            expected["expires"] = date(ms - ms.rem_euclid(1000));
        }
        same(what, &expected, actual)
    }

    /// Node writes a user and what hangs off it; returns (user with its id, account,
    /// session, authenticator).
    fn node_writes(&mut self, tag: &str) -> Result<(Json, Json, Json, Option<Json>), String> {
        let mut written = user(tag);
        let created = self.node.call("createUser", json!([written.clone()]))?;
        written["id"] = created.get("id").cloned().unwrap_or(Json::Null);
        let user_id = id_string(&written["id"])?;
        self.same("node createUser's answer", &written, &created)?;
        let account = account(tag, &user_id);
        self.node.call("linkAccount", json!([account.clone()]))?;
        let session = session(tag, &user_id);
        self.node.call("createSession", json!([session.clone()]))?;
        let authenticator = if self.webauthn {
            let authenticator = authenticator(tag, &user_id);
            self.node
                .call("createAuthenticator", json!([authenticator.clone()]))?;
            Some(authenticator)
        } else {
            None
        };
        Ok((written, account, session, authenticator))
    }

    /// Rust writes the same.
    async fn rust_writes(&mut self, tag: &str) -> Result<(Json, Json, Json, Option<Json>), String> {
        let mut written = user(tag);
        // The id is the adapter's to choose (a UUID, or the database's SERIAL).
        if let Some(fields) = written.as_object_mut() {
            fields.remove("id");
        }
        let created = rust(
            "create_user",
            self.rust.create_user(from_json(&written)?).await,
        )?;
        let created = to_json(&created)?;
        written["id"] = created["id"].clone();
        let user_id = id_string(&written["id"])?;
        let account = account(tag, &user_id);
        rust(
            "link_account",
            self.rust.link_account(from_json(&account)?).await,
        )?;
        let session = session(tag, &user_id);
        rust(
            "create_session",
            self.rust.create_session(from_json(&session)?).await,
        )?;
        let authenticator = if self.webauthn {
            let authenticator = authenticator(tag, &user_id);
            rust(
                "create_authenticator",
                self.rust
                    .create_authenticator(from_json(&authenticator)?)
                    .await,
            )?;
            Some(authenticator)
        } else {
            None
        };
        Ok((written, account, session, authenticator))
    }

    /// Rust reads the user, account, session and authenticator field by field.
    async fn rust_reads(
        &self,
        user: &Json,
        account: &Json,
        session: &Json,
        authenticator: Option<&Json>,
    ) -> Result<(), String> {
        let user_id = id_string(&user["id"])?;
        let read = rust("get_user", self.rust.get_user(&user_id).await)?;
        self.same("rust get_user", user, &to_json(&found("get_user", read)?)?)?;
        let email = user["email"].as_str().unwrap_or_default();
        let read = rust(
            "get_user_by_email",
            self.rust.get_user_by_email(email).await,
        )?;
        self.same(
            "rust get_user_by_email",
            user,
            &to_json(&found("get_user_by_email", read)?)?,
        )?;
        let (provider, provider_account_id) = key(account);
        let key = AccountKey {
            provider: &provider,
            provider_account_id: &provider_account_id,
        };
        let read = rust(
            "get_user_by_account",
            self.rust.get_user_by_account(key).await,
        )?;
        self.same(
            "rust get_user_by_account",
            user,
            &to_json(&found("get_user_by_account", read)?)?,
        )?;
        let read = rust("get_account", self.rust.get_account(key).await)?;
        self.same(
            "rust get_account",
            account,
            &to_json(&found("get_account", read)?)?,
        )?;
        let token = session["sessionToken"].as_str().unwrap_or_default();
        let read = rust(
            "get_session_and_user",
            self.rust.get_session_and_user(token).await,
        )?;
        let (read_session, read_user) = found("get_session_and_user", read)?;
        self.same(
            "rust get_session_and_user (session)",
            session,
            &to_json(&read_session)?,
        )?;
        self.same(
            "rust get_session_and_user (user)",
            user,
            &to_json(&read_user)?,
        )?;
        if let Some(authenticator) = authenticator {
            let credential = authenticator["credentialID"].as_str().unwrap_or_default();
            let read = rust(
                "get_authenticator",
                self.rust.get_authenticator(credential).await,
            )?;
            self.same(
                "rust get_authenticator",
                authenticator,
                &to_json(&found("get_authenticator", read)?)?,
            )?;
            let list = rust(
                "list_authenticators_by_user_id",
                self.rust.list_authenticators_by_user_id(&user_id).await,
            )?;
            match list.as_slice() {
                [one] => self.same(
                    "rust list_authenticators_by_user_id",
                    authenticator,
                    &to_json(one)?,
                )?,
                other => {
                    return Err(format!(
                        "rust list_authenticators_by_user_id: {} authenticators, not 1",
                        other.len()
                    ));
                }
            }
        }
        Ok(())
    }

    /// Node reads the same.
    fn node_reads(
        &mut self,
        user: &Json,
        account: &Json,
        session: &Json,
        authenticator: Option<&Json>,
    ) -> Result<(), String> {
        let user_id = id_string(&user["id"])?;
        let read = self.node.call("getUser", json!([user_id]))?;
        self.same("node getUser", user, &read)?;
        let read = self.node.call("getUserByEmail", json!([user["email"]]))?;
        self.same("node getUserByEmail", user, &read)?;
        let (provider, provider_account_id) = key(account);
        let account_key = json!({ "provider": provider, "providerAccountId": provider_account_id });
        let read = self.node.call("getUserByAccount", json!([account_key]))?;
        self.same("node getUserByAccount", user, &read)?;
        if self.node.has("getAccount") {
            let read = self
                .node
                .call("getAccount", json!([provider_account_id, provider]))?;
            self.same("node getAccount", account, &read)?;
        }
        let read = self
            .node
            .call("getSessionAndUser", json!([session["sessionToken"]]))?;
        self.same(
            "node getSessionAndUser (session)",
            session,
            &read["session"],
        )?;
        self.same("node getSessionAndUser (user)", user, &read["user"])?;
        if let Some(authenticator) = authenticator {
            let credential = &authenticator["credentialID"];
            let read = self.node.call("getAuthenticator", json!([credential]))?;
            self.same("node getAuthenticator", authenticator, &read)?;
            let read = self
                .node
                .call("listAuthenticatorsByUserId", json!([user_id]))?;
            match read.as_array().map(Vec::as_slice) {
                Some([one]) => self.same("node listAuthenticatorsByUserId", authenticator, one)?,
                _ => {
                    return Err(format!(
                        "node listAuthenticatorsByUserId: {read}, not one authenticator"
                    ));
                }
            }
        }
        Ok(())
    }

    /// node→rust: Node writes, Rust reads; Rust uses Node's verification token.
    async fn node_to_rust(&mut self) -> Result<(), String> {
        let (user, account, session, authenticator) = self.node_writes("n2r")?;
        let token = verification_token("n2r");
        self.node.call("createVerificationToken", json!([token]))?;
        self.rust_reads(&user, &account, &session, authenticator.as_ref())
            .await?;
        let identifier = token["identifier"].as_str().unwrap_or_default();
        let value = token["token"].as_str().unwrap_or_default();
        let used = rust(
            "use_verification_token",
            self.rust.use_verification_token(identifier, value).await,
        )?;
        self.same(
            "rust use_verification_token",
            &token,
            &to_json(&found("use_verification_token", used)?)?,
        )?;
        let again = self.node.call(
            "useVerificationToken",
            json!([{ "identifier": identifier, "token": value }]),
        )?;
        absent("node useVerificationToken after rust used it", &again)
    }

    /// rust→node: Rust writes, Node reads; Node uses Rust's verification token.
    async fn rust_to_node(&mut self) -> Result<(), String> {
        let (user, account, session, authenticator) = self.rust_writes("r2n").await?;
        let token = verification_token("r2n");
        rust(
            "create_verification_token",
            self.rust
                .create_verification_token(from_json(&token)?)
                .await,
        )?;
        self.node_reads(&user, &account, &session, authenticator.as_ref())?;
        let identifier = token["identifier"].as_str().unwrap_or_default();
        let value = token["token"].as_str().unwrap_or_default();
        let used = self.node.call(
            "useVerificationToken",
            json!([{ "identifier": identifier, "token": value }]),
        )?;
        self.same("node useVerificationToken", &token, &used)?;
        let again = rust(
            "use_verification_token",
            self.rust.use_verification_token(identifier, value).await,
        )?;
        absent(
            "rust use_verification_token after node used it",
            &opt_json(again.as_ref())?,
        )
    }

    /// updates by node: Rust writes, Node updates, Rust reads.
    async fn updates_by_node(&mut self) -> Result<(), String> {
        let (mut user, _account, mut session, authenticator) = self.rust_writes("upn").await?;
        let changes = json!({ "name": "Renamed by Node", "emailVerified": date(LATER_MS) });
        let mut update = changes.clone();
        update["id"] = user["id"].clone();
        let answer = self.node.call("updateUser", json!([update]))?;
        merge(&mut user, &changes);
        self.same("node updateUser's answer", &user, &answer)?;
        let user_id = id_string(&user["id"])?;
        let read = rust("get_user", self.rust.get_user(&user_id).await)?;
        self.same(
            "rust get_user after node updateUser",
            &user,
            &to_json(&found("get_user", read)?)?,
        )?;

        let changes = json!({ "expires": date(LATER_MS) });
        let mut update = changes.clone();
        update["sessionToken"] = session["sessionToken"].clone();
        self.node.call("updateSession", json!([update]))?;
        merge(&mut session, &changes);
        let token = session["sessionToken"].as_str().unwrap_or_default();
        let read = rust(
            "get_session_and_user",
            self.rust.get_session_and_user(token).await,
        )?;
        let (read, _) = found("get_session_and_user", read)?;
        self.same(
            "rust get_session_and_user after node updateSession",
            &session,
            &to_json(&read)?,
        )?;

        if let Some(mut authenticator) = authenticator {
            let credential = authenticator["credentialID"].clone();
            self.node
                .call("updateAuthenticatorCounter", json!([credential, 5]))?;
            authenticator["counter"] = json!(5);
            let read = rust(
                "get_authenticator",
                self.rust
                    .get_authenticator(credential.as_str().unwrap_or_default())
                    .await,
            )?;
            self.same(
                "rust get_authenticator after node updateAuthenticatorCounter",
                &authenticator,
                &to_json(&found("get_authenticator", read)?)?,
            )?;
        }
        Ok(())
    }

    /// updates by rust: Node writes, Rust updates, Node reads.
    async fn updates_by_rust(&mut self) -> Result<(), String> {
        let (mut user, _account, mut session, authenticator) = self.node_writes("upr")?;
        let user_id = id_string(&user["id"])?;
        let changes = json!({ "name": "Renamed by Rust", "image": "https://example.com/new.png" });
        rust(
            "update_user",
            self.rust
                .update_user(&user_id, patch::<S::User>(&changes)?)
                .await,
        )?;
        merge(&mut user, &changes);
        let read = self.node.call("getUser", json!([user_id]))?;
        self.same("node getUser after rust update_user", &user, &read)?;

        let changes = json!({ "expires": date(LATEST_MS) });
        let token = session["sessionToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let updated = rust(
            "update_session",
            self.rust
                .update_session(&token, patch::<S::Session>(&changes)?)
                .await,
        )?;
        found("rust update_session (the session Node created)", updated)?;
        merge(&mut session, &changes);
        let read = self.node.call("getSessionAndUser", json!([token]))?;
        self.same(
            "node getSessionAndUser after rust update_session",
            &session,
            &read["session"],
        )?;

        if let Some(mut authenticator) = authenticator {
            let credential = authenticator["credentialID"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            rust(
                "update_authenticator_counter",
                self.rust.update_authenticator_counter(&credential, 9).await,
            )?;
            authenticator["counter"] = json!(9);
            let read = self.node.call("getAuthenticator", json!([credential]))?;
            self.same(
                "node getAuthenticator after rust update_authenticator_counter",
                &authenticator,
                &read,
            )?;
        }
        Ok(())
    }

    /// deletes by node: Rust writes, Node unlinks, deletes a session, deletes the user; Rust
    /// finds nothing of the user left.
    async fn deletes_by_node(&mut self) -> Result<(), String> {
        let (user, account, session, authenticator) = self.rust_writes("deln").await?;
        let user_id = id_string(&user["id"])?;
        let second_account = if one_account_per_user::<S>() {
            // The layout holds one account per user: the unlink is of that one.
            account.clone()
        } else {
            let second_account = self::account("deln2", &user_id);
            rust(
                "link_account",
                self.rust.link_account(from_json(&second_account)?).await,
            )?;
            second_account
        };
        let second_session = self::session("deln2", &user_id);
        rust(
            "create_session",
            self.rust.create_session(from_json(&second_session)?).await,
        )?;

        let (provider, provider_account_id) = key(&second_account);
        let node_key = json!({ "provider": provider, "providerAccountId": provider_account_id });
        self.node.call("unlinkAccount", json!([node_key]))?;
        let rust_key = AccountKey {
            provider: &provider,
            provider_account_id: &provider_account_id,
        };
        let read = rust("get_account", self.rust.get_account(rust_key).await)?;
        absent(
            "rust get_account after node unlinkAccount",
            &opt_json(read.as_ref())?,
        )?;
        self.node
            .call("deleteSession", json!([second_session["sessionToken"]]))?;
        let token = second_session["sessionToken"].as_str().unwrap_or_default();
        let read = rust(
            "get_session_and_user",
            self.rust.get_session_and_user(token).await,
        )?;
        absent(
            "rust get_session_and_user after node deleteSession",
            &opt_json(read.as_ref().map(|(s, _)| s))?,
        )?;

        if restricts_deletes::<S>() {
            // The user's first session (and account) still reference it: the delete fails and
            // leaves every row; the app removes them first, then the user.
            if let Ok(answer) = self.node.call("deleteUser", json!([user_id])) {
                return Err(format!(
                    "node deleteUser of a user with a session succeeded ({answer}): the foreign \
                     keys do not restrict deletes"
                ));
            }
            let read = rust("get_user", self.rust.get_user(&user_id).await)?;
            found("rust get_user after a refused node deleteUser", read)?;
            let token = session["sessionToken"].as_str().unwrap_or_default();
            let read = rust(
                "get_session_and_user",
                self.rust.get_session_and_user(token).await,
            )?;
            found(
                "rust get_session_and_user after a refused node deleteUser",
                read,
            )?;
            if !one_account_per_user::<S>() {
                let (provider, provider_account_id) = key(&account);
                let node_key =
                    json!({ "provider": provider, "providerAccountId": provider_account_id });
                self.node.call("unlinkAccount", json!([node_key]))?;
            }
            self.node
                .call("deleteSession", json!([session["sessionToken"]]))?;
        }
        self.node.call("deleteUser", json!([user_id]))?;
        self.rust_finds_none(&user_id, &account, &session, authenticator.as_ref())
            .await
    }

    async fn rust_finds_none(
        &self,
        user_id: &str,
        account: &Json,
        session: &Json,
        authenticator: Option<&Json>,
    ) -> Result<(), String> {
        let read = rust("get_user", self.rust.get_user(user_id).await)?;
        absent("rust get_user after deleteUser", &opt_json(read.as_ref())?)?;
        let (provider, provider_account_id) = key(account);
        let key = AccountKey {
            provider: &provider,
            provider_account_id: &provider_account_id,
        };
        let read = rust("get_account", self.rust.get_account(key).await)?;
        absent(
            "rust get_account after deleteUser (an orphan account)",
            &opt_json(read.as_ref())?,
        )?;
        let token = session["sessionToken"].as_str().unwrap_or_default();
        let read = rust(
            "get_session_and_user",
            self.rust.get_session_and_user(token).await,
        )?;
        absent(
            "rust get_session_and_user after deleteUser",
            &opt_json(read.as_ref().map(|(s, _)| s))?,
        )?;
        if let Some(authenticator) = authenticator {
            let credential = authenticator["credentialID"].as_str().unwrap_or_default();
            let read = rust(
                "get_authenticator",
                self.rust.get_authenticator(credential).await,
            )?;
            absent(
                "rust get_authenticator after deleteUser (an orphan authenticator)",
                &opt_json(read.as_ref())?,
            )?;
            let list = rust(
                "list_authenticators_by_user_id",
                self.rust.list_authenticators_by_user_id(user_id).await,
            )?;
            if !list.is_empty() {
                return Err(format!(
                    "rust list_authenticators_by_user_id after deleteUser: {} orphans",
                    list.len()
                ));
            }
        }
        Ok(())
    }

    /// deletes by rust: Node writes, Rust unlinks, deletes a session, deletes the user; Node
    /// finds nothing of the user left.
    async fn deletes_by_rust(&mut self) -> Result<(), String> {
        let (user, account, session, authenticator) = self.node_writes("delr")?;
        let user_id = id_string(&user["id"])?;
        let second_account = if one_account_per_user::<S>() {
            // The layout holds one account per user: the unlink is of that one.
            account.clone()
        } else {
            let second_account = self::account("delr2", &user_id);
            self.node.call("linkAccount", json!([second_account]))?;
            second_account
        };
        let second_session = self::session("delr2", &user_id);
        self.node.call("createSession", json!([second_session]))?;

        let (provider, provider_account_id) = key(&second_account);
        let rust_key = AccountKey {
            provider: &provider,
            provider_account_id: &provider_account_id,
        };
        let unlinked = rust("unlink_account", self.rust.unlink_account(rust_key).await)?;
        found("rust unlink_account (the account Node linked)", unlinked)?;
        let node_key = json!({ "provider": provider, "providerAccountId": provider_account_id });
        let read = self.node.call("getUserByAccount", json!([node_key]))?;
        absent("node getUserByAccount after rust unlink_account", &read)?;
        let token = second_session["sessionToken"].as_str().unwrap_or_default();
        let deleted = rust("delete_session", self.rust.delete_session(token).await)?;
        found("rust delete_session (the session Node created)", deleted)?;
        let read = self.node.call("getSessionAndUser", json!([token]))?;
        absent("node getSessionAndUser after rust delete_session", &read)?;

        if restricts_deletes::<S>() {
            // As in deletes by node: refused while the first session references the user.
            if let Ok(deleted) = self.rust.delete_user(&user_id).await {
                return Err(format!(
                    "rust delete_user of a user with a session answered {:?}, not an error: \
                     the foreign keys do not restrict deletes",
                    deleted.is_some()
                ));
            }
            let read = self.node.call("getUser", json!([user_id]))?;
            if read.is_null() {
                return Err("node getUser after a refused rust delete_user: gone".to_owned());
            }
            let token = session["sessionToken"].as_str().unwrap_or_default();
            let read = self.node.call("getSessionAndUser", json!([token]))?;
            if read.is_null() {
                return Err("node getSessionAndUser after a refused rust delete_user: gone".into());
            }
            if !one_account_per_user::<S>() {
                let (provider, provider_account_id) = key(&account);
                let rust_key = AccountKey {
                    provider: &provider,
                    provider_account_id: &provider_account_id,
                };
                rust("unlink_account", self.rust.unlink_account(rust_key).await)?;
            }
            rust("delete_session", self.rust.delete_session(token).await)?;
        }
        let deleted = rust("delete_user", self.rust.delete_user(&user_id).await)?;
        found("rust delete_user (the user Node created)", deleted)?;
        let read = self.node.call("getUser", json!([user_id]))?;
        absent("node getUser after rust delete_user", &read)?;
        let (provider, provider_account_id) = key(&account);
        let node_key = json!({ "provider": provider, "providerAccountId": provider_account_id });
        let read = self.node.call("getUserByAccount", json!([node_key]))?;
        absent("node getUserByAccount after rust delete_user", &read)?;
        if self.node.has("getAccount") {
            let read = self
                .node
                .call("getAccount", json!([provider_account_id, provider]))?;
            absent(
                "node getAccount after rust delete_user (an orphan account)",
                &read,
            )?;
        }
        let read = self
            .node
            .call("getSessionAndUser", json!([session["sessionToken"]]))?;
        absent("node getSessionAndUser after rust delete_user", &read)?;
        if let Some(authenticator) = authenticator {
            let read = self
                .node
                .call("getAuthenticator", json!([authenticator["credentialID"]]))?;
            absent(
                "node getAuthenticator after rust delete_user (an orphan authenticator)",
                &read,
            )?;
            let read = self
                .node
                .call("listAuthenticatorsByUserId", json!([user_id]))?;
            absent(
                "node listAuthenticatorsByUserId after rust delete_user",
                &read,
            )?;
        }
        Ok(())
    }
}

/// Whether the layout's accounts or sessions keep their user from being deleted (`ON DELETE
/// RESTRICT`: the docs' Prisma schema for MySQL). The delete phases then prove the refusal,
/// remove those rows, and delete the user.
fn restricts_deletes<S: Schema>() -> bool {
    [<S::Account as Model>::TABLE, <S::Session as Model>::TABLE]
        .iter()
        .any(|t| t.foreign_key().is_some() && t.keys.on_delete == OnDelete::Restrict)
}

/// Whether the layout holds one account per user (a unique key on the account's `userId`
/// alone: the docs' Prisma schema for MySQL). The delete phases then unlink that account
/// instead of a second one.
fn one_account_per_user<S: Schema>() -> bool {
    let accounts: &'static Table = <S::Account as Model>::TABLE;
    accounts.unique_keys().iter().any(|key| {
        matches!(key.columns.as_slice(), [column] if column.role == Some(RoleField::AccountUserId))
    })
}

/// `changes`' fields written over `record`'s.
fn merge(record: &mut Json, changes: &Json) {
    if let (Some(record), Some(changes)) = (record.as_object_mut(), changes.as_object()) {
        for (name, value) in changes {
            record.insert(name.clone(), value.clone());
        }
    }
}

/// Runs every phase of `case` with compat schema `S`; panics listing each phase that failed.
async fn run<S: Schema>(case: Case, webauthn: bool) {
    if !node_ready() {
        return;
    }
    let Some((url, _dir)) = database(&case).await else {
        return;
    };
    execute(case.dialect, &url, &case_ddl::<S>(&case)).await;
    // No `synchronize`: the tables are the case's, and nothing is created or altered.
    let rust = SqlAdapter::<S>::connect(&url, Options::default())
        .await
        .unwrap_or_else(|e| panic!("{}: connect: {e}", case.label()));
    // `authmodel check`: the tables, the adapter's own or authmodel's, are the layout; what
    // they lack that the roles recommend is a note, never drift.
    let plan = authmodel::migrate::diff(&rust)
        .await
        .unwrap_or_else(|e| panic!("{}: check: {e}", case.label()));
    assert!(
        plan.is_in_sync(),
        "{}: check is not clean on these tables:\n{plan}",
        case.label()
    );
    let node = Node::spawn(&case, &url);
    let webauthn = webauthn && S::AUTHENTICATOR_TABLE && node.has("createAuthenticator");
    let mut sides = Sides {
        rust,
        node,
        webauthn,
        expires_in_seconds: case.expires_in_seconds(),
    };

    let mut failures = Vec::new();
    let mut record = |phase: &str, result: Result<(), String>| {
        if let Err(message) = result {
            failures.push(format!("  {phase}: {message}"));
        }
    };
    record("node→rust", sides.node_to_rust().await);
    record("rust→node", sides.rust_to_node().await);
    record("updates by node", sides.updates_by_node().await);
    record("updates by rust", sides.updates_by_rust().await);
    record("deletes by node", sides.deletes_by_node().await);
    record("deletes by rust", sides.deletes_by_rust().await);
    assert!(
        failures.is_empty(),
        "{}: {} of 6 phases failed:\n{}",
        case.label(),
        failures.len(),
        failures.join("\n")
    );
}

// ---- the cases -----------------------------------------------------------------------------

macro_rules! case {
    ($name:ident, $schema:ty, $layout:literal, $dialect:expr, $tables:expr, $webauthn:expr) => {
        #[tokio::test]
        async fn $name() {
            run::<$schema>(
                Case {
                    layout: $layout,
                    dialect: $dialect,
                    tables: $tables,
                },
                $webauthn,
            )
            .await;
        }
    };
}

case!(
    pg_adapter_pg_tool,
    pg::PgAdapterAuth,
    "pg-adapter",
    Dialect::Postgres,
    Tables::Tool,
    false
);
case!(
    pg_adapter_pg_authmodel,
    pg::PgAdapterAuth,
    "pg-adapter",
    Dialect::Postgres,
    Tables::Authmodel,
    false
);
case!(
    kysely_pg_tool,
    kysely::KyselyAuth,
    "kysely",
    Dialect::Postgres,
    Tables::Tool,
    false
);
case!(
    kysely_pg_authmodel,
    kysely::KyselyAuth,
    "kysely",
    Dialect::Postgres,
    Tables::Authmodel,
    false
);
case!(
    kysely_mysql_tool,
    kysely::KyselyAuth,
    "kysely",
    Dialect::MySql,
    Tables::Tool,
    false
);
case!(
    kysely_mysql_authmodel,
    kysely::KyselyAuth,
    "kysely",
    Dialect::MySql,
    Tables::Authmodel,
    false
);
case!(
    kysely_sqlite_tool,
    kysely::KyselyAuth,
    "kysely",
    Dialect::Sqlite,
    Tables::Tool,
    false
);
case!(
    kysely_sqlite_authmodel,
    kysely::KyselyAuth,
    "kysely",
    Dialect::Sqlite,
    Tables::Authmodel,
    false
);
case!(
    drizzle_pg_tool,
    drizzle::pg::DrizzlePgAuth,
    "drizzle",
    Dialect::Postgres,
    Tables::Tool,
    true
);
case!(
    drizzle_pg_authmodel,
    drizzle::pg::DrizzlePgAuth,
    "drizzle",
    Dialect::Postgres,
    Tables::Authmodel,
    true
);
case!(
    drizzle_mysql_tool,
    drizzle::mysql::DrizzleMySqlAuth,
    "drizzle",
    Dialect::MySql,
    Tables::Tool,
    true
);
case!(
    drizzle_mysql_authmodel,
    drizzle::mysql::DrizzleMySqlAuth,
    "drizzle",
    Dialect::MySql,
    Tables::Authmodel,
    true
);
case!(
    drizzle_sqlite_tool,
    drizzle::sqlite::DrizzleSqliteAuth,
    "drizzle",
    Dialect::Sqlite,
    Tables::Tool,
    true
);
case!(
    drizzle_sqlite_authmodel,
    drizzle::sqlite::DrizzleSqliteAuth,
    "drizzle",
    Dialect::Sqlite,
    Tables::Authmodel,
    true
);
case!(
    prisma_pg_tool,
    prisma::PrismaAuth,
    "prisma",
    Dialect::Postgres,
    Tables::Tool,
    true
);
case!(
    prisma_pg_authmodel,
    prisma::PrismaAuth,
    "prisma",
    Dialect::Postgres,
    Tables::Authmodel,
    true
);
case!(
    prisma_mysql_tool,
    prisma::mysql::PrismaMySqlAuth,
    "prisma",
    Dialect::MySql,
    Tables::Tool,
    true
);
case!(
    prisma_mysql_authmodel,
    prisma::mysql::PrismaMySqlAuth,
    "prisma",
    Dialect::MySql,
    Tables::Authmodel,
    true
);
case!(
    prisma_sqlite_tool,
    prisma::sqlite::PrismaSqliteAuth,
    "prisma",
    Dialect::Sqlite,
    Tables::Tool,
    true
);
case!(
    prisma_sqlite_authmodel,
    prisma::sqlite::PrismaSqliteAuth,
    "prisma",
    Dialect::Sqlite,
    Tables::Authmodel,
    true
);
