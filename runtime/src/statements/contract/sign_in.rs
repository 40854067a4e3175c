//! A sign-in with a provider account as ONE statement, where the dialect has data-modifying
//! common table expressions (PostgreSQL): the account's user signs in (a new session), or,
//! when the account is linked to nobody and nobody has the email, a new user is created with
//! the account and a session; or, when a user has the email, nothing is written and that
//! user comes back.
//!
//! Entry point: [`SignInStatement`] ([`SignInStatement::new`], [`SignInStatement::params`]).
//! One statement is one round trip and its own transaction.
//!
//! ```text
//! WITH "sign_in_linked" AS (SELECT <user> FROM "users" JOIN "accounts" ON ...
//!          WHERE "provider" = $1 AND "providerAccountId" = $2 LIMIT 1),
//!      "sign_in_taken" AS (SELECT <user> FROM "users" WHERE "email" = $3
//!          AND NOT EXISTS (SELECT 1 FROM "sign_in_linked") LIMIT 1),
//!      "sign_in_user" AS (INSERT INTO "users" (...) SELECT $4, ...
//!          WHERE NOT EXISTS (SELECT 1 FROM "sign_in_linked")
//!          AND NOT EXISTS (SELECT 1 FROM "sign_in_taken") RETURNING <every column>),
//!      "sign_in_account" AS (INSERT INTO "accounts" (...) SELECT ..., "sign_in_user"."id", ...
//!          FROM "sign_in_user"),
//!      "sign_in_session" AS (INSERT INTO "sessions" (...) SELECT ..., "sign_in_owner"."id", ...
//!          FROM (SELECT "id" FROM "sign_in_linked" UNION ALL SELECT "id" FROM "sign_in_user")
//!          AS "sign_in_owner" RETURNING <every column>)
//! SELECT 1, <linked user>, <session> FROM "sign_in_linked", "sign_in_session"
//! UNION ALL SELECT 2, <new user>, <session> FROM "sign_in_user", "sign_in_session"
//! UNION ALL SELECT 3, <user with the email>, NULL, ... FROM "sign_in_taken"
//! ```

use super::Stmt;
use super::sign_up::Part;
use crate::descriptor::{Column, ColumnType, KeyNaming, Keys, Role, Table};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::value::Value;

/// The names of the expressions: unlikely to be a table's.
const LINKED: &str = "sign_in_linked";
const TAKEN: &str = "sign_in_taken";
const USER: &str = "sign_in_user";
const ACCOUNT: &str = "sign_in_account";
const SESSION: &str = "sign_in_session";
const OWNER: &str = "sign_in_owner";

/// The row's first column: which of the three happened.
pub(crate) const STATUS_LINKED: i64 = 1;
/// A new user was created.
pub(crate) const STATUS_NEW: i64 = 2;
/// A user has the email; nothing was written.
pub(crate) const STATUS_TAKEN: i64 = 3;

const STATUS_COLUMNS: &[Column] = &[Column {
    name: "sign_in_status",
    field: "sign_in_status",
    ty: ColumnType::Int64,
    nullable: false,
    role: None,
    primary_key: false,
    id: None,
    unique: false,
    indexed: false,
    max_len: None,
    default: None,
    stamp: None,
}];

/// The shape of the status column, as the row's first "table": no table of any schema.
pub(crate) static STATUS: Table = Table {
    name: "sign_in_status",
    type_name: "sign_in_status",
    role: Role::User,
    columns: STATUS_COLUMNS,
    key_naming: KeyNaming::Postgres,
    keys: Keys::DERIVED,
};

/// The one-statement sign-in with a provider account of one schema.
#[derive(Debug)]
pub(crate) struct SignInStatement {
    /// The statement; its row is the status ([`STATUS_LINKED`], [`STATUS_NEW`],
    /// [`STATUS_TAKEN`]), the user's columns, then the session's (all `NULL` when taken),
    /// each in descriptor order. No row: nothing matched and nothing was inserted, which
    /// the guards make impossible.
    pub stmt: Stmt,
    /// Per referencing table (the account, then the session): the position among its
    /// INSERT's parameters of the user column, which the statement fills itself.
    user_params: [usize; 2],
}

/// The pieces of the lookups: the columns they compare.
pub(crate) struct SignInLookups {
    /// `users.id`.
    pub user_id: &'static Column,
    /// `users.email`.
    pub user_email: &'static Column,
    /// `accounts.provider`.
    pub provider: &'static Column,
    /// `accounts.provider_account_id`.
    pub provider_account_id: &'static Column,
}

impl SignInStatement {
    /// The statement for `users`, `accounts` and `sessions` on `dialect`.
    pub(crate) fn new(
        dialect: Dialect,
        users: &'static Table,
        accounts: &'static Table,
        sessions: &'static Table,
        lookups: &SignInLookups,
    ) -> Result<SignInStatement> {
        let quote = |name: &str| dialect.quote(name);
        let qualified = |expression: &str, table: &'static Table| -> Vec<String> {
            table
                .columns
                .iter()
                .map(|c| format!("{}.{}", quote(expression), quote(c.name)))
                .collect()
        };
        let account_user = accounts
            .references_user()
            .ok_or_else(|| Error::Schema(format!("`{}` has no user column", accounts.type_name)))?;
        let mut columns: Vec<&'static Column> = vec![lookups.provider, lookups.provider_account_id];
        let user_cols: Vec<String> = users
            .columns
            .iter()
            .map(|c| format!("{}.{}", quote(users.name), quote(c.name)))
            .collect();
        let linked = format!(
            "{} AS (SELECT {} FROM {} INNER JOIN {} ON {}.{} = {}.{} WHERE {}.{} = {} AND {}.{} = {} LIMIT 1)",
            quote(LINKED),
            user_cols.join(", "),
            quote(users.name),
            quote(accounts.name),
            quote(accounts.name),
            quote(account_user.name),
            quote(users.name),
            quote(lookups.user_id.name),
            quote(accounts.name),
            quote(lookups.provider.name),
            dialect.placeholder(1),
            quote(accounts.name),
            quote(lookups.provider_account_id.name),
            dialect.placeholder(2),
        );
        columns.push(lookups.user_email);
        let nothing_linked = format!("NOT EXISTS (SELECT 1 FROM {})", quote(LINKED));
        let taken = format!(
            "{} AS (SELECT {} FROM {} WHERE {}.{} = {} AND {nothing_linked} LIMIT 1)",
            quote(TAKEN),
            user_cols.join(", "),
            quote(users.name),
            quote(users.name),
            quote(lookups.user_email.name),
            dialect.placeholder(3),
        );
        let mut expressions = vec![linked, taken];
        let parts = [
            (USER, Part::new(users, false)?, String::new()),
            (ACCOUNT, Part::new(accounts, true)?, quote(USER)),
            (
                SESSION,
                Part::new(sessions, true)?,
                format!(
                    "(SELECT {id} FROM {} UNION ALL SELECT {id} FROM {}) AS {}",
                    quote(LINKED),
                    quote(USER),
                    quote(OWNER),
                    id = quote(lookups.user_id.name),
                ),
            ),
        ];
        let mut user_params = Vec::with_capacity(2);
        for (name, part, source) in &parts {
            let mut values = Vec::with_capacity(part.inserted.len());
            for (at, column) in part.inserted.iter().enumerate() {
                if Some(at) == part.user_column {
                    let owner = if *name == SESSION { OWNER } else { USER };
                    values.push(format!("{}.{}", quote(owner), quote(lookups.user_id.name)));
                } else {
                    columns.push(column);
                    values.push(dialect.placeholder(columns.len()));
                }
            }
            let names: Vec<String> = part.inserted.iter().map(|c| quote(c.name)).collect();
            let select = match part.user_column {
                None => format!(
                    "SELECT {} WHERE {nothing_linked} AND NOT EXISTS (SELECT 1 FROM {})",
                    values.join(", "),
                    quote(TAKEN)
                ),
                Some(at) => {
                    user_params.push(at);
                    format!("SELECT {} FROM {source}", values.join(", "))
                }
            };
            let returning = if *name == ACCOUNT {
                String::new()
            } else {
                let all: Vec<String> = part.table.columns.iter().map(|c| quote(c.name)).collect();
                format!(" RETURNING {}", all.join(", "))
            };
            expressions.push(format!(
                "{} AS (INSERT INTO {} ({}) {select}{returning})",
                quote(name),
                quote(part.table.name),
                names.join(", "),
            ));
        }
        let session_cols = qualified(SESSION, sessions);
        let nulls = vec!["NULL"; sessions.columns.len()];
        let sql = format!(
            "WITH {} \
             SELECT CAST({STATUS_LINKED} AS BIGINT), {}, {} FROM {}, {} \
             UNION ALL SELECT CAST({STATUS_NEW} AS BIGINT), {}, {} FROM {}, {} \
             UNION ALL SELECT CAST({STATUS_TAKEN} AS BIGINT), {}, {} FROM {}",
            expressions.join(", "),
            qualified(LINKED, users).join(", "),
            session_cols.join(", "),
            quote(LINKED),
            quote(SESSION),
            qualified(USER, users).join(", "),
            session_cols.join(", "),
            quote(USER),
            quote(SESSION),
            qualified(TAKEN, users).join(", "),
            nulls.join(", "),
            quote(TAKEN),
        );
        let user_params = match user_params.as_slice() {
            [account, session] => [*account, *session],
            _ => {
                return Err(Error::Schema(
                    "a sign-in needs the account's and the session's user columns".into(),
                ));
            }
        };
        Ok(SignInStatement {
            stmt: Stmt {
                sql: sql.into_boxed_str(),
                columns: columns.into_boxed_slice(),
            },
            user_params,
        })
    }

    /// The statement's parameters: the account's key (provider, provider account id), the
    /// email looked up, then each table's INSERT parameters
    /// ([`Insert::params`](super::Insert::params)): the user's, the account's and the
    /// session's, the last two without their user column.
    pub(crate) fn params(
        &self,
        key: [Value; 2],
        email: Value,
        user: Vec<Value>,
        account: Vec<Value>,
        session: Vec<Value>,
    ) -> Result<Vec<Value>> {
        let mut params = Vec::with_capacity(self.stmt.columns.len());
        params.extend(key);
        params.push(email);
        params.extend(user);
        for (mut values, at) in [account, session].into_iter().zip(self.user_params) {
            if at >= values.len() {
                return Err(Error::InvalidInput(
                    "a sign-in row has fewer values than columns".into(),
                ));
            }
            values.remove(at);
            params.extend(values);
        }
        if params.len() != self.stmt.columns.len() {
            return Err(Error::InvalidInput(format!(
                "a sign-in gave {} values for {} parameters",
                params.len(),
                self.stmt.columns.len()
            )));
        }
        Ok(params)
    }
}
