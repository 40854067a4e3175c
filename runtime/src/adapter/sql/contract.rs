//! [`Adapter`] for [`SqlAdapter`]: each operation binds its arguments to a statement built
//! when the adapter connected, and decodes the returned row into the schema's model.
//!
//! Entry point: the `impl Adapter<S> for SqlAdapter<S>` below. String ids are parsed into the
//! key column's type first ([`Value::parse_id`]); one that cannot be of that type is treated as
//! matching nothing, as the contract says.

use chrono::{DateTime, Utc};

use crate::adapter::{
    AccountKey, AccountPatch, AccountSignIn, Adapter, BoxFuture, SessionPatch, SignUp, UserPatch,
    unkeepable,
};
use crate::descriptor::{Column, Role, Table};
use crate::error::{Error, Result};
use crate::traits::{Model, Patch, Schema};
use crate::value::{Value, stamp_now, stamp_update};

use super::SqlAdapter;
use super::executor::{Access, Call, Reread};
use crate::statements::contract::{Insert, Keys, Statements, Stmt, Updates, Write};

impl<S: Schema> SqlAdapter<S> {
    fn statements(&self) -> &Statements {
        &self.inner.statements
    }

    /// Runs a read over `M`'s table and decodes its first row; on a read replica when
    /// `tolerates_lag` and one may serve it (see `replicas`).
    async fn one<M: Model>(
        &self,
        stmt: &Stmt,
        params: &[Value],
        tolerates_lag: bool,
    ) -> Result<Option<M>> {
        let tables = [M::TABLE];
        let call = Call {
            sql: &stmt.sql,
            params,
            columns: &stmt.columns,
            tables: &tables,
            cached: true,
        };
        let row = match tolerates_lag {
            true => self.inner.read_optional(call).await?,
            false => self.inner.driver.fetch_optional(Access::Read, call).await?,
        };
        row.map(M::from_values).transpose()
    }

    /// Runs a write over `M`'s table and decodes the row it wrote or deleted.
    async fn write<M: Model>(&self, write: &Write, params: &[Value]) -> Result<Option<M>> {
        let tables = [M::TABLE];
        let call = Call {
            sql: &write.stmt.sql,
            params,
            columns: &write.stmt.columns,
            tables: &tables,
            cached: true,
        };
        // Decoded inside the write's transaction where it has one (see `Executor::write`).
        let done = self
            .inner
            .driver
            .write(call, write.reread.as_ref().map(Reread::of), M::from_values)
            .await;
        self.inner.wrote();
        done
    }

    /// Inserts `model` and returns the row as stored.
    async fn insert<M: Model>(&self, insert: &Insert, model: M) -> Result<M> {
        let params = insert.params(model.to_values()?)?;
        if let Some(plain) = &insert.plain {
            let tables = [M::TABLE];
            let call = Call {
                sql: &plain.sql,
                params: &params,
                columns: &plain.columns,
                tables: &tables,
                cached: true,
            };
            // Every column is a parameter (ids generated here, timestamps already cut to
            // the millisecond): the stored row is the one sent. It is decoded before it is
            // sent, so a row the model could not read back is never written.
            let stored = M::from_values(params.clone())?;
            let done = self.inner.driver.execute(call).await;
            self.inner.wrote();
            done?;
            return Ok(stored);
        }
        self.write::<M>(&insert.write, &params)
            .await?
            .ok_or_else(|| Error::Database("an INSERT read back no row".into()))
    }

    /// Applies a patch to the row whose key is `key`; an empty patch just reads the row.
    async fn update<M: Model>(
        &self,
        updates: &Updates,
        read: &Stmt,
        key: Value,
        patch: M::Patch,
    ) -> Result<Option<M>> {
        self.update_by(updates, read, &[key], patch).await
    }

    /// [`SqlAdapter::update`] by a key of one or more columns, in the statement's order.
    async fn update_by<M: Model>(
        &self,
        updates: &Updates,
        read: &Stmt,
        key: &[Value],
        patch: M::Patch,
    ) -> Result<Option<M>> {
        let mut assignments = patch.into_assignments()?;
        if assignments.is_empty() {
            return self.one::<M>(read, key, false).await;
        }
        stamp_update(M::TABLE, &mut assignments, stamp_now());
        let write = updates.get(&mut assignments)?;
        let mut params: Vec<Value> = Vec::with_capacity(assignments.len() + key.len());
        params.extend(assignments.into_iter().map(|(_, value)| value));
        params.extend_from_slice(key);
        self.write::<M>(&write, &params).await
    }

    /// Runs a statement that returns no rows over `table`; returns how many rows it changed.
    async fn execute(&self, table: &'static Table, stmt: &Stmt, params: &[Value]) -> Result<u64> {
        let tables = [table];
        let call = Call {
            sql: &stmt.sql,
            params,
            columns: &stmt.columns,
            tables: &tables,
            cached: true,
        };
        let done = self.inner.driver.execute(call).await;
        self.inner.wrote();
        done
    }
}

/// `id` as a value of `column`'s type; `None` when it cannot be one.
fn key(column: &Column, id: &str) -> Option<Value> {
    Value::parse_id(column.ty, id)
}

/// The (provider, provider account id) key of the three account lookups; `None` when either
/// cannot be a value of its column.
fn account_key(keys: &Keys, account: AccountKey<'_>) -> Option<[Value; 2]> {
    Some([
        key(keys.account_provider, account.provider)?,
        key(
            keys.account_provider_account_id,
            account.provider_account_id,
        )?,
    ])
}

impl<S: Schema> Adapter<S> for SqlAdapter<S> {
    fn create_user(&self, user: S::User) -> BoxFuture<'_, Result<S::User>> {
        Box::pin(async move { self.insert(&self.statements().insert_user, user).await })
    }

    fn get_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(id) = key(statements.keys.user_id, id) else {
                return Ok(None);
            };
            self.one(&statements.user_by_id, &[id], true).await
        })
    }

    fn get_user_by_email<'a>(&'a self, email: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(email) = key(statements.keys.user_email, email) else {
                return Ok(None);
            };
            self.one(&statements.user_by_email, &[email], true).await
        })
    }

    fn get_user_by_account<'a>(
        &'a self,
        key: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(account) = account_key(&statements.keys, key) else {
                return Ok(None);
            };
            self.one(&statements.user_by_account, &account, true).await
        })
    }

    fn update_user<'a>(
        &'a self,
        id: &'a str,
        patch: UserPatch<S>,
    ) -> BoxFuture<'a, Result<S::User>> {
        Box::pin(async move {
            let statements = self.statements();
            let not_found = || Error::NotFound { what: "user" };
            let id = key(statements.keys.user_id, id).ok_or_else(not_found)?;
            self.update::<S::User>(&statements.update_user, &statements.user_by_id, id, patch)
                .await?
                .ok_or_else(not_found)
        })
    }

    fn delete_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(id) = key(statements.keys.user_id, id) else {
                return Ok(None);
            };
            // Sessions, accounts and authenticators go with the user in one statement where
            // foreign keys cascade (the DDL of this crate); the deletes after it find nothing
            // then, and remove them where the tables have no foreign keys.
            // A user row the model cannot read is left alone by the delete (see
            // `statements::contract::readable`), and so are its sessions, accounts and
            // authenticators: `Ok(None)` means nothing was deleted.
            let Some(user) = self
                .write(&statements.delete_user, std::slice::from_ref(&id))
                .await?
            else {
                return Ok(None);
            };
            for (table, stmt) in &statements.delete_user_rows {
                // A layout without an authenticator table has nothing to delete there.
                if table.role == Role::Authenticator && !S::AUTHENTICATOR_TABLE {
                    continue;
                }
                let tables = [*table];
                let call = Call {
                    sql: &stmt.sql,
                    params: std::slice::from_ref(&id),
                    columns: &stmt.columns,
                    tables: &tables,
                    cached: true,
                };
                let done = self.inner.driver.execute(call).await;
                self.inner.wrote();
                done?;
            }
            Ok(Some(user))
        })
    }

    fn link_account(&self, account: S::Account) -> BoxFuture<'_, Result<S::Account>> {
        Box::pin(async move {
            self.insert(&self.statements().insert_account, account)
                .await
        })
    }

    fn unlink_account<'a>(
        &'a self,
        key: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(account) = account_key(&statements.keys, key) else {
                return Ok(None);
            };
            self.write(&statements.unlink_account, &account).await
        })
    }

    fn get_account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(account) = account_key(&statements.keys, key) else {
                return Ok(None);
            };
            self.one(&statements.account, &account, true).await
        })
    }

    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>> {
        Box::pin(async move {
            self.insert(&self.statements().insert_session, session)
                .await
        })
    }

    fn get_session_and_user<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<(S::Session, S::User)>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(token) = key(statements.keys.session_token, session_token) else {
                return Ok(None);
            };
            let session_table = <S::Session as Model>::TABLE;
            let tables = [session_table, <S::User as Model>::TABLE];
            let call = Call {
                sql: &statements.session_and_user.sql,
                params: &[token],
                columns: &statements.session_and_user.columns,
                tables: &tables,
                cached: true,
            };
            let Some(mut row) = self.inner.read_optional(call).await? else {
                return Ok(None);
            };
            let user = row.split_off(session_table.columns.len());
            Ok(Some((
                S::Session::from_values(row)?,
                S::User::from_values(user)?,
            )))
        })
    }

    fn update_session<'a>(
        &'a self,
        session_token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(token) = key(statements.keys.session_token, session_token) else {
                return Ok(None);
            };
            self.update::<S::Session>(
                &statements.update_session,
                &statements.session_by_token,
                token,
                patch,
            )
            .await
        })
    }

    fn delete_session<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(token) = key(statements.keys.session_token, session_token) else {
                return Ok(None);
            };
            self.write(&statements.delete_session, &[token]).await
        })
    }

    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>> {
        Box::pin(async move {
            self.insert(&self.statements().insert_verification_token, token)
                .await
        })
    }

    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        Box::pin(async move {
            let statements = self.statements();
            let keys = &statements.keys;
            let (Some(identifier), Some(token)) = (
                key(keys.verification_identifier, identifier),
                key(keys.verification_token, token),
            ) else {
                return Ok(None);
            };
            // One DELETE ... RETURNING (on MySQL 8, a locking SELECT then the DELETE, in one
            // transaction): of concurrent calls, exactly one gets the row.
            self.write(&statements.use_verification_token, &[identifier, token])
                .await
        })
    }

    fn create_authenticator(
        &self,
        authenticator: S::Authenticator,
    ) -> BoxFuture<'_, Result<S::Authenticator>> {
        Box::pin(async move {
            self.insert(&self.statements().insert_authenticator, authenticator)
                .await
        })
    }

    fn get_authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(id) = key(statements.keys.authenticator_credential_id, credential_id) else {
                return Ok(None);
            };
            // Not on a replica: its counter guards against a cloned authenticator.
            self.one(&statements.authenticator, &[id], false).await
        })
    }

    fn list_authenticators_by_user_id<'a>(
        &'a self,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<S::Authenticator>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(user_id) = key(statements.keys.authenticator_user_id, user_id) else {
                return Ok(Vec::new());
            };
            let tables = [<S::Authenticator as Model>::TABLE];
            let call = Call {
                sql: &statements.authenticators_by_user.sql,
                params: &[user_id],
                columns: &statements.authenticators_by_user.columns,
                tables: &tables,
                cached: true,
            };
            self.inner
                .read_all(call)
                .await?
                .into_iter()
                .map(S::Authenticator::from_values)
                .collect()
        })
    }

    fn update_authenticator_counter<'a>(
        &'a self,
        credential_id: &'a str,
        counter: i64,
    ) -> BoxFuture<'a, Result<S::Authenticator>> {
        Box::pin(async move {
            let statements = self.statements();
            let keys = &statements.keys;
            let not_found = || Error::NotFound {
                what: "authenticator",
            };
            let id = key(keys.authenticator_credential_id, credential_id).ok_or_else(not_found)?;
            keys.authenticator_counter.check_int(counter)?;
            // The statement's order: the counter, each `updated_at`, the key.
            let mut stamps = Vec::new();
            stamp_update(S::Authenticator::TABLE, &mut stamps, stamp_now());
            let params: Vec<Value> = std::iter::once(Value::Int(counter))
                .chain(stamps.into_iter().map(|(_, value)| value))
                .chain(std::iter::once(id))
                .collect();
            self.write(&statements.update_authenticator_counter, &params)
                .await?
                .ok_or_else(not_found)
        })
    }

    fn update_account<'a>(
        &'a self,
        key: AccountKey<'a>,
        patch: AccountPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(account) = account_key(&statements.keys, key) else {
                return Ok(None);
            };
            self.update_by::<S::Account>(
                &statements.update_account,
                &statements.account,
                &account,
                patch,
            )
            .await
        })
    }

    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>> {
        Box::pin(async move {
            let statements = self.statements();
            let Some(user_id) = key(statements.keys.session_user_id, user_id) else {
                return Ok(Vec::new());
            };
            let tables = [<S::Session as Model>::TABLE];
            let call = Call {
                sql: &statements.sessions_by_user.sql,
                params: &[user_id],
                columns: &statements.sessions_by_user.columns,
                tables: &tables,
                cached: true,
            };
            self.inner
                .read_all(call)
                .await?
                .into_iter()
                .map(S::Session::from_values)
                .collect()
        })
    }

    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let statements = self.statements();
            let keys = &statements.keys;
            let (Some(token), Some(user_id)) = (
                key(keys.session_token, session_token),
                key(keys.session_user_id, user_id),
            ) else {
                return Ok(None);
            };
            self.write(&statements.revoke_session, &[token, user_id])
                .await
        })
    }

    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            let statements = self.statements();
            let keys = &statements.keys;
            let Some(user_id) = key(keys.session_user_id, user_id) else {
                return Ok(0);
            };
            let keep = key(keys.session_token, keep).ok_or_else(|| unkeepable(keep))?;
            self.execute(
                <S::Session as Model>::TABLE,
                &statements.revoke_other_sessions,
                &[user_id, keep],
            )
            .await
        })
    }

    fn delete_expired(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async move {
            let statements = self.statements();
            let mut deleted = 0;
            if batch == 0 {
                return Ok(deleted);
            }
            let now = Value::Timestamp(now);
            let size = Value::Int(i64::from(batch));
            for (table, stmt) in [
                (
                    <S::Session as Model>::TABLE,
                    &statements.delete_expired_sessions,
                ),
                (
                    <S::VerificationToken as Model>::TABLE,
                    &statements.delete_expired_verification_tokens,
                ),
            ] {
                // One statement per batch; a short batch means none is left.
                loop {
                    let n = self
                        .execute(table, stmt, &[now.clone(), size.clone()])
                        .await?;
                    deleted += n;
                    if n < u64::from(batch) {
                        break;
                    }
                }
            }
            Ok(deleted)
        })
    }

    fn sign_up(
        &self,
        user: S::User,
        account: Option<S::Account>,
        session: S::Session,
    ) -> BoxFuture<'_, Result<SignUp<S>>> {
        // The three INSERTs in one transaction (see `sign_up.rs`).
        Box::pin(self.sign_up_in_one_transaction(user, account, session))
    }

    fn sign_in_with_account(
        &self,
        user: S::User,
        account: S::Account,
        session: S::Session,
    ) -> BoxFuture<'_, Result<AccountSignIn<S>>> {
        // One statement on PostgreSQL (see `sign_in.rs`).
        Box::pin(self.sign_in_with_account_at_once(user, account, session))
    }
}
