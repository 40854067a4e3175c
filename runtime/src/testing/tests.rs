//! The suite catches what it claims to: each test breaks one rule of the contract in a
//! wrapper around the memory adapter and expects the case that checks it to fail.

use chrono::Duration;

use super::{Failure, SuiteOptions, run};
use crate::adapter::memory::MemoryAdapter;
use crate::adapter::{AccountKey, AccountPatch, Adapter, BoxFuture, SessionPatch, UserPatch};
use crate::descriptor::Role;
use crate::error::{Error, Result};
use crate::models::{Account, Authenticator, DefaultSchema, Session, User, VerificationToken};
use crate::traits::Schema;

type S = DefaultSchema;

/// One broken rule.
#[derive(Clone, Copy, PartialEq)]
enum Bug {
    /// Drops the milliseconds of `email_verified`.
    DropsMilliseconds,
    /// `useVerificationToken` ignores the identifier (as Auth.js's own core test adapter).
    IgnoresIdentifier,
    /// `deleteUser` returns the user but deletes nothing.
    KeepsDeletedUser,
    /// Unknown or foreign ids are an error rather than `None`.
    ForeignIdErrors,
    /// A taken email is stored anyway (no unique key).
    NoUniqueEmail,
    /// `updateAuthenticatorCounter` of an unknown credential succeeds with a made-up row.
    CounterOfUnknown,
    /// `listAuthenticatorsByUserId` returns nothing.
    EmptyList,
    /// `useVerificationToken` returns the token without deleting it.
    ReusableToken,
    /// `signUp` runs its three writes in turn and leaves the user when a later one fails
    /// (what Auth.js's own call sequence does).
    SignUpLeavesUser,
    /// `updateAccount` returns the account as it was and stores nothing.
    UpdateAccountIgnored,
    /// `revokeSession` ignores the user id: anyone's session goes.
    RevokesAnyonesSession,
    /// `revokeOtherSessions` deletes the kept session too.
    RevokesTheKeptSession,
    /// `signInWithAccount` links the account to the user with the email (dangerous email
    /// linking, unasked) instead of writing nothing.
    LinksByEmail,
    /// `deleteExpired` deletes rows expiring at the instant itself (`<=`, not `<`).
    ExpiryNotStrict,
}

struct Faulty {
    inner: MemoryAdapter<S>,
    bug: Bug,
}

async fn failure(bug: Bug) -> Failure {
    let faulty = Faulty {
        inner: MemoryAdapter::new(),
        bug,
    };
    match run(&faulty, &faulty.inner, SuiteOptions::default()).await {
        Ok(report) => panic!("the suite passed an adapter with a bug:\n{report}"),
        Err(failure) => {
            // Shown with --nocapture: what a user reads when their adapter fails.
            eprintln!("{failure}");
            failure
        }
    }
}

#[test]
fn cases_are_numbered_in_order_with_unique_names() {
    for (at, case) in super::CASES.iter().enumerate() {
        assert_eq!(case.number as usize, at + 1, "{case:?}");
        assert!(
            super::CASES.iter().filter(|c| c.name == case.name).count() == 1,
            "{case:?}"
        );
    }
    assert_eq!(super::CASES.len(), 35);
    for name in super::WEBAUTHN_CASES {
        assert!(super::CASES.iter().any(|c| c.name == *name && c.skippable));
    }
}

#[tokio::test]
async fn catches_dropped_milliseconds() {
    let failure = failure(Bug::DropsMilliseconds).await;
    assert_eq!(failure.case, 2, "{failure}");
    assert!(failure.what.contains("email_verified"), "{failure}");
}

#[tokio::test]
async fn catches_an_ignored_identifier() {
    let failure = failure(Bug::IgnoresIdentifier).await;
    assert_eq!((failure.case, failure.name), (14, "useVerificationToken"));
}

#[tokio::test]
async fn catches_a_user_that_stays() {
    let failure = failure(Bug::KeepsDeletedUser).await;
    assert_eq!(failure.case, 17, "{failure}");
    assert!(failure.what.contains("after deleteUser"), "{failure}");
}

#[tokio::test]
async fn catches_errors_for_unknown_ids() {
    let failure = failure(Bug::ForeignIdErrors).await;
    assert_eq!(failure.case, 3, "{failure}");
}

#[tokio::test]
async fn catches_a_missing_unique_email() {
    let failure = failure(Bug::NoUniqueEmail).await;
    assert_eq!(failure.case, 23, "{failure}");
}

#[tokio::test]
async fn catches_a_counter_update_of_an_unknown_credential() {
    let failure = failure(Bug::CounterOfUnknown).await;
    assert_eq!(failure.case, 22, "{failure}");
}

#[tokio::test]
async fn catches_an_empty_authenticator_list() {
    let failure = failure(Bug::EmptyList).await;
    assert_eq!(failure.case, 21, "{failure}");
}

#[tokio::test]
async fn catches_a_reusable_token() {
    let failure = failure(Bug::ReusableToken).await;
    assert_eq!(failure.case, 14, "{failure}");
    assert!(failure.to_string().contains("second useVerificationToken"));
}

#[tokio::test]
async fn catches_a_sign_up_that_leaves_its_user() {
    let failure = failure(Bug::SignUpLeavesUser).await;
    assert_eq!(failure.case, 31, "{failure}");
    assert!(failure.what.contains("the user"), "{failure}");
}

#[tokio::test]
async fn catches_an_update_account_that_stores_nothing() {
    let failure = failure(Bug::UpdateAccountIgnored).await;
    assert_eq!(failure.case, 32, "{failure}");
    assert!(failure.what.contains("after updateAccount"), "{failure}");
}

#[tokio::test]
async fn catches_a_revoke_of_another_users_session() {
    let failure = failure(Bug::RevokesAnyonesSession).await;
    assert_eq!(failure.case, 33, "{failure}");
    assert!(failure.what.contains("another user's id"), "{failure}");
}

#[tokio::test]
async fn catches_a_revoke_of_the_kept_session() {
    let failure = failure(Bug::RevokesTheKeptSession).await;
    assert_eq!(failure.case, 33, "{failure}");
    assert!(failure.what.contains("revokeOtherSessions"), "{failure}");
}

#[tokio::test]
async fn catches_an_expiry_that_is_not_strict() {
    let failure = failure(Bug::ExpiryNotStrict).await;
    assert_eq!(failure.case, 34, "{failure}");
    assert!(failure.what.contains("at the instant itself"), "{failure}");
}

#[tokio::test]
async fn catches_a_sign_in_that_links_by_email() {
    let failure = failure(Bug::LinksByEmail).await;
    assert_eq!(failure.case, 35, "{failure}");
    assert!(failure.what.contains("a taken email"), "{failure}");
}

impl Adapter<S> for Faulty {
    fn create_user(&self, mut user: User) -> BoxFuture<'_, Result<User>> {
        if self.bug == Bug::DropsMilliseconds {
            user.email_verified = user
                .email_verified
                .map(|t| t - Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos())));
        }
        if self.bug == Bug::NoUniqueEmail {
            // A taken email is stored under another address, and reported as stored.
            return Box::pin(async move {
                let taken = user.email.clone();
                if self.inner.get_user_by_email(&taken).await?.is_none() {
                    return self.inner.create_user(user).await;
                }
                user.email = format!("{}{taken}", uuid::Uuid::new_v4());
                let mut stored = self.inner.create_user(user).await?;
                stored.email = taken;
                Ok(stored)
            });
        }
        self.inner.create_user(user)
    }
    fn get_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<User>>> {
        if self.bug == Bug::ForeignIdErrors {
            return Box::pin(async move {
                match self.inner.get_user(id).await? {
                    Some(user) => Ok(Some(user)),
                    None => Err(Error::InvalidInput(format!("bad id {id}"))),
                }
            });
        }
        self.inner.get_user(id)
    }
    fn get_user_by_email<'a>(&'a self, email: &'a str) -> BoxFuture<'a, Result<Option<User>>> {
        self.inner.get_user_by_email(email)
    }
    fn get_user_by_account<'a>(
        &'a self,
        key: AccountKey<'a>,
    ) -> BoxFuture<'a, Result<Option<User>>> {
        self.inner.get_user_by_account(key)
    }
    fn update_user<'a>(&'a self, id: &'a str, patch: UserPatch<S>) -> BoxFuture<'a, Result<User>> {
        self.inner.update_user(id, patch)
    }
    fn delete_user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<User>>> {
        if self.bug == Bug::KeepsDeletedUser {
            return self.inner.get_user(id);
        }
        self.inner.delete_user(id)
    }
    fn link_account(&self, account: Account) -> BoxFuture<'_, Result<Account>> {
        self.inner.link_account(account)
    }
    fn unlink_account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<Account>>> {
        self.inner.unlink_account(key)
    }
    fn get_account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<Account>>> {
        self.inner.get_account(key)
    }
    fn create_session(&self, session: Session) -> BoxFuture<'_, Result<Session>> {
        self.inner.create_session(session)
    }
    fn get_session_and_user<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<(Session, User)>>> {
        self.inner.get_session_and_user(session_token)
    }
    fn update_session<'a>(
        &'a self,
        session_token: &'a str,
        patch: SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<Session>>> {
        self.inner.update_session(session_token, patch)
    }
    fn delete_session<'a>(
        &'a self,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Session>>> {
        self.inner.delete_session(session_token)
    }
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, Result<VerificationToken>> {
        self.inner.create_verification_token(token)
    }
    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<VerificationToken>>> {
        match self.bug {
            Bug::IgnoresIdentifier => Box::pin(async move {
                let rows = self.inner.rows(Role::VerificationToken);
                let Some(row) = rows
                    .into_iter()
                    .find(|r| r[1] == crate::Value::Text(token.to_owned()))
                else {
                    return Ok(None);
                };
                let found = <VerificationToken as crate::Model>::from_values(row)?;
                self.inner
                    .use_verification_token(&found.identifier, token)
                    .await
            }),
            Bug::ReusableToken => Box::pin(async move {
                let rows = self.inner.find_rows(
                    Role::VerificationToken,
                    &[
                        (
                            crate::descriptor::RoleField::VerificationIdentifier,
                            identifier,
                        ),
                        (crate::descriptor::RoleField::VerificationToken, token),
                    ],
                )?;
                rows.into_iter()
                    .next()
                    .map(<VerificationToken as crate::Model>::from_values)
                    .transpose()
            }),
            _ => self.inner.use_verification_token(identifier, token),
        }
    }
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, Result<Authenticator>> {
        self.inner.create_authenticator(authenticator)
    }
    fn get_authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authenticator>>> {
        self.inner.get_authenticator(credential_id)
    }
    fn list_authenticators_by_user_id<'a>(
        &'a self,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Authenticator>>> {
        if self.bug == Bug::EmptyList {
            return Box::pin(async { Ok(Vec::new()) });
        }
        self.inner.list_authenticators_by_user_id(user_id)
    }
    fn update_authenticator_counter<'a>(
        &'a self,
        credential_id: &'a str,
        counter: i64,
    ) -> BoxFuture<'a, Result<Authenticator>> {
        if self.bug == Bug::CounterOfUnknown {
            return Box::pin(async move {
                match self
                    .inner
                    .update_authenticator_counter(credential_id, counter)
                    .await
                {
                    Err(Error::NotFound { .. }) => Ok(Authenticator {
                        credential_id: credential_id.to_owned(),
                        user_id: uuid::Uuid::nil(),
                        provider_account_id: String::new(),
                        credential_public_key: String::new(),
                        counter,
                        credential_device_type: String::new(),
                        credential_backed_up: false,
                        transports: None,
                    }),
                    other => other,
                }
            });
        }
        self.inner
            .update_authenticator_counter(credential_id, counter)
    }

    fn update_account<'a>(
        &'a self,
        key: AccountKey<'a>,
        patch: AccountPatch<S>,
    ) -> BoxFuture<'a, Result<Option<Account>>> {
        if self.bug == Bug::UpdateAccountIgnored {
            return self.inner.get_account(key);
        }
        self.inner.update_account(key, patch)
    }
    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<Session>>> {
        self.inner.list_sessions(user_id)
    }
    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        session_token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Session>>> {
        if self.bug == Bug::RevokesAnyonesSession {
            return self.inner.delete_session(session_token);
        }
        self.inner.revoke_session(user_id, session_token)
    }
    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>> {
        if self.bug == Bug::RevokesTheKeptSession {
            return Box::pin(async move {
                let n = self.inner.revoke_other_sessions(user_id, keep).await?;
                self.inner.delete_session(keep).await?;
                Ok(n)
            });
        }
        self.inner.revoke_other_sessions(user_id, keep)
    }
    fn delete_expired(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        batch: u32,
    ) -> BoxFuture<'_, Result<u64>> {
        if self.bug == Bug::ExpiryNotStrict {
            return self
                .inner
                .delete_expired(now + Duration::milliseconds(1), batch);
        }
        self.inner.delete_expired(now, batch)
    }

    fn sign_up(
        &self,
        user: User,
        account: Option<Account>,
        session: Session,
    ) -> BoxFuture<'_, Result<crate::adapter::SignUp<S>>> {
        if self.bug != Bug::SignUpLeavesUser {
            return self.inner.sign_up(user, account, session);
        }
        Box::pin(async move {
            let user = self.inner.create_user(user).await?;
            let account = match account {
                Some(account) => Some(
                    self.inner
                        .link_account(Account {
                            user_id: user.id,
                            ..account
                        })
                        .await?,
                ),
                None => None,
            };
            let session = self
                .inner
                .create_session(Session {
                    user_id: user.id,
                    ..session
                })
                .await?;
            Ok(crate::adapter::SignUp {
                user,
                account,
                session,
            })
        })
    }

    fn sign_in_with_account(
        &self,
        user: User,
        account: Account,
        session: Session,
    ) -> BoxFuture<'_, Result<crate::adapter::AccountSignIn<S>>> {
        if self.bug != Bug::LinksByEmail {
            return Box::pin(crate::adapter::sign_in_with_account_in_turn(
                self, user, account, session,
            ));
        }
        Box::pin(async move {
            let key = AccountKey {
                provider: &account.provider,
                provider_account_id: &account.provider_account_id,
            };
            let owner = match self.inner.get_user_by_account(key).await? {
                Some(owner) => Some(owner),
                None => self.inner.get_user_by_email(&user.email).await?,
            };
            let Some(owner) = owner else {
                let signed_up = self.inner.sign_up(user, Some(account), session).await?;
                return Ok(crate::adapter::AccountSignIn::SignedUp {
                    user: signed_up.user,
                    session: signed_up.session,
                });
            };
            if self.inner.get_account(key).await?.is_none() {
                self.inner
                    .link_account(Account {
                        user_id: owner.id,
                        ..account.clone()
                    })
                    .await?;
            }
            let session = self
                .inner
                .create_session(Session {
                    user_id: owner.id,
                    ..session
                })
                .await?;
            Ok(crate::adapter::AccountSignIn::SignedIn {
                user: owner,
                session,
            })
        })
    }
}

/// The wrapper is a plain `Adapter`; this keeps the schema parameter honest.
const _: fn() = || {
    fn is_schema<T: Schema>() {}
    is_schema::<S>();
};
