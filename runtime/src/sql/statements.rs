//! The SQL of every contract operation, built once per dialect from the schema's descriptors.
//!
//! Entry points: [`Statements::new`] (called when an adapter is created; only the SQL text is
//! kept), [`Insert::params`] (a model's values as an INSERT's parameters) and
//! [`Updates::sql`] (partial updates, built once per distinct set of assigned columns and
//! cached). Every statement names its columns explicitly, in descriptor order, so a row decodes
//! positionally whatever the live table's column order; parameters are bound positionally in
//! the order each field's doc gives.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use sea_query::{
    Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, QueryStatementBuilder,
    SqliteQueryBuilder,
};

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::schema::{Column, IdStrategy, RoleField, Table};
use crate::value::{Value, to_millis};

/// One statement's SQL and how many parameters it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stmt {
    /// The SQL text, with the dialect's placeholders.
    pub sql: Box<str>,
    /// The number of placeholders.
    pub params: usize,
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
    pub delete_user: Stmt,
    /// Partial user updates; params: assigned values, then id.
    pub update_user: Updates,
    /// An account's columns; params: provider, provider account id.
    pub account: Stmt,
    /// Delete an account, returning it; params: provider, provider account id.
    pub unlink_account: Stmt,
    /// A session's columns by token; params: token.
    pub session_by_token: Stmt,
    /// A session's columns, then its user's, in one join; params: token.
    pub session_and_user: Stmt,
    /// Delete a session, returning it; params: token.
    pub delete_session: Stmt,
    /// Partial session updates; params: assigned values, then token.
    pub update_session: Updates,
    /// Delete a verification token, returning it; params: identifier, token.
    pub use_verification_token: Stmt,
    /// An authenticator's columns; params: credential id.
    pub authenticator: Stmt,
    /// A user's authenticators; params: user id.
    pub authenticators_by_user: Stmt,
    /// Set an authenticator's counter, returning it; params: counter, credential id.
    pub update_authenticator_counter: Stmt,
}

impl Statements {
    /// Builds every statement for the five tables (users, accounts, sessions, verification
    /// tokens, authenticators, in [`crate::Schema::tables`] order).
    pub fn new(dialect: Dialect, tables: [&'static Table; 5]) -> Result<Statements> {
        if dialect == Dialect::MySql {
            // sea-query's MySQL builder silently drops RETURNING; MySQL needs its own
            // statement shapes (re-select, locking transaction), which come with its driver.
            return Err(Error::Unsupported {
                dialect,
                what: "the SQL adapter's statements in this release".to_owned(),
            });
        }
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
        };
        let account_user = required(accounts, RoleField::AccountUserId)?;
        let session_user = required(sessions, RoleField::SessionUserId)?;
        let pair = [keys.account_provider, keys.account_provider_account_id];
        let token_pair = [keys.verification_identifier, keys.verification_token];
        Ok(Statements {
            insert_user: Insert::new(dialect, users)?,
            insert_account: Insert::new(dialect, accounts)?,
            insert_session: Insert::new(dialect, sessions)?,
            insert_verification_token: Insert::new(dialect, tokens)?,
            insert_authenticator: Insert::new(dialect, authenticators)?,
            user_by_id: select(dialect, users, &[keys.user_id]),
            user_by_email: select(dialect, users, &[keys.user_email]),
            user_by_account: select_joined(
                dialect,
                &[users],
                (users, accounts),
                Expr::col((accounts.name, account_user.name))
                    .equals((users.name, keys.user_id.name)),
                key_condition(accounts, &pair),
            ),
            delete_user: delete(dialect, users, &[keys.user_id]),
            update_user: Updates::new(dialect, users, keys.user_id),
            account: select(dialect, accounts, &pair),
            unlink_account: delete(dialect, accounts, &pair),
            session_by_token: select(dialect, sessions, &[keys.session_token]),
            session_and_user: select_joined(
                dialect,
                &[sessions, users],
                (sessions, users),
                Expr::col((sessions.name, session_user.name))
                    .equals((users.name, keys.user_id.name)),
                key_condition(sessions, &[keys.session_token]),
            ),
            delete_session: delete(dialect, sessions, &[keys.session_token]),
            update_session: Updates::new(dialect, sessions, keys.session_token),
            use_verification_token: delete(dialect, tokens, &token_pair),
            authenticator: select(dialect, authenticators, &[keys.authenticator_credential_id]),
            authenticators_by_user: select(dialect, authenticators, &[keys.authenticator_user_id]),
            update_authenticator_counter: render(
                dialect,
                Query::update()
                    .table(authenticators.name)
                    .value(keys.authenticator_counter.name, placeholder())
                    .and_where(Expr::col(keys.authenticator_credential_id.name).eq(placeholder()))
                    .returning(Query::returning().columns(names(authenticators))),
            ),
            keys,
        })
    }
}

/// An INSERT of every column but the database-assigned one, returning the stored row.
#[derive(Debug)]
pub(crate) struct Insert {
    /// The statement.
    pub stmt: Stmt,
    table: &'static Table,
    /// Columns whose values are generated here (UUIDs, application functions), replacing
    /// the model's value.
    generated: Vec<(usize, IdStrategy)>,
    /// The autoincrement column, left out of the statement.
    omitted: Option<usize>,
}

impl Insert {
    fn new(dialect: Dialect, table: &'static Table) -> Result<Insert> {
        let omitted = table
            .columns
            .iter()
            .position(|c| c.id == Some(IdStrategy::AutoIncrement));
        let generated = table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.id {
                Some(s @ (IdStrategy::UuidV4 | IdStrategy::UuidV7 | IdStrategy::Generated(_))) => {
                    Some((i, s))
                }
                _ => None,
            })
            .collect();
        let inserted = table
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != omitted);
        let mut query = Query::insert();
        query
            .into_table(table.name)
            .columns(inserted.clone().map(|(_, c)| c.name))
            .values(inserted.map(|_| placeholder()))
            .map_err(|e| Error::Schema(format!("cannot insert into `{}`: {e}", table.name)))?
            .returning(Query::returning().columns(names(table)));
        Ok(Insert {
            stmt: render(dialect, &query),
            table,
            generated,
            omitted,
        })
    }

    /// Turns a model's values (one per column) into this statement's parameters: generated
    /// ids replace the model's, timestamps are truncated to milliseconds, and the
    /// autoincrement column is dropped.
    pub fn params(&self, mut values: Vec<Value>) -> Result<Vec<Value>> {
        if values.len() != self.table.columns.len() {
            return Err(Error::InvalidInput(format!(
                "`{}` gave {} values for {} columns",
                self.table.type_name,
                values.len(),
                self.table.columns.len()
            )));
        }
        for &(position, strategy) in &self.generated {
            if let Some(id) = strategy.generate(self.table.columns[position].ty) {
                values[position] = id;
            }
        }
        truncate_timestamps(&mut values);
        if let Some(position) = self.omitted {
            values.remove(position);
        }
        Ok(values)
    }
}

/// Partial updates of one table by one key column, built per distinct set of assigned columns
/// and cached.
#[derive(Debug)]
pub(crate) struct Updates {
    dialect: Dialect,
    table: &'static Table,
    key: &'static Column,
    /// SQL by bitmask of assigned column positions.
    cache: RwLock<HashMap<u128, Arc<str>>>,
}

impl Updates {
    fn new(dialect: Dialect, table: &'static Table, key: &'static Column) -> Updates {
        Updates {
            dialect,
            table,
            key,
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// Puts a patch's assignments in column order (truncating timestamps) and returns the
    /// `UPDATE ... SET <assigned> WHERE <key> = ? RETURNING <all>` that binds their values,
    /// then the key. `assignments` must not be empty.
    pub fn sql(&self, assignments: &mut [(usize, Value)]) -> Result<Arc<str>> {
        if !assignments.is_sorted_by_key(|(position, _)| *position) {
            assignments.sort_by_key(|(position, _)| *position);
        }
        let columns = self.table.columns.len();
        let mut mask = 0u128;
        let mut previous = None;
        for (position, value) in assignments.iter_mut() {
            if *position >= columns || previous == Some(*position) {
                return Err(Error::InvalidInput(format!(
                    "a patch of `{}` assigns column {position} twice or out of range",
                    self.table.type_name
                )));
            }
            previous = Some(*position);
            mask |= 1u128.checked_shl(*position as u32).unwrap_or(0);
            if let Value::Timestamp(t) = value {
                *t = to_millis(*t);
            }
        }
        // Past 128 columns the bitmask cannot name the set: build without caching.
        if columns > 128 {
            return Ok(self.build(assignments).into());
        }
        let cached = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&mask)
            .cloned();
        if let Some(sql) = cached {
            return Ok(sql);
        }
        let sql: Arc<str> = self.build(assignments).into();
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(mask, sql.clone());
        Ok(sql)
    }

    fn build(&self, assignments: &[(usize, Value)]) -> Box<str> {
        let columns = self.table.columns;
        render(
            self.dialect,
            Query::update()
                .table(self.table.name)
                .values(
                    assignments
                        .iter()
                        .filter_map(|(p, _)| columns.get(*p))
                        .map(|c| (c.name, placeholder())),
                )
                .and_where(Expr::col(self.key.name).eq(placeholder()))
                .returning(Query::returning().columns(names(self.table))),
        )
        .sql
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

fn truncate_timestamps(values: &mut [Value]) {
    for value in values {
        if let Value::Timestamp(t) = value {
            *t = to_millis(*t);
        }
    }
}

fn key_condition(table: &'static Table, key: &[&'static Column]) -> Expr {
    let mut conditions = key
        .iter()
        .map(|c| Expr::col((table.name, c.name)).eq(placeholder()));
    let first = conditions.next().unwrap_or_else(|| Expr::val(true));
    conditions.fold(first, |all, c| all.and(c))
}

fn select(dialect: Dialect, table: &'static Table, key: &[&'static Column]) -> Stmt {
    render(
        dialect,
        Query::select()
            .columns(qualified(table))
            .from(table.name)
            .and_where(key_condition(table, key)),
    )
}

/// Selects the columns of `shown` (in order) from `from` joined to `joined` on `on`.
fn select_joined(
    dialect: Dialect,
    shown: &[&'static Table],
    (from, joined): (&'static Table, &'static Table),
    on: Expr,
    filter: Expr,
) -> Stmt {
    let mut query = Query::select();
    for table in shown {
        query.columns(qualified(table));
    }
    query
        .from(from.name)
        .inner_join(joined.name, on)
        .and_where(filter);
    render(dialect, &query)
}

fn delete(dialect: Dialect, table: &'static Table, key: &[&'static Column]) -> Stmt {
    render(
        dialect,
        Query::delete()
            .from_table(table.name)
            .and_where(key_condition(table, key))
            .returning(Query::returning().columns(names(table))),
    )
}

fn render(dialect: Dialect, query: &impl QueryStatementBuilder) -> Stmt {
    let (sql, values) = match dialect {
        Dialect::Sqlite => query.build_any(&SqliteQueryBuilder),
        Dialect::Postgres => query.build_any(&PostgresQueryBuilder),
        Dialect::MySql => query.build_any(&MysqlQueryBuilder),
    };
    Stmt {
        sql: sql.into_boxed_str(),
        params: values.0.len(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use uuid::Uuid;

    use super::*;
    use crate::model::{Model, Schema};
    use crate::models::{DefaultSchema, User};

    fn user() -> User {
        User {
            id: Uuid::nil(),
            name: None,
            email: "a@example.com".into(),
            email_verified: Some(instant()),
            image: None,
        }
    }

    fn instant() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 5, 6, 7, 8, 9).unwrap() + Duration::nanoseconds(123_456_789)
    }

    #[test]
    fn statements_render_per_dialect() {
        let sqlite = Statements::new(Dialect::Sqlite, DefaultSchema::tables()).unwrap();
        assert_eq!(
            &*sqlite.use_verification_token.sql,
            r#"DELETE FROM "verification_tokens" WHERE "verification_tokens"."identifier" = ? AND "verification_tokens"."token" = ? RETURNING "identifier", "token", "expires""#
        );
        assert_eq!(sqlite.session_and_user.params, 1);
        let postgres = Statements::new(Dialect::Postgres, DefaultSchema::tables()).unwrap();
        assert_eq!(
            &*postgres.update_authenticator_counter.sql,
            r#"UPDATE "authenticators" SET "counter" = $1 WHERE "credential_id" = $2 RETURNING "credential_id", "user_id", "provider_account_id", "credential_public_key", "counter", "credential_device_type", "credential_backed_up", "transports""#
        );
        assert!(matches!(
            Statements::new(Dialect::MySql, DefaultSchema::tables()),
            Err(Error::Unsupported {
                dialect: Dialect::MySql,
                ..
            })
        ));
    }

    #[test]
    fn update_sql_is_built_once_per_column_set() {
        let statements = Statements::new(Dialect::Sqlite, DefaultSchema::tables()).unwrap();
        let updates = &statements.update_user;
        let mut name = vec![(1, Value::Text("a".into()))];
        let first = updates.sql(&mut name).unwrap();
        let again = updates.sql(&mut [(1, Value::Null)]).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        assert_eq!(
            &*first,
            r#"UPDATE "users" SET "name" = ? WHERE "id" = ? RETURNING "id", "name", "email", "email_verified", "image""#
        );
        // Out of order in, column order out (values follow their columns).
        let mut two = vec![(4, Value::Null), (2, Value::Text("e".into()))];
        let sql = updates.sql(&mut two).unwrap();
        assert!(sql.contains(r#"SET "email" = ?, "image" = ?"#), "{sql}");
        assert_eq!(two[0].0, 2);
        assert!(updates.sql(&mut [(9, Value::Null)]).is_err());
        assert!(
            updates
                .sql(&mut [(1, Value::Null), (1, Value::Null)])
                .is_err()
        );
    }

    #[test]
    fn inserts_generate_ids_and_truncate_timestamps() {
        let statements = Statements::new(Dialect::Sqlite, DefaultSchema::tables()).unwrap();
        let params = statements
            .insert_user
            .params(user().to_values().unwrap())
            .unwrap();
        assert!(matches!(params[0], Value::Uuid(id) if id != Uuid::nil()));
        assert_eq!(
            params[3],
            Value::Timestamp(crate::value::to_millis(instant()))
        );
        assert!(statements.insert_user.params(vec![Value::Null]).is_err());
    }
}
