//! Cases 23–30: what the Auth.js suite leaves out and the contract promises.
//!
//! Entry points: one method of [`Suite`] per case. Each makes its own users, so any of them
//! can be skipped by name ([`SuiteOptions::skip`](super::SuiteOptions::skip)).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use chrono::Duration;

use super::RawReads;
use super::authjs::{account_fixture, account_key, patch, sessions, text, tokens, users};
use super::check::{
    CaseResult, Check, During, Plain, Shown, absent, ensure, present, row_of, same_model, same_row,
    shown,
};
use super::fixtures::{
    self, foreign_ids, fresh_value, get, hash_token, id_value, position, put, uuid,
};
use super::suite::Suite;
use super::webauthn::authenticators;
use crate::adapter::{AccountKey, Adapter, BoxFuture};
use crate::descriptor::{RoleField, Table};
use crate::error::Error;
use crate::traits::{Model, Schema};
use crate::value::{Value, to_millis};

/// How many `useVerificationToken` calls race in case 29.
const RACERS: usize = 8;

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 23: a second user with a taken email, by create or update, is a conflict on
    /// the email's unique key, and changes nothing.
    pub async fn duplicate_email(&mut self) -> CaseResult {
        let table = users::<S>();
        let (first, _) = self.new_user("duplicate").await?;
        let email = get(table, &first, RoleField::UserEmail)?;
        let key = key_name(table, &[position(table, RoleField::UserEmail)?]);
        let row =
            fixtures::row::<S::User>(&self.options, &[(RoleField::UserEmail, email.clone())])?;
        let result = self.adapter.create_user(fixtures::model(&row)?).await;
        conflict(
            table,
            &key,
            "createUser with a taken email",
            result.map(|u| shown(&u)),
        )?;

        let (second, second_id) = self.new_user("duplicate-other").await?;
        let email_at = position(table, RoleField::UserEmail)?;
        let update = patch::<S::User>(&[(email_at, email.clone())])?;
        let result = self.adapter.update_user(&second_id, update).await;
        conflict(
            table,
            &key,
            "updateUser to a taken email",
            result.map(|u| shown(&u)),
        )?;

        let what = "db.user of the user whose update conflicted";
        let db = self.raw.user(&second_id).await.during("db.user")?;
        same_row(table, what, &second, &present(what, db)?, &[])?;
        let address = text(table, &first, RoleField::UserEmail)?;
        let owner = self
            .adapter
            .get_user_by_email(&address)
            .await
            .during("getUserByEmail")?;
        same_row(
            table,
            "getUserByEmail after the conflicts",
            &first,
            &present("getUserByEmail", owner)?,
            &[],
        )?;
        Ok(None)
    }

    /// Case 24: linking a linked (provider, provider account id) again is a conflict on the
    /// account's natural key, and leaves the first link as it was.
    pub async fn duplicate_account(&mut self) -> CaseResult {
        let table = <S::Account as Model>::TABLE;
        let (_, user_id) = self.new_user("duplicate-account").await?;
        let first = account_fixture::<S>(&self.options, &user_id, "github", "oauth")?;
        let first = self.store_account(&first).await?;
        let mut second = account_fixture::<S>(&self.options, &user_id, "github", "oauth")?;
        for field in [
            RoleField::AccountProvider,
            RoleField::AccountProviderAccountId,
        ] {
            let at = position(table, field)?;
            put(&mut second, at, get(table, &first, field)?);
        }
        let natural: Vec<usize> = [
            RoleField::AccountProvider,
            RoleField::AccountProviderAccountId,
        ]
        .iter()
        .filter_map(|f| table.position(*f))
        .collect();
        let key = key_name(table, &natural);
        let result = self.adapter.link_account(fixtures::model(&second)?).await;
        conflict(
            table,
            &key,
            "linkAccount of a linked account",
            result.map(|a| shown(&a)),
        )?;
        let linked = account_key::<S>(&first)?;
        let what = "db.account after the conflicting linkAccount";
        let db = self.raw.account(linked.key()).await.during("db.account")?;
        same_row(table, what, &first, &present(what, db)?, &[])?;
        Ok(None)
    }

    /// Case 25: an id that cannot be one of the schema's (`"not-an-id"`, `"42"` for UUIDs,
    /// a UUID for integers) is not found, never an error.
    pub async fn foreign_ids(&mut self) -> CaseResult {
        let table = users::<S>();
        let id_column = &table.columns[position(table, RoleField::UserId)?];
        let email_at = position(table, RoleField::UserEmail)?;
        for id in foreign_ids(id_column) {
            let found = self.adapter.get_user(&id).await.during("getUser")?;
            absent(&format!("getUser({id:?})"), found)?;
            if !self.skips("deleteUser") {
                let deleted = self.adapter.delete_user(&id).await.during("deleteUser")?;
                absent(&format!("deleteUser({id:?})"), deleted)?;
            }
            if !self.options.skip_webauthn {
                let listed = self
                    .adapter
                    .list_authenticators_by_user_id(&id)
                    .await
                    .during("listAuthenticatorsByUserId")?;
                let listed: Vec<_> = listed.iter().map(Model::to_values).collect();
                ensure(listed.is_empty(), || {
                    format!("listAuthenticatorsByUserId({id:?}) returned {listed:?}")
                })?;
            }
            let email = Value::Text(format!("foreign-{}@example.com", uuid()));
            let update = patch::<S::User>(&[(email_at, email)])?;
            match self.adapter.update_user(&id, update).await {
                Err(Error::NotFound { .. }) => {}
                Err(other) => {
                    return Err(Check::differ(
                        format!("updateUser({id:?})"),
                        Plain("Err(NotFound)"),
                        other,
                    ));
                }
                Ok(user) => {
                    return Err(Check::differ(
                        format!("updateUser({id:?})"),
                        Plain("Err(NotFound)"),
                        Shown(table, &shown(&user)),
                    ));
                }
            }
        }
        Ok(None)
    }

    /// Case 26: each field of the user updated alone (role fields and the application's
    /// own), then each nullable field set to `NULL`, then an empty patch; every time the
    /// returned and the stored user are the previous one with that field changed.
    pub async fn update_every_user_field(&mut self) -> CaseResult {
        let table = users::<S>();
        let (mut current, id) = self.new_user("update-every-field").await?;
        let mut steps: Vec<(usize, Option<Value>)> = Vec::new();
        // `created_at` and `updated_at` are the adapter's to write: no patch sets them.
        for (at, column) in table.columns.iter().enumerate() {
            if !column.primary_key && column.stamp.is_none() {
                steps.push((at, None));
            }
        }
        for (at, column) in table.columns.iter().enumerate() {
            if !column.primary_key && column.stamp.is_none() && column.nullable {
                steps.push((at, Some(Value::Null)));
            }
        }
        for (at, fixed) in steps {
            let column = &table.columns[at];
            let current_value = current.get(at).cloned().unwrap_or(Value::Null);
            let value =
                fixed.unwrap_or_else(|| fresh_value(column, &current_value, self.clock.now));
            let update = patch::<S::User>(&[(at, value.clone())])?;
            let returned = self
                .adapter
                .update_user(&id, update)
                .await
                .during(&format!("updateUser of `{}`", column.name))?;
            let mut expected = current.clone();
            put(&mut expected, at, value.clone());
            let what = format!(
                "updateUser setting `{}` to {value:?}: the user returned",
                column.name
            );
            same_model(&what, &expected, &returned)?;
            let what = format!("updateUser setting `{}` to {value:?}: db.user", column.name);
            let db = self.raw.user(&id).await.during("db.user")?;
            same_row(table, &what, &expected, &present(&what, db)?, &[])?;
            current = expected;
        }
        let returned = self
            .adapter
            .update_user(&id, Default::default())
            .await
            .during("updateUser with an empty patch")?;
        same_model("updateUser with an empty patch", &current, &returned)?;
        Ok(None)
    }

    /// Case 27: deleting a user removes its sessions, accounts and authenticators, and
    /// nothing of another user's; a second delete finds nothing.
    pub async fn delete_user_cascades(&mut self) -> CaseResult {
        if self.skips("deleteUser") {
            return Ok(Some("deleteUser is skipped".to_owned()));
        }
        let (user, user_id) = self.new_user("cascade").await?;
        let (other, other_id) = self.new_user("cascade-other").await?;
        let session = self.session_for(&user_id).await?;
        let other_session = self.session_for(&other_id).await?;
        let account = account_fixture::<S>(&self.options, &user_id, "github", "oauth")?;
        let account = self.store_account(&account).await?;
        let authenticator = if self.options.skip_webauthn {
            None
        } else {
            Some(self.new_authenticator(&user_id, "usb").await?)
        };

        let deleted = self
            .adapter
            .delete_user(&user_id)
            .await
            .during("deleteUser")?;
        same_row(
            users::<S>(),
            "the user deleteUser returned",
            &user,
            &present("deleteUser", deleted)?,
            &[],
        )?;
        absent(
            "db.user after deleteUser",
            self.raw.user(&user_id).await.during("db.user")?,
        )?;
        let token = text(sessions::<S>(), &session, RoleField::SessionToken)?;
        let db = self.raw.session(&token).await.during("db.session")?;
        absent("db.session of the deleted user's session", db)?;
        let linked = account_key::<S>(&account)?;
        let db = self.raw.account(linked.key()).await.during("db.account")?;
        absent("db.account of the deleted user's account", db)?;
        if let Some(authenticator) = authenticator {
            let credential = text(
                authenticators::<S>(),
                &authenticator,
                RoleField::AuthenticatorCredentialId,
            )?;
            let db = self
                .raw
                .authenticator(&credential)
                .await
                .during("db.authenticator")?;
            absent("db.authenticator of the deleted user's authenticator", db)?;
            let db = self
                .raw
                .account(AccountKey {
                    provider: "webauthn",
                    provider_account_id: &credential,
                })
                .await
                .during("db.account")?;
            absent("db.account of the deleted user's webauthn account", db)?;
        }

        let what = "db.user of another user after deleteUser";
        let db = self.raw.user(&other_id).await.during("db.user")?;
        same_row(users::<S>(), what, &other, &present(what, db)?, &[])?;
        let what = "db.session of another user's session after deleteUser";
        let token = text(sessions::<S>(), &other_session, RoleField::SessionToken)?;
        let db = self.raw.session(&token).await.during("db.session")?;
        same_row(
            sessions::<S>(),
            what,
            &other_session,
            &present(what, db)?,
            &[],
        )?;
        let again = self
            .adapter
            .delete_user(&user_id)
            .await
            .during("deleteUser")?;
        absent("a second deleteUser of the same user", again)?;
        Ok(None)
    }

    /// Case 28: every lookup and single-row write of an unknown key is `None`.
    pub async fn unknown_keys(&mut self) -> CaseResult {
        let unknown = uuid();
        let github_unknown = AccountKey {
            provider: "github",
            provider_account_id: &unknown,
        };
        let a = self.adapter;
        let found = a
            .get_session_and_user(&unknown)
            .await
            .during("getSessionAndUser")?;
        absent(
            "getSessionAndUser of an unknown token",
            found.map(|(s, _)| s),
        )?;
        let expires_at = position(sessions::<S>(), RoleField::SessionExpires)?;
        let expires = Value::Timestamp(self.clock.one_week_from_now);
        let update = patch::<S::Session>(&[(expires_at, expires)])?;
        let updated = a
            .update_session(&unknown, update)
            .await
            .during("updateSession")?;
        absent("updateSession of an unknown token", updated)?;
        let deleted = a.delete_session(&unknown).await.during("deleteSession")?;
        absent("deleteSession of an unknown token", deleted)?;
        let used = a
            .use_verification_token("info@example.com", &hash_token(&unknown))
            .await
            .during("useVerificationToken")?;
        absent("useVerificationToken of an unknown token", used)?;
        let unlinked = a
            .unlink_account(github_unknown)
            .await
            .during("unlinkAccount")?;
        absent("unlinkAccount of an unknown account", unlinked)?;
        let user = a
            .get_user_by_account(github_unknown)
            .await
            .during("getUserByAccount")?;
        absent("getUserByAccount of an unknown account", user)?;
        if !self.options.skip_webauthn {
            let account = a.get_account(github_unknown).await.during("getAccount")?;
            absent("getAccount of an unknown account", account)?;
            let found = a
                .get_authenticator(&unknown)
                .await
                .during("getAuthenticator")?;
            absent("getAuthenticator of an unknown credential", found)?;
        }
        Ok(None)
    }

    /// Case 29: of concurrent `useVerificationToken` calls for one token, exactly one gets it.
    pub async fn concurrent_token_use(&mut self) -> CaseResult {
        let table = tokens::<S>();
        let hashed = hash_token(&uuid());
        let identifier = format!("race-{}@example.com", uuid());
        let text = |s: &str| Value::Text(s.to_owned());
        let row = fixtures::row::<S::VerificationToken>(
            &self.options,
            &[
                (RoleField::VerificationIdentifier, text(&identifier)),
                (RoleField::VerificationToken, text(&hashed)),
                (
                    RoleField::VerificationExpires,
                    Value::Timestamp(self.clock.fifteen_minutes_from_now),
                ),
            ],
        )?;
        self.adapter
            .create_verification_token(fixtures::model(&row)?)
            .await
            .during("createVerificationToken")?;
        let racers = (0..RACERS)
            .map(|_| self.adapter.use_verification_token(&identifier, &hashed))
            .collect();
        let mut winners = Vec::new();
        for result in join_all(racers).await {
            if let Some(token) = result.during("useVerificationToken")? {
                winners.push(row_of(&token)?);
            }
        }
        ensure(winners.len() == 1, || {
            format!(
                "{RACERS} concurrent useVerificationToken calls: {} got the token",
                winners.len()
            )
        })?;
        same_row(
            table,
            "the token the winning call returned",
            &row,
            &winners[0],
            &[],
        )?;
        Ok(None)
    }

    /// Case 30: an instant with microseconds is stored, returned and updated truncated to
    /// the millisecond (compared exactly here, not at millisecond value).
    pub async fn millisecond_precision(&mut self) -> CaseResult {
        // A week ahead, so a store that drops expired rows by itself (Redis) keeps it.
        let precise =
            self.clock.now + Duration::days(7) + Duration::nanoseconds(123_456_789 % 1_000_000);
        let expected = Value::Timestamp(to_millis(precise));
        let (_, user_id) = self.new_user("precision").await?;
        let table = sessions::<S>();
        let token = uuid();
        let row = fixtures::row::<S::Session>(
            &self.options,
            &[
                (RoleField::SessionToken, Value::Text(token.clone())),
                (
                    RoleField::SessionUserId,
                    id_value(table, RoleField::SessionUserId, &user_id)?,
                ),
                (RoleField::SessionExpires, Value::Timestamp(precise)),
            ],
        )?;
        let created = self
            .adapter
            .create_session(fixtures::model(&row)?)
            .await
            .during("createSession")?;
        exactly(
            table,
            "the session createSession returned",
            &expected,
            &row_of(&created)?,
        )?;
        let db = present(
            "db.session",
            self.raw.session(&token).await.during("db.session")?,
        )?;
        exactly(table, "db.session after createSession", &expected, &db)?;

        let later = precise + Duration::days(1);
        let expected = Value::Timestamp(to_millis(later));
        let expires_at = position(table, RoleField::SessionExpires)?;
        let update = patch::<S::Session>(&[(expires_at, Value::Timestamp(later))])?;
        let updated = self
            .adapter
            .update_session(&token, update)
            .await
            .during("updateSession")?;
        let updated = present("the session updateSession returned", updated)?;
        exactly(
            table,
            "the session updateSession returned",
            &expected,
            &updated,
        )?;
        let db = present(
            "db.session",
            self.raw.session(&token).await.during("db.session")?,
        )?;
        exactly(table, "db.session after updateSession", &expected, &db)?;
        Ok(None)
    }

    /// Creates a session for `user_id` expiring in a week; returns the stored row.
    async fn session_for(&self, user_id: &str) -> Result<Vec<Value>, Check> {
        let table = sessions::<S>();
        let row = fixtures::row::<S::Session>(
            &self.options,
            &[
                (RoleField::SessionToken, Value::Text(uuid())),
                (
                    RoleField::SessionUserId,
                    id_value(table, RoleField::SessionUserId, user_id)?,
                ),
                (
                    RoleField::SessionExpires,
                    Value::Timestamp(self.clock.one_week_from_now),
                ),
            ],
        )?;
        self.store_session(&row).await
    }
}

/// The name a conflict on these columns carries: `<table>_pkey` for the primary key, else
/// the unique key's name as [`Table::unique_keys`] (and the DDL) names it.
fn key_name(table: &'static Table, positions: &[usize]) -> String {
    let names: Vec<&str> = positions
        .iter()
        .filter_map(|&p| table.columns.get(p))
        .map(|c| c.name)
        .collect();
    let primary: Vec<&str> = table.primary_key().iter().map(|c| c.name).collect();
    if primary == names {
        return table.primary_key_name();
    }
    table
        .unique_keys()
        .into_iter()
        .find(|k| k.columns.iter().map(|c| c.name).eq(names.iter().copied()))
        .map_or_else(
            || format!("{}_{}_key", table.name, names.join("_")),
            |k| k.name,
        )
}

/// Fails unless `result` is a conflict on `table`'s key `key`.
fn conflict(
    table: &'static Table,
    key: &str,
    what: &str,
    result: Result<Vec<Value>, Error>,
) -> Result<(), Check> {
    let expected = format!(
        "Err(Conflict {{ table: {:?}, constraint: {key:?} }})",
        table.name
    );
    match result {
        Err(Error::Conflict {
            table: t,
            constraint,
        }) if t == table.name && constraint == key => Ok(()),
        Err(other) => Err(Check::differ(what, Plain(&expected), other)),
        Ok(row) => Err(Check::differ(what, Plain(&expected), Shown(table, &row))),
    }
}

/// Fails unless the row's expiry is exactly `expected`.
fn exactly(
    table: &'static Table,
    what: &str,
    expected: &Value,
    row: &[Value],
) -> Result<(), Check> {
    let actual = get(table, row, RoleField::SessionExpires)?;
    if actual == *expected {
        return Ok(());
    }
    Err(Check::differ(
        format!("{what}: `expires` not truncated to the millisecond"),
        expected,
        actual,
    ))
}

/// Polls every future until all are done, in one task: enough to interleave adapters that
/// yield, without assuming a runtime.
async fn join_all<T>(futures: Vec<BoxFuture<'_, T>>) -> Vec<T> {
    let mut pending: Vec<Option<Pin<Box<dyn Future<Output = T> + Send + '_>>>> =
        futures.into_iter().map(Some).collect();
    let mut done: Vec<Option<T>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (slot, out) in pending.iter_mut().zip(done.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *out = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    done.into_iter().flatten().collect()
}
