//! CSRF double-submit tokens, made and checked as Auth.js core does.
//!
//! Entry point: [`Csrf::check`]. The cookie (`authjs.csrf-token`, `__Host-` when secure)
//! holds `token|hash`, hash = `sha256_hex(token + secret)`; a form posts the token back
//! (`csrfToken`), and the post is genuine when the cookie's hash is valid and the posted
//! token is the cookie's.

use super::cookie::{Cookies, SetCookie};
use super::error::Result;
use super::policy::Policy;
use super::token::{Secrets, constant_time_eq, random_hex};

/// The outcome of a CSRF check: the token to put in forms, whether a submitted token
/// matched, and the cookie to set when a new token was made.
///
/// ```
/// use authmodel::session::{Cookies, Csrf, Policy, Secrets};
///
/// let policy = Policy::default();
/// let secrets = Secrets::new(["secret"])?;
/// // A GET: no cookie yet, so a new token and its cookie.
/// let first = Csrf::check(&policy, &secrets, &Cookies::default(), None)?;
/// let cookie = first.cookie.as_ref().expect("a new token sets its cookie");
/// // The form posts the token back with the cookie.
/// let header = format!("{}={}", cookie.name, authmodel::session::encode_uri_component(&cookie.value));
/// let post = Csrf::check(&policy, &secrets, &Cookies::parse(&header), Some(&first.token))?;
/// assert!(post.verified);
/// assert!(post.cookie.is_none(), "the valid cookie is reused");
/// # Ok::<(), authmodel::session::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csrf {
    /// The token forms must post back (`csrfToken`).
    pub token: String,
    /// Whether `submitted` was given and equals the valid cookie's token.
    pub verified: bool,
    /// The cookie to set: `Some` when the request had no valid CSRF cookie and a new
    /// token was made.
    pub cookie: Option<SetCookie>,
}

impl Csrf {
    /// Reads the request's CSRF cookie: when its hash is valid, its token is reused and
    /// `verified` says whether `submitted` (a form's `csrfToken`) equals it; otherwise a new
    /// token is made, `verified` is false, and [`Csrf::cookie`] holds its cookie.
    ///
    /// # Errors
    ///
    /// [`Error::Random`](super::Error::Random) when a new token cannot be made.
    pub fn check(
        policy: &Policy,
        secrets: &Secrets,
        cookies: &Cookies,
        submitted: Option<&str>,
    ) -> Result<Csrf> {
        let name = policy.csrf_cookie_name();
        if let Some((token, hash)) = cookies.get(name).and_then(split)
            && constant_time_eq(hash, &secrets.hash(token))
        {
            return Ok(Csrf {
                token: token.to_owned(),
                verified: submitted.is_some_and(|s| constant_time_eq(s, token)),
                cookie: None,
            });
        }
        let token = random_hex()?;
        let value = format!("{token}|{}", secrets.hash(&token));
        Ok(Csrf {
            token,
            verified: false,
            cookie: Some(SetCookie::new(name, value, policy.secure)),
        })
    }
}

/// `token|hash`, as JavaScript's `value.split("|")` takes its first two parts.
fn split(value: &str) -> Option<(&str, &str)> {
    let mut parts = value.split('|');
    Some((parts.next()?, parts.next()?))
}
