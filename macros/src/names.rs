//! Names the user writes: SQL identifiers every dialect accepts, and the known name nearest
//! to a misspelt one.
//!
//! Entry points: [`check_identifier`] and [`closest`].

use darling::Error;
use proc_macro2::Span;

/// The longest identifier every dialect accepts (PostgreSQL truncates past 63 bytes).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// An identifier every dialect accepts quoted, and that no quoting can be escaped from.
pub fn check_identifier(
    errors: &mut darling::error::Accumulator,
    name: &str,
    span: Span,
    what: &str,
) {
    let valid_chars = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_chars {
        errors.push(
            Error::custom(format!(
                "`{name}` is not a valid SQL {what} name: use letters, digits and `_`, starting with a letter or `_`"
            ))
            .with_span(&span),
        );
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        errors.push(
            Error::custom(format!(
                "{what} name `{name}` is {} bytes, over the {MAX_IDENTIFIER_BYTES}-byte limit of PostgreSQL identifiers",
                name.len()
            ))
            .with_span(&span),
        );
    }
}

/// The known name nearest to a misspelt one, if it is near enough to be a typo.
pub fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_its_name_and_a_stranger_finds_none() {
        let known = ["session_token", "user_id", "expires"];
        assert_eq!(closest("expire", &known), Some("expires"));
        assert_eq!(closest("sesion_token", &known), Some("session_token"));
        assert_eq!(closest("colour", &known), None);
    }
}
