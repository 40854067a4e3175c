//! OAuth sign-in: Auth.js core's `handle-login` rules for linking a provider account.
//!
//! Entry points: [`Profile`] and [`Sessions::sign_in_oauth`].

use chrono::{DateTime, Utc};

use crate::adapter::{AccountKey, AccountSignIn, Adapter};
use crate::descriptor::RoleField;
use crate::error::Error as AdapterError;
use crate::traits::{Model, Schema};
use crate::value::Value;

use super::error::{Error, Result};
use super::{Sessions, SignedIn, fields};

/// The user fields of a provider's profile, as core's `defaultProfile` maps them (`name`
/// from `name`, `nickname` or `preferred_username`; `image` from `picture`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The email address; lowercased before use, as core does.
    pub email: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// The picture's URL.
    pub image: Option<String>,
}

impl<S: Schema, A: Adapter<S> + ?Sized> Sessions<S, A> {
    /// Signs in with a provider account, by core's linking rules:
    ///
    /// - the account is linked already: its user is signed in (a new session), or, when
    ///   `current_session` belongs to that user, nothing is written; when it belongs to
    ///   another user, [`Error::OAuthAccountNotLinked`];
    /// - not linked, and `current_session` is valid: the account is linked to its user, and
    ///   that session is kept;
    /// - not linked, and a user has the profile's email: [`Error::OAuthAccountNotLinked`],
    ///   unless [dangerous linking](Sessions::allow_dangerous_email_account_linking) is
    ///   allowed, which links the account to that user and signs it in;
    /// - otherwise a user is created from the profile (`emailVerified` null), the account
    ///   linked and a session opened, all three or none.
    ///
    /// Nobody signed in, the lookups and writes are one [`Adapter::sign_in_with_account`]:
    /// on PostgreSQL one statement, for a new user as for a returning one.
    ///
    /// `account` is the account as it should be stored (for instance from
    /// [`accounts::from_json`](crate::accounts::from_json)); its user id is set here.
    /// Stored tokens of an account already linked are not updated (as in core).
    ///
    /// # Errors
    ///
    /// [`Error::OAuthAccountNotLinked`], or the adapter's errors.
    pub async fn sign_in_oauth(
        &self,
        account: S::Account,
        profile: &Profile,
        current_session: Option<&str>,
    ) -> Result<SignedIn<S>> {
        let now = self.now();
        // Core looks the current user up without checking expiry.
        let current = match current_session {
            Some(token) => {
                self.adapter
                    .get_session_and_user(&self.stored_token(token))
                    .await?
            }
            None => None,
        };
        let Some((_, current_user)) = current else {
            return self.sign_in_signed_out(account, profile, now).await;
        };
        let current_id = fields::id(&current_user, RoleField::UserId)?;
        let provider = text(&account, RoleField::AccountProvider)?;
        let provider_account_id = text(&account, RoleField::AccountProviderAccountId)?;
        let key = AccountKey {
            provider: &provider,
            provider_account_id: &provider_account_id,
        };
        if let Some(user) = self.adapter.get_user_by_account(key).await? {
            let id = fields::id(&user, RoleField::UserId)?;
            return if current_id == id {
                Ok(kept(user))
            } else {
                Err(Error::OAuthAccountNotLinked)
            };
        }
        self.link(account, &current_id).await?;
        Ok(kept(current_user))
    }

    /// Nobody signed in: the account's user signs in, or a new user signs up, or the email
    /// is taken, in one [`Adapter::sign_in_with_account`] (one statement on PostgreSQL).
    async fn sign_in_signed_out(
        &self,
        account: S::Account,
        profile: &Profile,
        now: DateTime<Utc>,
    ) -> Result<SignedIn<S>> {
        let email = profile.email.as_deref().map(str::to_lowercase);
        let user = new_user::<S>(profile, email)?;
        // Dangerous linking needs the account again when the email is taken.
        let kept_account = if self.allow_dangerous_email_account_linking {
            Some(S::Account::from_values(account.to_values()?)?)
        } else {
            None
        };
        let (token, session) = self.new_session_for_sign_up(now)?;
        match self
            .adapter
            .sign_in_with_account(user, account, session)
            .await?
        {
            AccountSignIn::SignedIn { user, session } => {
                self.signed_in(user, session, &token, false)
            }
            AccountSignIn::SignedUp { user, session } => {
                self.signed_in(user, session, &token, true)
            }
            AccountSignIn::EmailTaken { user } => match kept_account {
                None => Err(Error::OAuthAccountNotLinked),
                Some(account) => {
                    let id = fields::id(&user, RoleField::UserId)?;
                    self.link(account, &id).await?;
                    self.open_session(user, now, false).await
                }
            },
        }
    }

    async fn link(&self, account: S::Account, user_id: &str) -> Result<()> {
        let account =
            crate::adapter::sign_up::with_user_id(account, RoleField::AccountUserId, user_id)?;
        self.adapter.link_account(account).await?;
        Ok(())
    }
}

/// A new user from the profile (`emailVerified` null), with the lowercased `email`.
fn new_user<S: Schema>(profile: &Profile, email: Option<String>) -> Result<S::User> {
    let optional = |value: &Option<String>| value.clone().map_or(Value::Null, Value::Text);
    fields::build::<S::User>(&[
        (RoleField::UserEmail, email.map_or(Value::Null, Value::Text)),
        (RoleField::UserName, optional(&profile.name)),
        (RoleField::UserImage, optional(&profile.image)),
        (RoleField::UserEmailVerified, Value::Null),
    ])
}

/// A sign-in that keeps the request's session.
fn kept<S: Schema>(user: S::User) -> SignedIn<S> {
    SignedIn {
        user,
        session: None,
        cookie: None,
        is_new_user: false,
    }
}

/// The text of `account`'s column playing `field`.
fn text<M: Model>(account: &M, field: RoleField) -> Result<String> {
    fields::get(account, field)?.to_id_string().ok_or_else(|| {
        Error::from(AdapterError::InvalidInput(format!(
            "the account has no {}",
            field.authjs_name()
        )))
    })
}
