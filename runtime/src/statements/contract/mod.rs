//! The SQL of every contract operation, built once per dialect from the schema's descriptors.
//!
//! Entry points: [`Statements::new`] (called when an adapter connects; only the SQL text is
//! kept), [`Write`] (a write and, where the database has no `RETURNING` for it, the read that
//! gets its row back), [`Insert::params`] (a model's values as an INSERT's parameters) and
//! [`Updates::get`] (partial updates, built once per distinct set of assigned columns and
//! cached). Every statement names its columns explicitly, in descriptor order, so a row decodes
//! positionally whatever the live table's column order; parameters are bound positionally in
//! the order each field's doc gives, each typed by the column [`Stmt::columns`] names.
//!
//! Statement shapes per database ([`Returning`] says which writes have `RETURNING`):
//! SQLite and PostgreSQL end every write with `RETURNING`. sea-query's MySQL builder silently
//! drops `RETURNING`, so on MariaDB the clause is appended to the rendered INSERT and DELETE
//! (it is their last clause), and its UPDATEs, which have none, are followed by a `SELECT` by
//! key in the same transaction. MySQL 8 has no `RETURNING` at all: an INSERT is followed by
//! that `SELECT` (by `LAST_INSERT_ID()` for an autoincrement key), and a DELETE is preceded by
//! a `SELECT ... FOR UPDATE`, which locks the row so that of concurrent deletes exactly one
//! returns it.

mod sign_in;
mod sign_up;
mod write;

use sea_query::{Expr, ExprTrait, LockType, Query, QueryStatementBuilder};

use crate::descriptor::{Column, ColumnType, RoleField, Stamp, Table};
use crate::dialect::Dialect;
use crate::error::{Error, Result};

pub(crate) use self::sign_in::{
    STATUS as SIGN_IN_STATUS, STATUS_LINKED, STATUS_NEW, STATUS_TAKEN, SignInLookups,
    SignInStatement,
};
pub(crate) use self::sign_up::SignUpStatement;
pub(crate) use self::write::{Insert, Updates};

/// One statement's SQL and the columns of its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stmt {
    /// The SQL text, with the dialect's placeholders.
    pub sql: Box<str>,
    /// The column each placeholder is compared with or stored in, in order.
    pub columns: Box<[&'static Column]>,
}

/// A write that gives back the row it wrote or deleted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Write {
    /// The write; ends with `RETURNING <every column>` unless `reread` is set.
    pub stmt: Stmt,
    /// Where the database has no `RETURNING` for this write: the read that gets the row.
    pub reread: Option<RereadStmt>,
}

/// The `SELECT` by key that stands in for `RETURNING` (the adapter runs it in the write's transaction).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RereadStmt {
    /// The `SELECT`; `... FOR UPDATE` when it runs before the write.
    pub stmt: Stmt,
    /// Where each of its parameters comes from.
    pub sources: Box<[Source]>,
    /// Whether it runs before the write.
    pub before: bool,
}

/// The columns the contract's lookups go through, found once by role.
#[derive(Debug)]
pub(crate) struct Keys {
    /// `users.id`.
    pub user_id: &'static Column,
    /// `users.email`.
    pub user_email: &'static Column,
    /// `accounts.provider`.
    pub account_provider: &'static Column,
    /// `accounts.provider_account_id`.
    pub account_provider_account_id: &'static Column,
    /// `sessions.session_token`.
    pub session_token: &'static Column,
    /// `verification_tokens.identifier`.
    pub verification_identifier: &'static Column,
    /// `verification_tokens.token`.
    pub verification_token: &'static Column,
    /// `authenticators.credential_id`.
    pub authenticator_credential_id: &'static Column,
    /// `authenticators.user_id`.
    pub authenticator_user_id: &'static Column,
    /// `authenticators.counter`.
    pub authenticator_counter: &'static Column,
    /// `sessions.user_id`.
    pub session_user_id: &'static Column,
}

/// Every statement of the contract for one schema on one dialect.
#[derive(Debug)]
pub(crate) struct Statements {
    /// The lookup columns.
    pub keys: Keys,
    /// Insert a user; params: [`Insert::params`].
    pub insert_user: Insert,
    /// Insert an account; params: [`Insert::params`].
    pub insert_account: Insert,
    /// Insert a session; params: [`Insert::params`].
    pub insert_session: Insert,
    /// Insert a verification token; params: [`Insert::params`].
    pub insert_verification_token: Insert,
    /// Insert an authenticator; params: [`Insert::params`].
    pub insert_authenticator: Insert,
    /// A user's columns by id; params: id.
    pub user_by_id: Stmt,
    /// A user's columns by email; params: email.
    pub user_by_email: Stmt,
    /// A user's columns joined through their account; params: provider, provider account id.
    pub user_by_account: Stmt,
    /// Delete a user, returning it; params: id.
    pub delete_user: Write,
    /// Delete the rows of each table that references the user (accounts, sessions,
    /// authenticators); params: the user's id. A no-op where foreign keys cascade, and what
    /// keeps `delete_user` whole on tables made without them (the `@auth/pg-adapter`
    /// layout has none).
    pub delete_user_rows: Vec<(&'static Table, Stmt)>,
    /// Partial user updates; params: assigned values, then id.
    pub update_user: Updates,
    /// An account's columns; params: provider, provider account id.
    pub account: Stmt,
    /// Delete an account, returning it; params: provider, provider account id.
    pub unlink_account: Write,
    /// A session's columns by token; params: token.
    pub session_by_token: Stmt,
    /// A session's columns, then its user's, in one join; params: token.
    pub session_and_user: Stmt,
    /// Delete a session, returning it; params: token.
    pub delete_session: Write,
    /// Partial session updates; params: assigned values, then token.
    pub update_session: Updates,
    /// Delete a verification token, returning it; params: identifier, token.
    pub use_verification_token: Write,
    /// An authenticator's columns; params: credential id.
    pub authenticator: Stmt,
    /// A user's authenticators; params: user id.
    pub authenticators_by_user: Stmt,
    /// Set an authenticator's counter, returning it; params: counter, the current instant
    /// for each `#[auth(updated_at)]` column in column order, credential id.
    pub update_authenticator_counter: Write,
    /// Partial account updates; params: assigned values, then provider, provider account id.
    pub update_account: Updates,
    /// A user's sessions; params: user id.
    pub sessions_by_user: Stmt,
    /// Delete one session of one user, returning it; params: token, user id.
    pub revoke_session: Write,
    /// Delete every session of a user but one; params: user id, the token kept.
    pub revoke_other_sessions: Stmt,
    /// Delete at most a batch of sessions that expired before an instant; params: the
    /// instant, the batch size ([`BATCH`]).
    pub delete_expired_sessions: Stmt,
    /// The same for verification tokens; params: the instant, the batch size.
    pub delete_expired_verification_tokens: Stmt,
    /// A sign-up with an account in one statement, where the dialect has data-modifying
    /// CTEs; params: [`SignUpStatement::params`].
    pub sign_up_with_account: Option<SignUpStatement>,
    /// The same without an account (an email sign-up).
    pub sign_up_without_account: Option<SignUpStatement>,
    /// A sign-in with a provider account (its user's, a new user's, or none when the email
    /// is taken) in one statement, where the dialect has data-modifying CTEs; params:
    /// [`SignInStatement::params`].
    pub sign_in_with_account: Option<SignInStatement>,
}

/// The column a batch size (`LIMIT ?`) is bound as: a 64-bit integer that is no column of
/// any table.
pub(crate) static BATCH: Column = Column {
    name: "limit",
    field: "limit",
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
};

/// What every builder needs: the dialect, and which writes have `RETURNING` on the database.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    /// The dialect rendered.
    pub dialect: Dialect,
    /// The writes that end with `RETURNING`.
    pub returning: Returning,
}

impl Statements {
    /// Builds every statement for the five tables (users, accounts, sessions, verification
    /// tokens, authenticators, in [`crate::Schema::tables`] order), on `dialect`, with
    /// `RETURNING` where `returning` says the database has it.
    pub fn new(
        dialect: Dialect,
        returning: Returning,
        tables: [&'static Table; 5],
    ) -> Result<Statements> {
        let target = Target { dialect, returning };
        let [users, accounts, sessions, tokens, authenticators] = tables;
        let keys = Keys {
            user_id: required(users, RoleField::UserId)?,
            user_email: required(users, RoleField::UserEmail)?,
            account_provider: required(accounts, RoleField::AccountProvider)?,
            account_provider_account_id: required(accounts, RoleField::AccountProviderAccountId)?,
            session_token: required(sessions, RoleField::SessionToken)?,
            verification_identifier: required(tokens, RoleField::VerificationIdentifier)?,
            verification_token: required(tokens, RoleField::VerificationToken)?,
            authenticator_credential_id: required(
                authenticators,
                RoleField::AuthenticatorCredentialId,
            )?,
            authenticator_user_id: required(authenticators, RoleField::AuthenticatorUserId)?,
            authenticator_counter: required(authenticators, RoleField::AuthenticatorCounter)?,
            session_user_id: required(sessions, RoleField::SessionUserId)?,
        };
        let account_user = required(accounts, RoleField::AccountUserId)?;
        let session_user = keys.session_user_id;
        let session_expires = required(sessions, RoleField::SessionExpires)?;
        let token_expires = required(tokens, RoleField::VerificationExpires)?;
        let pair = [keys.account_provider, keys.account_provider_account_id];
        let token_pair = [keys.verification_identifier, keys.verification_token];
        let credential = [keys.authenticator_credential_id];
        // The counter, then the `updated_at` columns an update refreshes.
        let counter_assigned: Vec<&'static Column> = std::iter::once(keys.authenticator_counter)
            .chain(
                authenticators
                    .columns
                    .iter()
                    .filter(|c| c.stamp == Some(Stamp::UpdatedAt)),
            )
            .collect();
        Ok(Statements {
            insert_user: Insert::new(target, users)?,
            insert_account: Insert::new(target, accounts)?,
            insert_session: Insert::new(target, sessions)?,
            insert_verification_token: Insert::new(target, tokens)?,
            insert_authenticator: Insert::new(target, authenticators)?,
            user_by_id: select(dialect, users, &[keys.user_id], false),
            user_by_email: select(dialect, users, &[keys.user_email], false),
            user_by_account: select_joined(
                dialect,
                &[users],
                (users, accounts),
                Expr::col((accounts.name, account_user.name))
                    .equals((users.name, keys.user_id.name)),
                (accounts, &pair),
            ),
            delete_user: delete(target, users, &[keys.user_id]),
            delete_user_rows: [accounts, sessions, authenticators]
                .into_iter()
                .filter_map(|table| {
                    let column = table.references_user()?;
                    let query = Query::delete()
                        .from_table(table.name)
                        .and_where(key_condition(table, &[column]))
                        .to_owned();
                    Some((table, render(dialect, &query, vec![column])))
                })
                .collect(),
            update_user: Updates::new(target, users, keys.user_id),
            account: select(dialect, accounts, &pair, false),
            unlink_account: delete(target, accounts, &pair),
            session_by_token: select(dialect, sessions, &[keys.session_token], false),
            session_and_user: select_joined(
                dialect,
                &[sessions, users],
                (sessions, users),
                Expr::col((sessions.name, session_user.name))
                    .equals((users.name, keys.user_id.name)),
                (sessions, &[keys.session_token]),
            ),
            delete_session: delete(target, sessions, &[keys.session_token]),
            update_session: Updates::new(target, sessions, keys.session_token),
            use_verification_token: delete(target, tokens, &token_pair),
            authenticator: select(dialect, authenticators, &credential, false),
            authenticators_by_user: select(
                dialect,
                authenticators,
                &[keys.authenticator_user_id],
                false,
            ),
            update_authenticator_counter: write::update(
                target,
                authenticators,
                &counter_assigned,
                keys.authenticator_credential_id,
                Source::Param(counter_assigned.len()),
            ),
            update_account: Updates::by(target, accounts, &pair),
            sessions_by_user: select(dialect, sessions, &[session_user], false),
            revoke_session: delete(target, sessions, &[keys.session_token, session_user]),
            revoke_other_sessions: render(
                dialect,
                Query::delete()
                    .from_table(sessions.name)
                    .and_where(Expr::col((sessions.name, session_user.name)).eq(placeholder()))
                    .and_where(
                        Expr::col((sessions.name, keys.session_token.name)).ne(placeholder()),
                    ),
                vec![session_user, keys.session_token],
            ),
            delete_expired_sessions: delete_expired(
                dialect,
                sessions,
                &[keys.session_token],
                session_expires,
            ),
            delete_expired_verification_tokens: delete_expired(
                dialect,
                tokens,
                &token_pair,
                token_expires,
            ),
            sign_up_with_account: dialect
                .data_modifying_ctes()
                .then(|| {
                    SignUpStatement::new(dialect, users, keys.user_id, Some(accounts), sessions)
                })
                .transpose()?,
            sign_up_without_account: dialect
                .data_modifying_ctes()
                .then(|| SignUpStatement::new(dialect, users, keys.user_id, None, sessions))
                .transpose()?,
            sign_in_with_account: dialect
                .data_modifying_ctes()
                .then(|| {
                    SignInStatement::new(
                        dialect,
                        users,
                        accounts,
                        sessions,
                        &SignInLookups {
                            user_id: keys.user_id,
                            user_email: keys.user_email,
                            provider: keys.account_provider,
                            provider_account_id: keys.account_provider_account_id,
                        },
                    )
                })
                .transpose()?,
            keys,
        })
    }
}

fn required(table: &'static Table, field: RoleField) -> Result<&'static Column> {
    table.column(field).ok_or_else(|| {
        Error::Schema(format!(
            "`{}` (table `{}`) has no column playing {field:?}, which the SQL adapter needs",
            table.type_name, table.name
        ))
    })
}

/// A bound parameter; its value is thrown away, only the placeholder is kept.
fn placeholder() -> Expr {
    Expr::val(0i64)
}

fn names(table: &'static Table) -> impl Iterator<Item = &'static str> {
    table.columns.iter().map(|c| c.name)
}

fn qualified(table: &'static Table) -> impl Iterator<Item = (&'static str, &'static str)> {
    table.columns.iter().map(|c| (table.name, c.name))
}

fn key_condition(table: &'static Table, key: &[&'static Column]) -> Expr {
    let mut conditions = key
        .iter()
        .map(|c| Expr::col((table.name, c.name)).eq(placeholder()));
    let first = conditions.next().unwrap_or_else(|| Expr::val(true));
    conditions.fold(first, |all, c| all.and(c))
}

/// `<column> IS NOT NULL` for each column the model cannot read as NULL: the guard of every
/// UPDATE and DELETE of the contract. A row another tool wrote without, say, an id cannot
/// become a model, and a write that returned it would fail after it was committed (an `Err`
/// must mean nothing was written); guarded, the write leaves it alone at no cost in round
/// trips.
fn readable(table: &'static Table) -> Expr {
    table
        .columns
        .iter()
        .filter(|c| !c.nullable)
        .map(|c| Expr::col((table.name, c.name)).is_not_null())
        .reduce(|all, c| all.and(c))
        .unwrap_or_else(|| Expr::val(true))
}

/// `SELECT <every column> FROM <table> WHERE <key> = ...`, `FOR UPDATE` when `lock`.
/// `SELECT <every column> FROM <table> WHERE <key columns> = ?...`, `FOR UPDATE` when `lock`.
pub(crate) fn select(
    dialect: Dialect,
    table: &'static Table,
    key: &[&'static Column],
    lock: bool,
) -> Stmt {
    let mut query = Query::select();
    query
        .columns(qualified(table))
        .from(table.name)
        .and_where(key_condition(table, key));
    if lock {
        query.lock(LockType::Update);
    }
    render(dialect, &query, key.to_vec())
}

/// Selects the columns of `shown` (in order) from `from` joined to `joined` on `on`, where
/// the `filter` table's key columns equal the parameters.
fn select_joined(
    dialect: Dialect,
    shown: &[&'static Table],
    (from, joined): (&'static Table, &'static Table),
    on: Expr,
    (filter, key): (&'static Table, &[&'static Column]),
) -> Stmt {
    let mut query = Query::select();
    for table in shown {
        query.columns(qualified(table));
    }
    query
        .from(from.name)
        .inner_join(joined.name, on)
        .and_where(key_condition(filter, key));
    render(dialect, &query, key.to_vec())
}

/// `DELETE ... WHERE <key> = ...`, returning the row: with `RETURNING`, or after a locking
/// `SELECT` of it.
fn delete(target: Target, table: &'static Table, key: &[&'static Column]) -> Write {
    let mut stmt = render(
        target.dialect,
        Query::delete()
            .from_table(table.name)
            .and_where(key_condition(table, key))
            .and_where(readable(table))
            .returning(Query::returning().columns(names(table))),
        key.to_vec(),
    );
    if target.returning.delete {
        append_returning(target.dialect, &mut stmt, table);
        return Write { stmt, reread: None };
    }
    Write {
        stmt,
        reread: Some(RereadStmt {
            stmt: select(target.dialect, table, key, true),
            sources: (0..key.len()).map(Source::Param).collect(),
            before: true,
        }),
    }
}

/// `DELETE` of at most a batch of `table`'s rows whose `expires` is before the first
/// parameter; the second is the batch size. MySQL: `DELETE ... WHERE expires < ? LIMIT ?`;
/// elsewhere `DELETE ... WHERE <identity> IN (SELECT <identity> ... WHERE expires < ? LIMIT
/// ?)`, `identity` being the columns the contract finds a row by (a unique key even where a
/// layout declares no primary key).
fn delete_expired(
    dialect: Dialect,
    table: &'static Table,
    identity: &[&'static Column],
    expires: &'static Column,
) -> Stmt {
    let expired = || Expr::col((table.name, expires.name)).lt(placeholder());
    let params = vec![expires, &BATCH];
    if dialect.delete_takes_limit() {
        return render(
            dialect,
            Query::delete()
                .from_table(table.name)
                .and_where(expired())
                .limit(0),
            params,
        );
    }
    let batch = Query::select()
        .columns(identity.iter().map(|c| (table.name, c.name)))
        .from(table.name)
        .and_where(expired())
        .limit(0)
        .to_owned();
    let key = match identity {
        [one] => Expr::col((table.name, one.name)),
        many => Expr::tuple(many.iter().map(|c| Expr::col((table.name, c.name)))),
    };
    render(
        dialect,
        Query::delete()
            .from_table(table.name)
            .and_where(key.in_subquery(batch)),
        params,
    )
}

/// On MySQL (MariaDB), appends the ` RETURNING <every column>` sea-query's MySQL builder
/// leaves out; the other builders wrote it already. Valid because RETURNING is the last clause
/// of MariaDB's INSERT and DELETE.
fn append_returning(dialect: Dialect, stmt: &mut Stmt, table: &'static Table) {
    if dialect.builder_writes_returning() {
        return;
    }
    let columns: Vec<String> = names(table).map(|name| dialect.quote(name)).collect();
    let sql = format!("{} RETURNING {}", stmt.sql, columns.join(", "));
    stmt.sql = sql.into_boxed_str();
}

/// Renders `query` for `dialect`, its parameters being compared with or stored in `columns`.
fn render(
    dialect: Dialect,
    query: &impl QueryStatementBuilder,
    columns: Vec<&'static Column>,
) -> Stmt {
    let (sql, values) = dialect.render_query(query);
    debug_assert_eq!(values.0.len(), columns.len(), "{sql}");
    Stmt {
        sql: sql.into_boxed_str(),
        columns: columns.into_boxed_slice(),
    }
}

/// Where a reread parameter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The write's parameter at this index.
    Param(usize),
    /// The id the database assigned to the row just inserted (`LAST_INSERT_ID()`).
    InsertedId,
}

/// Which writes a database can end with `RETURNING <columns>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Returning {
    /// `INSERT ... RETURNING` (SQLite, PostgreSQL, MariaDB).
    pub insert: bool,
    /// `UPDATE ... RETURNING` (SQLite, PostgreSQL).
    pub update: bool,
    /// `DELETE ... RETURNING` (SQLite, PostgreSQL, MariaDB).
    pub delete: bool,
}

impl Returning {
    /// SQLite and PostgreSQL: every write.
    pub const ALL: Returning = Returning {
        insert: true,
        update: true,
        delete: true,
    };
    /// MariaDB 10.5+: INSERT and DELETE, not UPDATE.
    #[cfg_attr(not(any(test, feature = "mysql")), allow(dead_code))]
    pub const MARIADB: Returning = Returning {
        insert: true,
        update: false,
        delete: true,
    };
    /// MySQL 8: none.
    pub const NONE: Returning = Returning {
        insert: false,
        update: false,
        delete: false,
    };
}

#[cfg(test)]
mod tests;
