//! The conformance suite: the Auth.js adapter test suite, ported, plus the cases it misses.
//!
//! Entry points: [`run`] (the whole suite against one adapter), [`RawReads`] (the reads that
//! bypass the adapter, so the suite sees what was really stored), [`SuiteOptions`],
//! [`Report`] and [`Failure`], and [`hash_token`] (how Auth.js hashes verification tokens).
//! Behind the `testing` feature.
//!
//! Cases 1–22 are those of Auth.js's `packages/utils/adapter.ts`, in its order and with its
//! fixtures and comparisons: timestamps are compared at millisecond value (`email_verified`
//! keeps its milliseconds), `expires_at` is the integer 2592000, sessions and accounts may
//! carry a surrogate id, verification tokens never. Cases 23 onwards check what that suite
//! leaves out: unique-key conflicts, foreign-format ids, a partial update of every user field,
//! the cascade on user deletion, unknown keys, concurrent token use and timestamp precision;
//! case 31 checks `sign_up`, 32–34 the operations Auth.js lacks (`update_account`, listing and
//! revoking sessions, `delete_expired`), 35 `sign_in_with_account` (its three outcomes).
//! Every value the suite writes is unique per run, so it can run twice against one database.
//! The cases share state, as in Auth.js: the first failure stops the run.
//!
//! Run it against your own adapter: implement [`RawReads`] with reads that do not go through
//! the adapter (the suite checks what the adapter wrote, not what it says it wrote), then call
//! [`run`]. Here against the in-memory adapter, which reads its own tables:
//!
//! ```
//! use authmodel::memory::MemoryAdapter;
//! use authmodel::models::DefaultSchema;
//! use authmodel::testing::{self, SuiteOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let adapter = MemoryAdapter::<DefaultSchema>::new();
//! let report = testing::run(&adapter, &adapter, SuiteOptions::default()).await?;
//! assert_eq!(report.passed(), testing::CASES.len());
//! println!("{report}");
//! # Ok(())
//! # })
//! # }
//! ```
//!
//! A model with fields of its own that are `NOT NULL` needs fixture values for them, as
//! Auth.js's `CUSTOM_MODEL=1` run adds a role and a phone number:
//!
//! ```
//! # use authmodel::testing::SuiteOptions;
//! let options = SuiteOptions::default()
//!     .with_user_extra("role", "admin".to_owned())
//!     .with_user_extra("phone", Some("00000000000".to_owned()));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::adapter::Adapter;
use crate::descriptor::Role;
use crate::traits::Schema;
use crate::value::{ColumnValue, Value};

mod authjs;
mod check;
mod extra;
mod fixtures;
mod ops;
mod raw;
mod sign_in;
mod sign_up;
mod suite;
#[cfg(test)]
mod tests;
mod webauthn;

pub use fixtures::hash_token;
pub use raw::RawReads;

/// One case of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    /// Its number: 1–22 are Auth.js's cases, in its order.
    pub number: u32,
    /// Its name: Auth.js's test name for 1–22.
    pub name: &'static str,
    /// Whether [`SuiteOptions::skip`] may name it (Auth.js lets only `deleteUser` and the
    /// WebAuthn cases be skipped; the cases after 22 may be too).
    pub skippable: bool,
}

const fn case(number: u32, name: &'static str, skippable: bool) -> Case {
    Case {
        number,
        name,
        skippable,
    }
}

/// Every case, in the order it runs.
pub const CASES: &[Case] = &[
    case(1, "Required (User, Account, Session) methods exist", false),
    case(2, "createUser", false),
    case(3, "getUser", false),
    case(4, "getUserByEmail", false),
    case(5, "createSession", false),
    case(6, "getSessionAndUser", false),
    case(7, "updateUser", false),
    case(8, "updateSession", false),
    case(9, "linkAccount", false),
    case(10, "getUserByAccount", false),
    case(11, "deleteSession", false),
    case(12, "Verification Token methods exist", false),
    case(13, "createVerificationToken", false),
    case(14, "useVerificationToken", false),
    case(15, "Future methods exist", false),
    case(16, "unlinkAccount", false),
    case(17, "deleteUser", true),
    case(18, "getAccount", true),
    case(19, "createAuthenticator", true),
    case(20, "getAuthenticator", true),
    case(21, "listAuthenticatorsByUserId", true),
    case(22, "updateAuthenticatorCounter", true),
    case(23, "createUser with a taken email conflicts", true),
    case(24, "linkAccount of a linked account conflicts", true),
    case(25, "foreign-format ids are not found", true),
    case(26, "updateUser of every field", true),
    case(
        27,
        "deleteUser removes sessions, accounts and authenticators",
        true,
    ),
    case(28, "unknown keys are not found", true),
    case(
        29,
        "useVerificationToken is single-use under concurrency",
        true,
    ),
    case(30, "timestamps are stored to the millisecond", true),
    case(
        31,
        "signUp stores user, account and session together or not at all",
        true,
    ),
    case(32, "updateAccount stores refreshed tokens", true),
    case(
        33,
        "listSessions, revokeSession and revokeOtherSessions",
        true,
    ),
    case(34, "deleteExpired deletes expired rows in batches", true),
    case(
        35,
        "signInWithAccount signs in, signs up, or leaves a taken email alone",
        true,
    ),
];

/// The names of the WebAuthn cases, skipped by [`SuiteOptions::skip_webauthn`].
pub const WEBAUTHN_CASES: &[&str] = &[
    "getAccount",
    "createAuthenticator",
    "getAuthenticator",
    "listAuthenticatorsByUserId",
    "updateAuthenticatorCounter",
];

/// How the suite runs: fixture values for the application's own columns, and what to skip.
#[derive(Debug, Clone, Default)]
pub struct SuiteOptions {
    /// Values for the user model's own fields (by Rust field name), used in every user the
    /// suite creates. Needed for `NOT NULL` fields without a default; a nullable field left
    /// out is `NULL`.
    pub user_extras: BTreeMap<String, Value>,
    /// The same for the other models' own fields.
    pub extras: HashMap<Role, BTreeMap<String, Value>>,
    /// Skips the WebAuthn cases (Auth.js's `testWebAuthnMethods: false`), for adapters
    /// without authenticators.
    pub skip_webauthn: bool,
    /// Names of cases to skip (Auth.js's `skipTests`): `deleteUser`, the WebAuthn cases and
    /// the cases after 22. Any other name makes [`run`] fail before it starts.
    pub skip: Vec<String>,
    /// The store drops a session or verification token at its `expires` by itself (Redis'
    /// key expiry): case 34 then moves its cut-off an hour ahead, so that the rows it expects
    /// `delete_expired` to delete are still there when it runs. Such a store must hold only
    /// this run's rows (a key prefix of its own): the case deletes every row expiring before
    /// the cut-off.
    pub expiring_store: bool,
    /// Fixture values given to the builders that could not be encoded; [`run`] reports them
    /// before it starts.
    unencodable: Vec<String>,
}

impl SuiteOptions {
    fn encode_fixture(&mut self, field: &str, value: impl ColumnValue) -> Option<Value> {
        match value.to_value() {
            Ok(value) => Some(value),
            Err(error) => {
                self.unencodable.push(format!("`{field}`: {error}"));
                None
            }
        }
    }

    /// The fixture values that could not be encoded.
    pub(crate) fn unencodable(&self) -> &[String] {
        &self.unencodable
    }

    /// Adds a fixture value for one of the user model's own fields.
    pub fn with_user_extra(mut self, field: &str, value: impl ColumnValue) -> Self {
        if let Some(value) = self.encode_fixture(field, value) {
            self.user_extras.insert(field.to_owned(), value);
        }
        self
    }

    /// Adds a fixture value for one of another model's own fields.
    pub fn with_extra(mut self, role: Role, field: &str, value: impl ColumnValue) -> Self {
        if role == Role::User {
            return self.with_user_extra(field, value);
        }
        if let Some(value) = self.encode_fixture(field, value) {
            self.extras
                .entry(role)
                .or_default()
                .insert(field.to_owned(), value);
        }
        self
    }

    /// Skips the WebAuthn cases.
    pub fn skip_webauthn(mut self, skip: bool) -> Self {
        self.skip_webauthn = skip;
        self
    }

    /// Sets [`SuiteOptions::expiring_store`].
    pub fn expiring_store(mut self, expiring: bool) -> Self {
        self.expiring_store = expiring;
        self
    }

    /// Skips the case of this name (see [`SuiteOptions::skip`]).
    pub fn skip_case(mut self, name: &str) -> Self {
        self.skip.push(name.to_owned());
        self
    }

    /// The fixture extras of the model playing `role`.
    pub(crate) fn extras_of(&self, role: Role) -> Option<&BTreeMap<String, Value>> {
        match role {
            Role::User => Some(&self.user_extras),
            other => self.extras.get(&other),
        }
    }

    fn skips(&self, name: &str) -> bool {
        self.skip.iter().any(|s| s == name)
            || (self.skip_webauthn && WEBAUTHN_CASES.contains(&name))
    }
}

/// What became of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every check held.
    Passed,
    /// Not run, for the reason given.
    Skipped(String),
}

/// One case of a [`Report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The case's number (1–22 are Auth.js's, in its order).
    pub number: u32,
    /// The case's name (Auth.js's test name for 1–22).
    pub name: &'static str,
    /// What became of it.
    pub outcome: Outcome,
}

/// The cases a successful [`run`] went through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every case, in order.
    pub cases: Vec<CaseReport>,
}

impl Report {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.count(|o| *o == Outcome::Passed)
    }

    /// How many cases were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| f(&c.outcome)).count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for case in &self.cases {
            match &case.outcome {
                Outcome::Passed => writeln!(f, "{:>3} ok       {}", case.number, case.name)?,
                Outcome::Skipped(why) => {
                    writeln!(f, "{:>3} skipped  {} ({why})", case.number, case.name)?
                }
            }
        }
        write!(f, "{} passed, {} skipped", self.passed(), self.skipped())
    }
}

/// The first case that did not hold: which one, what was checked, and what differed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The case's number.
    pub case: u32,
    /// The case's name.
    pub name: &'static str,
    /// What was checked, or the operation that returned an error.
    pub what: String,
    /// What the suite expected, Debug-printed, when a value was compared.
    pub expected: Option<String>,
    /// What it got, Debug-printed: a value, or the error an operation returned.
    pub actual: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "case {} `{}` failed: {}",
            self.case, self.name, self.what
        )?;
        if let Some(expected) = &self.expected {
            write!(f, "\n  expected: {expected}")?;
        }
        if let Some(actual) = &self.actual {
            write!(f, "\n  actual:   {actual}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// Runs every case against `adapter`, checking what it stored through `raw`.
///
/// Returns the cases run and skipped, or the first [`Failure`]. No case panics: an
/// adapter error, a wrong value or a fixture the schema cannot take is a `Failure`.
pub async fn run<S, A, R>(adapter: &A, raw: &R, options: SuiteOptions) -> Result<Report, Failure>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    suite::Suite::new(adapter, raw, options)?.run().await
}
