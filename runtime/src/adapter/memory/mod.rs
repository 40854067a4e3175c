//! An in-memory adapter: the reference for anyone writing an adapter of their own.
//!
//! Entry points: [`MemoryAdapter`] (implements [`Adapter`] for any [`Schema`]), its raw reads
//! [`MemoryAdapter::rows`] and [`MemoryAdapter::find_rows`] (what the conformance suite's
//! `RawReads` reads through), and [`MemoryAdapter::clear`].
//!
//! Everything here works from the descriptors alone, never from a concrete model: rows are
//! `Vec<Value>` in column order ([`Model::to_values`] / [`Model::from_values`]), the columns an
//! operation needs are found by their role ([`Table::position`]), and the constraints are the
//! ones the DDL declares ([`Table::primary_key`], [`Table::unique_keys`],
//! [`Table::foreign_key`]): what the table actually has, never more. A custom adapter for
//! another store can follow the same steps:
//!
//! 1. on write, generate ids per [`IdStrategy`](crate::descriptor::IdStrategy), truncate timestamps to
//!    milliseconds ([`to_millis`](crate::value::to_millis)) and enforce every unique key, answering [`Error::Conflict`] with the
//!    key's name (`<table>_pkey` for the primary key);
//! 2. on lookup, turn the contract's string ids into values of the column's type with
//!    [`Value::parse_id`]; an id that does not parse is not found (`Ok(None)`), never an error;
//! 3. make each operation atomic (here: one lock around all tables, never held across an
//!    `await`), `use_verification_token` above all;
//! 4. delete a user's sessions, accounts and authenticators with the user.
//!
//! Then run the conformance suite, `authmodel::testing` (feature `testing`), against it.

use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::adapter::sign_up::{user_id_of, with_user_id};
use chrono::{DateTime, Utc};

use crate::adapter::{
    AccountKey, AccountPatch, Adapter, BoxFuture, SessionPatch, SignUp, UserPatch,
};
use crate::descriptor::{Role, RoleField, Table};
use crate::error::{Error, Result};
use crate::traits::{Model, Patch, Schema};
use crate::value::{Value, stamp_now, stamp_update};

use self::store::{Tables, conditions, matches, required, slot, user_by_id};

pub(crate) mod store;
#[cfg(test)]
mod tests;

/// An [`Adapter`] that keeps every table in memory, for tests, prototypes and as the reference
/// implementation of the contract.
///
/// It enforces what the SQL databases enforce: primary and unique keys
/// ([`Error::Conflict`] named as the DDL names them), `NOT NULL`, maximum lengths, the
/// foreign key to the user (a session of an unknown user is [`Error::InvalidInput`]) and its
/// cascade on delete. Ids are generated as the SQL adapter generates them: UUIDs in Rust, an
/// autoincrement counter per table starting at 1. Timestamps are kept to the millisecond.
///
/// All tables sit behind one mutex, so every operation is atomic. Lookups scan the table:
/// fine for tests and a few thousand rows, not a production store.
///
/// ```
/// use authmodel::memory::MemoryAdapter;
/// use authmodel::models::DefaultSchema;
/// use authmodel::Adapter;
/// use std::sync::Arc;
///
/// let adapter: Arc<dyn Adapter<DefaultSchema>> = Arc::new(MemoryAdapter::new());
/// # let _ = adapter;
/// ```
pub struct MemoryAdapter<S: Schema> {
    tables: Mutex<Tables>,
    // `fn() -> S`: the adapter stores no `S`, so it is `Send + Sync` whatever `S` is.
    schema: PhantomData<fn() -> S>,
}
impl<S: Schema> MemoryAdapter<S> {
    /// An empty store.
    pub fn new() -> Self {
        MemoryAdapter {
            tables: Mutex::new(Tables::default()),
            schema: PhantomData,
        }
    }

    /// A copy of every row of the table playing `role`, as stored, in insertion order.
    pub fn rows(&self, role: Role) -> Vec<Vec<Value>> {
        self.lock().slots[slot(role)].rows.clone()
    }

    /// The rows of the table playing `role` whose columns match `key`: each entry names a
    /// column by its role and gives the contract's string form of its value (an id, an email,
    /// a token). A string that cannot be a value of its column matches nothing.
    ///
    /// # Errors
    ///
    /// [`Error::Schema`] when the table has no column playing one of the fields.
    pub fn find_rows(&self, role: Role, key: &[(RoleField, &str)]) -> Result<Vec<Vec<Value>>> {
        let table = table_of::<S>(role);
        let Some(conditions) = conditions(table, key)? else {
            return Ok(Vec::new());
        };
        let tables = self.lock();
        Ok(tables.slots[slot(role)]
            .rows
            .iter()
            .filter(|row| matches(row, &conditions))
            .cloned()
            .collect())
    }

    /// Removes every row of every table; autoincrement counters keep counting, as
    /// `DELETE FROM` leaves them on the databases.
    pub fn clear(&self) {
        for rows in &mut self.lock().slots {
            rows.rows.clear();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        // Every operation checks before it changes anything, so a panic in another thread
        // (there is none reachable from input) cannot have left a half-written state.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn find_one<M: Model>(&self, key: &[(RoleField, &str)]) -> Result<Option<M>> {
        let Some(conditions) = conditions(M::TABLE, key)? else {
            return Ok(None);
        };
        let tables = self.lock();
        tables
            .get(M::TABLE)
            .rows
            .iter()
            .find(|row| matches(row, &conditions))
            .map(|row| M::from_values(row.clone()))
            .transpose()
    }

    fn remove_one<M: Model>(&self, key: &[(RoleField, &str)]) -> Result<Option<M>> {
        let Some(conditions) = conditions(M::TABLE, key)? else {
            return Ok(None);
        };
        let mut tables = self.lock();
        let rows = &mut tables.get_mut(M::TABLE).rows;
        let Some(index) = rows.iter().position(|row| matches(row, &conditions)) else {
            return Ok(None);
        };
        // Decode before removing, so a row that cannot be read back stays where it was.
        let model = M::from_values(rows[index].clone())?;
        rows.remove(index);
        Ok(Some(model))
    }

    fn insert<M: Model>(&self, model: M) -> Result<M> {
        let mut tables = self.lock();
        let row = tables.insert::<S>(M::TABLE, model.to_values()?)?;
        M::from_values(row)
    }

    /// Applies `assignments` to the one row matching `key`; `Ok(None)` when none does.
    fn update_one<M: Model>(
        &self,
        key: &[(RoleField, &str)],
        assignments: Vec<(usize, Value)>,
    ) -> Result<Option<M>> {
        let Some(conditions) = conditions(M::TABLE, key)? else {
            return Ok(None);
        };
        let mut tables = self.lock();
        let Some(index) = tables
            .get(M::TABLE)
            .rows
            .iter()
            .position(|row| matches(row, &conditions))
        else {
            return Ok(None);
        };
        let mut assignments = assignments;
        // An empty patch reads the row, as on SQL: no update, so `updated_at` stays.
        if !assignments.is_empty() {
            stamp_update(M::TABLE, &mut assignments, stamp_now());
        }
        let row = tables.update::<S>(M::TABLE, index, assignments)?;
        M::from_values(row).map(Some)
    }
}

impl<S: Schema> Default for MemoryAdapter<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Schema> std::fmt::Debug for MemoryAdapter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tables = self.lock();
        let mut debug = f.debug_struct("MemoryAdapter");
        for role in Role::ALL {
            debug.field(role.name(), &tables.slots[slot(role)].rows.len());
        }
        debug.finish()
    }
}

impl<S: Schema> Adapter<S> for MemoryAdapter<S> {
    fn create_user(&self, user: S::User) -> BoxFuture<'_, Result<S::User>> {
        Box::pin(async move { self.insert(user) })
    }

    fn get_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move { self.find_one(&[(RoleField::UserId, id)]) })
    }

    fn get_user_by_email<'a>(&'a self, email: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move { self.find_one(&[(RoleField::UserEmail, email)]) })
    }

    fn get_user_by_account<'a>(
        &'a self,
        key: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let accounts = <S::Account as Model>::TABLE;
            let key = [
                (RoleField::AccountProvider, key.provider),
                (RoleField::AccountProviderAccountId, key.provider_account_id),
            ];
            let (Some(conditions), user_id) = (
                conditions(accounts, &key)?,
                required(accounts, RoleField::AccountUserId)?,
            ) else {
                return Ok(None);
            };
            let tables = self.lock();
            let Some(account) = tables
                .get(accounts)
                .rows
                .iter()
                .find(|row| matches(row, &conditions))
            else {
                return Ok(None);
            };
            user_by_id::<S>(&tables, &account[user_id])
        })
    }

    fn update_user<'a>(
        &'a self,
        id: &'a str,
        patch: UserPatch<S>,
    ) -> BoxFuture<'a, Result<S::User>> {
        Box::pin(async move {
            self.update_one(&[(RoleField::UserId, id)], patch.into_assignments()?)?
                .ok_or(Error::NotFound { what: "user" })
        })
    }

    fn delete_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            let users = <S::User as Model>::TABLE;
            let Some(conditions) = conditions(users, &[(RoleField::UserId, id)])? else {
                return Ok(None);
            };
            let mut tables = self.lock();
            let Some(index) = tables
                .get(users)
                .rows
                .iter()
                .position(|row| matches(row, &conditions))
            else {
                return Ok(None);
            };
            let user = S::User::from_values(tables.get(users).rows[index].clone())?;
            // As the database: an `ON DELETE RESTRICT` foreign key refuses the delete while
            // rows still reference the user.
            tables.check_restricted::<S>(users, index)?;
            tables.delete_user::<S>(users, index);
            Ok(Some(user))
        })
    }

    fn link_account(&self, account: S::Account) -> BoxFuture<'_, Result<S::Account>> {
        Box::pin(async move { self.insert(account) })
    }

    fn unlink_account<'a>(
        &'a self,
        key: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            self.remove_one(&[
                (RoleField::AccountProvider, key.provider),
                (RoleField::AccountProviderAccountId, key.provider_account_id),
            ])
        })
    }

    fn get_account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            self.find_one(&[
                (RoleField::AccountProvider, key.provider),
                (RoleField::AccountProviderAccountId, key.provider_account_id),
            ])
        })
    }

    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>> {
        Box::pin(async move { self.insert(session) })
    }

    fn get_session_and_user<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<(S::Session, S::User)>>> {
        Box::pin(async move {
            let sessions = <S::Session as Model>::TABLE;
            let (Some(conditions), user_id) = (
                conditions(sessions, &[(RoleField::SessionToken, session_token)])?,
                required(sessions, RoleField::SessionUserId)?,
            ) else {
                return Ok(None);
            };
            // One lock for both reads: the pair is consistent, as the SQL join is.
            let tables = self.lock();
            let Some(row) = tables
                .get(sessions)
                .rows
                .iter()
                .find(|row| matches(row, &conditions))
            else {
                return Ok(None);
            };
            let Some(user) = user_by_id::<S>(&tables, &row[user_id])? else {
                return Ok(None);
            };
            Ok(Some((S::Session::from_values(row.clone())?, user)))
        })
    }

    fn update_session<'a>(
        &'a self,
        session_token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            self.update_one(
                &[(RoleField::SessionToken, session_token)],
                patch.into_assignments()?,
            )
        })
    }

    fn delete_session<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move { self.remove_one(&[(RoleField::SessionToken, session_token)]) })
    }

    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>> {
        Box::pin(async move { self.insert(token) })
    }

    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        // Find and remove under one lock: of concurrent calls exactly one gets the token.
        Box::pin(async move {
            self.remove_one(&[
                (RoleField::VerificationIdentifier, identifier),
                (RoleField::VerificationToken, token),
            ])
        })
    }

    fn create_authenticator(
        &self,
        authenticator: S::Authenticator,
    ) -> BoxFuture<'_, Result<S::Authenticator>> {
        Box::pin(async move { self.insert(authenticator) })
    }

    fn get_authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        Box::pin(
            async move { self.find_one(&[(RoleField::AuthenticatorCredentialId, credential_id)]) },
        )
    }

    fn list_authenticators_by_user_id<'a>(
        &'a self,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<S::Authenticator>>> {
        Box::pin(async move {
            self.find_rows(
                Role::Authenticator,
                &[(RoleField::AuthenticatorUserId, user_id)],
            )?
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
            let table = <S::Authenticator as Model>::TABLE;
            let position = required(table, RoleField::AuthenticatorCounter)?;
            table.columns[position].check_int(counter)?;
            self.update_one(
                &[(RoleField::AuthenticatorCredentialId, credential_id)],
                vec![(position, Value::Int(counter))],
            )?
            .ok_or(Error::NotFound {
                what: "authenticator",
            })
        })
    }

    fn update_account<'a>(
        &'a self,
        key: AccountKey<'a>,
        patch: AccountPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            self.update_one(
                &[
                    (RoleField::AccountProvider, key.provider),
                    (RoleField::AccountProviderAccountId, key.provider_account_id),
                ],
                patch.into_assignments()?,
            )
        })
    }

    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>> {
        Box::pin(async move {
            self.find_rows(Role::Session, &[(RoleField::SessionUserId, user_id)])?
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
            self.remove_one(&[
                (RoleField::SessionToken, session_token),
                (RoleField::SessionUserId, user_id),
            ])
        })
    }

    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            let sessions = <S::Session as Model>::TABLE;
            let Some(owned) = conditions(sessions, &[(RoleField::SessionUserId, user_id)])? else {
                return Ok(0);
            };
            let kept = conditions(sessions, &[(RoleField::SessionToken, keep)])?
                .ok_or_else(|| super::unkeepable(keep))?;
            let mut tables = self.lock();
            let rows = &mut tables.get_mut(sessions).rows;
            let before = rows.len();
            rows.retain(|row| !matches(row, &owned) || matches(row, &kept));
            Ok((before - rows.len()) as u64)
        })
    }

    fn delete_expired(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async move {
            if batch == 0 {
                return Ok(0);
            }
            let sessions = <S::Session as Model>::TABLE;
            let tokens = <S::VerificationToken as Model>::TABLE;
            let expiring = [
                (sessions, required(sessions, RoleField::SessionExpires)?),
                (tokens, required(tokens, RoleField::VerificationExpires)?),
            ];
            // Under the one lock, a batch is the whole table.
            let mut tables = self.lock();
            let mut deleted = 0;
            for (table, at) in expiring {
                let rows = &mut tables.get_mut(table).rows;
                let before = rows.len();
                rows.retain(|row| !matches!(row.get(at), Some(Value::Timestamp(t)) if *t < now));
                deleted += (before - rows.len()) as u64;
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
        Box::pin(async move {
            let users = <S::User as Model>::TABLE;
            let mut tables = self.lock();
            let user = S::User::from_values(tables.insert::<S>(users, user.to_values()?)?)?;
            // Under the one lock nobody sees the user before the account and the session;
            // when either is refused, the user goes again, with whatever was written for it.
            let rest = (|| {
                let id = user_id_of::<S>(&user)?;
                let account = match account {
                    Some(account) => {
                        let account = with_user_id(account, RoleField::AccountUserId, &id)?;
                        let table = <S::Account as Model>::TABLE;
                        Some(S::Account::from_values(
                            tables.insert::<S>(table, account.to_values()?)?,
                        )?)
                    }
                    None => None,
                };
                let session = with_user_id(session, RoleField::SessionUserId, &id)?;
                let table = <S::Session as Model>::TABLE;
                let session =
                    S::Session::from_values(tables.insert::<S>(table, session.to_values()?)?)?;
                Ok::<_, Error>((account, session))
            })();
            match rest {
                Ok((account, session)) => Ok(SignUp {
                    user,
                    account,
                    session,
                }),
                Err(error) => {
                    if let Some(index) = tables.get(users).rows.len().checked_sub(1) {
                        tables.delete_user::<S>(users, index);
                    }
                    Err(error)
                }
            }
        })
    }
}

/// The descriptor of the table playing `role` in schema `S`.
fn table_of<S: Schema>(role: Role) -> &'static Table {
    S::tables()[slot(role)]
}
