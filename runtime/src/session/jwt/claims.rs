//! The session token's payload: Auth.js's `DefaultJWT` claims, and the application's own.

use serde_json::{Map, Value};

use super::error::JwtError;

/// The claims of an Auth.js JWT session: the default token (`name`, `email`, `picture`,
/// `sub` = the user's id), the registered claims Auth.js sets on every encode (`iat`, `exp`,
/// `jti`), and whatever the application's `jwt` callback added (`extra`).
///
/// `name`, `email` and `picture` are `string | null` in Auth.js: `None` reads a JSON `null`
/// or an absent claim, and is written as absent. Numbers (`iat`, `exp`) that are not
/// integers are read rounded down.
///
/// ```
/// use authmodel::session::jwt::Claims;
/// use serde_json::json;
///
/// let claims = Claims::user("42", Some("Ada"), Some("ada@example.com"), None)
///     .with("role", json!("admin"));
/// assert_eq!(claims.sub.as_deref(), Some("42"));
/// assert_eq!(claims.extra["role"], "admin");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims {
    /// `sub`: the user's id as a string (Auth.js sets `user.id`).
    pub sub: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `picture`: the user's image.
    pub picture: Option<String>,
    /// `iat`: issued at, in Unix seconds.
    pub iat: Option<i64>,
    /// `exp`: expires at, in Unix seconds (`iat + maxAge`).
    pub exp: Option<i64>,
    /// `jti`: the token's id, a random UUID on every encode.
    pub jti: Option<String>,
    /// Every other claim, as JSON (`nbf` among them when present).
    pub extra: Map<String, Value>,
}

const STRINGS: [&str; 5] = ["sub", "name", "email", "picture", "jti"];

impl Claims {
    /// The token Auth.js makes at sign-in: `{ name, email, picture, sub: user.id }`.
    pub fn user(
        sub: impl Into<String>,
        name: Option<&str>,
        email: Option<&str>,
        picture: Option<&str>,
    ) -> Claims {
        Claims {
            sub: Some(sub.into()),
            name: name.map(str::to_owned),
            email: email.map(str::to_owned),
            picture: picture.map(str::to_owned),
            ..Claims::default()
        }
    }

    /// Adds (or replaces) a custom claim, as a `jwt` callback does.
    pub fn with(mut self, claim: impl Into<String>, value: Value) -> Claims {
        self.extra.insert(claim.into(), value);
        self
    }

    /// Reads a decrypted payload.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidClaim`] when a registered claim has the wrong JSON type.
    pub fn from_json(mut payload: Map<String, Value>) -> Result<Claims, JwtError> {
        let mut strings: [Option<String>; 5] = Default::default();
        for (slot, claim) in strings.iter_mut().zip(STRINGS) {
            *slot = match payload.remove(claim) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s),
                Some(_) => return Err(JwtError::InvalidClaim(claim)),
            };
        }
        let [sub, name, email, picture, jti] = strings;
        let iat = numeric(payload.remove("iat"), "iat")?;
        let exp = numeric(payload.remove("exp"), "exp")?;
        // `nbf` stays among the extra claims, checked as a number by the decoder.
        Ok(Claims {
            sub,
            name,
            email,
            picture,
            iat,
            exp,
            jti,
            extra: payload,
        })
    }

    /// The payload as JSON: the custom claims, then `sub`, `name`, `email`, `picture`,
    /// `iat`, `exp` and `jti` when set (over a custom claim of the same name).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = self.extra.clone();
        let strings = [&self.sub, &self.name, &self.email, &self.picture];
        for (claim, value) in STRINGS.into_iter().zip(strings) {
            if let Some(value) = value {
                out.insert(claim.to_owned(), Value::String(value.clone()));
            }
        }
        for (claim, value) in [("iat", self.iat), ("exp", self.exp)] {
            if let Some(value) = value {
                out.insert(claim.to_owned(), Value::from(value));
            }
        }
        if let Some(jti) = &self.jti {
            out.insert("jti".to_owned(), Value::String(jti.clone()));
        }
        out
    }
}

/// A NumericDate claim: absent, or a JSON number (floored; jose requires a number).
pub(super) fn numeric(value: Option<Value>, claim: &'static str) -> Result<Option<i64>, JwtError> {
    match value {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            // A float (or a u64 above i64::MAX): floored, saturating; `as` never panics.
            None => n
                .as_f64()
                .map(|f| Some(f.floor() as i64))
                .ok_or(JwtError::InvalidClaim(claim)),
        },
        Some(_) => Err(JwtError::InvalidClaim(claim)),
    }
}

impl serde::Serialize for Claims {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Claims {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Claims, D::Error> {
        let payload = Map::deserialize(deserializer)?;
        Claims::from_json(payload).map_err(serde::de::Error::custom)
    }
}
