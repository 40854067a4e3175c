//! The operations Auth.js's contract lacks, through the session layer, and hashed session
//! tokens at rest, on memory, SQLite, PostgreSQL and MariaDB.
//!
//! - `Policy::hash_session_tokens`: off, the table holds the cookie's token (what a Next.js
//!   app reads); on, it holds `sha256_hex(token)`, the cookie still works, and the stored
//!   value signs no one in.
//! - `list_sessions`, `revoke_session`, `sign_out_other_sessions`: a user's sessions, one
//!   revoked, all but the current one revoked.
//! - `delete_expired`: more rows than a batch, one statement per batch on SQL.
//! - `update_account`: refreshed tokens stored, `updated_at`-free models unaffected.

mod common;

use std::sync::Arc;

use authmodel::accounts::{self, Link};
use authmodel::models::{Account, DefaultSchema, Session, VerificationToken};
use authmodel::session::{Policy, Profile, Secrets, Sessions, sha256_hex};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::testing::RawReads;
use authmodel::{AccountKey, Adapter, MemoryAdapter, Patch};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Server, fresh_database};
use serde_json::json;
use uuid::Uuid;

type S = DefaultSchema;

trait Store: Adapter<S> + RawReads<S> {}
impl<T: Adapter<S> + RawReads<S>> Store for T {}

struct Backend {
    adapter: Arc<dyn Store>,
    counter: Option<Arc<SqlAdapter<S>>>,
}

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
        adapter: sql.clone(),
        counter: Some(sql),
    })
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 5, 6, 7, 8, 9).unwrap()
}

fn sessions(backend: &Backend, policy: Policy) -> Sessions<S, dyn Store> {
    Sessions::from_arc(backend.adapter.clone(), Secrets::new(["s3cret"]).unwrap())
        .with_policy(policy)
        .with_clock(now)
}

fn github(id: &str) -> Account {
    accounts::from_token_response(
        Link {
            user_id: None,
            kind: "oauth",
            provider: "github",
            provider_account_id: id,
        },
        json!({ "access_token": "gho_old", "refresh_token": "ghr_old", "token_type": "Bearer", "expires_in": 3600 }),
        now(),
    )
    .expect("an account")
}

fn profile(email: &str) -> Profile {
    Profile {
        email: Some(email.to_owned()),
        name: None,
        image: None,
    }
}

fn unique(label: &str) -> String {
    format!("{label}-{}", Uuid::new_v4().simple())
}

/// A signed-in user: its id and its session cookie's token.
async fn sign_in(sessions: &Sessions<S, dyn Store>, account_id: &str) -> (Uuid, String) {
    let email = format!("{}@example.com", unique("ada"));
    let signed_in = sessions
        .sign_in_oauth(github(account_id), &profile(&email), None)
        .await
        .expect("sign in");
    let token = signed_in.cookie.expect("a cookie").value;
    (signed_in.user.id, token)
}

async fn hashed_tokens(kind: Kind, hash: bool) {
    let Some(backend) = backend(kind, "hashed").await else {
        return;
    };
    let sessions = sessions(&backend, Policy::default().hash_session_tokens(hash));
    let (user_id, token) = sign_in(&sessions, &unique("gh")).await;
    let raw = &backend.adapter;
    let plain = raw.session(&token).await.expect("read");
    let hashed = raw.session(&sha256_hex(&token)).await.expect("read");
    if hash {
        // The table holds the hash only: a copy of it yields no cookie value.
        assert!(plain.is_none(), "{kind:?}: the token itself is stored");
        let stored = hashed.expect("the hash is stored");
        assert_eq!(stored.user_id, user_id);
        assert_eq!(stored.session_token, sha256_hex(&token));
        // The stored value, presented as a cookie, signs no one in.
        let leaked = sessions
            .validate(&stored.session_token)
            .await
            .expect("validate");
        assert!(leaked.current.is_none(), "{kind:?}: a leaked row signs in");
    } else {
        // Off: the token as it is, where a Next.js app sharing the table looks it up.
        assert!(hashed.is_none());
        assert_eq!(plain.expect("stored").session_token, token);
    }
    // The cookie works either way, and signs out.
    let valid = sessions.validate(&token).await.expect("validate");
    assert_eq!(valid.current.expect("valid").1.id, user_id);
    let listed = sessions.list_sessions(&user_id.to_string()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].session_token, sessions.stored_token(&token));
    sessions.sign_out(&token).await.expect("sign out");
    assert!(
        raw.session(&sessions.stored_token(&token))
            .await
            .unwrap()
            .is_none()
    );
    assert!(sessions.validate(&token).await.unwrap().current.is_none());
}

async fn revoking(kind: Kind, hash: bool) {
    let Some(backend) = backend(kind, "revoke").await else {
        return;
    };
    let sessions = sessions(&backend, Policy::default().hash_session_tokens(hash));
    let account = unique("gh");
    let (user_id, first) = sign_in(&sessions, &account).await;
    // Two more devices of the same user (its account signs in again).
    let mut tokens = vec![first];
    for _ in 0..2 {
        let again = sessions
            .sign_in_oauth(github(&account), &profile("unused@example.com"), None)
            .await
            .expect("sign in again");
        assert_eq!(again.user.id, user_id);
        tokens.push(again.cookie.expect("a cookie").value);
    }
    let (other_id, other) = sign_in(&sessions, &unique("gh")).await;
    let user = user_id.to_string();
    let listed = sessions.list_sessions(&user).await.expect("list");
    let mut stored: Vec<String> = listed.into_iter().map(|s| s.session_token).collect();
    stored.sort();
    let mut expected: Vec<String> = tokens
        .iter()
        .map(|t| sessions.stored_token(t).into_owned())
        .collect();
    expected.sort();
    assert_eq!(stored, expected, "{kind:?}");

    // One device, as the list shows it: not by another user's id, then by the owner's.
    let device = sessions.stored_token(&tokens[0]);
    let refused = sessions
        .revoke_session(&other_id.to_string(), &device)
        .await
        .expect("revoke");
    assert!(
        refused.is_none(),
        "{kind:?}: another user revoked the session"
    );
    assert!(
        sessions
            .validate(&tokens[0])
            .await
            .unwrap()
            .current
            .is_some()
    );
    let revoked = sessions
        .revoke_session(&user, &device)
        .await
        .expect("revoke");
    assert_eq!(revoked.expect("revoked").session_token, device);
    assert!(
        sessions
            .validate(&tokens[0])
            .await
            .unwrap()
            .current
            .is_none()
    );

    // Everywhere else: the current cookie stays, the other device goes, the other user's
    // session is untouched.
    let count = sessions
        .sign_out_other_sessions(&tokens[1])
        .await
        .expect("sign out elsewhere");
    assert_eq!(count, 1, "{kind:?}");
    assert!(
        sessions
            .validate(&tokens[1])
            .await
            .unwrap()
            .current
            .is_some()
    );
    assert!(
        sessions
            .validate(&tokens[2])
            .await
            .unwrap()
            .current
            .is_none()
    );
    assert!(sessions.validate(&other).await.unwrap().current.is_some());
    assert_eq!(
        sessions.sign_out_other_sessions("unknown").await.unwrap(),
        0
    );
}

async fn expired_in_batches(kind: Kind) {
    let Some(backend) = backend(kind, "expired").await else {
        return;
    };
    let sessions = sessions(&backend, Policy::default());
    let (user_id, _) = sign_in(&sessions, &unique("gh")).await;
    let adapter = &backend.adapter;
    // 7 expired sessions and 5 expired tokens, with a batch of 3: 3 + 3 + 1 and 3 + 2.
    for minutes in 1..=7 {
        adapter
            .create_session(Session {
                id: Uuid::nil(),
                session_token: unique("expired"),
                user_id,
                expires: now() - Duration::minutes(minutes),
            })
            .await
            .expect("create session");
    }
    let identifier = format!("{}@example.com", unique("mail"));
    for minutes in 1..=5 {
        adapter
            .create_verification_token(VerificationToken {
                identifier: identifier.clone(),
                token: unique("token"),
                expires: now() - Duration::minutes(minutes),
            })
            .await
            .expect("create token");
    }
    let live = VerificationToken {
        identifier: identifier.clone(),
        token: unique("live"),
        expires: now(),
    };
    adapter
        .create_verification_token(live.clone())
        .await
        .expect("create token");
    let before = backend.counter.as_ref().map(|c| c.statements_executed());
    let deleted = sessions.delete_expired(3).await.expect("delete expired");
    let after = backend.counter.as_ref().map(|c| c.statements_executed());
    assert_eq!(deleted, 12, "{kind:?}");
    if let (Some(before), Some(after)) = (before, after) {
        // Sessions: 3, 3, 1 (short: done); tokens: 3, 2 (short: done).
        assert_eq!(after - before, 5, "{kind:?}: one statement per batch");
    }
    // The live session (expires in 30 days) and the token expiring now remain.
    let left = sessions.list_sessions(&user_id.to_string()).await.unwrap();
    assert_eq!(left.len(), 1, "{kind:?}");
    assert!(
        adapter
            .verification_token(&identifier, &live.token)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(sessions.delete_expired(3).await.unwrap(), 0);
    assert_eq!(sessions.delete_expired(0).await.unwrap(), 0);
}

async fn update_account(kind: Kind) {
    let Some(backend) = backend(kind, "update_account").await else {
        return;
    };
    let sessions = sessions(&backend, Policy::default());
    let id = unique("gh");
    let (user_id, _) = sign_in(&sessions, &id).await;
    let key = AccountKey {
        provider: "github",
        provider_account_id: &id,
    };
    let adapter = &backend.adapter;
    let before = adapter.get_account(key).await.unwrap().expect("linked");
    assert_eq!(before.access_token.as_deref(), Some("gho_old"));
    // A refresh: the provider's new token response, as its fields.
    let mut patch = <Account as authmodel::Model>::Patch::default();
    let table = <Account as authmodel::Model>::TABLE;
    for (field, value) in [
        ("access_token", authmodel::Value::Text("gho_new".into())),
        ("refresh_token", authmodel::Value::Text("ghr_new".into())),
        ("expires_at", authmodel::Value::Int(1_999_999_999)),
    ] {
        let at = table.columns.iter().position(|c| c.name == field).unwrap();
        patch.set(at, value).unwrap();
    }
    let updated = adapter
        .update_account(key, patch)
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.access_token.as_deref(), Some("gho_new"));
    assert_eq!(updated.refresh_token.as_deref(), Some("ghr_new"));
    assert_eq!(updated.expires_at, Some(1_999_999_999));
    assert_eq!(updated.user_id, user_id);
    assert_eq!(updated.token_type, before.token_type);
    let stored = adapter.account(key).await.unwrap().expect("stored");
    assert_eq!(stored.access_token.as_deref(), Some("gho_new"));
    let unknown = AccountKey {
        provider: "github",
        provider_account_id: "nobody",
    };
    let patch = <Account as authmodel::Model>::Patch::default();
    assert!(
        adapter
            .update_account(unknown, patch)
            .await
            .unwrap()
            .is_none()
    );
}

macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        mod memory { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Memory).await } )* }
        mod sqlite { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $case() { super::$case(super::Kind::Postgres).await } )* }
        mod mariadb { $( #[tokio::test] async fn $case() { super::$case(super::Kind::MariaDb).await } )* }
    };
}

async fn plain_tokens(kind: Kind) {
    hashed_tokens(kind, false).await;
}

async fn hashed_tokens_at_rest(kind: Kind) {
    hashed_tokens(kind, true).await;
}

async fn revoke_sessions(kind: Kind) {
    revoking(kind, false).await;
}

async fn revoke_hashed_sessions(kind: Kind) {
    revoking(kind, true).await;
}

on_every_backend!(
    plain_tokens,
    hashed_tokens_at_rest,
    revoke_sessions,
    revoke_hashed_sessions,
    expired_in_batches,
    update_account,
);
