//! Unit tests of the memory adapter's own rules: ids, keys, cascades, precision, atomicity.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::MemoryAdapter;
use crate::adapter::{AccountKey, Adapter};
use crate::descriptor::{Role, RoleField};
use crate::error::Error;
use crate::models::{
    Account, Authenticator, DefaultSchema, Session, SessionPatch, User, UserPatch,
    VerificationToken,
};
use crate::traits::{Model, Patch};
use crate::value::Value;
use crate::{AuthModel, AuthSchema};

type Memory = MemoryAdapter<DefaultSchema>;

fn precise() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap() + Duration::nanoseconds(123_456_789)
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: Some("Ada".to_owned()),
        email: email.to_owned(),
        email_verified: Some(precise()),
        image: None,
    }
}

fn session(token: &str, user_id: Uuid) -> Session {
    Session {
        id: Uuid::nil(),
        session_token: token.to_owned(),
        user_id,
        expires: precise(),
    }
}

fn account(provider_account_id: &str, user_id: Uuid) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oauth".to_owned(),
        provider: "github".to_owned(),
        provider_account_id: provider_account_id.to_owned(),
        refresh_token: None,
        access_token: Some("at".to_owned()),
        expires_at: Some(2_592_000),
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
    }
}

fn authenticator(credential_id: &str, user_id: Uuid) -> Authenticator {
    Authenticator {
        credential_id: credential_id.to_owned(),
        user_id,
        provider_account_id: credential_id.to_owned(),
        credential_public_key: "key".to_owned(),
        counter: 1,
        credential_device_type: "platform".to_owned(),
        credential_backed_up: true,
        transports: None,
    }
}

fn token(identifier: &str, token: &str) -> VerificationToken {
    VerificationToken {
        identifier: identifier.to_owned(),
        token: token.to_owned(),
        expires: precise(),
    }
}

fn conflict_name(error: Error) -> String {
    match error {
        Error::Conflict { constraint, .. } => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn create_user_generates_a_uuid_and_keeps_milliseconds() {
    let memory = Memory::new();
    let created = memory.create_user(user("a@example.com")).await.unwrap();
    assert_ne!(created.id, Uuid::nil());
    assert_eq!(created.id.get_version_num(), 4);
    let verified = created.email_verified.unwrap();
    assert_eq!(verified.timestamp_subsec_nanos(), 123_000_000);
    let read = memory.get_user(&created.id.to_string()).await.unwrap();
    assert_eq!(read, Some(created.clone()));
    let stored = memory.rows(Role::User);
    assert_eq!(stored, vec![created.to_values().unwrap()]);
}

#[tokio::test]
async fn unique_keys_conflict_with_their_ddl_names() {
    let memory = Memory::new();
    let ada = memory.create_user(user("a@example.com")).await.unwrap();
    let again = memory.create_user(user("a@example.com")).await.unwrap_err();
    assert_eq!(conflict_name(again), "users_email_key");
    assert_eq!(
        memory.rows(Role::User).len(),
        1,
        "a refused row is not stored"
    );

    memory.create_session(session("t", ada.id)).await.unwrap();
    let again = memory
        .create_session(session("t", ada.id))
        .await
        .unwrap_err();
    assert_eq!(conflict_name(again), "sessions_session_token_key");

    memory.link_account(account("42", ada.id)).await.unwrap();
    let again = memory
        .link_account(account("42", ada.id))
        .await
        .unwrap_err();
    assert_eq!(
        conflict_name(again),
        "accounts_provider_provider_account_id_key"
    );

    memory
        .create_authenticator(authenticator("c", ada.id))
        .await
        .unwrap();
    let again = memory
        .create_authenticator(authenticator("c", ada.id))
        .await
        .unwrap_err();
    assert_eq!(conflict_name(again), "authenticators_pkey");

    memory
        .create_verification_token(token("i", "t"))
        .await
        .unwrap();
    let again = memory
        .create_verification_token(token("i", "t"))
        .await
        .unwrap_err();
    assert_eq!(conflict_name(again), "verification_tokens_pkey");
    // The identifier alone is not a key: Auth.js sends many tokens to one address.
    memory
        .create_verification_token(token("i", "u"))
        .await
        .unwrap();
}

#[tokio::test]
async fn update_user_checks_keys_and_sets_null() {
    let memory = Memory::new();
    let ada = memory.create_user(user("a@example.com")).await.unwrap();
    let bob = memory.create_user(user("b@example.com")).await.unwrap();
    let taken = UserPatch {
        email: Some("a@example.com".to_owned()),
        ..UserPatch::default()
    };
    let error = memory
        .update_user(&bob.id.to_string(), taken)
        .await
        .unwrap_err();
    assert_eq!(conflict_name(error), "users_email_key");

    let mut clear = UserPatch::default();
    let verified_at = User::TABLE.position(RoleField::UserEmailVerified).unwrap();
    clear.set(verified_at, Value::Null).unwrap();
    let updated = memory
        .update_user(&ada.id.to_string(), clear)
        .await
        .unwrap();
    assert_eq!(updated.email_verified, None);
    assert_eq!(updated.name, ada.name, "fields left out stay as they were");

    let missing = memory
        .update_user(&Uuid::new_v4().to_string(), UserPatch::default())
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { what: "user" }));
}

#[tokio::test]
async fn foreign_format_ids_are_not_found() {
    let memory = Memory::new();
    memory.create_user(user("a@example.com")).await.unwrap();
    for id in ["42", "not-an-id", ""] {
        assert!(memory.get_user(id).await.unwrap().is_none());
        assert!(memory.delete_user(id).await.unwrap().is_none());
        assert!(
            memory
                .list_authenticators_by_user_id(id)
                .await
                .unwrap()
                .is_empty()
        );
        let error = memory
            .update_user(id, UserPatch::default())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::NotFound { .. }));
    }
}

#[tokio::test]
async fn rows_must_reference_an_existing_user() {
    let memory = Memory::new();
    let error = memory
        .create_session(session("t", Uuid::new_v4()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(memory.rows(Role::Session).is_empty());
}

#[tokio::test]
async fn delete_user_cascades_to_their_rows_only() {
    let memory = Memory::new();
    let ada = memory.create_user(user("a@example.com")).await.unwrap();
    let bob = memory.create_user(user("b@example.com")).await.unwrap();
    memory.create_session(session("ada", ada.id)).await.unwrap();
    memory.create_session(session("bob", bob.id)).await.unwrap();
    memory.link_account(account("1", ada.id)).await.unwrap();
    memory
        .create_authenticator(authenticator("c", ada.id))
        .await
        .unwrap();
    memory
        .create_verification_token(token("a@example.com", "t"))
        .await
        .unwrap();

    let deleted = memory.delete_user(&ada.id.to_string()).await.unwrap();
    assert_eq!(deleted, Some(ada.clone()));
    assert!(memory.get_session_and_user("ada").await.unwrap().is_none());
    assert!(
        memory
            .get_account(AccountKey {
                provider: "github",
                provider_account_id: "1"
            })
            .await
            .unwrap()
            .is_none()
    );
    assert!(memory.get_authenticator("c").await.unwrap().is_none());
    assert!(memory.get_session_and_user("bob").await.unwrap().is_some());
    // Verification tokens belong to an address, not a user.
    assert_eq!(memory.rows(Role::VerificationToken).len(), 1);
    assert!(
        memory
            .delete_user(&ada.id.to_string())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn verification_tokens_need_both_halves_and_are_used_once() {
    let memory = Memory::new();
    memory
        .create_verification_token(token("a@example.com", "t"))
        .await
        .unwrap();
    let wrong = memory.use_verification_token("b@example.com", "t").await;
    assert!(wrong.unwrap().is_none());
    let used = memory.use_verification_token("a@example.com", "t").await;
    assert_eq!(
        used.unwrap().unwrap().expires,
        crate::value::to_millis(precise())
    );
    let again = memory.use_verification_token("a@example.com", "t").await;
    assert!(again.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_token_use_has_one_winner() {
    let memory = Arc::new(Memory::new());
    for round in 0..20 {
        let value = format!("t{round}");
        memory
            .create_verification_token(token("a@example.com", &value))
            .await
            .unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let memory = Arc::clone(&memory);
                let value = value.clone();
                tokio::spawn(async move {
                    memory
                        .use_verification_token("a@example.com", &value)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            winners += usize::from(task.await.unwrap().is_some());
        }
        assert_eq!(winners, 1);
    }
}

#[tokio::test]
async fn authenticator_counter_updates_and_unknown_is_not_found() {
    let memory = Memory::new();
    let ada = memory.create_user(user("a@example.com")).await.unwrap();
    memory
        .create_authenticator(authenticator("c", ada.id))
        .await
        .unwrap();
    let updated = memory.update_authenticator_counter("c", 7).await.unwrap();
    assert_eq!(updated.counter, 7);
    let listed = memory
        .list_authenticators_by_user_id(&ada.id.to_string())
        .await
        .unwrap();
    assert_eq!(listed, vec![updated]);
    let error = memory
        .update_authenticator_counter("nope", 1)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::NotFound {
            what: "authenticator"
        }
    ));
}

#[tokio::test]
async fn session_updates_truncate_and_unknown_tokens_are_none() {
    let memory = Memory::new();
    let ada = memory.create_user(user("a@example.com")).await.unwrap();
    let created = memory.create_session(session("t", ada.id)).await.unwrap();
    assert_eq!(created.expires.timestamp_subsec_nanos(), 123_000_000);
    let patch = SessionPatch {
        expires: Some(precise() + Duration::microseconds(1_500)),
        ..SessionPatch::default()
    };
    let updated = memory.update_session("t", patch.clone()).await.unwrap();
    assert_eq!(
        updated.unwrap().expires.timestamp_subsec_nanos(),
        124_000_000
    );
    assert!(memory.update_session("u", patch).await.unwrap().is_none());
    assert!(memory.delete_session("u").await.unwrap().is_none());
    let deleted = memory.delete_session("t").await.unwrap().unwrap();
    assert_eq!(deleted.session_token, "t");
}

/// A schema with integer ids throughout: autoincrement keys and integer foreign keys.
mod int_ids {
    use super::*;

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "user", table = "int_users")]
    pub struct IntUser {
        pub id: i64,
        pub email: String,
        pub name: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "session", table = "int_sessions")]
    pub struct IntSession {
        pub id: i64,
        pub session_token: String,
        pub user_id: i64,
        pub expires: DateTime<Utc>,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "account", table = "int_accounts")]
    pub struct IntAccount {
        pub user_id: i64,
        pub kind: String,
        pub provider: String,
        pub provider_account_id: String,
    }

    #[derive(Debug, Clone, PartialEq, AuthModel)]
    #[auth(role = "authenticator", table = "int_authenticators")]
    pub struct IntAuthenticator {
        pub credential_id: String,
        pub user_id: i64,
        pub provider_account_id: String,
        pub credential_public_key: String,
        pub counter: i64,
        pub credential_device_type: String,
        pub credential_backed_up: bool,
    }

    #[derive(Debug, Clone, Copy, Default, AuthSchema)]
    #[auth(
        user = IntUser,
        account = IntAccount,
        session = IntSession,
        authenticator = IntAuthenticator
    )]
    pub struct IntSchema;

    fn int_user(email: &str) -> IntUser {
        IntUser {
            id: 0,
            email: email.to_owned(),
            name: None,
        }
    }

    #[tokio::test]
    async fn autoincrement_counts_per_table_without_gaps_on_refusal() {
        let memory = MemoryAdapter::<IntSchema>::new();
        let first = memory.create_user(int_user("a@example.com")).await.unwrap();
        assert!(memory.create_user(int_user("a@example.com")).await.is_err());
        let second = memory.create_user(int_user("b@example.com")).await.unwrap();
        assert_eq!((first.id, second.id), (1, 2));
        let session = memory
            .create_session(IntSession {
                id: 0,
                session_token: "t".to_owned(),
                user_id: 2,
                expires: precise(),
            })
            .await
            .unwrap();
        assert_eq!(session.id, 1);
        let (found, owner) = memory.get_session_and_user("t").await.unwrap().unwrap();
        assert_eq!((found, owner), (session, second));
        let uuid = Uuid::new_v4().to_string();
        assert!(memory.get_user(&uuid).await.unwrap().is_none());
        assert!(memory.get_user("1").await.unwrap().is_some());
    }
}

/// `on_delete = "restrict"` (the docs' Prisma schema for MySQL): as the database, the delete
/// of a user whom an account or a session still references is refused and leaves every row;
/// once they are gone, the user goes, and the authenticators (which cascade) with it.
#[tokio::test]
async fn delete_user_is_refused_while_restricting_rows_reference_it() {
    use crate::compat::prisma::mysql::{self, PrismaMySqlAuth};

    let memory = MemoryAdapter::<PrismaMySqlAuth>::new();
    let epoch = DateTime::UNIX_EPOCH;
    let ada = memory
        .create_user(mysql::User {
            id: String::new(),
            name: None,
            username: None,
            email: Some("ada@example.com".into()),
            email_verified: None,
            image: None,
            created_at: epoch,
            updated_at: epoch,
        })
        .await
        .unwrap();
    memory
        .create_session(mysql::Session {
            id: String::new(),
            session_token: "ada".into(),
            user_id: ada.id.clone(),
            expires: precise(),
            created_at: epoch,
            updated_at: epoch,
        })
        .await
        .unwrap();
    memory
        .create_authenticator(mysql::Authenticator {
            credential_id: "c".into(),
            user_id: ada.id.clone(),
            provider_account_id: "c".into(),
            credential_public_key: "pk".into(),
            counter: 0,
            credential_device_type: "singleDevice".into(),
            credential_backed_up: false,
            transports: None,
        })
        .await
        .unwrap();

    let error = memory.delete_user(&ada.id).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(memory.get_user(&ada.id).await.unwrap().is_some());
    assert!(memory.get_session_and_user("ada").await.unwrap().is_some());
    assert!(memory.get_authenticator("c").await.unwrap().is_some());

    memory.delete_session("ada").await.unwrap();
    assert!(memory.delete_user(&ada.id).await.unwrap().is_some());
    assert!(memory.get_authenticator("c").await.unwrap().is_none());
}
