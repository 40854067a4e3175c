//! Auth.js core's session rules above any [`Adapter`]: expiry and sliding refresh, cookies,
//! tokens and secrets, CSRF, email and OAuth sign-in. Framework-neutral: strings in (a
//! `Cookie` header, a form's token), strings out ([`SetCookie`] values).
//!
//! Entry points: [`Sessions`] (the adapter with a [`Policy`], [`Secrets`] and a clock:
//! [`Sessions::validate`], [`Sessions::sign_out`], [`Sessions::issue_email_token`],
//! [`Sessions::verify_email`], [`Sessions::sign_in_oauth`]), [`Cookies`] and [`SetCookie`],
//! [`Csrf`], the token functions ([`session_token`], [`random_hex`], [`sha256_hex`]) and
//! [`normalize_email`]. Every rule follows Auth.js core 0.41 (`@auth/core`), byte for byte
//! where a Next.js app shares the database or the cookie; `runtime/docs/session.md` lists what
//! core does, what this module does, and what remains the application's.
//!
//! ```
//! use authmodel::models::DefaultSchema;
//! use authmodel::session::{Profile, Secrets, Sessions};
//! use authmodel::{MemoryAdapter, accounts};
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let sessions = Sessions::<DefaultSchema, _>::new(MemoryAdapter::new(), Secrets::new(["s3cret"])?);
//! // An OAuth callback: the provider's token response, shaped as Auth.js shapes it.
//! let account = accounts::from_json(json!({
//!     "userId": uuid::Uuid::nil().to_string(),
//!     "type": "oauth",
//!     "provider": "github",
//!     "providerAccountId": "4711",
//!     "access_token": "gho_x",
//!     "token_type": "bearer",
//!     "scope": "read:user",
//! }))?;
//! let profile = Profile { email: Some("ada@example.com".into()), ..Profile::default() };
//! let signed_in = sessions.sign_in_oauth(account, &profile, None).await?;
//! let cookie = signed_in.cookie.expect("a new session sets its cookie");
//! assert!(cookie.to_string().starts_with("authjs.session-token="));
//!
//! // A later request: the `Cookie` header's session token, validated.
//! let header = format!("authjs.session-token={}", cookie.value);
//! let token = sessions.token_from_header(&header).expect("a session cookie");
//! let validation = sessions.validate(&token).await?;
//! let (_session, user) = validation.current.expect("a valid session");
//! assert_eq!(user.email, "ada@example.com");
//!
//! // Sign-out deletes it and clears the cookie.
//! let clear = sessions.sign_out(&token).await?;
//! assert!(clear.is_clearing());
//! assert!(sessions.validate(&token).await?.current.is_none());
//! # Ok::<(), authmodel::session::Error>(())
//! # }).unwrap();
//! ```
//!
#![doc = include_str!("../../docs/session.md")]

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::adapter::Adapter;
use crate::descriptor::RoleField;
use crate::traits::{Model, Patch, Schema};
use crate::value::{Value, to_millis};

mod cookie;
mod csrf;
mod email;
mod error;
mod fields;
#[cfg(feature = "jwt")]
pub mod jwt;
mod oauth;
mod policy;
#[cfg(test)]
mod tests;
mod token;

pub use self::cookie::{Cookies, SetCookie, decode_value, encode_uri_component, to_utc_string};
pub use self::csrf::Csrf;
pub use self::email::{IssuedToken, normalize_email};
pub use self::error::{Error, Result};
pub use self::oauth::Profile;
pub use self::policy::{Generation, Policy};
pub use self::token::{Secrets, random_hex, session_token, sha256_hex};

/// Where the session layer reads the time: [`Utc::now`] unless a test sets another.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The session layer over an adapter `A` of schema `S`: Auth.js core's rules with a
/// [`Policy`], the application's [`Secrets`] and a clock.
pub struct Sessions<S: Schema, A: ?Sized> {
    adapter: Arc<A>,
    policy: Policy,
    secrets: Secrets,
    clock: Clock,
    email_token_max_age: chrono::Duration,
    allow_dangerous_email_account_linking: bool,
    schema: PhantomData<fn() -> S>,
}

impl<S: Schema, A: ?Sized> std::fmt::Debug for Sessions<S, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("policy", &self.policy)
            .field("secrets", &self.secrets)
            .field("email_token_max_age", &self.email_token_max_age)
            .field(
                "allow_dangerous_email_account_linking",
                &self.allow_dangerous_email_account_linking,
            )
            .finish_non_exhaustive()
    }
}

/// What [`Sessions::validate`] found: the session and its user, or nothing, and the cookie
/// to send either way ([`Validation::cookie`]). Borrows the token it was asked about: the
/// cookie is written from it only when asked for.
pub struct Validation<'t, S: Schema> {
    /// The valid session (its `expires` as stored after any refresh) and its user; `None`
    /// when the token is unknown or its session had expired (and was deleted).
    pub current: Option<(S::Session, S::User)>,
    /// Whether the session's expiry was pushed back in the database by this call.
    pub refreshed: bool,
    token: &'t str,
    /// The cookie's `Expires` when the session is valid; `None` clears the cookie.
    cookie_expires: Option<DateTime<Utc>>,
    cookie_name: &'static str,
    secure: bool,
}

impl<S: Schema> Validation<'_, S> {
    /// The session cookie to send: the same token with `Expires = now + max_age` when valid
    /// (Auth.js re-sends it on every valid request, written or not), or the clearing cookie.
    pub fn cookie(&self) -> SetCookie {
        match self.cookie_expires {
            Some(expires) => {
                SetCookie::new(self.cookie_name, self.token, self.secure).expires(expires)
            }
            None => SetCookie::clear(self.cookie_name, self.secure),
        }
    }
}

/// A completed sign-in: the user, and the session cookie to set when a session was created.
pub struct SignedIn<S: Schema> {
    /// The signed-in user.
    pub user: S::User,
    /// The new session; `None` when the request's current session is kept (an account
    /// linked to the user already signed in, or that user signing in again). With
    /// [`Policy::hash_session_tokens`], its token is the stored hash; the cookie carries the
    /// token itself.
    pub session: Option<S::Session>,
    /// The session cookie to set (`Expires` = the session's expiry), with `session`.
    pub cookie: Option<SetCookie>,
    /// Whether the user was created by this sign-in.
    pub is_new_user: bool,
}

impl<S: Schema, A: Adapter<S> + ?Sized> Sessions<S, A> {
    /// The session layer over `adapter` (a `SqlAdapter`, a `MemoryAdapter`), with
    /// Auth.js's default [`Policy`] and the real clock.
    pub fn new(adapter: A, secrets: Secrets) -> Self
    where
        A: Sized,
    {
        Sessions::from_arc(Arc::new(adapter), secrets)
    }

    /// [`Sessions::new`] over a shared adapter, or one chosen at run time
    /// (`Arc<dyn Adapter<S>>`).
    pub fn from_arc(adapter: Arc<A>, secrets: Secrets) -> Self {
        let policy = Policy::default();
        Sessions {
            adapter,
            policy,
            secrets,
            clock: Arc::new(Utc::now),
            email_token_max_age: chrono::Duration::seconds(86_400),
            allow_dangerous_email_account_linking: false,
            schema: PhantomData,
        }
    }

    /// Sets the policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the clock (tests: a fixed or moving instant).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets how long an email verification token lives (Auth.js's provider `maxAge`,
    /// default 24 hours).
    pub fn with_email_token_max_age(mut self, max_age: chrono::Duration) -> Self {
        self.email_token_max_age = max_age;
        self
    }

    /// Lets an OAuth sign-in whose email belongs to an existing user link to that user
    /// (Auth.js's `allowDangerousEmailAccountLinking`): only for providers that verify
    /// email addresses.
    pub fn allow_dangerous_email_account_linking(mut self, allow: bool) -> Self {
        self.allow_dangerous_email_account_linking = allow;
        self
    }

    /// The adapter.
    pub fn adapter(&self) -> &A {
        &self.adapter
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The secrets.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Now, to the millisecond (JavaScript's `Date`).
    fn now(&self) -> DateTime<Utc> {
        to_millis((self.clock)())
    }

    /// The session token of a request's cookies: the first non-empty cookie among the
    /// policy's [accepted names](Policy::accepted_session_cookie_names) (both generations,
    /// with and without `__Secure-`).
    pub fn token_from_cookies(&self, cookies: &Cookies) -> Option<String> {
        self.policy
            .accepted_session_cookie_names()
            .iter()
            .find_map(|name| cookies.get(name).filter(|v| !v.is_empty()))
            .map(str::to_owned)
    }

    /// [`Sessions::token_from_cookies`] of a `Cookie` header.
    pub fn token_from_header(&self, cookie_header: &str) -> Option<String> {
        self.token_from_cookies(&Cookies::parse(cookie_header))
    }

    /// The session cookie for `token`, expiring at `expires`.
    pub fn session_cookie(&self, token: &str, expires: DateTime<Utc>) -> SetCookie {
        SetCookie::new(self.policy.session_cookie_name(), token, self.policy.secure)
            .expires(expires)
    }

    /// The cookie that clears the session cookie.
    pub fn clear_session_cookie(&self) -> SetCookie {
        SetCookie::clear(self.policy.session_cookie_name(), self.policy.secure)
    }

    /// Checks a session token as Auth.js core's `GET /session` does:
    ///
    /// 1. the session and its user, in one statement (`get_session_and_user`);
    /// 2. expired (`expires < now`, strictly): deleted, and nothing is returned;
    /// 3. due (`expires - max_age + update_age <= now`): `expires` becomes `now + max_age`
    ///    (`update_session`, one more statement);
    /// 4. valid: the cookie is re-sent with `Expires = now + max_age`, written or not.
    ///
    /// Absent or expired, [`Validation::cookie`] clears the session cookie. The cookie is
    /// written only when asked for: a request that sends none costs nothing.
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn validate<'t>(&self, token: &'t str) -> Result<Validation<'t, S>> {
        let now = self.now();
        let stored = self.stored_token(token);
        let Some((mut session, user)) = self.adapter.get_session_and_user(&stored).await? else {
            return Ok(self.absent(token));
        };
        let expires = session_expires::<S>(&session)?;
        if expires < now {
            // The rare paths are boxed: the common one's future stays small (every request
            // polls it), and they cost one allocation beside a database write.
            Box::pin(self.adapter.delete_session(&stored)).await?;
            return Ok(self.absent(token));
        }
        let new_expires = now + self.policy.max_age;
        // Core's `expires - max_age + update_age <= now`, with `max_age` moved across: one
        // addition fewer on every request, the same instants.
        let due = expires + self.policy.update_age <= new_expires;
        let mut refreshed = false;
        if due && let Some(updated) = Box::pin(self.slide(&stored, new_expires)).await? {
            session = updated;
            refreshed = true;
        }
        Ok(Validation {
            current: Some((session, user)),
            refreshed,
            token,
            cookie_expires: Some(new_expires),
            cookie_name: self.policy.session_cookie_name(),
            secure: self.policy.secure,
        })
    }

    /// What [`Sessions::validate`] answers for a token without a valid session.
    fn absent<'t>(&self, token: &'t str) -> Validation<'t, S> {
        Validation {
            current: None,
            refreshed: false,
            token,
            cookie_expires: None,
            cookie_name: self.policy.session_cookie_name(),
            secure: self.policy.secure,
        }
    }

    /// Pushes the session's expiry to `new_expires`; the session as stored after it, or
    /// `None` when it was deleted meanwhile.
    async fn slide(&self, stored: &str, new_expires: DateTime<Utc>) -> Result<Option<S::Session>> {
        let mut patch = <<S::Session as Model>::Patch as Default>::default();
        let at = <S::Session as Model>::TABLE
            .position(RoleField::SessionExpires)
            .ok_or_else(|| no_expires::<S>())?;
        patch
            .set(at, Value::Timestamp(new_expires))
            .map_err(|e| crate::Error::InvalidInput(format!("session expires: {e}")))?;
        Ok(self.adapter.update_session(stored, patch).await?)
    }

    /// Signs out: deletes the session (whether expired or not, as core does) and returns the
    /// cookie that clears it. Check the form's CSRF token first ([`Csrf::check`]).
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn sign_out(&self, token: &str) -> Result<SetCookie> {
        self.adapter
            .delete_session(&self.stored_token(token))
            .await?;
        Ok(self.clear_session_cookie())
    }

    /// The sessions of the user with this id ([`Adapter::list_sessions`]), for an
    /// "active sessions" page. With [`Policy::hash_session_tokens`], their tokens are the
    /// hashes, which sign no one in; pass them to [`Sessions::revoke_session`] as they are.
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn list_sessions(&self, user_id: &str) -> Result<Vec<S::Session>> {
        Ok(self.adapter.list_sessions(user_id).await?)
    }

    /// Deletes one session of the user with this id ([`Adapter::revoke_session`]): "sign
    /// out that device". `stored_token` is the token as [`Sessions::list_sessions`] shows
    /// it (the hash, with [`Policy::hash_session_tokens`]); `None` when the user has no such
    /// session. Sign the current session out with [`Sessions::sign_out`].
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn revoke_session(
        &self,
        user_id: &str,
        stored_token: &str,
    ) -> Result<Option<S::Session>> {
        Ok(self.adapter.revoke_session(user_id, stored_token).await?)
    }

    /// "Sign out everywhere else": deletes every other session of the user whose session
    /// token (from the cookie) is `token`, in one statement after the lookup; returns how
    /// many were deleted, 0 when `token` finds no session.
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn sign_out_other_sessions(&self, token: &str) -> Result<u64> {
        let stored = self.stored_token(token);
        let Some((_, user)) = self.adapter.get_session_and_user(&stored).await? else {
            return Ok(0);
        };
        let id = fields::id(&user, RoleField::UserId)?;
        Ok(self.adapter.revoke_other_sessions(&id, &stored).await?)
    }

    /// Deletes the sessions and verification tokens that expired before now, `batch` rows
    /// per statement ([`Adapter::delete_expired`]): the periodic clean-up Auth.js leaves
    /// to the database. Returns how many were deleted.
    ///
    /// # Errors
    ///
    /// The adapter's errors.
    pub async fn delete_expired(&self, batch: u32) -> Result<u64> {
        Ok(self.adapter.delete_expired(self.now(), batch).await?)
    }

    /// The token as the session table holds it: `token`, or its SHA-256 in hex when the
    /// policy [hashes tokens](Policy::hash_session_tokens).
    pub fn stored_token<'t>(&self, token: &'t str) -> Cow<'t, str> {
        if self.policy.hash_session_tokens {
            Cow::Owned(sha256_hex(token))
        } else {
            Cow::Borrowed(token)
        }
    }

    /// A new session row for `user_id`, expiring at `now + max_age`, with a fresh token;
    /// returns the token the cookie carries with it.
    fn new_session(&self, user_id: &str, now: DateTime<Utc>) -> Result<(String, S::Session)> {
        let table = <S::Session as Model>::TABLE;
        let user_column = table
            .position(RoleField::SessionUserId)
            .map(|at| &table.columns[at])
            .ok_or_else(|| crate::Error::Schema("the session model has no user id".into()))?;
        let user = Value::parse_id(user_column.ty, user_id).ok_or_else(|| {
            crate::Error::InvalidInput(format!("user id `{user_id}` does not fit the session"))
        })?;
        let token = session_token()?;
        let session = fields::build::<S::Session>(&[
            (
                RoleField::SessionToken,
                Value::Text(self.stored_token(&token).into_owned()),
            ),
            (RoleField::SessionUserId, user),
            (
                RoleField::SessionExpires,
                Value::Timestamp(now + self.policy.max_age),
            ),
        ])?;
        Ok((token, session))
    }

    /// A new session row whose user [`Adapter::sign_up`] sets, and its cookie's token.
    fn new_session_for_sign_up(&self, now: DateTime<Utc>) -> Result<(String, S::Session)> {
        let table = <S::Session as Model>::TABLE;
        let user = table
            .position(RoleField::SessionUserId)
            .map(|at| fields::placeholder(table.columns[at].ty))
            .ok_or_else(|| crate::Error::Schema("the session model has no user id".into()))?;
        let token = session_token()?;
        let session = fields::build::<S::Session>(&[
            (
                RoleField::SessionToken,
                Value::Text(self.stored_token(&token).into_owned()),
            ),
            (RoleField::SessionUserId, user),
            (
                RoleField::SessionExpires,
                Value::Timestamp(now + self.policy.max_age),
            ),
        ])?;
        Ok((token, session))
    }

    /// A session for `user`, stored, and its cookie.
    async fn open_session(
        &self,
        user: S::User,
        now: DateTime<Utc>,
        is_new_user: bool,
    ) -> Result<SignedIn<S>> {
        let id = fields::id(&user, RoleField::UserId)?;
        let (token, session) = self.new_session(&id, now)?;
        let session = self.adapter.create_session(session).await?;
        self.signed_in(user, session, &token, is_new_user)
    }

    /// The sign-in's result; `token` is the cookie's (the session row holds its hash when
    /// the policy hashes tokens).
    fn signed_in(
        &self,
        user: S::User,
        session: S::Session,
        token: &str,
        is_new_user: bool,
    ) -> Result<SignedIn<S>> {
        let expires = session_expires::<S>(&session)?;
        Ok(SignedIn {
            cookie: Some(self.session_cookie(token, expires)),
            user,
            session: Some(session),
            is_new_user,
        })
    }
}

/// The session's `expires`.
fn session_expires<S: Schema>(session: &S::Session) -> Result<DateTime<Utc>> {
    match fields::get(session, RoleField::SessionExpires)? {
        Value::Timestamp(expires) => Ok(expires),
        _ => Err(no_expires::<S>().into()),
    }
}

fn no_expires<S: Schema>() -> crate::Error {
    crate::Error::Schema(format!(
        "`{}` has no `expires` timestamp",
        <S::Session as Model>::TABLE.type_name
    ))
}
