//! Cases 2–17 of the Auth.js adapter suite: users, sessions, accounts, verification tokens.
//!
//! Entry points: one method of [`Suite`] per case, named after it. Each follows
//! `packages/utils/adapter.ts`; where it checks a little more (the value an operation
//! returns, which Auth.js leaves unchecked), the comment says so.

use super::check::{
    CaseResult, Check, During, Plain, absent, present, row_of, same_model, same_row,
};
use super::fixtures::{self, Clock, get, hash_token, id_of, id_value, position, put, uuid};
use super::suite::Suite;
use super::{RawReads, SuiteOptions};
use crate::adapter::{AccountKey, Adapter};
use crate::descriptor::{RoleField, Table};
use crate::traits::{Model, Patch, Schema};
use crate::value::Value;

/// The identifier of the verification tokens of cases 13 and 14.
const IDENTIFIER: &str = "info@example.com";

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 2: the stored user is the fixture with the adapter's id; the fixture's
    /// `email_verified` keeps its milliseconds.
    pub async fn create_user(&mut self) -> CaseResult {
        let users = <S::User as Model>::TABLE;
        let fixture = user_fixture::<S>(&self.options, &self.clock, "fill")?;
        let created = self
            .adapter
            .create_user(fixtures::model(&fixture)?)
            .await
            .during("createUser")?;
        let created = row_of(&created)?;
        let id = id_of(users, &created, RoleField::UserId)?;
        let what = "db.user(id) after createUser";
        let db = present(what, self.raw.user(&id).await.during("db.user")?)?;
        let mut expected = fixture;
        let id_at = position(users, RoleField::UserId)?;
        put(
            &mut expected,
            id_at,
            created.get(id_at).cloned().unwrap_or(Value::Null),
        );
        same_row(users, what, &expected, &db, &[])?;
        // Beyond Auth.js: the returned user is the stored one.
        same_row(users, "the user createUser returned", &db, &created, &[])?;
        self.user = db;
        self.user_id = id;
        Ok(None)
    }

    /// Case 3: a fresh random id is not found; the user's id finds the user.
    pub async fn get_user(&mut self) -> CaseResult {
        let unknown = uuid();
        let found = self.adapter.get_user(&unknown).await.during("getUser")?;
        absent(&format!("getUser({unknown:?}) of an unknown id"), found)?;
        let found = self
            .adapter
            .get_user(&self.user_id)
            .await
            .during("getUser")?;
        let found = present("getUser(user.id)", found)?;
        same_row(users::<S>(), "getUser(user.id)", &self.user, &found, &[])?;
        Ok(None)
    }

    /// Case 4: an unknown email is not found; the user's email finds the user.
    pub async fn get_user_by_email(&mut self) -> CaseResult {
        let found = self
            .adapter
            .get_user_by_email("non-existent-email")
            .await
            .during("getUserByEmail")?;
        absent("getUserByEmail(\"non-existent-email\")", found)?;
        let email = text(users::<S>(), &self.user, RoleField::UserEmail)?;
        let found = self
            .adapter
            .get_user_by_email(&email)
            .await
            .during("getUserByEmail")?;
        let found = present("getUserByEmail(user.email)", found)?;
        same_row(
            users::<S>(),
            "getUserByEmail(user.email)",
            &self.user,
            &found,
            &[],
        )?;
        Ok(None)
    }

    /// Case 5: the stored session is the fixture, with any surrogate id the adapter gave it.
    pub async fn create_session(&mut self) -> CaseResult {
        let sessions = <S::Session as Model>::TABLE;
        let fixture = fixtures::row::<S::Session>(
            &self.options,
            &[
                (RoleField::SessionToken, Value::Text(uuid())),
                (
                    RoleField::SessionUserId,
                    id_value(sessions, RoleField::SessionUserId, &self.user_id)?,
                ),
                (
                    RoleField::SessionExpires,
                    Value::Timestamp(self.clock.one_week_from_now),
                ),
            ],
        )?;
        let db = self.store_session(&fixture).await?;
        self.session_fixture = fixture;
        self.session = db;
        Ok(None)
    }

    /// Case 6: an unknown token is not found; the session's token gives the session and
    /// the user of case 2.
    pub async fn get_session_and_user(&mut self) -> CaseResult {
        let found = self
            .adapter
            .get_session_and_user("invalid-token")
            .await
            .during("getSessionAndUser")?;
        if let Some((session, _)) = found {
            absent("getSessionAndUser(\"invalid-token\")", Some(session))?;
        }
        let token = text(sessions::<S>(), &self.session, RoleField::SessionToken)?;
        let found = self
            .adapter
            .get_session_and_user(&token)
            .await
            .during("getSessionAndUser")?;
        let Some((session, user)) = found else {
            return Err(Check::new(
                "Session and User was not found, but they should exist",
            ));
        };
        same_model(
            "the session getSessionAndUser returned",
            &self.session,
            &session,
        )?;
        same_model("the user getSessionAndUser returned", &self.user, &user)?;
        Ok(None)
    }

    /// Case 7: a partial update of the name; the rest of the user is unchanged.
    pub async fn update_user(&mut self) -> CaseResult {
        let users = users::<S>();
        let Some(name_at) = users.position(RoleField::UserName) else {
            return Ok(Some(format!("`{}` has no name column", users.type_name)));
        };
        let name = Value::Text("Updated Name".to_owned());
        let patch = patch::<S::User>(&[(name_at, name.clone())])?;
        let returned = self
            .adapter
            .update_user(&self.user_id, patch)
            .await
            .during("updateUser")?;
        let mut expected = self.user.clone();
        put(&mut expected, name_at, name);
        // Auth.js checks the name only; the other fields must not have moved either.
        same_model("the user updateUser returned", &expected, &returned)?;
        let db = self.raw.user(&self.user_id).await.during("db.user")?;
        let db = present("db.user(user.id) after updateUser", db)?;
        same_row(
            users,
            "db.user(user.id) after updateUser",
            &expected,
            &db,
            &[],
        )?;
        self.user = expected;
        Ok(None)
    }

    /// Case 8: a partial update of the expiry to a month from now.
    pub async fn update_session(&mut self) -> CaseResult {
        let sessions = sessions::<S>();
        let token = text(sessions, &self.session, RoleField::SessionToken)?;
        let expires_at = position(sessions, RoleField::SessionExpires)?;
        let expires = Value::Timestamp(self.clock.one_month_from_now);
        let before = self.raw.session(&token).await.during("db.session")?;
        let before = present("db.session(token) before updateSession", before)?;
        if get(sessions, &before, RoleField::SessionExpires)? == expires {
            return Err(Check::new(
                "the session already expires a month from now before updateSession",
            ));
        }
        let patch = patch::<S::Session>(&[(expires_at, expires.clone())])?;
        let returned = self
            .adapter
            .update_session(&token, patch)
            .await
            .during("updateSession")?;
        let mut expected = before;
        put(&mut expected, expires_at, expires);
        let db = self.raw.session(&token).await.during("db.session")?;
        let db = present("db.session(token) after updateSession", db)?;
        same_row(
            sessions,
            "db.session(token) after updateSession",
            &expected,
            &db,
            &[],
        )?;
        // Auth.js leaves the return value unchecked; the contract returns the session.
        let returned = present("the session updateSession returned", returned)?;
        same_row(
            sessions,
            "the session updateSession returned",
            &expected,
            &returned,
            &[],
        )?;
        Ok(None)
    }

    /// Case 9: every field of the account fixture round-trips, `expires_at` an integer.
    pub async fn link_account(&mut self) -> CaseResult {
        let fixture = account_fixture::<S>(&self.options, &self.user_id, "github", "oauth")?;
        self.account = self.store_account(&fixture).await?;
        self.account_fixture = fixture;
        Ok(None)
    }

    /// Case 10: an unknown provider account has no user; the linked one has the user.
    pub async fn get_user_by_account(&mut self) -> CaseResult {
        let found = self
            .adapter
            .get_user_by_account(AccountKey {
                provider: "invalid-provider",
                provider_account_id: "invalid-provider-account-id",
            })
            .await
            .during("getUserByAccount")?;
        absent("getUserByAccount of an unknown account", found)?;
        let linked = account_key::<S>(&self.account)?;
        let found = self
            .adapter
            .get_user_by_account(linked.key())
            .await
            .during("getUserByAccount")?;
        let found = present("getUserByAccount(provider, providerAccountId)", found)?;
        same_row(users::<S>(), "getUserByAccount", &self.user, &found, &[])?;
        Ok(None)
    }

    /// Case 11: the session is gone after deleteSession.
    pub async fn delete_session(&mut self) -> CaseResult {
        let sessions = sessions::<S>();
        let token = text(sessions, &self.session, RoleField::SessionToken)?;
        let before = self.raw.session(&token).await.during("db.session")?;
        let before = present("db.session(token) before deleteSession", before)?;
        let returned = self
            .adapter
            .delete_session(&token)
            .await
            .during("deleteSession")?;
        let db = self.raw.session(&token).await.during("db.session")?;
        absent("db.session(token) after deleteSession", db)?;
        // Beyond Auth.js: the deleted session is returned (core passes it to `signOut`).
        let returned = present("the session deleteSession returned", returned)?;
        same_row(
            sessions,
            "the session deleteSession returned",
            &before,
            &returned,
            &[],
        )?;
        Ok(None)
    }

    /// Case 13: the stored token is exactly the one created, hashed as Auth.js hashes it.
    pub async fn create_verification_token(&mut self) -> CaseResult {
        let token = self.new_verification_token(&hash_token(&uuid())).await?;
        let hashed = text(tokens::<S>(), &token, RoleField::VerificationToken)?;
        let what = "db.verificationToken(identifier, token) after createVerificationToken";
        let db = self
            .raw
            .verification_token(IDENTIFIER, &hashed)
            .await
            .during("db.verificationToken")?;
        let db = present(what, db)?;
        same_row(tokens::<S>(), what, &token, &db, &[])?;
        Ok(None)
    }

    /// Case 14: a token is returned once, and only for its own identifier.
    pub async fn use_verification_token(&mut self) -> CaseResult {
        let hashed = hash_token(&uuid());
        let token = self.new_verification_token(&hashed).await?;
        let used = self
            .adapter
            .use_verification_token(IDENTIFIER, &hashed)
            .await
            .during("useVerificationToken")?;
        let Some(used) = used else {
            return Err(Check::new(
                "Verification Token was not found, but it should exist",
            ));
        };
        same_model("the token useVerificationToken returned", &token, &used)?;
        let again = self
            .adapter
            .use_verification_token(IDENTIFIER, &hashed)
            .await
            .during("useVerificationToken")?;
        absent("a second useVerificationToken of the same token", again)?;
        // Should only return if the identifier matches.
        self.new_verification_token(&hashed).await?;
        let other = self
            .adapter
            .use_verification_token("invalid@identifier.com", &hashed)
            .await
            .during("useVerificationToken")?;
        absent("useVerificationToken with another identifier", other)?;
        Ok(None)
    }

    /// Case 16: the account is gone after unlinkAccount.
    pub async fn unlink_account(&mut self) -> CaseResult {
        let accounts = accounts::<S>();
        let linked = account_key::<S>(&self.account)?;
        let what = "db.account(provider, providerAccountId) before unlinkAccount";
        let db = self.raw.account(linked.key()).await.during("db.account")?;
        same_row(accounts, what, &self.account, &present(what, db)?, &[])?;
        let returned = self
            .adapter
            .unlink_account(linked.key())
            .await
            .during("unlinkAccount")?;
        let db = self.raw.account(linked.key()).await.during("db.account")?;
        absent("db.account after unlinkAccount", db)?;
        // Beyond Auth.js: the removed account is returned.
        let returned = present("the account unlinkAccount returned", returned)?;
        same_row(
            accounts,
            "the account unlinkAccount returned",
            &self.account,
            &returned,
            &[],
        )?;
        Ok(None)
    }

    /// Case 17: deleting the user removes its session and account, re-created here.
    pub async fn delete_user(&mut self) -> CaseResult {
        let what = "db.user(user.id) before deleteUser";
        let db = self.raw.user(&self.user_id).await.during("db.user")?;
        same_row(users::<S>(), what, &self.user, &present(what, db)?, &[])?;
        let session = fixtures::model(&self.session_fixture)?;
        self.adapter
            .create_session(session)
            .await
            .during("createSession")?;
        let account = fixtures::model(&self.account_fixture)?;
        self.adapter
            .link_account(account)
            .await
            .during("linkAccount")?;
        let returned = self
            .adapter
            .delete_user(&self.user_id)
            .await
            .during("deleteUser")?;
        let db = self.raw.user(&self.user_id).await.during("db.user")?;
        absent("db.user(user.id) after deleteUser", db)?;
        let token = text(
            sessions::<S>(),
            &self.session_fixture,
            RoleField::SessionToken,
        )?;
        let db = self.raw.session(&token).await.during("db.session")?;
        absent("Session should not exist after user is deleted", db)?;
        let linked = account_key::<S>(&self.account_fixture)?;
        let db = self.raw.account(linked.key()).await.during("db.account")?;
        absent("Account should not exist after user is deleted", db)?;
        // Beyond Auth.js: the deleted user is returned.
        let returned = present("the user deleteUser returned", returned)?;
        same_row(
            users::<S>(),
            "the user deleteUser returned",
            &self.user,
            &returned,
            &[],
        )?;
        Ok(None)
    }

    /// Creates a session from a fixture row and checks it was stored as given (up to a
    /// surrogate id) and returned as stored; returns the stored row.
    pub async fn store_session(&self, fixture: &[Value]) -> Result<Vec<Value>, Check> {
        let sessions = sessions::<S>();
        let created = self
            .adapter
            .create_session(fixtures::model(fixture)?)
            .await
            .during("createSession")?;
        let token = text(sessions, fixture, RoleField::SessionToken)?;
        let what = "db.session(sessionToken) after createSession";
        let db = present(what, self.raw.session(&token).await.during("db.session")?)?;
        same_row(sessions, what, fixture, &db, &surrogates(sessions))?;
        same_model("the session createSession returned", &db, &created)?;
        Ok(db)
    }

    /// Links an account from a fixture row and checks it was stored as given (up to a
    /// surrogate id) and returned as stored; returns the stored row.
    pub async fn store_account(&self, fixture: &[Value]) -> Result<Vec<Value>, Check> {
        let accounts = accounts::<S>();
        let linked = self
            .adapter
            .link_account(fixtures::model(fixture)?)
            .await
            .during("linkAccount")?;
        let key = account_key::<S>(fixture)?;
        let what = "db.account(provider, providerAccountId) after linkAccount";
        let db = self.raw.account(key.key()).await.during("db.account")?;
        let db = present(what, db)?;
        same_row(accounts, what, fixture, &db, &surrogates(accounts))?;
        same_model("the account linkAccount returned", &db, &linked)?;
        Ok(db)
    }

    /// Creates a verification token for [`IDENTIFIER`] expiring in fifteen minutes.
    async fn new_verification_token(&self, hashed: &str) -> Result<Vec<Value>, Check> {
        let row = fixtures::row::<S::VerificationToken>(
            &self.options,
            &[
                (
                    RoleField::VerificationIdentifier,
                    Value::Text(IDENTIFIER.to_owned()),
                ),
                (RoleField::VerificationToken, Value::Text(hashed.to_owned())),
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
        Ok(row)
    }
}

/// The user fixture of case 2 (Auth.js's Fill Murray), with an email unique to this run.
pub(crate) fn user_fixture<S: Schema>(
    options: &SuiteOptions,
    clock: &Clock,
    who: &str,
) -> Result<Vec<Value>, Check> {
    fixtures::row::<S::User>(
        options,
        &[
            (
                RoleField::UserEmail,
                Value::Text(format!("{who}-{}@murray.com", uuid())),
            ),
            (
                RoleField::UserImage,
                Value::Text("https://www.fillmurray.com/460/300".to_owned()),
            ),
            (RoleField::UserName, Value::Text("Fill Murray".to_owned())),
            (RoleField::UserEmailVerified, Value::Timestamp(clock.now)),
        ],
    )
}

/// The account fixture of case 9 for `user_id`: every token field set, `expires_at` a month
/// in seconds.
pub(crate) fn account_fixture<S: Schema>(
    options: &SuiteOptions,
    user_id: &str,
    provider: &str,
    kind: &str,
) -> Result<Vec<Value>, Check> {
    let accounts = accounts::<S>();
    fixtures::row::<S::Account>(
        options,
        &[
            (
                RoleField::AccountUserId,
                id_value(accounts, RoleField::AccountUserId, user_id)?,
            ),
            (RoleField::AccountType, Value::Text(kind.to_owned())),
            (RoleField::AccountProvider, Value::Text(provider.to_owned())),
            (RoleField::AccountProviderAccountId, Value::Text(uuid())),
            (RoleField::AccountAccessToken, Value::Text(uuid())),
            (
                RoleField::AccountExpiresAt,
                Value::Int(fixtures::ONE_MONTH_SECONDS),
            ),
            (RoleField::AccountIdToken, Value::Text(uuid())),
            (RoleField::AccountRefreshToken, Value::Text(uuid())),
            (
                RoleField::AccountTokenType,
                Value::Text("bearer".to_owned()),
            ),
            (RoleField::AccountScope, Value::Text("user".to_owned())),
            (RoleField::AccountSessionState, Value::Text(uuid())),
        ],
    )
}

/// Builds a patch of `M` from (position, value) pairs.
pub(crate) fn patch<M: Model>(sets: &[(usize, Value)]) -> Result<M::Patch, Check> {
    let mut patch = M::Patch::default();
    for (position, value) in sets {
        patch.set(*position, value.clone()).map_err(|error| {
            let column = M::TABLE.columns.get(*position).map_or("?", |c| c.name);
            Check::differ(
                format!(
                    "the patch of `{}` refused `{column}`: {error}",
                    M::TABLE.type_name
                ),
                Plain("the value set"),
                value,
            )
        })?;
    }
    Ok(patch)
}

/// The provider key of an account row, owned.
pub(crate) struct OwnedAccountKey {
    provider: String,
    provider_account_id: String,
}

impl OwnedAccountKey {
    /// The key as the adapter takes it.
    pub(crate) fn key(&self) -> AccountKey<'_> {
        AccountKey {
            provider: &self.provider,
            provider_account_id: &self.provider_account_id,
        }
    }
}

/// The (provider, provider account id) of an account row.
pub(crate) fn account_key<S: Schema>(row: &[Value]) -> Result<OwnedAccountKey, Check> {
    let accounts = accounts::<S>();
    Ok(OwnedAccountKey {
        provider: text(accounts, row, RoleField::AccountProvider)?,
        provider_account_id: text(accounts, row, RoleField::AccountProviderAccountId)?,
    })
}

/// The string in the column playing `field`.
pub(crate) fn text(table: &Table, row: &[Value], field: RoleField) -> Result<String, Check> {
    id_of(table, row, field)
}

/// The positions the adapter may fill with an id of its own on sessions and accounts (and
/// authenticators): a primary key that is not the natural key, or a column playing the id.
pub(crate) fn surrogates(table: &'static Table) -> Vec<usize> {
    let natural = table.natural_key();
    table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.role,
                Some(RoleField::SessionId | RoleField::AccountId | RoleField::AuthenticatorId)
            ) || (c.primary_key && !natural.iter().any(|n| n.name == c.name))
        })
        .map(|(at, _)| at)
        .collect()
}

pub(crate) fn users<S: Schema>() -> &'static Table {
    <S::User as Model>::TABLE
}

pub(crate) fn accounts<S: Schema>() -> &'static Table {
    <S::Account as Model>::TABLE
}

pub(crate) fn sessions<S: Schema>() -> &'static Table {
    <S::Session as Model>::TABLE
}

pub(crate) fn tokens<S: Schema>() -> &'static Table {
    <S::VerificationToken as Model>::TABLE
}
