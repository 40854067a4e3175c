//! The session layer (`authmodel::session`) against every backend: memory, SQLite, PostgreSQL
//! and MariaDB.
//!
//! - `validate`: strict expiry deletes the session; sliding by core's rule, at the exact
//!   boundary; the cookie re-sent with `Expires = now + max_age`; on SQLite and PostgreSQL
//!   the common case is one statement and a refresh or an expiry one more.
//! - OAuth sign-in: every linking rule of core's handle-login.
//! - `Adapter::sign_up` is atomic: a failure injected at each of its three writes leaves
//!   nothing behind, and the next sign-in succeeds.
//! - Email sign-in: the token stored as `sha256(token + secret)`, used once, strict expiry,
//!   a new user created verified, an existing one marked verified.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use authmodel::accounts::{self, Link};
use authmodel::models::{Account, DefaultSchema, Session, User};
use authmodel::session::{Error, Profile, Secrets, Sessions};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::testing::RawReads;
use authmodel::{AccountKey, Adapter, MemoryAdapter};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Server, fresh_database};
use serde_json::json;
use uuid::Uuid;

type S = DefaultSchema;

/// A backend under test: the adapter, and its statement counter where it has one.
struct Backend {
    name: &'static str,
    adapter: Arc<dyn Store>,
    counter: Option<Arc<SqlAdapter<S>>>,
}

/// What the tests need of an adapter: the contract and raw reads.
trait Store: Adapter<S> + RawReads<S> {}
impl<T: Adapter<S> + RawReads<S>> Store for T {}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Memory,
    Sqlite,
    Postgres,
    MariaDb,
}

async fn backend(kind: Kind, label: &str) -> Option<Backend> {
    let url = match kind {
        Kind::Memory => {
            return Some(Backend {
                name: "memory",
                adapter: Arc::new(MemoryAdapter::<S>::new()),
                counter: None,
            });
        }
        Kind::Sqlite => "sqlite::memory:".to_owned(),
        Kind::Postgres => fresh_database(Server::Postgres, label).await?,
        Kind::MariaDb => fresh_database(Server::MySql, label).await?,
    };
    let sql = Arc::new(
        SqlAdapter::<S>::connect(&url, Options::default().synchronize(true))
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: connect: {e}")),
    );
    Some(Backend {
        name: match kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
            _ => "mariadb",
        },
        adapter: sql.clone(),
        counter: Some(sql),
    })
}

/// A clock the test moves: milliseconds since the epoch.
#[derive(Clone)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn at(instant: DateTime<Utc>) -> TestClock {
        TestClock(Arc::new(AtomicI64::new(instant.timestamp_millis())))
    }
    fn now(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0.load(Ordering::SeqCst))
            .single()
            .expect("in range")
    }
    fn set(&self, instant: DateTime<Utc>) {
        self.0.store(instant.timestamp_millis(), Ordering::SeqCst);
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 5, 6, 7, 8, 9).unwrap() + Duration::milliseconds(123)
}

fn sessions(backend: &Backend, clock: &TestClock) -> Sessions<S, dyn Store> {
    let clock = clock.clone();
    Sessions::from_arc(
        backend.adapter.clone(),
        Secrets::new(["s3cret"]).expect("a secret"),
    )
    .with_clock(move || clock.now())
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: None,
        email: email.into(),
        email_verified: None,
        image: None,
    }
}

fn session(user: &User, token: &str, expires: DateTime<Utc>) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.into(),
        user_id: user.id,
        expires,
    }
}

fn github(id: &str) -> Account {
    accounts::from_token_response(
        Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: id,
        },
        json!({ "access_token": "gho_x", "token_type": "Bearer", "scope": "read:user" }),
        start(),
    )
    .expect("an account")
}

fn unique(label: &str) -> String {
    format!("{label}-{}", Uuid::new_v4().simple())
}

/// The statements `f` sends on a SQL backend (`None` on memory).
async fn counted<T>(backend: &Backend, f: impl AsyncFnOnce() -> T) -> (Option<u64>, T) {
    let before = backend.counter.as_ref().map(|c| c.statements_executed());
    let out = f().await;
    let after = backend.counter.as_ref().map(|c| c.statements_executed());
    (after.zip(before).map(|(a, b)| a - b), out)
}

async fn validate_rules(kind: Kind) {
    let Some(backend) = backend(kind, "validate").await else {
        return;
    };
    let clock = TestClock::at(start());
    let sessions = sessions(&backend, &clock);
    let now = clock.now();
    let max_age = Duration::days(30);
    let update_age = Duration::days(1);
    let adapter = &backend.adapter;
    let owner = adapter
        .create_user(user(&format!("{}@example.com", unique("v"))))
        .await
        .expect("user");
    let stored = |token: &str, expires| {
        let session = session(&owner, token, expires);
        async move { adapter.create_session(session).await.expect("session") }
    };
    // Fresh, and one millisecond short of due: one statement, no write, cookie re-sent.
    for expires in [
        now + max_age,
        now + max_age - update_age + Duration::milliseconds(1),
    ] {
        let token = unique("fresh");
        stored(&token, expires).await;
        let (statements, validation) = counted(&backend, || sessions.validate(&token)).await;
        let validation = validation.expect("validate");
        let cookie = validation.cookie();
        let (session, user) = validation.current.expect("valid");
        assert_eq!(user.id, owner.id, "{}", backend.name);
        assert_eq!(session.expires, expires, "{}: not written", backend.name);
        assert!(!validation.refreshed);
        assert_eq!(cookie.expires, Some(now + max_age));
        assert_eq!(cookie.value, token);
        assert_eq!(
            cookie.to_string(),
            format!(
                "authjs.session-token={token}; Path=/; Expires={}; HttpOnly; SameSite=Lax",
                (now + max_age).format("%a, %d %b %Y %H:%M:%S GMT")
            )
        );
        if matches!(kind, Kind::Sqlite | Kind::Postgres) {
            assert_eq!(statements, Some(1), "{}: the common case", backend.name);
        }
    }
    // Exactly due (`expires - max_age + update_age == now`): slid to now + max_age.
    let token = unique("due");
    stored(&token, now + max_age - update_age).await;
    let (statements, validation) = counted(&backend, || sessions.validate(&token)).await;
    let validation = validation.expect("validate");
    assert!(validation.refreshed, "{}", backend.name);
    let (session, _) = validation.current.expect("valid");
    assert_eq!(session.expires, now + max_age);
    let raw = adapter.session(&token).await.expect("read").expect("row");
    assert_eq!(raw.expires, now + max_age, "{}: stored", backend.name);
    if matches!(kind, Kind::Sqlite | Kind::Postgres) {
        assert_eq!(statements, Some(2), "{}: a refresh", backend.name);
    }
    // `expires == now` is not expired (strict `<`); one millisecond later it is, and deleted.
    let token = unique("edge");
    stored(&token, now).await;
    assert!(
        sessions
            .validate(&token)
            .await
            .expect("validate")
            .current
            .is_some()
    );
    clock.set(now + max_age + Duration::milliseconds(1));
    let (statements, validation) = counted(&backend, || sessions.validate(&token)).await;
    let validation = validation.expect("validate");
    assert!(validation.current.is_none(), "{}: expired", backend.name);
    assert!(validation.cookie().is_clearing());
    assert_eq!(
        validation.cookie().to_string(),
        "authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    );
    assert!(
        adapter.session(&token).await.expect("read").is_none(),
        "deleted"
    );
    if matches!(kind, Kind::Sqlite | Kind::Postgres) {
        assert_eq!(statements, Some(2), "{}: an expiry", backend.name);
    }
    // Unknown: nothing, a clearing cookie.
    let unknown = sessions.validate("no-such-token").await.expect("validate");
    assert!(unknown.current.is_none() && unknown.cookie().is_clearing());
    // Sign-out deletes without an expiry check.
    clock.set(now);
    let token = unique("out");
    stored(&token, now + max_age).await;
    let cleared = sessions.sign_out(&token).await.expect("sign out");
    assert!(cleared.is_clearing());
    assert!(adapter.session(&token).await.expect("read").is_none());
}

async fn oauth_rules(kind: Kind) {
    let Some(backend) = backend(kind, "oauth").await else {
        return;
    };
    let clock = TestClock::at(start());
    let sessions = sessions(&backend, &clock);
    let email = format!("{}@Example.com", unique("Ada"));
    let profile = Profile {
        email: Some(email.clone()),
        name: Some("Ada".into()),
        image: None,
    };
    let id = unique("gh");
    // A new user: user, account and session, the email lowercased.
    let (statements, first) = counted(&backend, || {
        sessions.sign_in_oauth(github(&id), &profile, None)
    })
    .await;
    let first = first.expect("sign up");
    // On PostgreSQL the lookups and the three INSERTs are ONE statement
    // (`Adapter::sign_in_with_account`); elsewhere the two lookups, then the three INSERTs
    // of `sign_up`'s transaction.
    match kind {
        Kind::Postgres => assert_eq!(statements, Some(1), "a new user's sign-in"),
        Kind::Sqlite => assert_eq!(statements, Some(5), "a new user's sign-in"),
        Kind::Memory | Kind::MariaDb => {}
    }
    assert!(first.is_new_user);
    assert_eq!(first.user.email, email.to_lowercase());
    assert_eq!(first.user.email_verified, None);
    let cookie = first.cookie.expect("a cookie");
    let token = cookie.value.clone();
    assert_eq!(
        Uuid::parse_str(&token).expect("a UUID").get_version_num(),
        4
    );
    assert_eq!(cookie.expires, Some(clock.now() + Duration::days(30)));
    let key = AccountKey {
        provider: "github",
        provider_account_id: &id,
    };
    let linked = backend
        .adapter
        .account(key)
        .await
        .expect("read")
        .expect("linked");
    assert_eq!(linked.user_id, first.user.id);
    assert_eq!(linked.token_type.as_deref(), Some("bearer"));
    // The same account again: the same user, a new session.
    let (statements, again) = counted(&backend, || {
        sessions.sign_in_oauth(github(&id), &profile, None)
    })
    .await;
    let again = again.expect("sign in");
    // A returning user: ONE statement on PostgreSQL; the lookup by account and the session's
    // INSERT elsewhere.
    match kind {
        Kind::Postgres => assert_eq!(statements, Some(1), "a returning user's sign-in"),
        Kind::Sqlite => assert_eq!(statements, Some(2), "a returning user's sign-in"),
        Kind::Memory | Kind::MariaDb => {}
    }
    assert!(!again.is_new_user);
    assert_eq!(again.user.id, first.user.id);
    assert_ne!(again.cookie.expect("a cookie").value, token);
    // Signed in as that user: nothing written, the session kept.
    let kept = sessions
        .sign_in_oauth(github(&id), &profile, Some(&token))
        .await
        .expect("kept");
    assert!(kept.session.is_none() && kept.cookie.is_none());
    // Signed in, a new account: linked to the signed-in user.
    let second = unique("gh2");
    let link = sessions
        .sign_in_oauth(github(&second), &Profile::default(), Some(&token))
        .await
        .expect("link");
    assert_eq!(link.user.id, first.user.id);
    assert!(link.cookie.is_none());
    let key2 = AccountKey {
        provider: "github",
        provider_account_id: &second,
    };
    assert_eq!(
        backend
            .adapter
            .account(key2)
            .await
            .expect("read")
            .map(|a| a.user_id),
        Some(first.user.id)
    );
    // Another user signed in: that account is not theirs.
    let other = sessions
        .sign_in_oauth(
            github(&unique("other")),
            &Profile {
                email: Some(format!("{}@example.com", unique("o"))),
                ..Profile::default()
            },
            None,
        )
        .await
        .expect("another user");
    let other_token = other.cookie.expect("a cookie").value;
    let refused = sessions
        .sign_in_oauth(github(&id), &profile, Some(&other_token))
        .await;
    assert!(
        matches!(refused, Err(Error::OAuthAccountNotLinked)),
        "{refused:?}",
        refused = refused.err()
    );
    // An unlinked account with a known email: refused, unless dangerous linking is allowed.
    let third = unique("gh3");
    let (statements, refused) = counted(&backend, || {
        sessions.sign_in_oauth(github(&third), &profile, None)
    })
    .await;
    assert!(matches!(refused, Err(Error::OAuthAccountNotLinked)));
    // Refused after ONE statement on PostgreSQL, which wrote nothing.
    if let Kind::Postgres = kind {
        assert_eq!(statements, Some(1), "a sign-in with a taken email");
    }
    let key3 = AccountKey {
        provider: "github",
        provider_account_id: &third,
    };
    assert!(backend.adapter.account(key3).await.expect("read").is_none());
    let dangerous = sessions.allow_dangerous_email_account_linking(true);
    let linked = dangerous
        .sign_in_oauth(github(&third), &profile, None)
        .await
        .expect("dangerous linking");
    assert_eq!(linked.user.id, first.user.id);
    assert!(!linked.is_new_user && linked.cookie.is_some());
}

/// Fails `sign_up` at each of its writes; each time nothing is left behind and the next
/// sign-in succeeds.
async fn sign_up_is_atomic(kind: Kind) {
    let Some(backend) = backend(kind, "atomic").await else {
        return;
    };
    let clock = TestClock::at(start());
    let sessions = sessions(&backend, &clock);
    let adapter = &backend.adapter;
    let expires = clock.now() + Duration::days(30);
    // Someone who already has an email, an account and a session.
    let taken = adapter
        .create_user(user(&format!("{}@example.com", unique("taken"))))
        .await
        .expect("user");
    let taken_account = unique("taken");
    adapter
        .link_account(github_for(&taken, &taken_account))
        .await
        .expect("account");
    let taken_token = unique("token");
    adapter
        .create_session(session(&taken, &taken_token, expires))
        .await
        .expect("session");

    // Step 1, the user: its email is taken.
    let failed = adapter
        .sign_up(
            user(&taken.email),
            Some(github(&unique("s1"))),
            session(&taken, &unique("t"), expires),
        )
        .await;
    assert!(
        failed.as_ref().is_err_and(authmodel::Error::is_conflict),
        "{}: step 1",
        backend.name
    );

    // Step 2, the account: its (provider, id) is linked already.
    let email2 = format!("{}@example.com", unique("s2"));
    let (statements, failed) = counted(&backend, || {
        adapter.sign_up(
            user(&email2),
            Some(github(&taken_account)),
            session(&taken, &unique("t"), expires),
        )
    })
    .await;
    assert!(
        failed.as_ref().is_err_and(authmodel::Error::is_conflict),
        "{}: step 2",
        backend.name
    );
    // One transaction, rolled back: on SQLite the user's INSERT and the refused one; on
    // PostgreSQL the one statement of data-modifying CTEs; no clean-up DELETEs.
    match kind {
        Kind::Sqlite => assert_eq!(statements, Some(2)),
        Kind::Postgres => assert_eq!(statements, Some(1)),
        Kind::Memory | Kind::MariaDb => {}
    }
    assert!(
        adapter
            .get_user_by_email(&email2)
            .await
            .expect("read")
            .is_none(),
        "{}: no user left after step 2",
        backend.name
    );

    // Step 3, the session: its token exists.
    let email3 = format!("{}@example.com", unique("s3"));
    let account3 = unique("s3");
    let failed = adapter
        .sign_up(
            user(&email3),
            Some(github(&account3)),
            session(&taken, &taken_token, expires),
        )
        .await;
    assert!(
        failed.as_ref().is_err_and(authmodel::Error::is_conflict),
        "{}: step 3",
        backend.name
    );
    assert!(
        adapter
            .get_user_by_email(&email3)
            .await
            .expect("read")
            .is_none(),
        "{}: no user left after step 3",
        backend.name
    );
    let key3 = AccountKey {
        provider: "github",
        provider_account_id: &account3,
    };
    assert!(
        adapter.account(key3).await.expect("read").is_none(),
        "{}: no account left after step 3",
        backend.name
    );
    // The existing session still belongs to its owner.
    let (_, owner) = adapter
        .get_session_and_user(&taken_token)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(owner.id, taken.id);

    // Not locked out: the same email and account sign in (as a new user) now.
    let profile = Profile {
        email: Some(email3.clone()),
        ..Profile::default()
    };
    let signed_in = sessions
        .sign_in_oauth(github(&account3), &profile, None)
        .await
        .expect("the next sign-in");
    assert!(signed_in.is_new_user);
    assert_eq!(signed_in.user.email, email3);
    let profile2 = Profile {
        email: Some(email2.clone()),
        ..Profile::default()
    };
    let second = sessions
        .sign_in_oauth(github(&unique("s2b")), &profile2, None)
        .await;
    assert!(second.is_ok(), "{}: after step 2", backend.name);
}

fn github_for(user: &User, id: &str) -> Account {
    Account {
        user_id: user.id,
        ..github(id)
    }
}

async fn email_rules(kind: Kind) {
    let Some(backend) = backend(kind, "email").await else {
        return;
    };
    let clock = TestClock::at(start());
    let sessions = sessions(&backend, &clock);
    let adapter = &backend.adapter;
    let local = unique("Ada");
    let issued = sessions
        .issue_email_token(&format!("  {local}@EXAMPLE.com "))
        .await
        .expect("issue");
    let email = format!("{}@example.com", local.to_lowercase());
    assert_eq!(issued.identifier, email);
    assert_eq!(issued.token.len(), 64);
    assert_eq!(issued.expires, clock.now() + Duration::hours(24));
    assert!(!format!("{issued:?}").contains(&issued.token));
    // Stored as Auth.js stores it: sha256(token + secret), never the token.
    let hash = Secrets::new(["s3cret"])
        .expect("a secret")
        .hash(&issued.token);
    let row = adapter
        .verification_token(&email, &hash)
        .await
        .expect("read")
        .expect("stored hashed");
    assert_eq!(row.expires, issued.expires);
    assert!(
        adapter
            .verification_token(&email, &issued.token)
            .await
            .expect("read")
            .is_none()
    );
    // A wrong token is refused.
    let wrong = sessions.verify_email(&email, &"0".repeat(64), None).await;
    assert!(matches!(wrong, Err(Error::Verification)));
    // A new user, created verified, with a session.
    clock.set(clock.now() + Duration::hours(1));
    let signed_in = sessions
        .verify_email(&email, &issued.token, None)
        .await
        .expect("verify");
    assert!(signed_in.is_new_user);
    assert_eq!(signed_in.user.email, email);
    assert_eq!(signed_in.user.email_verified, Some(clock.now()));
    let session = signed_in.session.expect("a session");
    assert_eq!(
        signed_in.cookie.expect("a cookie").expires,
        Some(session.expires)
    );
    assert_eq!(session.expires, clock.now() + Duration::days(30));
    // Used once.
    let reused = sessions.verify_email(&email, &issued.token, None).await;
    assert!(matches!(reused, Err(Error::Verification)));
    // An existing user: marked verified again; another user's session cookie is deleted.
    let other = adapter
        .create_user(user(&format!("{}@example.com", unique("o"))))
        .await
        .expect("user");
    let other_token = unique("t");
    adapter
        .create_session(self::session(
            &other,
            &other_token,
            clock.now() + Duration::days(1),
        ))
        .await
        .expect("session");
    let issued = sessions.issue_email_token(&email).await.expect("issue");
    clock.set(clock.now() + Duration::hours(2));
    let again = sessions
        .verify_email(&email, &issued.token, Some(&other_token))
        .await
        .expect("verify");
    assert!(!again.is_new_user);
    assert_eq!(again.user.id, signed_in.user.id);
    assert_eq!(again.user.email_verified, Some(clock.now()));
    assert!(adapter.session(&other_token).await.expect("read").is_none());
    // Expiry is strict: at `expires` the token works, one millisecond later it does not.
    let at_edge = sessions.issue_email_token(&email).await.expect("issue");
    let late = sessions.issue_email_token(&email).await.expect("issue");
    clock.set(at_edge.expires);
    sessions
        .verify_email(&email, &at_edge.token, None)
        .await
        .expect("at expires");
    clock.set(late.expires + Duration::milliseconds(1));
    let expired = sessions.verify_email(&email, &late.token, None).await;
    assert!(matches!(expired, Err(Error::Verification)));
    // Another address for the token: refused.
    clock.set(start());
    let mine = sessions.issue_email_token(&email).await.expect("issue");
    let theirs = sessions
        .verify_email("someone@example.com", &mine.token, None)
        .await;
    assert!(matches!(theirs, Err(Error::Verification)));
}

/// Concurrent first sign-ins of one new user (a double click, two tabs): every one signs
/// in, one as the new user, the rest as that user. On PostgreSQL the one statement of a
/// loser meets the winner's unique keys; it is not reported, the sign-in runs again in turn
/// and finds the winner's rows.
#[tokio::test]
async fn concurrent_first_sign_ins_on_postgres() {
    let Some(backend) = backend(Kind::Postgres, "race").await else {
        return;
    };
    let clock = TestClock::at(start());
    let sessions = Arc::new(sessions(&backend, &clock));
    for round in 0..5 {
        let id = unique(&format!("race{round}"));
        let profile = Profile {
            email: Some(format!("{}@example.com", unique("race"))),
            ..Profile::default()
        };
        let barrier = Arc::new(tokio::sync::Barrier::new(6));
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (sessions, id, profile, barrier) = (
                    sessions.clone(),
                    id.clone(),
                    profile.clone(),
                    barrier.clone(),
                );
                tokio::spawn(async move {
                    barrier.wait().await;
                    sessions.sign_in_oauth(github(&id), &profile, None).await
                })
            })
            .collect();
        let mut users = Vec::new();
        let mut new = 0;
        for task in tasks {
            let signed_in = task
                .await
                .expect("the task")
                .unwrap_or_else(|e| panic!("round {round}: a concurrent sign-in failed: {e}"));
            new += usize::from(signed_in.is_new_user);
            assert!(signed_in.cookie.is_some());
            users.push(signed_in.user.id);
        }
        assert_eq!(new, 1, "round {round}: one new user");
        users.dedup();
        assert_eq!(users.len(), 1, "round {round}: one user for all");
    }
}

/// The `@auth/pg-adapter` layout: `SERIAL` ids, so the account's and the session's INSERTs
/// take the user's id from its returned row inside the transaction.
#[tokio::test]
async fn sign_up_with_serial_ids_on_postgres() {
    use authmodel::compat::pg;
    let Some(url) = fresh_database(Server::Postgres, "serial").await else {
        return;
    };
    let sql = Arc::new(
        SqlAdapter::<pg::PgAdapterAuth>::connect(&url, Options::default().synchronize(true))
            .await
            .expect("connect"),
    );
    let clock = TestClock::at(start());
    let now = clock.now();
    let user = |email: &str| pg::User {
        id: 0,
        name: None,
        email: Some(email.into()),
        email_verified: None,
        image: None,
    };
    let account = |id: &str| pg::Account {
        id: 0,
        user_id: 0,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: id.into(),
        refresh_token: None,
        access_token: Some("gho_x".into()),
        expires_at: None,
        id_token: None,
        scope: None,
        session_state: None,
        token_type: Some("bearer".into()),
    };
    let session = |token: &str| pg::Session {
        id: 0,
        user_id: 0,
        expires: now + Duration::days(30),
        session_token: token.into(),
    };
    // Step 3 fails (a token over `VARCHAR(255)`, refused as it is bound): nothing is left.
    let email = format!("{}@example.com", unique("serial"));
    let failed = sql
        .sign_up(user(&email), Some(account("1")), session(&"x".repeat(256)))
        .await;
    assert!(
        matches!(failed, Err(authmodel::Error::InvalidInput(_))),
        "{failed:?}",
        failed = failed.err()
    );
    assert!(sql.get_user_by_email(&email).await.expect("read").is_none());
    let key = AccountKey {
        provider: "github",
        provider_account_id: "1",
    };
    assert!(sql.get_account(key).await.expect("read").is_none());
    // Then it succeeds, every row pointing at the SERIAL id.
    let token = unique("t");
    let done = sql
        .sign_up(user(&email), Some(account("1")), session(&token))
        .await
        .expect("sign up");
    assert!(done.user.id > 0);
    assert_eq!(done.account.as_ref().map(|a| a.user_id), Some(done.user.id));
    assert_eq!(done.session.user_id, done.user.id);
    let (_, owner) = sql
        .get_session_and_user(&token)
        .await
        .expect("read")
        .expect("a session");
    assert_eq!(owner.id, done.user.id);
    // And through the session layer, from a raw token response.
    let sessions = Sessions::<pg::PgAdapterAuth, _>::from_arc(
        sql.clone(),
        Secrets::new(["s"]).expect("a secret"),
    )
    .with_clock(move || clock.now());
    let linked: pg::Account = accounts::from_token_response(
        Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: "2",
        },
        json!({ "access_token": "gho_y", "token_type": "bearer", "expires_in": 3600 }),
        now,
    )
    .expect("an account");
    let profile = Profile {
        email: Some(format!("{}@example.com", unique("p"))),
        ..Profile::default()
    };
    let signed_in = sessions
        .sign_in_oauth(linked, &profile, None)
        .await
        .expect("sign in");
    assert!(signed_in.is_new_user && signed_in.user.id > 0);
    let token = signed_in.cookie.expect("a cookie").value;
    let (session, user) = sessions
        .validate(&token)
        .await
        .expect("validate")
        .current
        .expect("valid");
    assert_eq!(
        (session.user_id, user.id),
        (signed_in.user.id, signed_in.user.id)
    );
}

/// Models whose ids the database assigns (autoincrement, identity), as
/// `examples/integer_ids.rs` declares them.
mod numbered {
    use authmodel::{AuthModel, AuthSchema};
    use chrono::{DateTime, Utc};

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "n_users")]
    pub struct User {
        pub id: i64,
        pub name: Option<String>,
        pub email: String,
        pub email_verified: Option<DateTime<Utc>>,
        pub image: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "account", table = "n_accounts")]
    pub struct Account {
        pub id: i64,
        pub user_id: i64,
        #[auth(column = "type")]
        pub kind: String,
        pub provider: String,
        pub provider_account_id: String,
        pub refresh_token: Option<String>,
        pub access_token: Option<String>,
        pub expires_at: Option<i64>,
        pub token_type: Option<String>,
        pub scope: Option<String>,
        pub id_token: Option<String>,
        pub session_state: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "n_sessions")]
    pub struct Session {
        pub id: i64,
        pub session_token: String,
        pub user_id: i64,
        pub expires: DateTime<Utc>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "verification_token", table = "n_tokens")]
    pub struct Token {
        pub identifier: String,
        pub token: String,
        pub expires: DateTime<Utc>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "authenticator", table = "n_authenticators")]
    pub struct Passkey {
        pub credential_id: String,
        pub user_id: i64,
        pub provider_account_id: String,
        pub credential_public_key: String,
        pub counter: i64,
        pub credential_device_type: String,
        pub credential_backed_up: bool,
        pub transports: Option<String>,
    }

    #[derive(AuthSchema)]
    #[auth(
        user = User,
        account = Account,
        session = Session,
        verification_token = Token,
        authenticator = Passkey
    )]
    pub struct Numbered;
}

/// Database-assigned ids: the account's and the session's INSERTs take the user's id from
/// its returned row (on MySQL 8's statements, from `LAST_INSERT_ID()` read back) inside the
/// transaction; a failure at the session rolls back the user and the account.
async fn sign_up_with_database_ids(kind: Kind, without_returning: bool) {
    use numbered::{Account as NAccount, Numbered, Session as NSession, User as NUser};
    let url = match kind {
        Kind::Sqlite => "sqlite::memory:".to_owned(),
        Kind::Postgres => match fresh_database(Server::Postgres, "numbered").await {
            Some(url) => url,
            None => return,
        },
        Kind::MariaDb => match fresh_database(Server::MySql, "numbered").await {
            Some(url) => url,
            None => return,
        },
        Kind::Memory => String::new(),
    };
    let adapter: Arc<dyn Adapter<Numbered>> = if url.is_empty() {
        Arc::new(MemoryAdapter::<Numbered>::new())
    } else {
        let options = Options::default()
            .synchronize(true)
            .without_returning(without_returning);
        Arc::new(
            SqlAdapter::<Numbered>::connect(&url, options)
                .await
                .expect("connect"),
        )
    };
    let now = start();
    let user = |email: &str| NUser {
        id: 0,
        name: None,
        email: email.into(),
        email_verified: None,
        image: None,
    };
    let account = |id: &str| NAccount {
        id: 0,
        user_id: 0,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: id.into(),
        refresh_token: None,
        access_token: None,
        expires_at: None,
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
    };
    let session = |token: &str| NSession {
        id: 0,
        session_token: token.into(),
        user_id: 0,
        expires: now + Duration::days(30),
    };
    // A first user, whose session token the failing sign-up reuses.
    let first = adapter
        .sign_up(
            user("first@example.com"),
            Some(account("1")),
            session("taken"),
        )
        .await
        .expect("the first sign-up");
    assert!(first.user.id > 0, "{kind:?}");
    assert_eq!(
        first.account.as_ref().map(|a| a.user_id),
        Some(first.user.id)
    );
    assert_eq!(first.session.user_id, first.user.id);
    assert!(first.session.id > 0 && first.account.as_ref().is_some_and(|a| a.id > 0));
    let failed = adapter
        .sign_up(
            user("second@example.com"),
            Some(account("2")),
            session("taken"),
        )
        .await;
    assert!(
        failed.as_ref().is_err_and(authmodel::Error::is_conflict),
        "{kind:?}"
    );
    assert!(
        adapter
            .get_user_by_email("second@example.com")
            .await
            .expect("read")
            .is_none(),
        "{kind:?}"
    );
    let key = AccountKey {
        provider: "github",
        provider_account_id: "2",
    };
    assert!(
        adapter.get_account(key).await.expect("read").is_none(),
        "{kind:?}"
    );
    let second = adapter
        .sign_up(
            user("second@example.com"),
            Some(account("2")),
            session("second"),
        )
        .await
        .expect("the next sign-up");
    assert_ne!(second.user.id, first.user.id);
    let (stored, owner) = adapter
        .get_session_and_user("second")
        .await
        .expect("read")
        .expect("a session");
    assert_eq!((stored.user_id, owner.id), (second.user.id, second.user.id));
    // Without an account: the email sign-up.
    let third = adapter
        .sign_up(user("third@example.com"), None, session("third"))
        .await
        .expect("a sign-up without an account");
    assert!(third.account.is_none());
    assert_eq!(third.session.user_id, third.user.id);
}

#[tokio::test]
async fn database_ids_on_memory() {
    sign_up_with_database_ids(Kind::Memory, false).await;
}

#[tokio::test]
async fn database_ids_on_sqlite() {
    sign_up_with_database_ids(Kind::Sqlite, false).await;
}

#[tokio::test]
async fn database_ids_on_postgres() {
    sign_up_with_database_ids(Kind::Postgres, false).await;
}

#[tokio::test]
async fn database_ids_on_mariadb() {
    sign_up_with_database_ids(Kind::MariaDb, false).await;
}

#[tokio::test]
async fn database_ids_on_mysql8_statements() {
    sign_up_with_database_ids(Kind::MariaDb, true).await;
}

macro_rules! on_every_backend {
    ($($case:ident),*) => {
        mod memory { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Memory).await } )* }
        mod sqlite { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Postgres).await } )* }
        mod mariadb { $( #[tokio::test] async fn $case() { super::$case(super::Kind::MariaDb).await } )* }
    };
}

on_every_backend!(validate_rules, oauth_rules, sign_up_is_atomic, email_rules);
