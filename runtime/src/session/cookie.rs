//! Cookies exactly as Auth.js core writes and reads them: strings in, strings out, no HTTP
//! framework.
//!
//! Entry points: [`SetCookie`] (a `Set-Cookie` header value; [`Display`](std::fmt::Display)
//! writes it), [`Cookies::parse`] (a `Cookie` header), [`encode_uri_component`] and
//! [`decode_value`].
//!
//! Auth.js serialises with its vendored `cookie` package: the value through
//! `encodeURIComponent`; the attributes in the order `Max-Age`, `Domain`, `Path`, `Expires`
//! (as `Date.toUTCString()`), `HttpOnly`, `Secure`, `Partitioned`, `Priority`, `SameSite`.
//! Its cookies are all `HttpOnly; SameSite=Lax; Path=/`, without `Domain`. Parsing keeps the
//! first of duplicate names and decodes a value only when it contains `%`.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};

/// One `Set-Cookie` header value, as Auth.js writes its cookies: `Path=/`, `HttpOnly`,
/// `SameSite=Lax`, `Secure` when the policy is secure.
///
/// ```
/// use authmodel::session::SetCookie;
/// use chrono::{TimeZone, Utc};
///
/// let expires = Utc.with_ymd_and_hms(2026, 12, 30, 20, 40, 0).unwrap();
/// let cookie = SetCookie::new("authjs.session-token", "a|b", false).expires(expires);
/// assert_eq!(
///     cookie.to_string(),
///     "authjs.session-token=a%7Cb; Path=/; Expires=Wed, 30 Dec 2026 20:40:00 GMT; HttpOnly; SameSite=Lax"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// The cookie's name (one of the policy's, usually: borrowed, not allocated).
    pub name: Cow<'static, str>,
    /// The value, unencoded: [`Display`](fmt::Display) percent-encodes it.
    pub value: String,
    /// `Max-Age`, in seconds: `Some(0)` clears the cookie.
    pub max_age: Option<i64>,
    /// `Expires`.
    pub expires: Option<DateTime<Utc>>,
    /// Whether the cookie is `Secure`.
    pub secure: bool,
}

impl SetCookie {
    /// A cookie with Auth.js's attributes and neither `Max-Age` nor `Expires` (a browser
    /// session's cookie).
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
        secure: bool,
    ) -> SetCookie {
        SetCookie {
            name: name.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            secure,
        }
    }

    /// The cookie that clears `name`: an empty value and `Max-Age=0`, as Auth.js clears.
    pub fn clear(name: impl Into<Cow<'static, str>>, secure: bool) -> SetCookie {
        SetCookie {
            max_age: Some(0),
            ..SetCookie::new(name, "", secure)
        }
    }

    /// Sets `Expires`.
    pub fn expires(mut self, expires: DateTime<Utc>) -> SetCookie {
        self.expires = Some(expires);
        self
    }

    /// Whether this cookie clears its name (`Max-Age=0`).
    pub fn is_clearing(&self) -> bool {
        self.max_age == Some(0)
    }
}

impl fmt::Display for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, encode_uri_component(&self.value))?;
        if let Some(max_age) = self.max_age {
            write!(f, "; Max-Age={max_age}")?;
        }
        f.write_str("; Path=/")?;
        if let Some(expires) = self.expires {
            write!(f, "; Expires={}", to_utc_string(expires))?;
        }
        f.write_str("; HttpOnly")?;
        if self.secure {
            f.write_str("; Secure")?;
        }
        f.write_str("; SameSite=Lax")
    }
}

/// JavaScript's `Date.prototype.toUTCString()`: `Thu, 01 Jan 1970 00:00:00 GMT`.
pub fn to_utc_string(instant: DateTime<Utc>) -> String {
    instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// JavaScript's `encodeURIComponent`: every byte of the UTF-8 form percent-encoded (upper
/// case hex) except `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
///
/// ```
/// assert_eq!(authmodel::session::encode_uri_component("a|b c/é"), "a%7Cb%20c%2F%C3%A9");
/// ```
pub fn encode_uri_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

/// How Auth.js reads a cookie's value: unchanged unless it contains `%`, then
/// `decodeURIComponent`, or unchanged again when that fails (a malformed escape, bytes that
/// are not UTF-8).
pub fn decode_value(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    decode_uri_component(value).unwrap_or_else(|| value.to_owned())
}

fn decode_uri_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The cookies of a request's `Cookie` header, read as Auth.js reads them.
///
/// ```
/// use authmodel::session::Cookies;
///
/// let cookies = Cookies::parse("a=1; authjs.csrf-token=t%7Ch; a=2");
/// assert_eq!(cookies.get("a"), Some("1"));
/// assert_eq!(cookies.get("authjs.csrf-token"), Some("t|h"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    /// Parses a `Cookie` header: pairs separated by `;`, name and value trimmed of spaces
    /// and tabs, a pair without `=` skipped, the first of duplicate names kept, each value
    /// through [`decode_value`].
    pub fn parse(header: &str) -> Cookies {
        let mut cookies = Cookies::default();
        for pair in header.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim_matches([' ', '\t']);
            if cookies.get(name).is_some() {
                continue;
            }
            let value = decode_value(value.trim_matches([' ', '\t']));
            cookies.pairs.push((name.to_owned(), value));
        }
        cookies
    }

    /// The value of the cookie `name`, decoded.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every cookie, in header order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}
