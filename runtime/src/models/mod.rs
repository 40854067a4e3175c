//! The default models: the Auth.js field set, snake_case in Rust and in the database.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`],
//! bound together by [`DefaultSchema`]. They are declared with `#[derive(AuthModel)]` like any
//! application's models: copy one as the starting point of your own.
//!
//! Their `Debug` is the derive's (`#[auth(debug)]`): it shows the session token, the
//! verification token and the account's OAuth tokens and `session_state` as `"<redacted>"`,
//! so a model in a log line or a panic message gives away no credential.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{AuthModel, AuthSchema};

pub mod compat;

/// A person who signs in (table `users`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "user", debug)]
pub struct User {
    /// A random UUID, generated when the user is created.
    pub id: Uuid,
    /// The display name from the provider's profile.
    pub name: Option<String>,
    /// The email address; unique.
    pub email: String,
    /// When the address was verified by an email sign-in; `None` if never.
    pub email_verified: Option<DateTime<Utc>>,
    /// The profile picture's URL.
    pub image: Option<String>,
}

/// A link between a user and a provider account (table `accounts`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "account", debug)]
pub struct Account {
    /// A random UUID, generated when the account is linked.
    pub id: Uuid,
    /// The user the account belongs to.
    pub user_id: Uuid,
    /// The provider type: `oauth`, `oidc`, `email` or `webauthn`.
    #[auth(column = "type")]
    pub kind: String,
    /// The provider's id, e.g. `github`.
    pub provider: String,
    /// The account's id at the provider; unique with `provider`.
    pub provider_account_id: String,
    /// The OAuth refresh token.
    pub refresh_token: Option<String>,
    /// The OAuth access token.
    pub access_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    /// The token type, usually `bearer`.
    pub token_type: Option<String>,
    /// The granted scopes.
    pub scope: Option<String>,
    /// The OpenID Connect id token.
    pub id_token: Option<String>,
    /// The OAuth session state.
    pub session_state: Option<String>,
}

/// A database session (table `sessions`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "session", debug)]
pub struct Session {
    /// A random UUID, generated when the session is created.
    pub id: Uuid,
    /// The random value kept in the session cookie; unique.
    pub session_token: String,
    /// The user signed in.
    pub user_id: Uuid,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// A single-use email sign-in token (table `verification_tokens`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token", debug)]
pub struct VerificationToken {
    /// Who the token was sent to, usually an email address.
    pub identifier: String,
    /// The hashed token.
    pub token: String,
    /// When the token stops being accepted.
    pub expires: DateTime<Utc>,
}

/// A WebAuthn credential (table `authenticators`).
#[derive(Clone, PartialEq, AuthModel)]
#[auth(role = "authenticator", debug)]
pub struct Authenticator {
    /// The credential's id, base64; unique.
    pub credential_id: String,
    /// The user the credential belongs to.
    pub user_id: Uuid,
    /// The `provider_account_id` of the user's webauthn account.
    pub provider_account_id: String,
    /// The credential's public key, base64.
    pub credential_public_key: String,
    /// The signature counter.
    pub counter: i64,
    /// `singleDevice` or `multiDevice` (`platform` in the Auth.js tests).
    pub credential_device_type: String,
    /// Whether the credential is backed up.
    pub credential_backed_up: bool,
    /// The transports, comma-separated: `usb,ble,nfc`.
    pub transports: Option<String>,
}

/// The five default models.
#[derive(Debug, Clone, Copy, Default, AuthSchema)]
pub struct DefaultSchema;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{ColumnType, IdStrategy, Role, RoleField};
    use crate::traits::{Model, Patch, Schema};
    use crate::value::Value;

    #[test]
    fn user_descriptor_follows_the_fields() {
        let table = <User as Model>::TABLE;
        assert_eq!(table.name, "users");
        assert_eq!(table.role, Role::User);
        let names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
        assert_eq!(names, ["id", "name", "email", "email_verified", "image"]);
        let id = &table.columns[0];
        assert!(id.primary_key);
        assert_eq!(id.id, Some(IdStrategy::UuidV4));
        assert_eq!(id.ty, ColumnType::Uuid);
        assert_eq!(table.position(RoleField::UserEmail), Some(2));
        assert!(table.columns[1].nullable && !table.columns[2].nullable);
    }

    #[test]
    fn account_kind_is_the_type_column() {
        let table = <Account as Model>::TABLE;
        let kind = table.column(RoleField::AccountType).expect("type column");
        assert_eq!((kind.name, kind.field), ("type", "kind"));
    }

    #[test]
    fn rows_round_trip_and_decode_errors_name_the_column() {
        let user = User {
            id: Uuid::new_v4(),
            name: None,
            email: "a@example.com".into(),
            email_verified: Some(crate::value::to_millis(Utc::now())),
            image: Some("https://example.com/a.png".into()),
        };
        assert_eq!(
            User::from_values(user.to_values().unwrap()).expect("decodes"),
            user
        );
        let mut bad = user.to_values().unwrap();
        bad[2] = Value::Null;
        let error = User::from_values(bad).expect_err("email is not nullable");
        assert!(
            error.to_string().contains("users.email"),
            "unexpected: {error}"
        );
    }

    #[test]
    fn patches_assign_only_what_is_set_and_null_is_distinct() {
        let patch = UserPatch {
            name: Some(None),
            email: Some("b@example.com".into()),
            ..Default::default()
        };
        assert_eq!(
            patch.into_assignments().unwrap(),
            vec![(1, Value::Null), (2, Value::Text("b@example.com".into()))]
        );
        let mut patch = UserPatch::default();
        patch
            .set(4, Value::Text("x".into()))
            .expect("image is patchable");
        assert_eq!(patch.image, Some(Some("x".into())));
        assert!(
            patch.set(0, Value::Null).is_err(),
            "the id is not patchable"
        );
    }

    /// The contract fields whose values are credentials: the derive's `Debug` never prints
    /// them.
    const SECRETS: [RoleField; 7] = [
        RoleField::SessionToken,
        RoleField::VerificationToken,
        RoleField::AccountRefreshToken,
        RoleField::AccountAccessToken,
        RoleField::AccountIdToken,
        RoleField::AccountSessionState,
        RoleField::AccountExtra,
    ];

    /// Both `Debug` forms of a value: what a log line and a pretty panic message show.
    fn printed(value: &impl std::fmt::Debug) -> [String; 2] {
        [format!("{value:?}"), format!("{value:#?}")]
    }

    /// A row of `M` whose text columns each hold `value-of-<column>.`, read through the
    /// model's own decoding.
    fn marked_row<M: Model>() -> M {
        let values = M::TABLE.columns.iter().map(|column| match column.ty {
            ColumnType::Text => Value::Text(format!("value-of-{}.", column.name)),
            ColumnType::Uuid => Value::Uuid(Uuid::nil()),
            ColumnType::Bool => Value::Bool(true),
            ColumnType::Int32 | ColumnType::Int64 => Value::Int(7),
            ColumnType::Float64 => Value::Float(0.5),
            ColumnType::Timestamp | ColumnType::EpochMillis => {
                Value::Timestamp(DateTime::UNIX_EPOCH)
            }
            ColumnType::Json => Value::Json(serde_json::json!({ "oauth_token_secret": "x" })),
            ColumnType::Bytes => Value::Bytes(vec![1]),
        });
        M::from_values(values.collect()).expect("a row of every column's type")
    }

    /// `M`'s `Debug` shows every text column's value but those of [`SECRETS`], which it
    /// shows as `"<redacted>"`.
    pub(super) fn assert_prints_no_secret<M: Model + std::fmt::Debug>() {
        let row = marked_row::<M>();
        for text in printed(&row) {
            for column in M::TABLE.columns {
                let secret = column.role.is_some_and(|role| SECRETS.contains(&role));
                if column.ty == ColumnType::Text {
                    let value = format!("value-of-{}.", column.name);
                    assert_eq!(
                        text.contains(&value),
                        !secret,
                        "{}.{}: {text}",
                        M::TABLE.name,
                        column.name
                    );
                }
                if secret {
                    assert!(text.contains("\"<redacted>\""), "{text}");
                }
            }
        }
    }

    #[test]
    fn session_debug_prints_no_token() {
        let session = Session {
            id: Uuid::nil(),
            session_token: "st-6f1c2a".into(),
            user_id: Uuid::nil(),
            expires: DateTime::UNIX_EPOCH,
        };
        for text in printed(&session) {
            assert!(!text.contains("st-6f1c2a"), "{text}");
        }
        assert_eq!(
            format!("{session:?}"),
            format!(
                "Session {{ id: {0:?}, session_token: \"<redacted>\", user_id: {0:?}, \
                 expires: {1:?} }}",
                Uuid::nil(),
                DateTime::<Utc>::UNIX_EPOCH
            )
        );
        // The patch `update_session` takes carries the token as well.
        let patch = SessionPatch {
            session_token: Some("st-6f1c2a".into()),
            ..Default::default()
        };
        for text in printed(&patch) {
            assert!(!text.contains("st-6f1c2a"), "{text}");
        }
        assert_eq!(
            format!("{patch:?}"),
            "SessionPatch { session_token: Some(\"<redacted>\"), user_id: None, expires: None }"
        );
        assert_prints_no_secret::<Session>();
    }

    #[test]
    fn account_debug_prints_no_oauth_token() {
        let account = Account {
            id: Uuid::nil(),
            user_id: Uuid::nil(),
            kind: "oidc".into(),
            provider: "google".into(),
            provider_account_id: "1093847561".into(),
            refresh_token: Some("rt-90ab".into()),
            access_token: Some("at-77cd".into()),
            expires_at: Some(1_700_000_000),
            token_type: Some("bearer".into()),
            scope: Some("openid email".into()),
            id_token: Some("eyJhbGciOi.it-55ef".into()),
            session_state: None,
        };
        for text in printed(&account) {
            for token in ["rt-90ab", "at-77cd", "it-55ef"] {
                assert!(!text.contains(token), "{text}");
            }
            for public in [
                "google",
                "1093847561",
                "1700000000",
                "bearer",
                "openid email",
            ] {
                assert!(text.contains(public), "{text}");
            }
        }
        let text = format!("{account:?}");
        assert!(
            text.contains("access_token: Some(\"<redacted>\")"),
            "{text}"
        );
        // An absent token is shown absent: redaction hides values, not their presence.
        assert!(text.contains("session_state: None"), "{text}");
        assert_prints_no_secret::<Account>();
    }

    #[test]
    fn verification_token_debug_prints_no_token() {
        let token = VerificationToken {
            identifier: "ada@example.com".into(),
            token: "vt-3c4d".into(),
            expires: DateTime::UNIX_EPOCH,
        };
        for text in printed(&token) {
            assert!(!text.contains("vt-3c4d"), "{text}");
            assert!(text.contains("ada@example.com"), "{text}");
        }
        assert_prints_no_secret::<VerificationToken>();
    }

    #[test]
    fn user_debug_is_the_standard_one() {
        let user = User {
            id: Uuid::nil(),
            name: Some("Ada".into()),
            email: "ada@example.com".into(),
            email_verified: None,
            image: None,
        };
        assert_eq!(
            format!("{user:?}"),
            format!(
                "User {{ id: {:?}, name: Some(\"Ada\"), email: \"ada@example.com\", \
                 email_verified: None, image: None }}",
                Uuid::nil()
            )
        );
        assert_prints_no_secret::<User>();
    }

    #[test]
    fn authenticator_debug_shows_its_public_key() {
        let authenticator = Authenticator {
            credential_id: "cred-1a2b".into(),
            user_id: Uuid::nil(),
            provider_account_id: "cred-1a2b".into(),
            credential_public_key: "pQECAyYgASFYIL".into(),
            counter: 3,
            credential_device_type: "singleDevice".into(),
            credential_backed_up: false,
            transports: Some("usb".into()),
        };
        // WebAuthn public keys and credential ids are public by design: nothing is redacted.
        for text in printed(&authenticator) {
            assert!(text.contains("pQECAyYgASFYIL"), "{text}");
            assert!(!text.contains("<redacted>"), "{text}");
        }
        assert_prints_no_secret::<Authenticator>();
    }

    #[test]
    fn default_schema_binds_the_five_tables() {
        let names: Vec<_> = DefaultSchema::tables().iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "users",
                "accounts",
                "sessions",
                "verification_tokens",
                "authenticators"
            ]
        );
    }
}
