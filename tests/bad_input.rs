//! Bad and awkward input on every backend (a SQLite file, PostgreSQL, MariaDB), through the
//! contract with the extended user of tests/common/schemas.rs (a `phone` of at most 20
//! characters):
//!
//! - a value longer than its bounded column is a typed error, never silently cut; a value
//!   exactly at the bound, in multi-byte characters, is stored whole;
//! - MySQL's own bounds (a key column's `varchar(255)`, `text`'s 65,535 bytes) are typed
//!   errors there and no limit elsewhere; a 10,000-character `id_token` is stored whole
//!   everywhere;
//! - a NUL byte in text is a typed error on PostgreSQL (which cannot store it) and is stored
//!   whole or refused, typed, elsewhere;
//! - ids of a foreign format, unknown ids and SQL-looking strings find nothing (`Ok(None)`),
//!   lookups match exactly (no case folding, no `LIKE` wildcards), and rows referencing an
//!   unknown user are refused;
//! - deleting a user removes their sessions, accounts and authenticators, and nobody else's.

mod common;
#[path = "common/schemas.rs"]
mod schemas;

use authmodel::models::{Account, Authenticator, Session};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{AccountKey, Adapter, Error};
use chrono::{Duration, Utc};
use common::{Server, fresh_database};
use schemas::{Extended, ExtendedUser};
use uuid::Uuid;

type Auth = SqlAdapter<Extended>;

/// The backends of this binary: a label, the dialect's quirks, and an adapter.
struct Backend {
    name: &'static str,
    auth: Auth,
    /// Keeps the SQLite file alive.
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    let auth = Auth::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    Backend {
        name: "sqlite",
        auth,
        _dir: Some(dir),
    }
}

async fn server(server: Server, name: &'static str) -> Option<Backend> {
    let url = fresh_database(server, "bad_input").await?;
    let auth = Auth::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    Some(Backend {
        name,
        auth,
        _dir: None,
    })
}

fn user(email: &str) -> ExtendedUser {
    ExtendedUser {
        id: Uuid::nil(),
        name: Some("Ada".into()),
        email: email.to_owned(),
        email_verified: None,
        image: None,
        role: "user".into(),
        phone: None,
    }
}

fn account(user_id: Uuid, provider_account_id: &str) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oidc".into(),
        provider: "google".into(),
        provider_account_id: provider_account_id.to_owned(),
        refresh_token: None,
        access_token: None,
        expires_at: Some(1_900_000_000),
        token_type: Some("bearer".into()),
        scope: None,
        id_token: None,
        session_state: None,
    }
}

fn session(user_id: Uuid, token: &str) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.to_owned(),
        user_id,
        expires: Utc::now() + Duration::days(30),
    }
}

fn authenticator(user_id: Uuid, credential_id: &str) -> Authenticator {
    Authenticator {
        credential_id: credential_id.to_owned(),
        user_id,
        provider_account_id: format!("webauthn-{credential_id}"),
        credential_public_key: "pQECAyYgASFYIA".into(),
        counter: 0,
        credential_device_type: "singleDevice".into(),
        credential_backed_up: false,
        transports: Some("usb,nfc".into()),
    }
}

/// Fails unless `result` is an `Error::InvalidInput`: a typed refusal of the caller's value.
fn assert_refused<T: std::fmt::Debug>(backend: &str, what: &str, result: authmodel::Result<T>) {
    match result {
        Err(Error::InvalidInput(message)) => eprintln!("{backend}: {what}: refused: {message}"),
        other => panic!("{backend}: {what}: expected Error::InvalidInput, got {other:?}"),
    }
}

/// Creates `user` and reads it back by email: stored whole, or refused as invalid input (and
/// then not stored at all). Returns whether it was stored.
async fn stored_whole_or_refused(b: &Backend, what: &str, user: ExtendedUser) -> bool {
    let email = user.email.clone();
    match b.auth.create_user(user.clone()).await {
        Ok(created) => {
            let read = b.auth.get_user_by_email(&email).await.unwrap();
            let read = read.unwrap_or_else(|| panic!("{}: {what}: not found", b.name));
            assert_eq!(read, created, "{}: {what}: read back", b.name);
            assert_eq!(
                (&read.name, &read.phone, &read.email),
                (&user.name, &user.phone, &user.email),
                "{}: {what}: changed on the way",
                b.name
            );
            true
        }
        Err(Error::InvalidInput(message)) => {
            eprintln!("{}: {what}: refused: {message}", b.name);
            let read = b.auth.get_user_by_email(&email).await;
            assert!(
                matches!(read, Ok(None) | Err(Error::InvalidInput(_))),
                "{}: {what}: refused, yet {read:?}",
                b.name
            );
            false
        }
        Err(other) => panic!("{}: {what}: untyped failure {other:?}", b.name),
    }
}

async fn lengths(b: &Backend) {
    // At the bound, in characters of 1, 2 and 4 bytes: whole on every backend.
    for (i, unit) in ["7", "é", "😀"].into_iter().enumerate() {
        let mut at_bound = user(&format!("bound{i}@example.com"));
        at_bound.phone = Some(unit.repeat(20));
        let stored = stored_whole_or_refused(b, "a phone of 20 characters", at_bound).await;
        assert!(stored, "{}: 20 characters fit `phone`", b.name);
    }

    // One past the bound: refused on every backend (SQLite keeps text of any length, so the
    // adapter checks `max_len` itself), and nothing stored.
    let mut too_long = user("long-phone@example.com");
    too_long.phone = Some("1".repeat(21));
    let result = b.auth.create_user(too_long).await;
    assert_refused(b.name, "a phone of 21 characters", result);
    let left = b.auth.get_user_by_email("long-phone@example.com").await;
    assert!(matches!(left, Ok(None)), "{}: {left:?}", b.name);

    // A key column: unbounded text on PostgreSQL and SQLite, varchar(255) on MySQL.
    let local = "a".repeat(250);
    let long_email = format!("{local}@example.com");
    let stored = stored_whole_or_refused(b, "a 262-character email", user(&long_email)).await;
    assert_eq!(
        stored,
        !b.is("mariadb"),
        "{}: a 262-character email",
        b.name
    );
    if !stored {
        // Not kept under a shortened address either.
        let cut: String = long_email.chars().take(255).collect();
        assert_eq!(b.auth.get_user_by_email(&cut).await.unwrap(), None);
    }

    // OAuth tokens: an id_token past 1,000 characters is ordinary; MySQL's `text` ends at
    // 65,535 bytes.
    let owner = b
        .auth
        .create_user(user("tokens@example.com"))
        .await
        .unwrap();
    let mut big = account(owner.id, "big-id-token");
    big.id_token = Some("e".repeat(10_000));
    let linked = b.auth.link_account(big.clone()).await.unwrap();
    let read = b
        .auth
        .get_account(AccountKey {
            provider: "google",
            provider_account_id: "big-id-token",
        })
        .await
        .unwrap();
    assert_eq!(read.as_ref(), Some(&linked));
    assert_eq!(linked.id_token, big.id_token, "{}", b.name);

    let mut huge = account(owner.id, "huge-access-token");
    huge.access_token = Some("x".repeat(70_000));
    let result = b.auth.link_account(huge.clone()).await;
    if b.is("mariadb") {
        assert_refused(b.name, "a 70,000-byte access token", result);
        let read = b
            .auth
            .get_account(AccountKey {
                provider: "google",
                provider_account_id: "huge-access-token",
            })
            .await;
        assert!(matches!(read, Ok(None)), "{}: {read:?}", b.name);
    } else {
        assert_eq!(result.unwrap().access_token, huge.access_token);
    }
}

async fn nul_bytes(b: &Backend) {
    let mut with_nul = user("nul@example.com");
    with_nul.name = Some("a\0b".into());
    let stored = stored_whole_or_refused(b, "a NUL byte in the name", with_nul).await;
    if b.is("postgres") {
        assert!(!stored, "postgres cannot store NUL in text");
    }
    // In a lookup: found nowhere, or refused; never a panic or an untyped error.
    for result in [
        b.auth.get_user_by_email("nul\0@example.com").await,
        b.auth.get_user("\0").await,
    ] {
        assert!(
            matches!(result, Ok(None) | Err(Error::InvalidInput(_))),
            "{}: a NUL in a lookup gave {result:?}",
            b.name
        );
    }
    let session = b.auth.get_session_and_user("tok\0en").await;
    assert!(
        matches!(session, Ok(None) | Err(Error::InvalidInput(_))),
        "{}: {session:?}",
        b.name
    );
}

async fn ids_and_lookups(b: &Backend) {
    let ada = b.auth.create_user(user("ada@example.com")).await.unwrap();
    let token = "Session-Token-Abc";
    b.auth.create_session(session(ada.id, token)).await.unwrap();

    let unknown = Uuid::new_v4().to_string();
    let foreign = ["not-a-uuid", "42", "", "'; DROP TABLE users; --", &unknown];
    for id in foreign {
        let what = format!("{}: id {id:?}", b.name);
        assert_eq!(b.auth.get_user(id).await.unwrap(), None, "{what}");
        assert_eq!(b.auth.delete_user(id).await.unwrap(), None, "{what}");
        let updated = b.auth.update_user(id, Default::default()).await;
        assert!(
            matches!(updated, Err(Error::NotFound { .. })),
            "{what}: {updated:?}"
        );
        let listed = b.auth.list_authenticators_by_user_id(id).await.unwrap();
        assert!(listed.is_empty(), "{what}");
        assert_eq!(b.auth.get_authenticator(id).await.unwrap(), None, "{what}");
        let counter = b.auth.update_authenticator_counter(id, 7).await;
        assert!(
            matches!(counter, Err(Error::NotFound { .. })),
            "{what}: {counter:?}"
        );
        assert_eq!(
            b.auth.get_session_and_user(id).await.unwrap(),
            None,
            "{what}"
        );
    }
    // The users table is still there, and Ada in it.
    assert_eq!(
        b.auth.get_user(&ada.id.to_string()).await.unwrap(),
        Some(ada.clone())
    );

    // Exact matches only: no case folding (MySQL's default collation folds), no wildcards.
    for email in [
        "ADA@example.com",
        "%@example.com",
        "ada@example.co_",
        "_da@example.com",
    ] {
        let found = b.auth.get_user_by_email(email).await.unwrap();
        assert_eq!(found, None, "{}: {email:?} matched", b.name);
    }
    for token in ["session-token-abc", "Session-Token-%", "Session-Token-Ab_"] {
        let found = b.auth.get_session_and_user(token).await.unwrap();
        assert_eq!(found, None, "{}: {token:?} matched", b.name);
    }
    // Trailing spaces: another string on every backend (MySQL's tables use a NO PAD
    // collation, not `utf8mb4_bin`, which would call `'abc '` and `'abc'` equal).
    let padded = b
        .auth
        .get_session_and_user("Session-Token-Abc  ")
        .await
        .unwrap();
    assert_eq!(padded, None, "{}: trailing spaces matched", b.name);

    // Rows that reference a user who does not exist are refused, typed.
    let nobody = Uuid::new_v4();
    let orphans = [
        b.auth
            .create_session(session(nobody, "orphan"))
            .await
            .map(drop),
        b.auth
            .link_account(account(nobody, "orphan"))
            .await
            .map(drop),
        b.auth
            .create_authenticator(authenticator(nobody, "orphan"))
            .await
            .map(drop),
    ];
    for result in orphans {
        assert_refused(b.name, "a row of an unknown user", result);
    }
}

async fn delete_cascades(b: &Backend) {
    let gone = b.auth.create_user(user("gone@example.com")).await.unwrap();
    let kept = b.auth.create_user(user("kept@example.com")).await.unwrap();
    for (owner, tag) in [(&gone, "gone"), (&kept, "kept")] {
        for i in 0..2 {
            let token = format!("{tag}-session-{i}");
            b.auth
                .create_session(session(owner.id, &token))
                .await
                .unwrap();
            let id = format!("{tag}-account-{i}");
            b.auth.link_account(account(owner.id, &id)).await.unwrap();
            let credential = format!("{tag}-credential-{i}");
            let authenticator = authenticator(owner.id, &credential);
            b.auth.create_authenticator(authenticator).await.unwrap();
        }
    }

    let deleted = b.auth.delete_user(&gone.id.to_string()).await.unwrap();
    assert_eq!(deleted.as_ref(), Some(&gone), "{}", b.name);
    assert_eq!(b.auth.get_user(&gone.id.to_string()).await.unwrap(), None);
    for (tag, present) in [("gone", false), ("kept", true)] {
        for i in 0..2 {
            let what = format!("{}: {tag} #{i}", b.name);
            let token = format!("{tag}-session-{i}");
            let session = b.auth.get_session_and_user(&token).await.unwrap();
            assert_eq!(session.is_some(), present, "{what}: session");
            let id = format!("{tag}-account-{i}");
            let account = b
                .auth
                .get_account(AccountKey {
                    provider: "google",
                    provider_account_id: &id,
                })
                .await
                .unwrap();
            assert_eq!(account.is_some(), present, "{what}: account");
            let credential = format!("{tag}-credential-{i}");
            let found = b.auth.get_authenticator(&credential).await.unwrap();
            assert_eq!(found.is_some(), present, "{what}: authenticator");
        }
    }
    let (gone_id, kept_id) = (gone.id.to_string(), kept.id.to_string());
    let listed = b.auth.list_authenticators_by_user_id(&gone_id).await;
    assert!(listed.unwrap().is_empty(), "{}", b.name);
    let listed = b.auth.list_authenticators_by_user_id(&kept_id).await;
    assert_eq!(listed.unwrap().len(), 2, "{}", b.name);
    // Deleting again finds nothing.
    assert_eq!(
        b.auth.delete_user(&gone.id.to_string()).await.unwrap(),
        None
    );
}

async fn all_cases(b: Backend) {
    lengths(&b).await;
    nul_bytes(&b).await;
    ids_and_lookups(&b).await;
    delete_cascades(&b).await;
}

#[tokio::test]
async fn sqlite_file() {
    all_cases(sqlite().await).await;
}

#[tokio::test]
async fn postgres() {
    if let Some(backend) = server(Server::Postgres, "postgres").await {
        all_cases(backend).await;
    }
}

#[tokio::test]
async fn mariadb() {
    if let Some(backend) = server(Server::MySql, "mariadb").await {
        all_cases(backend).await;
    }
}
