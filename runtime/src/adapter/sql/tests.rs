//! Unit tests of the SQL adapter on in-memory and temporary SQLite databases. The Auth.js
//! conformance suite (`crate::testing`) runs the whole contract separately.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::SqlAdapter;
use crate::adapter::{AccountKey, Adapter};
use crate::connect;
use crate::dialect::Dialect;
use crate::error::Error;
use crate::models::{
    Account, Authenticator, DefaultSchema, Session, SessionPatch, User, UserPatch,
    VerificationToken,
};
use crate::traits::Model;
use crate::value::{Value, ValueError};

type Auth = SqlAdapter<DefaultSchema>;

async fn memory() -> Auth {
    connect("sqlite::memory:")
        .await
        .expect("in-memory database")
}

/// An instant with sub-millisecond digits, to see truncation.
fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 6, 7, 8, 9).unwrap() + Duration::nanoseconds(123_456_789)
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: Some("Fill Murray".into()),
        email: email.into(),
        email_verified: Some(instant()),
        image: Some("https://example.com/a.png".into()),
    }
}

fn account(user_id: Uuid, provider_account_id: &str) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oauth".into(),
        provider: "github".into(),
        provider_account_id: provider_account_id.into(),
        refresh_token: None,
        access_token: Some("at".into()),
        expires_at: Some(2_592_000),
        token_type: Some("bearer".into()),
        scope: Some("user".into()),
        id_token: Some("x".repeat(2_000)),
        session_state: None,
    }
}

fn session(user_id: Uuid, token: &str) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.into(),
        user_id,
        expires: instant(),
    }
}

fn authenticator(user_id: Uuid, credential_id: &str) -> Authenticator {
    Authenticator {
        credential_id: credential_id.into(),
        user_id,
        provider_account_id: "pa".into(),
        credential_public_key: "key".into(),
        counter: 1,
        credential_device_type: "platform".into(),
        credential_backed_up: false,
        transports: Some("usb,ble".into()),
    }
}

#[tokio::test]
async fn contract_round_trip() {
    let auth = memory().await;
    assert_eq!(auth.dialect(), Dialect::Sqlite);
    let created = auth.create_user(user("fill@murray.com")).await.unwrap();
    assert_ne!(
        created.id,
        Uuid::nil(),
        "a generated id replaces the struct's"
    );
    assert_eq!(
        created.email_verified,
        Some(crate::value::to_millis(instant()))
    );
    let id = created.id.to_string();
    assert_eq!(auth.get_user(&id).await.unwrap(), Some(created.clone()));
    assert_eq!(
        auth.get_user_by_email("fill@murray.com").await.unwrap(),
        Some(created.clone())
    );

    let linked = auth
        .link_account(account(created.id, "gh-1"))
        .await
        .unwrap();
    assert_eq!(linked.id_token.as_deref().map(str::len), Some(2_000));
    assert_eq!(
        auth.get_account(AccountKey {
            provider: "github",
            provider_account_id: "gh-1"
        })
        .await
        .unwrap(),
        Some(linked.clone())
    );
    assert_eq!(
        auth.get_user_by_account(AccountKey {
            provider: "github",
            provider_account_id: "gh-1"
        })
        .await
        .unwrap(),
        Some(created.clone())
    );

    let session = auth
        .create_session(session(created.id, "token-1"))
        .await
        .unwrap();
    let (read, owner) = auth.get_session_and_user("token-1").await.unwrap().unwrap();
    assert_eq!((&read, &owner), (&session, &created));
    assert_eq!(auth.get_session_and_user("nope").await.unwrap(), None);

    let later = Utc::now() + Duration::days(30);
    let patch = SessionPatch {
        expires: Some(later),
        ..SessionPatch::default()
    };
    let updated = auth
        .update_session("token-1", patch)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.expires, crate::value::to_millis(later));
    let unchanged = auth
        .update_session("token-1", SessionPatch::default())
        .await
        .unwrap();
    assert_eq!(unchanged, Some(updated.clone()));
    assert_eq!(
        auth.update_session("nope", SessionPatch::default())
            .await
            .unwrap(),
        None
    );
    assert_eq!(auth.delete_session("token-1").await.unwrap(), Some(updated));
    assert_eq!(auth.delete_session("token-1").await.unwrap(), None);

    let token = VerificationToken {
        identifier: "fill@murray.com".into(),
        token: "hashed".into(),
        expires: instant(),
    };
    let stored = auth.create_verification_token(token).await.unwrap();
    assert_eq!(
        auth.use_verification_token("other@example.com", "hashed")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        auth.use_verification_token("fill@murray.com", "hashed")
            .await
            .unwrap(),
        Some(stored)
    );
    assert_eq!(
        auth.use_verification_token("fill@murray.com", "hashed")
            .await
            .unwrap(),
        None
    );

    let credential = auth
        .create_authenticator(authenticator(created.id, "cred-1"))
        .await
        .unwrap();
    assert_eq!(
        auth.get_authenticator("cred-1").await.unwrap(),
        Some(credential.clone())
    );
    assert_eq!(
        auth.list_authenticators_by_user_id(&id).await.unwrap(),
        vec![credential]
    );
    let bumped = auth
        .update_authenticator_counter("cred-1", 42)
        .await
        .unwrap();
    assert_eq!(bumped.counter, 42);
    assert!(matches!(
        auth.update_authenticator_counter("cred-unknown", 1).await,
        Err(Error::NotFound {
            what: "authenticator"
        })
    ));

    assert_eq!(
        auth.unlink_account(AccountKey {
            provider: "github",
            provider_account_id: "gh-1"
        })
        .await
        .unwrap(),
        Some(linked)
    );
    assert_eq!(
        auth.get_account(AccountKey {
            provider: "github",
            provider_account_id: "gh-1"
        })
        .await
        .unwrap(),
        None
    );
}

#[tokio::test]
async fn delete_user_cascades() {
    let auth = memory().await;
    let user = auth.create_user(user("gone@example.com")).await.unwrap();
    auth.link_account(account(user.id, "gh-gone"))
        .await
        .unwrap();
    auth.create_session(session(user.id, "t-gone"))
        .await
        .unwrap();
    auth.create_authenticator(authenticator(user.id, "c-gone"))
        .await
        .unwrap();
    let id = user.id.to_string();
    assert_eq!(auth.delete_user(&id).await.unwrap(), Some(user));
    assert_eq!(auth.get_user(&id).await.unwrap(), None);
    assert_eq!(
        auth.get_account(AccountKey {
            provider: "github",
            provider_account_id: "gh-gone"
        })
        .await
        .unwrap(),
        None
    );
    assert_eq!(auth.get_session_and_user("t-gone").await.unwrap(), None);
    assert_eq!(auth.get_authenticator("c-gone").await.unwrap(), None);
    assert_eq!(auth.delete_user(&id).await.unwrap(), None);
}

#[tokio::test]
async fn unique_keys_conflict_by_name() {
    let auth = memory().await;
    let first = auth.create_user(user("dup@example.com")).await.unwrap();
    let conflict = |e: Error| match e {
        Error::Conflict { table, constraint } => (table, constraint),
        other => panic!("expected a conflict, got {other:?}"),
    };
    let e = auth.create_user(user("dup@example.com")).await.unwrap_err();
    assert_eq!(conflict(e), ("users".into(), "users_email_key".into()));

    auth.link_account(account(first.id, "gh-dup"))
        .await
        .unwrap();
    let e = auth
        .link_account(account(first.id, "gh-dup"))
        .await
        .unwrap_err();
    assert_eq!(
        conflict(e),
        (
            "accounts".into(),
            "accounts_provider_provider_account_id_key".into()
        )
    );

    auth.create_session(session(first.id, "t-dup"))
        .await
        .unwrap();
    let e = auth
        .create_session(session(first.id, "t-dup"))
        .await
        .unwrap_err();
    assert_eq!(
        conflict(e),
        ("sessions".into(), "sessions_session_token_key".into())
    );

    let token = VerificationToken {
        identifier: "i".into(),
        token: "t".into(),
        expires: instant(),
    };
    auth.create_verification_token(token.clone()).await.unwrap();
    let e = auth.create_verification_token(token).await.unwrap_err();
    assert_eq!(
        conflict(e),
        (
            "verification_tokens".into(),
            "verification_tokens_pkey".into()
        )
    );

    auth.create_authenticator(authenticator(first.id, "c-dup"))
        .await
        .unwrap();
    let e = auth
        .create_authenticator(authenticator(first.id, "c-dup"))
        .await
        .unwrap_err();
    assert_eq!(
        conflict(e),
        ("authenticators".into(), "authenticators_pkey".into())
    );

    // An update into a taken email conflicts the same way.
    auth.create_user(user("other@example.com")).await.unwrap();
    let patch = UserPatch {
        email: Some("other@example.com".into()),
        ..UserPatch::default()
    };
    let e = auth
        .update_user(&first.id.to_string(), patch)
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("users".into(), "users_email_key".into()));
}

#[tokio::test]
async fn foreign_format_ids_match_nothing() {
    let auth = memory().await;
    for id in ["42", "not-a-uuid", ""] {
        assert_eq!(auth.get_user(id).await.unwrap(), None, "{id}");
        assert_eq!(auth.delete_user(id).await.unwrap(), None, "{id}");
        assert!(
            auth.list_authenticators_by_user_id(id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            auth.update_user(id, UserPatch::default()).await,
            Err(Error::NotFound { what: "user" })
        ));
    }
    let unknown = Uuid::new_v4().to_string();
    assert_eq!(auth.get_user(&unknown).await.unwrap(), None);
    assert!(matches!(
        auth.update_user(&unknown, UserPatch::default()).await,
        Err(Error::NotFound { what: "user" })
    ));
}

#[tokio::test]
async fn dangling_user_references_are_invalid_input() {
    let auth = memory().await;
    let e = auth
        .create_session(session(Uuid::new_v4(), "orphan"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

#[tokio::test]
async fn update_user_patches_every_field() {
    let auth = memory().await;
    let created = auth.create_user(user("before@example.com")).await.unwrap();
    let id = created.id.to_string();
    let verified = instant() + Duration::days(1);
    let patches = [
        UserPatch {
            name: Some(Some("Updated Name".into())),
            ..UserPatch::default()
        },
        UserPatch {
            email: Some("after@example.com".into()),
            ..UserPatch::default()
        },
        UserPatch {
            email_verified: Some(Some(verified)),
            ..UserPatch::default()
        },
        UserPatch {
            image: Some(None),
            ..UserPatch::default()
        },
    ];
    for patch in patches {
        auth.update_user(&id, patch).await.unwrap();
    }
    let expected = User {
        id: created.id,
        name: Some("Updated Name".into()),
        email: "after@example.com".into(),
        email_verified: Some(crate::value::to_millis(verified)),
        image: None,
    };
    assert_eq!(auth.get_user(&id).await.unwrap(), Some(expected.clone()));
    // All at once, including setting nullable fields to NULL.
    let all = UserPatch {
        name: Some(None),
        email: Some("all@example.com".into()),
        email_verified: Some(None),
        image: Some(Some("https://example.com/b.png".into())),
    };
    let updated = auth.update_user(&id, all).await.unwrap();
    assert_eq!(
        updated,
        User {
            id: created.id,
            name: None,
            email: "all@example.com".into(),
            email_verified: None,
            image: Some("https://example.com/b.png".into()),
        }
    );
    assert_eq!(
        auth.update_user(&id, UserPatch::default()).await.unwrap(),
        updated
    );
}

#[tokio::test]
async fn corrupt_rows_are_decode_errors() {
    let auth = memory().await;
    auth.raw_execute(
        "INSERT INTO users (id, name, email, email_verified, image) VALUES (?, NULL, ?, ?, NULL)",
        vec![
            Value::Text("not-a-uuid".into()),
            Value::Text("bad@example.com".into()),
            Value::Text("2024-01-01T00:00:00.000Z".into()),
        ],
    )
    .await
    .unwrap();
    match auth.get_user_by_email("bad@example.com").await {
        Err(Error::Decode {
            table: "users",
            column: "id",
            source: ValueError::Invalid(_),
        }) => {}
        other => panic!("expected a decode error on users.id, got {other:?}"),
    }
    auth.raw_execute(
        "INSERT INTO users (id, email, email_verified) VALUES (?, ?, ?)",
        vec![
            Value::Uuid(Uuid::new_v4()),
            Value::Text("time@example.com".into()),
            Value::Text("last tuesday".into()),
        ],
    )
    .await
    .unwrap();
    match auth.get_user_by_email("time@example.com").await {
        Err(Error::Decode {
            column: "email_verified",
            ..
        }) => {}
        other => panic!("expected a decode error on email_verified, got {other:?}"),
    }
    auth.raw_execute(
        "INSERT INTO users (id, email) VALUES (?, x'00')",
        vec![Value::Uuid(Uuid::new_v4())],
    )
    .await
    .unwrap();
    let rows = auth
        .raw_select(
            "SELECT id, name, email, email_verified, image FROM users WHERE typeof(email) = 'blob'",
            vec![],
            <User as Model>::TABLE,
        )
        .await;
    assert!(
        matches!(
            rows,
            Err(Error::Decode {
                column: "email",
                source: ValueError::Mismatch { .. },
                ..
            })
        ),
        "{rows:?}"
    );
}

#[tokio::test]
async fn raw_select_decodes_per_table() {
    let auth = memory().await;
    let created = auth.create_user(user("raw@example.com")).await.unwrap();
    let rows = auth
        .raw_select(
            "SELECT id, name, email, email_verified, image FROM users WHERE id = ?",
            vec![Value::Uuid(created.id)],
            <User as Model>::TABLE,
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored = rows.into_iter().next().unwrap();
    assert_eq!(stored[0], Value::Uuid(created.id));
    assert_eq!(User::from_values(stored).unwrap(), created);
    // The stored encodings, as other clients see them.
    let text = auth
        .raw_select(
            "SELECT id, name, email, email_verified, image FROM users",
            vec![],
            <User as Model>::TABLE,
        )
        .await
        .unwrap();
    assert_eq!(text.len(), 1);
    let typed = auth
        .raw_select(
            "SELECT typeof(id), typeof(email_verified), email_verified, length(id), image FROM users",
            vec![],
            &RAW_TEXT,
        )
        .await
        .unwrap();
    assert_eq!(
        typed[0],
        vec![
            Value::Text("text".into()),
            Value::Text("text".into()),
            Value::Text("2030-05-06T07:08:09.123Z".into()),
            Value::Int(36),
            Value::Text("https://example.com/a.png".into()),
        ]
    );
}

/// A descriptor of five loosely typed columns, for reading SQLite's own view of a row.
static RAW_TEXT: crate::descriptor::Table = crate::descriptor::Table {
    name: "raw",
    type_name: "Raw",
    role: crate::descriptor::Role::User,
    columns: &[
        crate::descriptor::Column::new("a", "a", crate::descriptor::ColumnType::Text),
        crate::descriptor::Column::new("b", "b", crate::descriptor::ColumnType::Text),
        crate::descriptor::Column::new("c", "c", crate::descriptor::ColumnType::Text),
        crate::descriptor::Column::new("d", "d", crate::descriptor::ColumnType::Int64),
        crate::descriptor::Column::new("e", "e", crate::descriptor::ColumnType::Text),
    ],
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

/// `raw_execute` takes a statement that returns rows: a checkpoint pragma, a write with
/// `RETURNING` (which counts the rows it changed).
#[tokio::test]
async fn raw_execute_runs_statements_that_return_rows() {
    let dir = tempfile::tempdir().unwrap();
    let auth: Auth = connect(&format!("sqlite://{}", dir.path().join("a.db").display()))
        .await
        .unwrap();
    auth.create_user(user("a@example.com")).await.unwrap();
    assert_eq!(
        auth.raw_execute("PRAGMA wal_checkpoint(TRUNCATE)", vec![])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        auth.raw_execute("UPDATE users SET name = 'n' RETURNING id", vec![])
            .await
            .unwrap(),
        1
    );
    assert_eq!(auth.raw_execute("SELECT 1", vec![]).await.unwrap(), 0);
}
