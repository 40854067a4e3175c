//! `SqlAdapter::raw_query`: hand-written SQL on the connection asked for, rows with their
//! column names and values decoded by the database's own column types, on SQLite (a file:
//! the writer and a read connection; and memory), PostgreSQL and MariaDB.
//!
//! Each backend: a `SELECT *` of every default table (one row each, written through the
//! contract) and of expressions of the types the tables lack; `INSERT ... RETURNING` on the
//! writer; DDL (no rows). SQLite: `PRAGMA wal_checkpoint(TRUNCATE)` and its three columns, a
//! write refused on the reader with a message naming the writer. PostgreSQL: a type without a
//! reading (`point`) is a clear `Unsupported` error naming the column, never a panic. Server
//! runs skip loudly (fail under `CI=true`) when the run has no such server.

mod common;

use authmodel::models::{Account, Authenticator, Session, User, VerificationToken};
use authmodel::schema::ColumnType;
use authmodel::sql::{Options, RawConnection, RawRow, SqlAdapter};
use authmodel::{Adapter, DefaultSchema, Dialect, Error, Schema, Value};
use chrono::{TimeZone, Utc};
use common::Server;

type Auth = SqlAdapter<DefaultSchema>;

async fn query(auth: &Auth, on: RawConnection, sql: &str, params: Vec<Value>) -> Vec<RawRow> {
    auth.raw_query(on, sql, params)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Writes one row of each default table through the contract.
async fn fill(auth: &Auth) {
    let mut user = User::new("raw@example.com");
    user.email_verified = Some(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap());
    let user = auth.create_user(user).await.unwrap();
    let mut account = Account::new(user.id, "oauth", "github", "42");
    account.expires_at = Some(1_700_000_000);
    auth.link_account(account).await.unwrap();
    let expires = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    auth.create_session(Session::new(user.id, "raw-token", expires))
        .await
        .unwrap();
    auth.create_verification_token(VerificationToken::new("raw@example.com", "hash", expires))
        .await
        .unwrap();
    auth.create_authenticator(Authenticator {
        credential_id: "cred".into(),
        user_id: user.id,
        provider_account_id: "pa".into(),
        credential_public_key: "key".into(),
        counter: 7,
        credential_device_type: "singleDevice".into(),
        credential_backed_up: true,
        transports: None,
    })
    .await
    .unwrap();
}

/// Whether `value` is what `dialect` stores a column of type `ty` as, read by the database's
/// own type.
fn expected(dialect: Dialect, ty: ColumnType, value: &Value) -> bool {
    use ColumnType as T;
    use Dialect as D;
    match (value, ty, dialect) {
        (Value::Null, _, _) => true,
        (Value::Text(_), T::Text, _) => true,
        (Value::Uuid(_), T::Uuid, D::Postgres) => true,
        (Value::Text(text), T::Uuid, D::Sqlite | D::MySql) => uuid::Uuid::try_parse(text).is_ok(),
        (Value::Timestamp(_), T::Timestamp, D::Postgres | D::MySql) => true,
        (Value::Text(text), T::Timestamp, D::Sqlite) => text.ends_with('Z'),
        (Value::Int(_), T::Int32 | T::Int64 | T::EpochMillis, _) => true,
        (Value::Bool(_), T::Bool, D::Postgres) => true,
        (Value::Int(0 | 1), T::Bool, D::Sqlite | D::MySql) => true,
        (Value::Float(_), T::Float64, _) => true,
        (Value::Json(_), T::Json, D::Postgres) => true,
        (Value::Text(_), T::Json, D::Sqlite | D::MySql) => true,
        (Value::Bytes(_), T::Bytes, _) => true,
        _ => false,
    }
}

/// Every default table, each column named and read by the database's type; every row of one
/// answer shares its names.
async fn tables_read_by_their_types(auth: &Auth, on: RawConnection) {
    for table in DefaultSchema::tables() {
        let rows = query(auth, on, &format!("SELECT * FROM {}", table.name), vec![]).await;
        assert_eq!(rows.len(), 1, "{}", table.name);
        let row = &rows[0];
        let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        assert_eq!(row.columns(), names, "{}", table.name);
        for (column, value) in table.columns.iter().zip(row.values()) {
            assert!(
                expected(auth.dialect(), column.ty, value),
                "{}.{} ({:?}) read as {value:?} on {:?}",
                table.name,
                column.name,
                column.ty,
                auth.dialect()
            );
            assert_eq!(row.get(column.name), Some(value));
        }
    }
    let users = query(auth, on, "SELECT email, email_verified FROM users", vec![]).await;
    assert_eq!(
        users[0].get("email"),
        Some(&Value::Text("raw@example.com".into()))
    );
    let verified = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    let verified = match auth.dialect() {
        Dialect::Sqlite => Value::Text("2024-01-02T03:04:05.000Z".into()),
        Dialect::Postgres | Dialect::MySql => Value::Timestamp(verified),
    };
    assert_eq!(users[0].get("email_verified"), Some(&verified));
    assert_eq!(users[0].get("nothing"), None);
}

/// [`tables_read_by_their_types`] and [`expressions`], on the writer and on a reader.
async fn read_on_writer_and_reader(auth: &Auth) {
    for on in [RawConnection::Writer, RawConnection::Reader] {
        tables_read_by_their_types(auth, on).await;
        expressions(auth, on).await;
    }
}

/// Expressions: names from their aliases, an integer, text, NULL and a bound parameter.
async fn expressions(auth: &Auth, on: RawConnection) {
    let placeholder = match auth.dialect() {
        Dialect::Postgres => "$1",
        Dialect::Sqlite | Dialect::MySql => "?",
    };
    let sql = format!("SELECT 1 AS one, 'x' AS s, NULL AS n, {placeholder} AS p");
    let rows = query(auth, on, &sql, vec![Value::Int(5)]).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].columns(), ["one", "s", "n", "p"]);
    assert_eq!(
        rows[0].clone().into_values(),
        [
            Value::Int(1),
            Value::Text("x".into()),
            Value::Null,
            Value::Int(5)
        ]
    );
}

/// `INSERT ... RETURNING` on the writer returns the row; DDL returns none.
async fn writes(auth: &Auth) {
    let placeholder = match auth.dialect() {
        Dialect::Postgres => "$1",
        Dialect::Sqlite | Dialect::MySql => "?",
    };
    let none = query(
        auth,
        RawConnection::Writer,
        "CREATE TABLE raw_notes (id INTEGER PRIMARY KEY, body VARCHAR(20))",
        vec![],
    )
    .await;
    assert!(none.is_empty());
    let sql =
        format!("INSERT INTO raw_notes (id, body) VALUES (1, {placeholder}) RETURNING id, body");
    let rows = query(
        auth,
        RawConnection::Writer,
        &sql,
        vec![Value::Text("hi".into())],
    )
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].columns(), ["id", "body"]);
    assert_eq!(rows[0].values(), [Value::Int(1), Value::Text("hi".into())]);
    let read = query(
        auth,
        RawConnection::Reader,
        "SELECT body FROM raw_notes",
        vec![],
    )
    .await;
    assert_eq!(read[0].values(), [Value::Text("hi".into())]);
}

async fn sqlite(url: &str) -> Auth {
    SqlAdapter::connect(url, Options::default().synchronize(true))
        .await
        .unwrap()
}

#[tokio::test]
async fn sqlite_file_reads_rows_by_storage_class_on_writer_and_reader() {
    let dir = tempfile::tempdir().unwrap();
    let auth = sqlite(&format!("sqlite://{}", dir.path().join("raw.db").display())).await;
    fill(&auth).await;
    for on in [RawConnection::Writer, RawConnection::Reader] {
        tables_read_by_their_types(&auth, on).await;
        expressions(&auth, on).await;
        let kinds = query(
            &auth,
            on,
            "SELECT 1.5 AS f, x'0102' AS b, 'é' AS t, typeof(NULL) AS ty",
            vec![],
        )
        .await;
        assert_eq!(
            kinds[0].values(),
            [
                Value::Float(1.5),
                Value::Bytes(vec![1, 2]),
                Value::Text("é".into()),
                Value::Text("null".into())
            ]
        );
    }
    writes(&auth).await;
}

#[tokio::test]
async fn sqlite_checkpoint_returns_its_three_columns() {
    let dir = tempfile::tempdir().unwrap();
    let auth = sqlite(&format!("sqlite://{}", dir.path().join("raw.db").display())).await;
    fill(&auth).await;
    let rows = query(
        &auth,
        RawConnection::Writer,
        "PRAGMA wal_checkpoint(TRUNCATE)",
        vec![],
    )
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].columns(), ["busy", "log", "checkpointed"]);
    assert_eq!(rows[0].get("busy"), Some(&Value::Int(0)));
    assert!(matches!(rows[0].get("log"), Some(Value::Int(_))));
    let version = query(&auth, RawConnection::Writer, "PRAGMA user_version", vec![]).await;
    assert_eq!(version[0].values(), [Value::Int(0)]);
}

#[tokio::test]
async fn sqlite_reader_refuses_a_write_and_names_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let file = sqlite(&format!("sqlite://{}", dir.path().join("raw.db").display())).await;
    let memory = sqlite("sqlite::memory:").await;
    for auth in [&file, &memory] {
        fill(auth).await;
        for sql in [
            "DELETE FROM sessions",
            "UPDATE users SET name = 'x' RETURNING id",
            "CREATE TABLE nope (id INTEGER)",
        ] {
            let error = auth
                .raw_query(RawConnection::Reader, sql, vec![])
                .await
                .expect_err(sql);
            assert!(
                matches!(&error, Error::InvalidInput(m) if m.contains("RawConnection::Writer")),
                "{sql}: {error}"
            );
        }
        let left = query(
            auth,
            RawConnection::Reader,
            "SELECT count(*) AS n FROM sessions",
            vec![],
        )
        .await;
        assert_eq!(left[0].values(), [Value::Int(1)]);
        let names = query(
            auth,
            RawConnection::Reader,
            "SELECT name FROM users",
            vec![],
        )
        .await;
        assert_eq!(names[0].values(), [Value::Null]);
    }
}

#[tokio::test]
async fn sqlite_text_that_is_not_utf8_is_an_error_naming_the_column() {
    let auth = sqlite("sqlite::memory:").await;
    let error = auth
        .raw_query(
            RawConnection::Writer,
            "SELECT CAST(x'ff' AS TEXT) AS broken",
            vec![],
        )
        .await
        .expect_err("not UTF-8");
    assert!(error.to_string().contains("`broken`"), "{error}");
}

async fn server(kind: Server, label: &str) -> Option<Auth> {
    let url = common::fresh_database(kind, label).await?;
    let auth = SqlAdapter::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    fill(&auth).await;
    Some(auth)
}

#[tokio::test]
async fn postgres_reads_rows_by_column_type() {
    let Some(auth) = server(Server::Postgres, "raw").await else {
        return;
    };
    read_on_writer_and_reader(&auth).await;
    let rows = query(
        &auth,
        RawConnection::Reader,
        "SELECT true AS b, 2::int2 AS i2, 3::int4 AS i4, 1.5::float4 AS f4, 2.5::float8 AS f8, \
         -12.340::numeric AS n, 'ab'::varchar AS v, 'c'::char(2) AS c, 'nm'::name AS nm, \
         '{\"a\": 1}'::jsonb AS jb, '[1]'::json AS j, '\\x0102'::bytea AS by, \
         DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05' AS ts, \
         TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, \
         '6f1a6ac4-6b4a-4c2f-9d5e-0d4c8e6d1a10'::uuid AS u, 26::oid AS o",
        vec![],
    )
    .await;
    let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(
        rows[0].values(),
        [
            Value::Bool(true),
            Value::Int(2),
            Value::Int(3),
            Value::Float(1.5),
            Value::Float(2.5),
            Value::Text("-12.340".into()),
            Value::Text("ab".into()),
            Value::Text("c ".into()),
            Value::Text("nm".into()),
            Value::Json(serde_json::json!({"a": 1})),
            Value::Json(serde_json::json!([1])),
            Value::Bytes(vec![1, 2]),
            Value::Text("2024-01-02".into()),
            Value::Timestamp(at),
            Value::Timestamp(at),
            Value::Uuid("6f1a6ac4-6b4a-4c2f-9d5e-0d4c8e6d1a10".parse().unwrap()),
            Value::Int(26),
        ]
    );
    let error = auth
        .raw_query(RawConnection::Reader, "SELECT '(1,2)'::point AS p", vec![])
        .await
        .expect_err("point has no reading");
    assert!(
        matches!(&error, Error::Unsupported { what, .. } if what.contains("`p`") && what.contains("POINT")),
        "{error}"
    );
    query(
        &auth,
        RawConnection::Writer,
        "CREATE TYPE raw_mood AS ENUM ('calm', 'glad')",
        vec![],
    )
    .await;
    query(
        &auth,
        RawConnection::Writer,
        "CREATE DOMAIN raw_positive AS integer CHECK (VALUE > 0)",
        vec![],
    )
    .await;
    let custom = query(
        &auth,
        RawConnection::Reader,
        "SELECT 'glad'::raw_mood AS mood, 4::raw_positive AS positive",
        vec![],
    )
    .await;
    assert_eq!(
        custom[0].values(),
        [Value::Text("glad".into()), Value::Int(4)]
    );
    let cast = query(
        &auth,
        RawConnection::Reader,
        "SELECT '(1,2)'::point::text AS p",
        vec![],
    )
    .await;
    assert_eq!(cast[0].values(), [Value::Text("(1,2)".into())]);
    writes(&auth).await;
}

#[tokio::test]
async fn mariadb_reads_rows_by_column_type() {
    let Some(auth) = server(Server::MySql, "raw").await else {
        return;
    };
    read_on_writer_and_reader(&auth).await;
    let rows = query(
        &auth,
        RawConnection::Reader,
        "SELECT CAST(1.5 AS DOUBLE) AS f, CAST(-12.340 AS DECIMAL(6,3)) AS n, \
         X'0102' AS bytes, CAST('ab' AS BINARY) AS bin, DATE '2024-01-02' AS d, \
         TIMESTAMP '2024-01-02 03:04:05' AS ts, CAST(-1 AS SIGNED) AS i, \
         CAST(7 AS UNSIGNED) AS u",
        vec![],
    )
    .await;
    let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(
        rows[0].values(),
        [
            Value::Float(1.5),
            Value::Text("-12.340".into()),
            Value::Bytes(vec![1, 2]),
            Value::Bytes(b"ab".to_vec()),
            Value::Text("2024-01-02".into()),
            Value::Timestamp(at),
            Value::Int(-1),
            Value::Int(7),
        ]
    );
    // tinyint(1) stays an integer.
    let backed_up = query(
        &auth,
        RawConnection::Reader,
        "SELECT credential_backed_up FROM authenticators",
        vec![],
    )
    .await;
    assert_eq!(backed_up[0].values(), [Value::Int(1)]);
    writes(&auth).await;
}
