//! Readable layout of the one-line `CREATE TABLE` sea-query writes: one column or constraint
//! per line, as a schema file a person reviews.
//!
//! Entry point: `layout`. It only changes whitespace between top-level items, never inside a
//! quoted identifier or string literal; a statement it cannot read is returned unchanged.

use crate::dialect::Dialect;

/// Puts each item between the outer parentheses of `statement` on its own indented line.
pub(crate) fn layout(statement: &str, dialect: Dialect) -> String {
    match items(statement, dialect) {
        Some((open, close, commas)) => {
            let mut out = String::with_capacity(statement.len() + 4 * commas.len() + 8);
            out.push_str(statement[..open].trim_end());
            out.push_str(" (\n");
            let mut start = open + 1;
            for end in commas.iter().copied().chain(std::iter::once(close)) {
                out.push_str("  ");
                out.push_str(statement[start..end].trim());
                out.push_str(if end == close { "\n" } else { ",\n" });
                start = end + 1;
            }
            out.push(')');
            out.push_str(&statement[close + 1..]);
            out
        }
        None => statement.to_owned(),
    }
}

/// The byte offsets of the first top-level `(`, its matching `)` and the commas between them
/// at depth one, skipping quoted text.
fn items(statement: &str, dialect: Dialect) -> Option<(usize, usize, Vec<usize>)> {
    let backslash_escapes = dialect.backslash_escapes_in_literals();
    let mut open = None;
    let mut commas = Vec::new();
    let mut depth = 0usize;
    let mut chars = statement.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' => loop {
                // Inside a quoted run: an escape or a doubled quote does not end it.
                match chars.next() {
                    Some((_, '\\')) if c == '\'' && backslash_escapes => {
                        chars.next()?;
                    }
                    Some((_, q)) if q == c => {
                        if chars.peek().is_some_and(|&(_, n)| n == c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    Some(_) => {}
                    None => return None,
                }
            },
            '(' => {
                depth += 1;
                if open.is_none() {
                    open = Some(i);
                }
            }
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((open?, i, commas));
                }
            }
            ',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_per_line() {
        let sql = r#"CREATE TABLE "t" ( "a" text NOT NULL, "b" varchar(20), PRIMARY KEY ("a", "b") ) ENGINE=InnoDB"#;
        assert_eq!(
            layout(sql, Dialect::Sqlite),
            "CREATE TABLE \"t\" (\n  \"a\" text NOT NULL,\n  \"b\" varchar(20),\n  \
             PRIMARY KEY (\"a\", \"b\")\n) ENGINE=InnoDB"
        );
    }

    #[test]
    fn quoted_text_is_left_alone() {
        let sqlite = r#"CREATE TABLE "a,(b" ( "x" text DEFAULT 'it''s, (odd\', "y" text )"#;
        assert_eq!(
            layout(sqlite, Dialect::Sqlite),
            "CREATE TABLE \"a,(b\" (\n  \"x\" text DEFAULT 'it''s, (odd\\',\n  \"y\" text\n)"
        );
        let mysql = r"CREATE TABLE `t` ( `x` text DEFAULT 'a\', (b', `y` int )";
        assert_eq!(
            layout(mysql, Dialect::MySql),
            "CREATE TABLE `t` (\n  `x` text DEFAULT 'a\\', (b',\n  `y` int\n)"
        );
    }

    #[test]
    fn unreadable_statements_are_unchanged() {
        for sql in ["DROP TABLE \"t\"", "CREATE TABLE \"t\" ( 'open", "x ) ("] {
            assert_eq!(layout(sql, Dialect::Postgres), sql);
        }
    }
}
