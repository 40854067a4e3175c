//! One [`Adapter`] from several systems: users, accounts and authenticators on one adapter
//! (the *primary*: SQL), sessions on a [`SessionStore`], verification tokens on a
//! [`TokenStore`] (Redis, feature `redis`: [`crate::redis::RedisStore`]).
//!
//! Entry points: [`Composed`] (implements [`Adapter`]), the role traits [`SessionStore`] and
//! [`TokenStore`] a store of sessions or tokens implements.
//!
//! What crosses systems, and the rule for each:
//!
//! - `create_session` asks the primary for the user first (the foreign key a database would
//!   check): a session of an unknown user is [`Error::InvalidInput`]. One more round trip.
//! - `get_session_and_user` reads the session, then its user. A session whose user is gone
//!   (deleted between the two writes of `delete_user`, or by a crash) is deleted there and
//!   then and reported as `None`: never a session without its user, never a user whose
//!   session was deleted before the read began.
//! - `delete_user` deletes the user's sessions on the session store FIRST, then the user. When
//!   the session store is down the call fails and the user is left as it was: no session
//!   outlives its user and signs someone in. A session written for the user between the two
//!   steps is an orphan that `get_session_and_user` refuses and removes.
//! - `sign_up` (and `sign_in_with_account`, which signs up through it) writes the user, then
//!   the account, on the primary, then the session; when the account or the session is
//!   refused, or the session store is down, the user is deleted again on the primary alone,
//!   so a failed session write leaves no user whose email locks its owner out. That is atomic
//!   as the next caller sees it, not against a crash between the writes (the two systems
//!   share no transaction); a session written whose reply was lost is an orphan, refused
//!   as above.
//! - `get_user_by_account`, `link_account` and every account and authenticator operation stay
//!   on the primary; `delete_expired` asks both stores.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};

use crate::adapter::sign_up::sign_up_undone_by;
use crate::adapter::{
    AccountKey, AccountPatch, Adapter, BoxFuture, SessionAndUser, SessionPatch, SignUp, UserPatch,
};
use crate::error::{Error, Result};
use crate::traits::{Schema, SessionModel};

/// Where a [`Composed`] adapter keeps sessions: the session half of [`Adapter`], plus the two
/// operations the composition needs (a session read without its user, and every session of
/// a user deleted at once).
pub trait SessionStore<S: Schema>: Send + Sync {
    /// Stores a new session (its user was checked by the caller).
    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>>;
    /// The session with this token, alone.
    fn get_session<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>>;
    /// As [`Adapter::update_session`].
    fn update_session<'a>(
        &'a self,
        token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>>;
    /// As [`Adapter::delete_session`].
    fn delete_session<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>>;
    /// As [`Adapter::list_sessions`].
    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>>;
    /// As [`Adapter::revoke_session`].
    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>>;
    /// As [`Adapter::revoke_other_sessions`].
    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>>;
    /// Deletes every session of the user; returns how many.
    fn delete_user_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<u64>>;
    /// The sessions half of [`Adapter::delete_expired`].
    fn delete_expired_sessions(&self, now: DateTime<Utc>, batch: u32)
    -> BoxFuture<'_, Result<u64>>;
}

/// Where a [`Composed`] adapter keeps verification tokens.
pub trait TokenStore<S: Schema>: Send + Sync {
    /// As [`Adapter::create_verification_token`].
    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>>;
    /// As [`Adapter::use_verification_token`]: atomic, exactly one of concurrent callers
    /// gets the token.
    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>>;
    /// The token with this identifier and token, without using it.
    fn get_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>>;
    /// The verification token half of [`Adapter::delete_expired`].
    fn delete_expired_tokens(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>>;
}

/// An [`Adapter`] whose roles live on different systems: users, accounts and authenticators
/// on `primary`, sessions on `sessions`, verification tokens on `tokens`. See the
/// [module](self) for what crosses systems.
///
/// ```no_run
/// # #[cfg(feature = "redis")]
/// # async fn build() -> authmodel::Result<()> {
/// use authmodel::composed::Composed;
/// use authmodel::models::DefaultSchema;
/// use authmodel::redis::RedisStore;
/// use authmodel::{Options, SqlAdapter};
///
/// let sql = SqlAdapter::<DefaultSchema>::connect("postgres://localhost/app", Options::default()).await?;
/// let redis = RedisStore::<DefaultSchema>::connect("redis://127.0.0.1/", "app:").await?;
/// let auth = Composed::new(sql, redis.clone(), redis);
/// # let _ = auth;
/// # Ok(())
/// # }
/// ```
pub struct Composed<S: Schema, P, Ss, Ts> {
    primary: P,
    sessions: Ss,
    tokens: Ts,
    schema: PhantomData<fn() -> S>,
}

impl<S, P, Ss, Ts> Composed<S, P, Ss, Ts>
where
    S: Schema,
    P: Adapter<S>,
    Ss: SessionStore<S>,
    Ts: TokenStore<S>,
{
    /// Users, accounts and authenticators on `primary`; sessions on `sessions`; verification
    /// tokens on `tokens`.
    pub fn new(primary: P, sessions: Ss, tokens: Ts) -> Self {
        Composed {
            primary,
            sessions,
            tokens,
            schema: PhantomData,
        }
    }

    /// The adapter holding users, accounts and authenticators.
    pub fn primary(&self) -> &P {
        &self.primary
    }

    /// The session store.
    pub fn sessions(&self) -> &Ss {
        &self.sessions
    }

    /// The verification token store.
    pub fn tokens(&self) -> &Ts {
        &self.tokens
    }
}

impl<S: Schema, P, Ss, Ts> std::fmt::Debug for Composed<S, P, Ss, Ts> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composed").finish_non_exhaustive()
    }
}

impl<S, P, Ss, Ts> Adapter<S> for Composed<S, P, Ss, Ts>
where
    S: Schema,
    P: Adapter<S>,
    Ss: SessionStore<S>,
    Ts: TokenStore<S>,
{
    fn create_user(&self, user: S::User) -> BoxFuture<'_, Result<S::User>> {
        self.primary.create_user(user)
    }

    fn get_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        self.primary.get_user(id)
    }

    fn get_user_by_email<'a>(&'a self, email: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        self.primary.get_user_by_email(email)
    }

    fn get_user_by_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::User>>> {
        self.primary.get_user_by_account(account)
    }

    fn update_user<'a>(
        &'a self,
        id: &'a str,
        patch: UserPatch<S>,
    ) -> BoxFuture<'a, Result<S::User>> {
        self.primary.update_user(id, patch)
    }

    fn delete_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move {
            // Sessions first: a failure here leaves the user, never a session without one.
            self.sessions.delete_user_sessions(id).await?;
            self.primary.delete_user(id).await
        })
    }

    fn link_account(&self, account: S::Account) -> BoxFuture<'_, Result<S::Account>> {
        self.primary.link_account(account)
    }

    fn unlink_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        self.primary.unlink_account(account)
    }

    fn get_account<'a>(
        &'a self,
        account: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        self.primary.get_account(account)
    }

    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>> {
        Box::pin(async move {
            // The foreign key a database checks, asked of the system holding users.
            let user_id = session
                .user_id()
                .ok_or_else(|| Error::InvalidInput("the session has no user id".to_owned()))?;
            if self.primary.get_user(&user_id).await?.is_none() {
                return Err(Error::InvalidInput(format!(
                    "the session references no user: `{user_id}` is not a user"
                )));
            }
            self.sessions.create_session(session).await
        })
    }

    fn get_session_and_user<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionAndUser<S>>>> {
        Box::pin(async move {
            let Some(session) = self.sessions.get_session(session_token).await? else {
                return Ok(None);
            };
            let Some(user_id) = session.user_id() else {
                return Ok(None);
            };
            match self.primary.get_user(&user_id).await? {
                Some(user) => Ok(Some((session, user))),
                None => {
                    // An orphan (its user deleted meanwhile): it signs nobody in, and goes.
                    self.sessions.delete_session(session_token).await?;
                    Ok(None)
                }
            }
        })
    }

    fn update_session<'a>(
        &'a self,
        session_token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        self.sessions.update_session(session_token, patch)
    }

    fn delete_session<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        self.sessions.delete_session(session_token)
    }

    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>> {
        self.tokens.create_verification_token(token)
    }

    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        self.tokens.use_verification_token(identifier, token)
    }

    fn create_authenticator(
        &self,
        authenticator: S::Authenticator,
    ) -> BoxFuture<'_, Result<S::Authenticator>> {
        self.primary.create_authenticator(authenticator)
    }

    fn get_authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        self.primary.get_authenticator(credential_id)
    }

    fn list_authenticators_by_user_id<'a>(
        &'a self,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<S::Authenticator>>> {
        self.primary.list_authenticators_by_user_id(user_id)
    }

    fn update_authenticator_counter<'a>(
        &'a self,
        credential_id: &'a str,
        counter: i64,
    ) -> BoxFuture<'a, Result<S::Authenticator>> {
        self.primary
            .update_authenticator_counter(credential_id, counter)
    }

    fn update_account<'a>(
        &'a self,
        account: AccountKey<'a>,
        patch: AccountPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Account>>> {
        self.primary.update_account(account, patch)
    }

    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>> {
        self.sessions.list_sessions(user_id)
    }

    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        self.sessions.revoke_session(user_id, session_token)
    }

    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>> {
        self.sessions.revoke_other_sessions(user_id, keep)
    }

    fn sign_up(
        &self,
        user: S::User,
        account: Option<S::Account>,
        session: S::Session,
    ) -> BoxFuture<'_, Result<SignUp<S>>> {
        // Undone on the primary alone: a session store that is down must not keep the user.
        Box::pin(sign_up_undone_by(
            self,
            &self.primary,
            user,
            account,
            session,
        ))
    }

    fn delete_expired(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async move {
            let sessions = self.sessions.delete_expired_sessions(now, batch).await?;
            let tokens = self.tokens.delete_expired_tokens(now, batch).await?;
            Ok(sessions + tokens)
        })
    }
}
