//! A plan for a person to read: what `authmodel diff` and `check` print, and what a startup
//! check can log.
//!
//! Entry points: the [`Display`](fmt::Display) of [`Plan`] (the steps with their safety class,
//! then drift, notes and refusals, one per line), the [`Display`](fmt::Display) of [`Step`]
//! (one such line) and [`Plan::headline`] (the summary as the start of a sentence).

use std::fmt;

use super::{Plan, Step};

/// The width of the safety column: `needs-backfill` and one space.
const SAFETY_WIDTH: usize = 15;

impl fmt::Display for Plan {
    /// Every line ends with a newline:
    ///
    /// ```text
    /// To add 1 column and create 1 index (sqlite):
    ///   needs-backfill  add column `sessions.expires` (NOT NULL, no default)
    ///   safe            create index `sessions_user_id_idx` on `sessions`
    /// Refused (migrate applies nothing until these are fixed):
    ///   cannot add `sessions.expires`: ...
    /// ```
    ///
    /// or `In sync: the database matches the models (sqlite).` when there is nothing to do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_in_sync() {
            writeln!(
                f,
                "In sync: the database matches the models ({}).",
                self.dialect
            )?;
        } else if self.steps.is_empty() {
            writeln!(f, "Nothing to add ({}).", self.dialect)?;
        } else {
            writeln!(f, "To {} ({}):", self.summary(), self.dialect)?;
            for step in &self.steps {
                writeln!(f, "  {step}")?;
            }
        }
        let (notes, drift): (Vec<_>, Vec<_>) = self.drift.iter().partition(|d| d.is_note());
        if !drift.is_empty() {
            writeln!(f, "Differences left alone (fix them by hand):")?;
            for d in drift {
                writeln!(f, "  {d}")?;
            }
        }
        for note in notes {
            writeln!(f, "Note: {note}")?;
        }
        if !self.refusals.is_empty() {
            writeln!(
                f,
                "Refused (migrate applies nothing until these are fixed):"
            )?;
            for refusal in &self.refusals {
                writeln!(f, "  {refusal}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Step {
    /// The safety class in a column of its own, then the change:
    /// `safe            create table `users``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let safety = self.safety.to_string();
        write!(f, "{safety:<SAFETY_WIDTH$} {}", self.change)
    }
}

impl Plan {
    /// [`Plan::summary`] as the start of a sentence: `Create 5 tables and 6 indexes`,
    /// `Add 1 column and create 1 index`, `Nothing`. What a migration script's header says.
    pub fn headline(&self) -> String {
        let mut summary = self.summary();
        // Every summary starts with an ASCII verb or `nothing`.
        if let Some(first) = summary.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use crate::dialect::Dialect;
    use crate::migrate::{Drift, LiveSchema, Plan, Refusal, plan};
    use crate::models::DefaultSchema;
    use crate::traits::Schema;

    fn empty_database(dialect: Dialect) -> Plan {
        plan(
            &DefaultSchema::stored_tables(),
            dialect,
            &LiveSchema::default(),
        )
        .expect("plans")
    }

    #[test]
    fn a_plan_reads_as_steps_drift_notes_and_refusals() {
        let mut plan = empty_database(Dialect::Sqlite);
        plan.steps.truncate(2);
        plan.drift = vec![
            Drift::ForeignKey {
                table: "sessions".to_owned(),
                column: "user_id".to_owned(),
                problem: "missing",
            },
            Drift::IndexName {
                table: "users".to_owned(),
                expected: "users_email_key".to_owned(),
                found: "email_idx".to_owned(),
            },
        ];
        plan.refusals = vec![Refusal::NotATable {
            name: "accounts".to_owned(),
        }];
        let text = plan.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[..3],
            [
                "To create 2 tables (sqlite):",
                "  safe            create table `users`",
                "  safe            create table `accounts`",
            ],
            "{text}"
        );
        assert_eq!(lines[3], "Differences left alone (fix them by hand):");
        assert!(
            lines[4].starts_with("  ") && lines[4].contains("sessions"),
            "{text}"
        );
        assert!(lines[5].starts_with("Note: ") && lines[5].contains("email_idx"));
        assert_eq!(
            lines[6..],
            [
                "Refused (migrate applies nothing until these are fixed):",
                "  `accounts` is a view, not a table: drop it or rename the model's table",
            ]
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn an_empty_plan_is_in_sync_or_has_nothing_to_add() {
        let mut plan = empty_database(Dialect::Postgres);
        plan.steps.clear();
        assert_eq!(
            plan.to_string(),
            "In sync: the database matches the models (postgres).\n"
        );
        plan.drift.push(Drift::Nullability {
            table: "users".to_owned(),
            column: "name".to_owned(),
            nullable_in_model: false,
        });
        assert!(
            plan.to_string().starts_with("Nothing to add (postgres).\n"),
            "{plan}"
        );
    }

    #[test]
    fn the_headline_is_the_summary_as_a_sentence() {
        let mut plan = empty_database(Dialect::MySql);
        assert_eq!(plan.headline(), "Create 5 tables");
        plan.steps.clear();
        assert_eq!(plan.headline(), "Nothing");
    }
}
