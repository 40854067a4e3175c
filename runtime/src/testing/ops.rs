//! Cases 32–34: the operations Auth.js's contract lacks: `update_account`, listing and
//! revoking a user's sessions, and deleting expired rows in batches.
//!
//! Entry points: one method of [`Suite`] per case. Each makes its own users and rows, so any
//! of them can be skipped by name.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::RawReads;
use super::authjs::{account_fixture, account_key, accounts, patch, sessions, text};
use super::check::{CaseResult, Check, During, Plain, absent, ensure, present, row_of, same_row};
use super::fixtures::{self, id_value, uuid};
use super::suite::Suite;
use crate::adapter::{AccountKey, Adapter};
use crate::descriptor::RoleField;
use crate::traits::Schema;
use crate::value::Value;

/// The batch size of case 34: smaller than the rows it deletes, so it takes several batches.
const BATCH: u32 = 2;

/// Case 34's cut-off: far enough in the past that no other test's row expires before it; an
/// hour ahead on a store that drops expired rows by itself
/// ([`SuiteOptions::expiring_store`](super::SuiteOptions::expiring_store)), whose rows must
/// still be there when `delete_expired` runs.
fn cutoff(expiring_store: bool) -> DateTime<Utc> {
    if expiring_store {
        return crate::value::to_millis(Utc::now() + Duration::hours(1));
    }
    Utc.with_ymd_and_hms(2001, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 32: `update_account` stores refreshed tokens on the account with that key and
    /// returns it as stored; every other column stays; an unknown key is `None`.
    pub async fn update_account(&mut self) -> CaseResult {
        let (_, user_id) = self.new_user("update-account").await?;
        let fixture = account_fixture::<S>(&self.options, &user_id, "github", "oauth")?;
        let stored = self.store_account(&fixture).await?;
        let table = accounts::<S>();
        let refreshed = [
            (
                RoleField::AccountAccessToken,
                Value::Text(format!("access-{}", uuid())),
            ),
            (
                RoleField::AccountRefreshToken,
                Value::Text(format!("refresh-{}", uuid())),
            ),
            (RoleField::AccountExpiresAt, Value::Int(1_900_000_000)),
        ];
        let sets: Vec<(usize, Value)> = refreshed
            .iter()
            .filter_map(|(field, value)| Some((table.position(*field)?, value.clone())))
            .collect();
        if sets.is_empty() {
            return Ok(Some("the account model stores no tokens".to_owned()));
        }
        let mut expected = stored.clone();
        for (at, value) in &sets {
            fixtures::put(&mut expected, *at, value.clone());
        }
        let key = account_key::<S>(&stored)?;
        let returned = self
            .adapter
            .update_account(key.key(), patch::<S::Account>(&sets)?)
            .await
            .during("updateAccount")?;
        let returned = present("the account updateAccount returned", returned)?;
        let what = "db.account after updateAccount";
        let db = present(
            what,
            self.raw.account(key.key()).await.during("db.account")?,
        )?;
        same_row(table, what, &expected, &db, &[])?;
        same_row(
            table,
            "the account updateAccount returned",
            &db,
            &returned,
            &[],
        )?;
        let unknown = AccountKey {
            provider: "github",
            provider_account_id: &uuid(),
        };
        let none = self
            .adapter
            .update_account(unknown, patch::<S::Account>(&sets)?)
            .await
            .during("updateAccount of an unknown account")?;
        absent("updateAccount of an unknown account", none)?;
        Ok(None)
    }

    /// Case 33: `list_sessions` finds a user's sessions and no one else's;
    /// `revoke_session` deletes a session of that user only; `revoke_other_sessions`
    /// deletes all of the user's sessions but the kept one, in one call, and counts them.
    pub async fn revoke_sessions(&mut self) -> CaseResult {
        let (_, owner) = self.new_user("sessions-owner").await?;
        let (_, other) = self.new_user("sessions-other").await?;
        let week = self.clock.one_week_from_now;
        let mut tokens = Vec::new();
        for _ in 0..3 {
            let row = self.session_row(&owner, week)?;
            self.store_session(&row).await?;
            tokens.push(text(sessions::<S>(), &row, RoleField::SessionToken)?);
        }
        let others = self.session_row(&other, week)?;
        self.store_session(&others).await?;
        let others = text(sessions::<S>(), &others, RoleField::SessionToken)?;

        let listed = self
            .adapter
            .list_sessions(&owner)
            .await
            .during("listSessions")?;
        let mut found = Vec::new();
        for session in &listed {
            found.push(text(
                sessions::<S>(),
                &row_of(session)?,
                RoleField::SessionToken,
            )?);
        }
        found.sort();
        let mut expected = tokens.clone();
        expected.sort();
        if found != expected {
            return Err(Check::differ(
                "listSessions of a user with three sessions",
                expected,
                found,
            ));
        }

        // Another user's id does not revoke the session.
        let revoked = self
            .adapter
            .revoke_session(&other, &tokens[0])
            .await
            .during("revokeSession with another user's id")?;
        absent("revokeSession with another user's id", revoked)?;
        let db = self.raw.session(&tokens[0]).await.during("db.session")?;
        present("db.session after revokeSession by another user", db)?;
        let revoked = self
            .adapter
            .revoke_session(&owner, &tokens[0])
            .await
            .during("revokeSession")?;
        present("the session revokeSession returned", revoked)?;
        let db = self.raw.session(&tokens[0]).await.during("db.session")?;
        absent("db.session after revokeSession", db)?;

        // Sign out everywhere else: of tokens 1 and 2, 1 stays.
        let count = self
            .adapter
            .revoke_other_sessions(&owner, &tokens[1])
            .await
            .during("revokeOtherSessions")?;
        if count != 1 {
            return Err(Check::differ(
                "revokeOtherSessions' count of a user with two sessions",
                1,
                count,
            ));
        }
        for (token, kept, what) in [
            (&tokens[1], true, "db.session of the kept session"),
            (&tokens[2], false, "db.session of a revoked session"),
            (&others, true, "db.session of another user's session"),
        ] {
            let db = self.raw.session(token).await.during("db.session")?;
            ensure(db.is_some() == kept, || {
                format!("{what} after revokeOtherSessions")
            })?;
        }
        let listed = self
            .adapter
            .list_sessions(&owner)
            .await
            .during("listSessions")?;
        ensure(listed.len() == 1, || {
            format!(
                "listSessions after revokeOtherSessions found {} sessions, not 1",
                listed.len()
            )
        })?;
        Ok(None)
    }

    /// Case 34: `delete_expired` deletes every session and verification token that expired
    /// before the instant given (strictly), in batches smaller than their number, counts
    /// them, and leaves the rest.
    pub async fn delete_expired(&mut self) -> CaseResult {
        let (_, user_id) = self.new_user("expired").await?;
        let cutoff = cutoff(self.options.expiring_store);
        let identifier = format!("expired-{}@example.com", uuid());
        let mut expired_sessions = Vec::new();
        for minutes in 1..=5 {
            let row = self.session_row(&user_id, cutoff - Duration::minutes(minutes))?;
            self.store_session(&row).await?;
            expired_sessions.push(text(sessions::<S>(), &row, RoleField::SessionToken)?);
        }
        let kept_session = self.session_row(&user_id, cutoff)?;
        self.store_session(&kept_session).await?;
        let kept_session = text(sessions::<S>(), &kept_session, RoleField::SessionToken)?;
        let mut expired_tokens = Vec::new();
        for minutes in 1..=3 {
            let token = self
                .token_row(&identifier, cutoff - Duration::minutes(minutes))
                .await?;
            expired_tokens.push(token);
        }
        let kept_token = self.token_row(&identifier, cutoff).await?;

        let deleted = self
            .adapter
            .delete_expired(cutoff, BATCH)
            .await
            .during("deleteExpired")?;
        // Rows a failed earlier run left behind expired before the cut-off too.
        ensure(deleted >= 8, || {
            format!("deleteExpired counted {deleted} rows, not at least the 8 written")
        })?;
        for token in &expired_sessions {
            let db = self.raw.session(token).await.during("db.session")?;
            absent("db.session of an expired session after deleteExpired", db)?;
        }
        for token in &expired_tokens {
            let db = self
                .raw
                .verification_token(&identifier, token)
                .await
                .during("db.verificationToken")?;
            absent("db.verificationToken expired, after deleteExpired", db)?;
        }
        let what = "db.session expiring at the instant itself, after deleteExpired";
        let db = self.raw.session(&kept_session).await.during("db.session")?;
        present(what, db)?;
        let what = "db.verificationToken expiring at the instant itself, after deleteExpired";
        let db = self
            .raw
            .verification_token(&identifier, &kept_token)
            .await
            .during("db.verificationToken")?;
        present(what, db)?;
        let again = self
            .adapter
            .delete_expired(cutoff, BATCH)
            .await
            .during("deleteExpired")?;
        if again != 0 {
            return Err(Check::differ(
                "a second deleteExpired",
                Plain("0 rows"),
                again,
            ));
        }
        // What is left is removed, so the case can run again on the same database.
        self.adapter
            .delete_session(&kept_session)
            .await
            .during("deleteSession")?;
        self.adapter
            .use_verification_token(&identifier, &kept_token)
            .await
            .during("useVerificationToken")?;
        Ok(None)
    }

    /// A session row of `user_id` with a fresh token, expiring at `expires`.
    fn session_row(&self, user_id: &str, expires: DateTime<Utc>) -> Result<Vec<Value>, Check> {
        let table = sessions::<S>();
        fixtures::row::<S::Session>(
            &self.options,
            &[
                (RoleField::SessionToken, Value::Text(uuid())),
                (
                    RoleField::SessionUserId,
                    id_value(table, RoleField::SessionUserId, user_id)?,
                ),
                (RoleField::SessionExpires, Value::Timestamp(expires)),
            ],
        )
    }

    /// Stores a verification token of `identifier` expiring at `expires`; returns its token.
    async fn token_row(&self, identifier: &str, expires: DateTime<Utc>) -> Result<String, Check> {
        let token = uuid();
        let row = fixtures::row::<S::VerificationToken>(
            &self.options,
            &[
                (
                    RoleField::VerificationIdentifier,
                    Value::Text(identifier.to_owned()),
                ),
                (RoleField::VerificationToken, Value::Text(token.clone())),
                (RoleField::VerificationExpires, Value::Timestamp(expires)),
            ],
        )?;
        self.adapter
            .create_verification_token(fixtures::model(&row)?)
            .await
            .during("createVerificationToken")?;
        Ok(token)
    }
}
