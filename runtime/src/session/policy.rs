//! How long sessions live and what their cookies are called: Auth.js's defaults and names.
//!
//! Entry points: [`Policy`] and [`Generation`].

use chrono::Duration;

/// Which Auth.js names the cookies: v5 (`authjs.*`, Auth.js and `next-auth` 5) or v4
/// (`next-auth.*`, `next-auth` 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Generation {
    /// `authjs.session-token`, `authjs.csrf-token`.
    #[default]
    V5,
    /// `next-auth.session-token`, `next-auth.csrf-token`.
    V4,
}

/// The session policy: lifetimes, cookie generation and whether cookies are `Secure`.
///
/// The defaults are Auth.js's: `max_age` 30 days, `update_age` 1 day, v5 names, not secure
/// (Auth.js makes cookies secure when the site's URL is `https:`; set [`Policy::secure`]
/// then).
///
/// ```
/// use authmodel::session::{Generation, Policy};
///
/// let policy = Policy::default().secure(true);
/// assert_eq!(policy.session_cookie_name(), "__Secure-authjs.session-token");
/// assert_eq!(policy.csrf_cookie_name(), "__Host-authjs.csrf-token");
/// let v4 = Policy::default().generation(Generation::V4);
/// assert_eq!(v4.session_cookie_name(), "next-auth.session-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How long a session lives from its last refresh (Auth.js `session.maxAge`).
    pub max_age: Duration,
    /// How often a session's expiry is pushed back (Auth.js `session.updateAge`): a session
    /// is refreshed once its remaining lifetime is at most `max_age - update_age`.
    pub update_age: Duration,
    /// Which names the cookies carry.
    pub generation: Generation,
    /// Whether cookies are `Secure` and prefixed (`__Secure-`, `__Host-` for CSRF).
    pub secure: bool,
    /// Whether the session table holds `sha256_hex(token)` instead of the token itself
    /// (off by default). On, the cookie still carries the token, and every lookup hashes it
    /// first, so a copy of the table yields no cookie that signs anyone in.
    ///
    /// **Incompatible with a Next.js app reading the same table**: Auth.js looks sessions up
    /// by the cookie's token as it is, so it finds none of the hashed rows (its users are
    /// signed out), and the sessions it writes are not found here. Switching it on (or off)
    /// signs every existing session out.
    pub hash_session_tokens: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_age: Duration::seconds(2_592_000),
            update_age: Duration::seconds(86_400),
            generation: Generation::V5,
            secure: false,
            hash_session_tokens: false,
        }
    }
}

impl Policy {
    /// Sets [`Policy::max_age`].
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets [`Policy::update_age`].
    pub fn update_age(mut self, update_age: Duration) -> Self {
        self.update_age = update_age;
        self
    }

    /// Sets [`Policy::generation`].
    pub fn generation(mut self, generation: Generation) -> Self {
        self.generation = generation;
        self
    }

    /// Sets [`Policy::secure`]: Auth.js's `useSecureCookies`, true on an `https:` site.
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Sets [`Policy::hash_session_tokens`].
    ///
    /// ```
    /// use authmodel::session::Policy;
    ///
    /// let policy = Policy::default().hash_session_tokens(true);
    /// assert!(policy.hash_session_tokens);
    /// assert!(!Policy::default().hash_session_tokens);
    /// ```
    pub fn hash_session_tokens(mut self, hash: bool) -> Self {
        self.hash_session_tokens = hash;
        self
    }

    /// The session cookie this policy writes: `authjs.session-token`, with `__Secure-` when
    /// secure (`next-auth.` for v4).
    pub fn session_cookie_name(&self) -> &'static str {
        session_cookie_name(self.generation, self.secure)
    }

    /// The CSRF cookie this policy writes: `authjs.csrf-token`, with `__Host-` when secure.
    pub fn csrf_cookie_name(&self) -> &'static str {
        match (self.generation, self.secure) {
            (Generation::V5, false) => "authjs.csrf-token",
            (Generation::V5, true) => "__Host-authjs.csrf-token",
            (Generation::V4, false) => "next-auth.csrf-token",
            (Generation::V4, true) => "__Host-next-auth.csrf-token",
        }
    }

    /// Every session cookie name a request may carry, this policy's own first: both
    /// generations, with and without `__Secure-`.
    pub fn accepted_session_cookie_names(&self) -> [&'static str; 4] {
        let own = (self.generation, self.secure);
        let other = match self.generation {
            Generation::V5 => Generation::V4,
            Generation::V4 => Generation::V5,
        };
        [
            own,
            (self.generation, !self.secure),
            (other, self.secure),
            (other, !self.secure),
        ]
        .map(|(generation, secure)| session_cookie_name(generation, secure))
    }
}

// Names, not formats: every request reads them, and a name is one of these four.
fn session_cookie_name(generation: Generation, secure: bool) -> &'static str {
    match (generation, secure) {
        (Generation::V5, false) => "authjs.session-token",
        (Generation::V5, true) => "__Secure-authjs.session-token",
        (Generation::V4, false) => "next-auth.session-token",
        (Generation::V4, true) => "__Secure-next-auth.session-token",
    }
}
