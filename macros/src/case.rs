//! `rename_all`: the case conventions a field or variant name can be converted to, spelled
//! as serde spells them.

/// A case convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Snake,
    Camel,
    Pascal,
    Lower,
    Upper,
    ScreamingSnake,
}

impl Case {
    /// Every accepted spelling, for "expected one of" messages.
    pub const NAMES: &'static str =
        "snake_case, camelCase, PascalCase, lowercase, UPPERCASE, SCREAMING_SNAKE_CASE";

    /// Parses a serde spelling.
    pub fn from_name(name: &str) -> Option<Case> {
        Some(match name {
            "snake_case" => Case::Snake,
            "camelCase" => Case::Camel,
            "PascalCase" => Case::Pascal,
            "lowercase" => Case::Lower,
            "UPPERCASE" => Case::Upper,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            _ => return None,
        })
    }

    /// Converts a name written in snake_case (a field) or PascalCase (a variant).
    pub fn apply(self, name: &str) -> String {
        let words = words(name);
        match self {
            Case::Snake => words.join("_"),
            Case::ScreamingSnake => words.join("_").to_uppercase(),
            Case::Lower => words.concat(),
            Case::Upper => words.concat().to_uppercase(),
            Case::Pascal => words.iter().map(|w| capitalize(w)).collect(),
            Case::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| if i == 0 { w.to_string() } else { capitalize(w) })
                .collect(),
        }
    }
}

/// Lowercase words of a snake_case or PascalCase name.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.extend(c.to_lowercase());
        } else {
            current.extend(c.to_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_fields_and_variants() {
        assert_eq!(
            Case::Camel.apply("provider_account_id"),
            "providerAccountId"
        );
        assert_eq!(Case::Pascal.apply("email_verified"), "EmailVerified");
        assert_eq!(Case::Snake.apply("MultiDevice"), "multi_device");
        assert_eq!(Case::ScreamingSnake.apply("user_id"), "USER_ID");
        assert_eq!(Case::Lower.apply("SingleDevice"), "singledevice");
        assert_eq!(Case::Camel.apply("id"), "id");
    }
}
