//! Email sign-in, as Auth.js core's email providers do it: a token mailed as a link, stored
//! hashed, used once.
//!
//! Entry points: [`normalize_email`], [`Sessions::issue_email_token`] and
//! [`Sessions::verify_email`].

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

use crate::adapter::Adapter;
use crate::descriptor::RoleField;
use crate::traits::{Model, Patch, Schema};
use crate::value::Value;

use super::error::{Error, Result};
use super::{Sessions, SignedIn, fields, random_hex};

/// Normalises an email address as Auth.js core's default `normalizeIdentifier`: Unicode
/// NFKC, lower case, trimmed; refused with a `"`, without exactly one `@`, or with an empty
/// part; the domain cut at its first `,`.
///
/// ```
/// use authmodel::session::normalize_email;
///
/// assert_eq!(normalize_email("  Ada@Example.COM ")?, "ada@example.com");
/// assert_eq!(normalize_email("ada@example.com,evil.com")?, "ada@example.com");
/// // A full-width `＠` becomes `@` first, and two of them are refused.
/// assert!(normalize_email("ada＠evil.com@example.com").is_err());
/// # Ok::<(), authmodel::session::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidEmail`].
pub fn normalize_email(email: &str) -> Result<String> {
    let normalized: String = email.nfkc().collect::<String>().to_lowercase();
    let trimmed = trim_js(&normalized);
    if trimmed.contains('"') {
        return Err(Error::InvalidEmail("it contains a quote"));
    }
    let mut parts = trimmed.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::InvalidEmail("it needs exactly one @"));
    };
    if local.is_empty() || domain.is_empty() {
        return Err(Error::InvalidEmail("a part is empty"));
    }
    let domain = domain.split(',').next().unwrap_or_default();
    if domain.is_empty() {
        return Err(Error::InvalidEmail("the domain is empty"));
    }
    Ok(format!("{local}@{domain}"))
}

/// JavaScript's `String.prototype.trim`: white space and line terminators, which include
/// U+FEFF beside Unicode's `White_Space`.
fn trim_js(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// A verification token just issued: what goes into the link the application mails.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The normalised address: the link's `email` and the row's `identifier`.
    pub identifier: String,
    /// The token for the link (the database holds only its hash).
    pub token: String,
    /// When the token expires.
    pub expires: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("identifier", &self.identifier)
            .field("token", &"[redacted]")
            .field("expires", &self.expires)
            .finish()
    }
}

impl<S: Schema, A: Adapter<S> + ?Sized> Sessions<S, A> {
    /// Issues an email sign-in token for `email` (normalised by [`normalize_email`]): 64
    /// random hex digits, stored as `sha256_hex(token + secret)` with `expires = now + 24 h`
    /// (see [`Sessions::with_email_token_max_age`]). Mail the returned token in a link; a
    /// Next.js app on the same database accepts it too.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`], or the adapter's errors.
    pub async fn issue_email_token(&self, email: &str) -> Result<IssuedToken> {
        let identifier = normalize_email(email)?;
        let token = random_hex()?;
        let expires = self.now() + self.email_token_max_age;
        let row = fields::build::<S::VerificationToken>(&[
            (
                RoleField::VerificationIdentifier,
                Value::Text(identifier.clone()),
            ),
            (
                RoleField::VerificationToken,
                Value::Text(self.secrets.hash(&token)),
            ),
            (RoleField::VerificationExpires, Value::Timestamp(expires)),
        ])?;
        self.adapter.create_verification_token(row).await?;
        Ok(IssuedToken {
            identifier,
            token,
            expires,
        })
    }

    /// Verifies an email link's `email` (as the link carries it: the issued identifier) and
    /// `token` as core's callback does: the token is
    /// used (consumed) by its hash; unknown, expired (`expires < now`, strictly) or issued for
    /// another identifier, it is refused. Then the user with that email gets
    /// `emailVerified = now` (on every sign-in), or a user is created with it, and a session
    /// is opened: the new user and its session together, or neither.
    ///
    /// `current_session` is the request's session token, if any: when it belongs to another
    /// user (or to none), that session is deleted first, as core does.
    ///
    /// # Errors
    ///
    /// [`Error::Verification`], or the adapter's errors.
    pub async fn verify_email(
        &self,
        email: &str,
        token: &str,
        current_session: Option<&str>,
    ) -> Result<SignedIn<S>> {
        let now = self.now();
        // The link's `email` as it is, as core looks the token up: the link carries the
        // normalised address that was issued.
        let identifier = email.to_owned();
        let hash = self.secrets.hash(token);
        let Some(row) = self
            .adapter
            .use_verification_token(&identifier, &hash)
            .await?
        else {
            return Err(Error::Verification);
        };
        let expires = match fields::get(&row, RoleField::VerificationExpires)? {
            Value::Timestamp(expires) => expires,
            _ => return Err(Error::Verification),
        };
        let stored_identifier = fields::get(&row, RoleField::VerificationIdentifier)?;
        if expires < now || stored_identifier != Value::Text(identifier.clone()) {
            return Err(Error::Verification);
        }
        match self.adapter.get_user_by_email(&identifier).await? {
            Some(user) => {
                let id = fields::id(&user, RoleField::UserId)?;
                if let Some(current) = current_session {
                    let current = self.stored_token(current);
                    let owner = self.adapter.get_session_and_user(&current).await?;
                    let same = match &owner {
                        Some((_, owner)) => fields::id(owner, RoleField::UserId)? == id,
                        None => false,
                    };
                    if !same {
                        self.adapter.delete_session(&current).await?;
                    }
                }
                let mut patch = <<S::User as Model>::Patch as Default>::default();
                if let Some(at) = <S::User as Model>::TABLE.position(RoleField::UserEmailVerified) {
                    patch
                        .set(at, Value::Timestamp(now))
                        .map_err(|e| crate::Error::InvalidInput(format!("emailVerified: {e}")))?;
                }
                let user = self.adapter.update_user(&id, patch).await?;
                self.open_session(user, now, false).await
            }
            None => {
                let user = fields::build::<S::User>(&[
                    (RoleField::UserEmail, Value::Text(identifier)),
                    (RoleField::UserEmailVerified, Value::Timestamp(now)),
                ])?;
                // The session's user id is set by `sign_up`.
                let (token, session) = self.new_session_for_sign_up(now)?;
                let signed_up = self.adapter.sign_up(user, None, session).await?;
                self.signed_in(signed_up.user, signed_up.session, &token, true)
            }
        }
    }
}
