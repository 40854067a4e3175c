//! The Redis store and the composed adapter against a real redis-server (`REDIS_URL`, started
//! by scripts/servers.sh; skipped loudly without it, failed under `CI=true`): single use of a
//! verification token under 64 concurrent callers, TTL expiry, the per-user index, exact
//! round trips of an extended session model, and what crosses systems (an orphan session,
//! the order of `delete_user`, a sign-up whose session write fails).

mod common;

use std::sync::Arc;

use authmodel::composed::{Composed, SessionStore, TokenStore};
use authmodel::models::{DefaultSchema, Session, User, VerificationToken};
use authmodel::redis::RedisStore;
use authmodel::{Adapter, AuthModel, AuthSchema, Error, Options, Schema, SqlAdapter};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use uuid::Uuid;

/// A session with fields of the application's own: a bounded device name, a float, JSON,
/// bytes and a second instant.
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session")]
pub struct DeviceSession {
    pub id: Uuid,
    pub session_token: String,
    pub user_id: Uuid,
    pub expires: DateTime<Utc>,
    #[auth(max_len = 12)]
    pub device: Option<String>,
    pub score: f64,
    pub meta: serde_json::Value,
    pub fingerprint: Vec<u8>,
    pub seen_at: Option<DateTime<Utc>>,
}

#[derive(AuthSchema)]
#[auth(session = DeviceSession)]
pub struct Devices;

fn prefix() -> String {
    format!("t:redis:{}:{}:", std::process::id(), Uuid::new_v4())
}

async fn store<S: Schema>() -> Option<RedisStore<S>> {
    let url = common::redis()?;
    Some(
        RedisStore::<S>::connect(&url, &prefix())
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}")),
    )
}

async fn composed<S: Schema>() -> Option<Composed<S, SqlAdapter<S>, RedisStore<S>, RedisStore<S>>> {
    let redis = store::<S>().await?;
    let sql = SqlAdapter::<S>::connect("sqlite::memory:", Options::default().synchronize(true))
        .await
        .expect("sqlite");
    Some(Composed::new(sql, redis.clone(), redis))
}

fn session(user_id: Uuid, expires: DateTime<Utc>) -> Session {
    Session::new(user_id, Uuid::new_v4().to_string(), expires)
}

fn in_a_week() -> DateTime<Utc> {
    Utc::now() + Duration::days(7)
}

#[tokio::test]
async fn use_verification_token_is_single_use_for_64_concurrent_callers() {
    let Some(store) = store::<DefaultSchema>().await else {
        return;
    };
    for _ in 0..5 {
        let identifier = format!("{}@example.com", Uuid::new_v4());
        let token = Uuid::new_v4().to_string();
        TokenStore::create_verification_token(
            &store,
            VerificationToken {
                identifier: identifier.clone(),
                token: token.clone(),
                expires: in_a_week(),
            },
        )
        .await
        .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(64));
        let callers: Vec<_> = (0..64)
            .map(|_| {
                let (store, barrier) = (store.clone(), barrier.clone());
                let (identifier, token) = (identifier.clone(), token.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.use_verification_token(&identifier, &token).await
                })
            })
            .collect();
        let mut winners = 0;
        for caller in callers {
            if caller.await.unwrap().unwrap().is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "exactly one of 64 callers gets the token");
    }
}

#[tokio::test]
async fn rows_expire_by_themselves_at_their_expires() {
    let Some(store) = store::<DefaultSchema>().await else {
        return;
    };
    let user = Uuid::new_v4();
    let soon = Utc::now() + Duration::milliseconds(400);
    let short = SessionStore::create_session(&store, session(user, soon))
        .await
        .unwrap();
    let long = SessionStore::create_session(&store, session(user, in_a_week()))
        .await
        .unwrap();
    let identifier = "ttl@example.com";
    let token = Uuid::new_v4().to_string();
    TokenStore::create_verification_token(
        &store,
        VerificationToken {
            identifier: identifier.into(),
            token: token.clone(),
            expires: soon,
        },
    )
    .await
    .unwrap();
    assert!(
        store
            .get_session(&short.session_token)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.list_sessions(&user.to_string()).await.unwrap().len(),
        2
    );
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(
        store
            .get_session(&short.session_token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .get_verification_token(identifier, &token)
            .await
            .unwrap()
            .is_none()
    );
    let listed = store.list_sessions(&user.to_string()).await.unwrap();
    assert_eq!(listed, vec![long], "the index forgets the expired session");
}

#[tokio::test]
async fn delete_expired_deletes_rows_expiring_before_now_in_batches() {
    let Some(store) = store::<DefaultSchema>().await else {
        return;
    };
    let user = Uuid::new_v4();
    let base = (Utc::now() + Duration::hours(1)).trunc_subsecs(3);
    let mut tokens = Vec::new();
    for minutes in 0..5 {
        let s = session(user, base + Duration::minutes(minutes));
        tokens.push(
            SessionStore::create_session(&store, s)
                .await
                .unwrap()
                .session_token,
        );
    }
    // Strictly before `now`: the session expiring at `now` itself stays.
    let now = base + Duration::minutes(3);
    assert_eq!(store.delete_expired_sessions(now, 2).await.unwrap(), 3);
    for (at, token) in tokens.iter().enumerate() {
        let found = store.get_session(token).await.unwrap().is_some();
        assert_eq!(found, at >= 3, "session {at}");
    }
    assert_eq!(
        store.list_sessions(&user.to_string()).await.unwrap().len(),
        2
    );
    assert_eq!(store.delete_expired_sessions(now, 2).await.unwrap(), 0);
    assert_eq!(store.delete_expired_sessions(now, 0).await.unwrap(), 0);
}

#[tokio::test]
async fn an_extended_session_round_trips_exactly_and_keeps_its_rules() {
    let Some(store) = store::<Devices>().await else {
        return;
    };
    let expires = Utc::now() + Duration::days(3) + Duration::nanoseconds(123_456);
    let seen = DateTime::<Utc>::from_timestamp(1_700_000_000, 987_654_321).unwrap();
    let written = DeviceSession {
        id: Uuid::nil(),
        session_token: Uuid::new_v4().to_string(),
        user_id: Uuid::new_v4(),
        expires,
        device: Some("ü-phone".into()),
        score: 0.1 + 0.2,
        meta: serde_json::json!({"a": [1, null, "x"], "b": 1.5}),
        fingerprint: vec![0, 1, 254, 255],
        seen_at: Some(seen),
    };
    let stored = store.create_session(written.clone()).await.unwrap();
    assert_ne!(stored.id, Uuid::nil(), "an id is generated");
    assert_eq!(
        stored.expires,
        expires.trunc_subsecs(3),
        "instants to the ms"
    );
    assert_eq!(stored.seen_at, Some(seen.trunc_subsecs(3)));
    let read = store.get_session(&written.session_token).await.unwrap();
    assert_eq!(read.as_ref(), Some(&stored), "read back exactly as stored");
    assert_eq!(read.unwrap().score.to_bits(), (0.1f64 + 0.2).to_bits());

    // max_len counts characters, as on SQL: 13 is one too many, on create and on update.
    let long = DeviceSession {
        session_token: Uuid::new_v4().to_string(),
        device: Some("a".repeat(13)),
        ..written.clone()
    };
    let error = store.create_session(long).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    let patch = DeviceSessionPatch {
        device: Some(Some("b".repeat(13))),
        ..Default::default()
    };
    let error = store
        .update_session(&written.session_token, patch)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    let patch = DeviceSessionPatch {
        device: Some(Some("b".repeat(12))),
        ..Default::default()
    };
    let updated = store
        .update_session(&written.session_token, patch)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.device.as_deref(), Some("bbbbbbbbbbbb"));
    assert_eq!(
        store.get_session(&written.session_token).await.unwrap(),
        Some(updated)
    );
    // The same token twice is a conflict.
    let again = DeviceSession {
        id: Uuid::nil(),
        ..written
    };
    assert!(store.create_session(again).await.unwrap_err().is_conflict());
}

async fn new_user<P: Adapter<DefaultSchema>>(adapter: &P) -> User {
    adapter
        .create_user(User::new(format!("{}@example.com", Uuid::new_v4())))
        .await
        .unwrap()
}

#[tokio::test]
async fn an_orphan_session_signs_nobody_in_and_is_removed() {
    let Some(auth) = composed::<DefaultSchema>().await else {
        return;
    };
    let user = new_user(&auth).await;
    let s = auth
        .create_session(session(user.id, in_a_week()))
        .await
        .unwrap();
    assert!(
        auth.get_session_and_user(&s.session_token)
            .await
            .unwrap()
            .is_some()
    );
    // The user goes on the primary alone, as a crash between delete_user's two steps leaves it.
    auth.primary()
        .delete_user(&user.id.to_string())
        .await
        .unwrap();
    assert!(
        auth.sessions()
            .get_session(&s.session_token)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        auth.get_session_and_user(&s.session_token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        auth.sessions()
            .get_session(&s.session_token)
            .await
            .unwrap()
            .is_none(),
        "the orphan is deleted"
    );
    // And no session is written for a user that does not exist.
    let error = auth
        .create_session(session(user.id, in_a_week()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
}

#[tokio::test]
async fn delete_user_fails_and_keeps_the_user_when_the_session_store_is_down() {
    let Some(_) = common::redis() else {
        return;
    };
    // A redis-server of this test's own, stopped half-way.
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut server = std::process::Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (scripts/servers.sh installs it)");
    let url = format!("redis://127.0.0.1:{port}/");
    let mut redis = None;
    for _ in 0..100 {
        if let Ok(store) = RedisStore::<DefaultSchema>::connect(&url, "down:").await {
            redis = Some(store);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let redis = redis.expect("the test's redis-server started");
    let sql = SqlAdapter::<DefaultSchema>::connect(
        "sqlite::memory:",
        Options::default().synchronize(true),
    )
    .await
    .unwrap();
    let auth = Composed::new(sql, redis.clone(), redis);
    let user = new_user(&auth).await;
    let s = auth
        .create_session(session(user.id, in_a_week()))
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    let id = user.id.to_string();
    assert!(
        auth.delete_user(&id).await.is_err(),
        "the sessions could not go"
    );
    assert_eq!(
        auth.get_user(&id).await.unwrap(),
        Some(user),
        "so the user stays"
    );
    // And a sign-up whose session cannot be written leaves no user behind.
    let email = format!("{}@example.com", Uuid::new_v4());
    let signed_up = auth
        .sign_up(
            User::new(email.clone()),
            None,
            session(Uuid::nil(), in_a_week()),
        )
        .await;
    assert!(signed_up.is_err());
    assert!(auth.get_user_by_email(&email).await.unwrap().is_none());
    drop(s);
}

#[tokio::test]
async fn a_refused_session_write_leaves_no_half_sign_up() {
    let Some(auth) = composed::<Devices>().await else {
        return;
    };
    let email = format!("{}@example.com", Uuid::new_v4());
    let refused = DeviceSession {
        id: Uuid::nil(),
        session_token: Uuid::new_v4().to_string(),
        user_id: Uuid::nil(),
        expires: in_a_week(),
        device: Some("far too long for the column".into()),
        score: 1.0,
        meta: serde_json::json!({}),
        fingerprint: vec![],
        seen_at: None,
    };
    let error = auth
        .sign_up(User::new(email.clone()), None, refused.clone())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    assert!(
        auth.get_user_by_email(&email).await.unwrap().is_none(),
        "the user is deleted again, so the email does not lock its owner out"
    );
    let accepted = DeviceSession {
        device: Some("laptop".into()),
        ..refused
    };
    let signed_up = auth
        .sign_up(User::new(email.clone()), None, accepted)
        .await
        .unwrap();
    let (s, u) = auth
        .get_session_and_user(&signed_up.session.session_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s, u), (signed_up.session, signed_up.user));
}
