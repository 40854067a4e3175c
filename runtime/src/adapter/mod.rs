//! The Auth.js adapter contract, as one object-safe trait.
//!
//! Entry points: [`Adapter`] (every operation of the contract) and [`BoxFuture`]. The
//! implementations are [`crate::SqlAdapter`] (SQLite, PostgreSQL, MySQL) and
//! [`crate::MemoryAdapter`]; an application may write its own for any storage and prove it
//! with [`crate::testing`].
//!
//! Ids are strings at this boundary, as in Auth.js: an id that cannot be one of the schema's
//! (a UUID where ids are integers) is not found, `Ok(None)`, never an error.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::traits::{Model, Schema};

pub mod composed;
pub mod memory;
#[cfg(feature = "redis")]
pub mod redis;
pub mod sign_up;
pub mod sql;

pub use sign_up::SignUp;

/// A provider account, as `get_account`, `get_user_by_account` and `unlink_account` look it
/// up: built with named fields, so the two strings cannot trade places.
///
/// Auth.js's `getAccount(providerAccountId, provider)` takes the pair in the opposite order
/// to `getUserByAccount({ provider, providerAccountId })` and `unlinkAccount`; two plain
/// `&str` arguments would compile either way and quietly find nothing.
///
/// ```
/// use authmodel::{AccountKey, Adapter, MemoryAdapter};
/// use authmodel::models::{Account, DefaultSchema, User};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let auth = MemoryAdapter::<DefaultSchema>::new();
/// let user = auth
///     .create_user(User {
///         id: uuid::Uuid::nil(),
///         name: None,
///         email: "ada@example.com".into(),
///         email_verified: None,
///         image: None,
///     })
///     .await?;
/// auth.link_account(Account {
///     id: uuid::Uuid::nil(),
///     user_id: user.id,
///     kind: "oauth".into(),
///     provider: "github".into(),
///     provider_account_id: "4711".into(),
///     refresh_token: None,
///     access_token: None,
///     expires_at: None,
///     token_type: None,
///     scope: None,
///     id_token: None,
///     session_state: None,
/// })
/// .await?;
/// // Auth.js's order, with the names: found all the same.
/// let key = AccountKey { provider_account_id: "4711", provider: "github" };
/// assert!(auth.get_account(key).await?.is_some());
/// # Ok::<(), authmodel::Error>(())
/// # }).unwrap();
/// ```
///
/// The two strings alone, in either order, do not compile:
///
/// ```compile_fail,E0061
/// use authmodel::{Adapter, MemoryAdapter};
/// use authmodel::models::DefaultSchema;
///
/// # async fn port(auth: MemoryAdapter<DefaultSchema>) {
/// // Auth.js: `getAccount(providerAccountId, provider)`
/// let _ = auth.get_account("4711", "github").await;
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountKey<'a> {
    /// The provider's id (`github`, `google`): Auth.js's `provider`.
    pub provider: &'a str,
    /// The account's id at that provider: Auth.js's `providerAccountId`.
    pub provider_account_id: &'a str,
}

/// A boxed `Send` future: what every operation returns, so `Arc<dyn Adapter<S>>` works.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The patch type of schema `S`'s user model.
pub type UserPatch<S> = <<S as Schema>::User as Model>::Patch;
/// A session with its user, as `get_session_and_user` returns them.
pub type SessionAndUser<S> = (<S as Schema>::Session, <S as Schema>::User);
/// The patch type of schema `S`'s session model.
pub type SessionPatch<S> = <<S as Schema>::Session as Model>::Patch;
/// The patch type of schema `S`'s account model.
pub type AccountPatch<S> = <<S as Schema>::Account as Model>::Patch;

/// Every operation of the Auth.js adapter contract, for the models of schema `S`.
///
/// Lookups return `Ok(None)` when nothing matches. Writes that break a unique key return
/// [`Error::Conflict`](crate::Error::Conflict).
pub trait Adapter<S: Schema>: Send + Sync {
    /// Stores a new user and returns it as stored. A generated id (UUID, autoincrement)
    /// replaces whatever the struct held.
    fn create_user(&self, user: S::User) -> BoxFuture<'_, Result<S::User>>;

    /// The user with this id.
    fn get_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>>;

    /// The user with this email.
    fn get_user_by_email<'a>(&'a self, email: &'a str) -> BoxFuture<'a, Result<Option<S::User>>>;

    /// The user linked to this provider account.
    ///
    /// Public API change: the account is one [`AccountKey`] with named fields; this method
    /// took `provider` and `provider_account_id` as two `&str` before.
    fn get_user_by_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::User>>>;

    /// Applies a partial update and returns the whole user;
    /// [`Error::NotFound`](crate::Error::NotFound) when there is no such user.
    fn update_user<'a>(
        &'a self,
        id: &'a str,
        patch: UserPatch<S>,
    ) -> BoxFuture<'a, Result<S::User>>;

    /// Deletes the user with their sessions, accounts and authenticators; returns the
    /// deleted user.
    fn delete_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>>;

    /// Links a provider account to a user.
    fn link_account(&self, account: S::Account) -> BoxFuture<'_, Result<S::Account>>;

    /// Removes a provider account link; returns the removed account.
    ///
    /// Public API change: the account is one [`AccountKey`] with named fields; this method
    /// took `provider` and `provider_account_id` as two `&str` before.
    fn unlink_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>>;

    /// The account for this provider account.
    ///
    /// Public API change: the account is one [`AccountKey`] with named fields; this method
    /// took `provider` and `provider_account_id` as two `&str` before, the reverse of
    /// Auth.js's `getAccount(providerAccountId, provider)`, so a call ported from
    /// JavaScript compiled with the two swapped and found nothing.
    fn get_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>>;

    /// Stores a new session.
    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>>;

    /// The session with this token and its user, read in one statement.
    fn get_session_and_user<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionAndUser<S>>>>;

    /// Applies a partial update to the session with this token; `None` when there is none.
    fn update_session<'a>(
        &'a self,
        session_token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>>;

    /// Deletes the session with this token and returns it.
    fn delete_session<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>>;

    /// Stores a verification token.
    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>>;

    /// Returns the token matching both identifier and token and deletes it, atomically: of
    /// any number of concurrent calls, exactly one gets it.
    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>>;

    /// Stores a WebAuthn authenticator.
    fn create_authenticator(
        &self,
        authenticator: S::Authenticator,
    ) -> BoxFuture<'_, Result<S::Authenticator>>;

    /// The authenticator with this credential id.
    fn get_authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>>;

    /// Every authenticator of a user (empty for an unknown user).
    fn list_authenticators_by_user_id<'a>(
        &'a self,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<S::Authenticator>>>;

    /// Sets an authenticator's signature counter and returns it;
    /// [`Error::NotFound`](crate::Error::NotFound) when the credential is unknown.
    fn update_authenticator_counter<'a>(
        &'a self,
        credential_id: &'a str,
        counter: i64,
    ) -> BoxFuture<'a, Result<S::Authenticator>>;

    /// Applies a partial update to the account with this key and returns it; `None` when
    /// there is none. For refreshed OAuth tokens (`access_token`, `refresh_token`,
    /// `expires_at`...); `#[auth(updated_at)]` columns take the current instant, as on the
    /// other updates, and an empty patch just reads the account.
    ///
    /// Not an Auth.js operation: Auth.js has no way to store refreshed tokens.
    fn update_account<'a>(
        &'a self,
        account: AccountKey<'a>,
        patch: AccountPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>>;

    /// Every session of the user with this id (empty for an unknown user), expired ones
    /// included; in no particular order.
    ///
    /// Not an Auth.js operation.
    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>>;

    /// Deletes the session with this token if it belongs to the user with this id, and
    /// returns it; `None` when there is no such session or it is another user's. What a
    /// "sign out this device" button calls with the signed-in user's id.
    ///
    /// Not an Auth.js operation.
    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>>;

    /// Deletes every session of the user with this id except the one with token `keep` (the
    /// current one), in one statement; returns how many were deleted. "Sign out everywhere
    /// else".
    ///
    /// Not an Auth.js operation.
    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>>;

    /// Deletes the sessions and verification tokens whose `expires` is before `now`
    /// (strictly, as Auth.js core tests expiry), at most `batch` rows per statement, until
    /// none is left; returns how many were deleted. For a periodic job: each statement holds
    /// its locks for one batch only. A `batch` of 0 deletes nothing.
    ///
    /// Not an Auth.js operation: Auth.js leaves expired rows until their token is presented.
    fn delete_expired(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>>;

    /// Signs a new user up: stores `user`, links `account` to it (an OAuth sign-in; `None`
    /// for an email sign-in) and stores `session` for it, all or nothing. The account's and
    /// the session's user columns are set to the stored user's id, whatever they held.
    ///
    /// Not an Auth.js operation: Auth.js calls `createUser`, `linkAccount` and
    /// `createSession` in turn, and a failed link leaves the user behind, which locks its
    /// owner out (`OAuthAccountNotLinked`). The default runs the three in turn and deletes
    /// the user again when a later write fails ([`sign_up::sign_up_in_turn`]); the memory
    /// adapter does it under its one lock.
    fn sign_up(
        &self,
        user: S::User,
        account: Option<S::Account>,
        session: S::Session,
    ) -> BoxFuture<'_, Result<SignUp<S>>> {
        Box::pin(sign_up::sign_up_in_turn(self, user, account, session))
    }

    /// Signs in with a provider account, or signs a new user up with it, by Auth.js core's
    /// rules for someone not signed in:
    ///
    /// - the account (its provider and provider account id) is linked: `session` is stored
    ///   for its user ([`AccountSignIn::SignedIn`]);
    /// - else, when no user has `user`'s email (or it has none): `user` is stored, the
    ///   account linked to it and `session` stored for it, all or nothing, as
    ///   [`Adapter::sign_up`] does ([`AccountSignIn::SignedUp`]);
    /// - else nothing is written, and the user with that email comes back
    ///   ([`AccountSignIn::EmailTaken`]): core refuses it as `OAuthAccountNotLinked` unless
    ///   dangerous email linking is allowed.
    ///
    /// The account's and the session's user columns are set here, whatever they held.
    ///
    /// Not an Auth.js operation: core calls `getUserByAccount`, `getUserByEmail`, then
    /// `createUser`, `linkAccount` and `createSession`. The default does the same in turn
    /// ([`sign_in_with_account_in_turn`]); the SQL adapter on PostgreSQL sends ONE statement.
    fn sign_in_with_account(
        &self,
        user: S::User,
        account: S::Account,
        session: S::Session,
    ) -> BoxFuture<'_, Result<AccountSignIn<S>>> {
        Box::pin(sign_in_with_account_in_turn(self, user, account, session))
    }
}

/// What [`Adapter::sign_in_with_account`] did.
pub enum AccountSignIn<S: Schema> {
    /// The account was linked: a session was stored for its user.
    SignedIn {
        /// The account's user.
        user: S::User,
        /// The new session.
        session: S::Session,
    },
    /// Nobody had the account or the email: a new user, the account and a session were
    /// stored.
    SignedUp {
        /// The new user.
        user: S::User,
        /// The new session.
        session: S::Session,
    },
    /// The account is linked to nobody and a user has the email: nothing was written.
    EmailTaken {
        /// The user with the email.
        user: S::User,
    },
}

impl<S: Schema> AccountSignIn<S> {
    /// The user: the account's, the new one, or the one with the email.
    pub fn user(&self) -> &S::User {
        match self {
            AccountSignIn::SignedIn { user, .. }
            | AccountSignIn::SignedUp { user, .. }
            | AccountSignIn::EmailTaken { user } => user,
        }
    }
}

impl<S: Schema> std::fmt::Debug for AccountSignIn<S>
where
    S::User: std::fmt::Debug,
    S::Session: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountSignIn::SignedIn { user, session } => f
                .debug_struct("SignedIn")
                .field("user", user)
                .field("session", session)
                .finish(),
            AccountSignIn::SignedUp { user, session } => f
                .debug_struct("SignedUp")
                .field("user", user)
                .field("session", session)
                .finish(),
            AccountSignIn::EmailTaken { user } => {
                f.debug_struct("EmailTaken").field("user", user).finish()
            }
        }
    }
}

/// The provider and provider account id of `account`, and the email of `user` (`None` when
/// it has none), as [`Adapter::sign_in_with_account`] looks them up.
pub(crate) fn sign_in_keys<S: Schema>(
    user: &S::User,
    account: &S::Account,
) -> Result<(String, String, Option<String>)> {
    use crate::descriptor::RoleField;
    use crate::value::Value;
    let text = |row: &[Value], table: &crate::descriptor::Table, field: RoleField| {
        table
            .position(field)
            .and_then(|at| row.get(at))
            .and_then(Value::to_id_string)
    };
    let accounts = <S::Account as Model>::TABLE;
    let row = account.to_values()?;
    let missing = |field: RoleField| {
        crate::Error::InvalidInput(format!("the account has no {}", field.authjs_name()))
    };
    let provider = text(&row, accounts, RoleField::AccountProvider)
        .ok_or_else(|| missing(RoleField::AccountProvider))?;
    let provider_account_id = text(&row, accounts, RoleField::AccountProviderAccountId)
        .ok_or_else(|| missing(RoleField::AccountProviderAccountId))?;
    let email = text(
        &user.to_values()?,
        <S::User as Model>::TABLE,
        RoleField::UserEmail,
    );
    Ok((provider, provider_account_id, email))
}

/// The default [`Adapter::sign_in_with_account`]: `get_user_by_account`, then
/// `create_session` for that user; or `get_user_by_email`; or [`Adapter::sign_up`].
pub async fn sign_in_with_account_in_turn<S: Schema, A: Adapter<S> + ?Sized>(
    adapter: &A,
    user: S::User,
    account: S::Account,
    session: S::Session,
) -> Result<AccountSignIn<S>> {
    use crate::descriptor::RoleField;
    let (provider, provider_account_id, email) = sign_in_keys::<S>(&user, &account)?;
    let key = AccountKey {
        provider: &provider,
        provider_account_id: &provider_account_id,
    };
    if let Some(user) = adapter.get_user_by_account(key).await? {
        let id = sign_up::user_id_of::<S>(&user)?;
        let session = sign_up::with_user_id(session, RoleField::SessionUserId, &id)?;
        let session = adapter.create_session(session).await?;
        return Ok(AccountSignIn::SignedIn { user, session });
    }
    if let Some(email) = &email
        && let Some(user) = adapter.get_user_by_email(email).await?
    {
        return Ok(AccountSignIn::EmailTaken { user });
    }
    let signed_up = adapter.sign_up(user, Some(account), session).await?;
    Ok(AccountSignIn::SignedUp {
        user: signed_up.user,
        session: signed_up.session,
    })
}

/// The error of `revoke_other_sessions` for a kept token that cannot be one of the
/// column's values: it would keep nothing, which is not what the caller asked for.
pub(crate) fn unkeepable(keep: &str) -> crate::Error {
    crate::Error::InvalidInput(format!(
        "`{keep}` cannot be a session token, so no session would be kept"
    ))
}
