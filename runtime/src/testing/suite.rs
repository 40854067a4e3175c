//! The suite's driver: the state the cases share and the loop that runs them in order.
//!
//! Entry point: [`Suite`]. The case bodies live in [`super::authjs`] (1–17),
//! [`super::webauthn`] (18–22), [`super::extra`] (23–30), [`super::sign_up`] (31), [`super::ops`] (32–34) and [`super::sign_in`] (35).

use std::marker::PhantomData;

use super::check::{CaseResult, Check};
use super::fixtures::Clock;
use super::{CASES, CaseReport, Failure, Outcome, RawReads, Report, SuiteOptions};
use crate::adapter::Adapter;
use crate::traits::Schema;
use crate::value::Value;

/// One run of the suite: the adapter, its raw reads, and the state Auth.js's tests thread
/// from one to the next (the user of case 2, the session of case 5, the account of case 9).
pub(crate) struct Suite<'a, S: Schema, A: ?Sized, R: ?Sized> {
    pub adapter: &'a A,
    pub raw: &'a R,
    pub options: SuiteOptions,
    pub clock: Clock,
    /// The user as stored by case 2 (with the name case 7 gives it).
    pub user: Vec<Value>,
    /// The user's id as the contract spells it.
    pub user_id: String,
    /// The session fixture of case 5, before the adapter gave it an id.
    pub session_fixture: Vec<Value>,
    /// The session as stored by case 5.
    pub session: Vec<Value>,
    /// The account fixture of case 9, as linked (the adapter may add a surrogate id).
    pub account_fixture: Vec<Value>,
    /// The account as stored by case 9.
    pub account: Vec<Value>,
    schema: PhantomData<fn() -> S>,
}

impl<'a, S, A, R> Suite<'a, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Checks the options and sets up an empty run.
    pub fn new(adapter: &'a A, raw: &'a R, options: SuiteOptions) -> Result<Self, Failure> {
        if let Some(problem) = options.unencodable().first() {
            return Err(Failure {
                case: 0,
                name: "options",
                what: format!("a fixture value cannot be encoded: {problem}"),
                expected: None,
                actual: None,
            });
        }
        for name in &options.skip {
            let skippable = CASES.iter().any(|case| case.skippable && case.name == name);
            if !skippable {
                let names: Vec<&str> = CASES
                    .iter()
                    .filter(|case| case.skippable)
                    .map(|case| case.name)
                    .collect();
                return Err(Failure {
                    case: 0,
                    name: "options",
                    what: format!("`{name}` is not a case that can be skipped"),
                    expected: Some(format!("one of {names:?}")),
                    actual: Some(format!("{name:?}")),
                });
            }
        }
        Ok(Suite {
            adapter,
            raw,
            options,
            clock: Clock::new(),
            user: Vec::new(),
            user_id: String::new(),
            session_fixture: Vec::new(),
            session: Vec::new(),
            account_fixture: Vec::new(),
            account: Vec::new(),
            schema: PhantomData,
        })
    }

    /// Runs every case in order; the first failure ends the run, as later cases build on
    /// the state of earlier ones.
    pub async fn run(mut self) -> Result<Report, Failure> {
        let mut report = Report::default();
        for case in CASES {
            let (number, name) = (case.number, case.name);
            let outcome = if self.skips(case.name) {
                Outcome::Skipped("skipped by the options".to_owned())
            } else {
                match self.case(number).await {
                    Ok(None) => Outcome::Passed,
                    Ok(Some(reason)) => Outcome::Skipped(reason),
                    Err(check) => {
                        return Err(Failure {
                            case: number,
                            name,
                            what: check.what,
                            expected: check.expected,
                            actual: check.actual,
                        });
                    }
                }
            };
            report.cases.push(CaseReport {
                number,
                name,
                outcome,
            });
        }
        Ok(report)
    }

    /// Whether the options skip the case named `name`. Cases that use a skippable operation
    /// in passing (`deleteUser`, the WebAuthn ones) ask this before they call it.
    pub fn skips(&self, name: &str) -> bool {
        self.options.skips(name)
    }

    async fn case(&mut self, number: u32) -> CaseResult {
        match number {
            1 | 12 | 15 => self.methods_exist(),
            2 => self.create_user().await,
            3 => self.get_user().await,
            4 => self.get_user_by_email().await,
            5 => self.create_session().await,
            6 => self.get_session_and_user().await,
            7 => self.update_user().await,
            8 => self.update_session().await,
            9 => self.link_account().await,
            10 => self.get_user_by_account().await,
            11 => self.delete_session().await,
            13 => self.create_verification_token().await,
            14 => self.use_verification_token().await,
            16 => self.unlink_account().await,
            17 => self.delete_user().await,
            18 => self.get_account().await,
            19 => self.create_authenticator().await,
            20 => self.get_authenticator().await,
            21 => self.list_authenticators_by_user_id().await,
            22 => self.update_authenticator_counter().await,
            23 => self.duplicate_email().await,
            24 => self.duplicate_account().await,
            25 => self.foreign_ids().await,
            26 => self.update_every_user_field().await,
            27 => self.delete_user_cascades().await,
            28 => self.unknown_keys().await,
            29 => self.concurrent_token_use().await,
            30 => self.millisecond_precision().await,
            31 => self.sign_up().await,
            32 => self.update_account().await,
            33 => self.revoke_sessions().await,
            34 => self.delete_expired().await,
            35 => self.sign_in_with_account().await,
            other => Err(Check::new(format!("case {other} has no body"))),
        }
    }

    /// Cases 1, 12 and 15: in Auth.js they check the adapter object has the methods; here
    /// the [`Adapter`] trait guarantees it at compile time.
    fn methods_exist(&self) -> CaseResult {
        Ok(None)
    }
}
