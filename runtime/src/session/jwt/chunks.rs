//! Chunked session cookies, as Auth.js's `SessionStore` writes them: a value longer than one
//! cookie holds goes out as `name.0`, `name.1`, …; a short one under the name itself.

use chrono::{DateTime, Utc};

use super::super::cookie::{Cookies, SetCookie};
use super::error::JwtError;

/// The characters of one chunk: 4096 − 160, Auth.js v5's `CHUNK_SIZE`.
pub const CHUNK_SIZE: usize = 3936;
/// `next-auth` 4's chunk size: 4096 − 163.
pub const CHUNK_SIZE_V4: usize = 3933;

/// The chunk number of `cookie` under `base`: `Some(n)` for `base.n`.
fn chunk_index(base: &str, cookie: &str) -> Option<usize> {
    let digits = cookie.strip_prefix(base)?.strip_prefix('.')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The session cookie names under `base` that `cookies` carries, non-empty: the base name
/// itself and its chunks, in header order. Auth.js clears all of them before writing.
pub fn present(cookies: &Cookies, base: &str) -> Vec<String> {
    cookies
        .iter()
        .filter(|(name, value)| {
            !value.is_empty() && (*name == base || chunk_index(base, name).is_some())
        })
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// The token under `base`: its chunks `base.0..base.n` joined in number order when any
/// chunk is present, else the cookie `base` itself; `Ok(None)` when neither is.
///
/// Stricter than Auth.js, which joins whatever starts with the name: a gap in the chunk
/// numbers is [`JwtError::MissingChunk`] instead of a token that fails to decrypt, and only
/// `base` and `base.<digits>` are read.
///
/// # Errors
///
/// [`JwtError::MissingChunk`] when the chunks present are not `0..=n` without a gap.
pub fn read(cookies: &Cookies, base: &str) -> Result<Option<String>, JwtError> {
    let mut chunks: Vec<(usize, &str)> = cookies
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .filter_map(|(name, value)| chunk_index(base, name).map(|index| (index, value)))
        .collect();
    if chunks.is_empty() {
        return Ok(cookies
            .get(base)
            .filter(|v| !v.is_empty())
            .map(str::to_owned));
    }
    chunks.sort_unstable_by_key(|(index, _)| *index);
    let mut token = String::new();
    for (expected, (index, value)) in chunks.into_iter().enumerate() {
        if index != expected {
            return Err(JwtError::MissingChunk {
                name: base.to_owned(),
                index: expected,
            });
        }
        token.push_str(value);
    }
    Ok(Some(token))
}

/// The cookies that write `value` under `base`: one cookie when it fits in `chunk_size`
/// characters, else `base.0`, `base.1`, …; then a clearing cookie for each name in
/// `stale` that is not rewritten (Auth.js's `SessionStore.chunk`).
pub fn write(
    base: &'static str,
    value: &str,
    chunk_size: usize,
    expires: DateTime<Utc>,
    secure: bool,
    stale: &[String],
) -> Vec<SetCookie> {
    let pieces = split(value, chunk_size.max(1));
    let mut out: Vec<SetCookie> = if pieces.len() == 1 {
        vec![SetCookie::new(base, value, secure).expires(expires)]
    } else {
        pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                SetCookie::new(format!("{base}.{i}"), *piece, secure).expires(expires)
            })
            .collect()
    };
    for name in stale {
        if !out.iter().any(|cookie| cookie.name == name.as_str()) {
            out.push(SetCookie::clear(name.clone(), secure));
        }
    }
    out
}

/// `value` cut every `size` characters (a token is ASCII: characters are bytes).
fn split(value: &str, size: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (count, (at, _)) in value.char_indices().enumerate() {
        if count > 0 && count % size == 0 {
            pieces.push(&value[start..at]);
            start = at;
        }
    }
    pieces.push(&value[start..]);
    pieces
}
