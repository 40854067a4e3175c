//! The default models: the Auth.js field set, snake_case in Rust and in the database.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`],
//! bound together by [`DefaultSchema`]. They are declared with `#[derive(AuthModel)]` like any
//! application's models: copy one as the starting point of your own.
//!
//! Their `Debug` is the derive's (`#[auth(debug)]`): it shows the session token, the
//! verification token and the account's OAuth tokens and `session_state` as `"<redacted>"`,
//! so a model in a log line or a panic message gives away no credential.
//!
//! They are `Serialize` and `Deserialize` (serde), so a handler can return one as JSON without
//! a DTO. The same fields are secret when serialising: the session token, the verification
//! token and the account's OAuth tokens and `session_state` are left out, so a session or an
//! account sent to a browser carries no credential. An application that needs them (a
//! backup, a queue between its own services) opts in per value with [`WithSecrets`].
//! Deserialising accepts a document with or without them; a missing secret is empty (`""` or
//! `None`). Field names are the Rust ones (`email_verified`, `user_id`), timestamps RFC 3339.
//!
//! ```
//! use authmodel::models::{Session, WithSecrets};
//!
//! let session = Session::new(uuid::Uuid::new_v4(), "the-cookie-value", chrono::Utc::now());
//! let json = serde_json::to_string(&session)?;
//! assert!(!json.contains("the-cookie-value"));
//! let json = serde_json::to_string(&WithSecrets(&session))?;
//! assert!(json.contains("the-cookie-value"));
//! let back: Session = serde_json::from_str(&json)?;
//! assert_eq!(back, session);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The secrets are skipped by hand-written attributes on these structs
//! (`#[serde(skip_serializing, default)]`), not by a derive option: a model of your own
//! derives serde the same way and marks its secret fields the same way.
//!
//! New rows are built with `new`: [`User::new`], [`Account::new`], [`Session::new`],
//! [`VerificationToken::new`]. Their generated id (`Uuid::nil()` until stored) is the
//! adapter's to set, and it replaces it on insert; the other fields start empty, and struct
//! update syntax sets more (`User { name: Some("Ada".into()), ..User::new("ada@example.com") }`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{AuthModel, AuthSchema};

pub mod compat;

/// A person who signs in (table `users`).
///
/// On SQLite the table is `WITHOUT ROWID` (stored in its `id` key): every read of a user by
/// id, the session lookup's included, walks one B-tree instead of two.
#[derive(Clone, PartialEq, AuthModel, Serialize, Deserialize)]
#[auth(role = "user", debug, without_rowid)]
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
#[derive(Clone, PartialEq, AuthModel, Serialize, Deserialize)]
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
    /// The OAuth refresh token. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub refresh_token: Option<String>,
    /// The OAuth access token. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub access_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    /// The token type, usually `bearer`.
    pub token_type: Option<String>,
    /// The granted scopes.
    pub scope: Option<String>,
    /// The OpenID Connect id token. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub id_token: Option<String>,
    /// The OAuth session state. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub session_state: Option<String>,
}

/// A database session (table `sessions`).
#[derive(Clone, PartialEq, AuthModel, Serialize, Deserialize)]
#[auth(role = "session", debug)]
pub struct Session {
    /// A random UUID, generated when the session is created.
    pub id: Uuid,
    /// The random value kept in the session cookie; unique. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub session_token: String,
    /// The user signed in.
    pub user_id: Uuid,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// A single-use email sign-in token (table `verification_tokens`).
#[derive(Clone, PartialEq, AuthModel, Serialize, Deserialize)]
#[auth(role = "verification_token", debug)]
pub struct VerificationToken {
    /// Who the token was sent to, usually an email address.
    pub identifier: String,
    /// The hashed token. Secret: not serialised unless [`WithSecrets`].
    #[serde(skip_serializing, default)]
    pub token: String,
    /// When the token stops being accepted.
    pub expires: DateTime<Utc>,
}

/// A WebAuthn credential (table `authenticators`).
#[derive(Clone, PartialEq, AuthModel, Serialize, Deserialize)]
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

impl User {
    /// A new user with this email and nothing else; its id is generated when it is stored.
    pub fn new(email: impl Into<String>) -> User {
        User {
            id: Uuid::nil(),
            name: None,
            email: email.into(),
            email_verified: None,
            image: None,
        }
    }
}

impl Account {
    /// A new link of `user_id` to the account `provider_account_id` at `provider`, of
    /// provider type `kind` (`oauth`, `oidc`, `email`, `webauthn`), without tokens; its id is
    /// generated when it is linked. From a provider's token response, use
    /// [`accounts::from_token_response`](crate::accounts::from_token_response) instead.
    pub fn new(
        user_id: Uuid,
        kind: impl Into<String>,
        provider: impl Into<String>,
        provider_account_id: impl Into<String>,
    ) -> Account {
        Account {
            id: Uuid::nil(),
            user_id,
            kind: kind.into(),
            provider: provider.into(),
            provider_account_id: provider_account_id.into(),
            refresh_token: None,
            access_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            id_token: None,
            session_state: None,
        }
    }
}

impl Session {
    /// A new session of `user_id` with this token, ending at `expires`; its id is generated
    /// when it is stored. The session layer ([`crate::session::Sessions`]) makes sessions
    /// itself, with a fresh token.
    pub fn new(user_id: Uuid, session_token: impl Into<String>, expires: DateTime<Utc>) -> Session {
        Session {
            id: Uuid::nil(),
            session_token: session_token.into(),
            user_id,
            expires,
        }
    }
}

impl VerificationToken {
    /// A token for `identifier`, as stored (`token` is the hash the session layer makes),
    /// accepted until `expires`.
    pub fn new(
        identifier: impl Into<String>,
        token: impl Into<String>,
        expires: DateTime<Utc>,
    ) -> VerificationToken {
        VerificationToken {
            identifier: identifier.into(),
            token: token.into(),
            expires,
        }
    }
}

/// A default model serialised with its secret fields (tokens, `session_state`), which its own
/// `Serialize` leaves out: `serde_json::to_string(&WithSecrets(&session))`. For storage and
/// messages between an application's own services, never for a browser.
#[derive(Debug, Clone, Copy)]
pub struct WithSecrets<'a, T>(pub &'a T);

/// The borrowed mirrors [`WithSecrets`] serialises: every field, the secret ones included, in
/// the models' field order and names.
mod mirror {
    use chrono::{DateTime, Utc};
    use serde::Serialize;
    use uuid::Uuid;

    #[derive(Serialize)]
    #[serde(rename = "Account")]
    pub(super) struct Account<'a> {
        pub id: &'a Uuid,
        pub user_id: &'a Uuid,
        pub kind: &'a str,
        pub provider: &'a str,
        pub provider_account_id: &'a str,
        pub refresh_token: &'a Option<String>,
        pub access_token: &'a Option<String>,
        pub expires_at: &'a Option<i64>,
        pub token_type: &'a Option<String>,
        pub scope: &'a Option<String>,
        pub id_token: &'a Option<String>,
        pub session_state: &'a Option<String>,
    }

    #[derive(Serialize)]
    #[serde(rename = "Session")]
    pub(super) struct Session<'a> {
        pub id: &'a Uuid,
        pub session_token: &'a str,
        pub user_id: &'a Uuid,
        pub expires: &'a DateTime<Utc>,
    }

    #[derive(Serialize)]
    #[serde(rename = "VerificationToken")]
    pub(super) struct VerificationToken<'a> {
        pub identifier: &'a str,
        pub token: &'a str,
        pub expires: &'a DateTime<Utc>,
    }
}

impl Serialize for WithSecrets<'_, Account> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let a = self.0;
        mirror::Account {
            id: &a.id,
            user_id: &a.user_id,
            kind: &a.kind,
            provider: &a.provider,
            provider_account_id: &a.provider_account_id,
            refresh_token: &a.refresh_token,
            access_token: &a.access_token,
            expires_at: &a.expires_at,
            token_type: &a.token_type,
            scope: &a.scope,
            id_token: &a.id_token,
            session_state: &a.session_state,
        }
        .serialize(serializer)
    }
}

impl Serialize for WithSecrets<'_, Session> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let s = self.0;
        mirror::Session {
            id: &s.id,
            session_token: &s.session_token,
            user_id: &s.user_id,
            expires: &s.expires,
        }
        .serialize(serializer)
    }
}

impl Serialize for WithSecrets<'_, VerificationToken> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let t = self.0;
        mirror::VerificationToken {
            identifier: &t.identifier,
            token: &t.token,
            expires: &t.expires,
        }
        .serialize(serializer)
    }
}

/// Users hold no secret: the same as their own `Serialize`.
impl Serialize for WithSecrets<'_, User> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        self.0.serialize(serializer)
    }
}

/// Authenticators hold no secret (the public key is public): the same as their own
/// `Serialize`.
impl Serialize for WithSecrets<'_, Authenticator> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        self.0.serialize(serializer)
    }
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

    #[test]
    fn serialising_leaves_the_secrets_out() {
        let user = uuid::Uuid::new_v4();
        let expires = chrono::Utc::now();
        let session = Session::new(user, "cookie-7f3a", expires);
        let json = serde_json::to_value(&session).unwrap();
        assert!(!json.to_string().contains("cookie-7f3a"), "{json}");
        assert_eq!(json["user_id"], user.to_string());
        assert!(json.get("session_token").is_none());
        // A redacted document reads back, the secret empty.
        let back: Session = serde_json::from_value(json).unwrap();
        assert_eq!(back.session_token, "");
        assert_eq!((back.user_id, back.expires), (user, expires));

        let account = Account {
            refresh_token: Some("ghr_r".into()),
            access_token: Some("gho_a".into()),
            id_token: Some("eyJ.id".into()),
            session_state: Some("state-s".into()),
            scope: Some("read:user".into()),
            ..Account::new(user, "oauth", "github", "4711")
        };
        let json = serde_json::to_string(&account).unwrap();
        for secret in ["ghr_r", "gho_a", "eyJ.id", "state-s"] {
            assert!(!json.contains(secret), "{json}");
        }
        assert!(
            json.contains("read:user") && json.contains("4711"),
            "{json}"
        );
        let token = VerificationToken::new("ada@example.com", "hash-9c1", expires);
        let json = serde_json::to_string(&token).unwrap();
        assert!(!json.contains("hash-9c1") && json.contains("ada@example.com"));
    }

    #[test]
    fn with_secrets_serialises_every_field_and_round_trips() {
        let session = Session::new(uuid::Uuid::new_v4(), "cookie-7f3a", chrono::Utc::now());
        let json = serde_json::to_string(&WithSecrets(&session)).unwrap();
        assert!(json.contains("\"session_token\":\"cookie-7f3a\""), "{json}");
        assert_eq!(serde_json::from_str::<Session>(&json).unwrap(), session);
        let account = Account {
            access_token: Some("gho_a".into()),
            session_state: Some("state-s".into()),
            ..Account::new(uuid::Uuid::new_v4(), "oauth", "github", "4711")
        };
        let json = serde_json::to_string(&WithSecrets(&account)).unwrap();
        assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), account);
        let token = VerificationToken::new("ada@example.com", "hash-9c1", chrono::Utc::now());
        let json = serde_json::to_string(&WithSecrets(&token)).unwrap();
        assert_eq!(
            serde_json::from_str::<VerificationToken>(&json).unwrap(),
            token
        );
        let user = User {
            name: Some("Ada".into()),
            ..User::new("ada@example.com")
        };
        let json = serde_json::to_string(&WithSecrets(&user)).unwrap();
        assert_eq!(json, serde_json::to_string(&user).unwrap());
        assert_eq!(serde_json::from_str::<User>(&json).unwrap(), user);
    }

    #[test]
    fn role_traits_read_the_role_fields() {
        use crate::traits::{AccountModel, SessionModel, UserModel, VerificationTokenModel};
        fn owner<M: SessionModel>(session: &M) -> Option<String> {
            session.user_id()
        }
        let id = uuid::Uuid::new_v4();
        let expires = chrono::Utc::now();
        let user = User {
            id,
            ..User::new("ada@example.com")
        };
        assert_eq!(UserModel::id(&user), Some(id.to_string()));
        assert_eq!(user.email().as_deref(), Some("ada@example.com"));
        let session = Session::new(id, "t", expires);
        assert_eq!(owner(&session), Some(id.to_string()));
        assert_eq!(session.session_token().as_deref(), Some("t"));
        assert_eq!(SessionModel::expires(&session), Some(expires));
        let account = Account::new(id, "oauth", "github", "4711");
        assert_eq!(AccountModel::user_id(&account), Some(id.to_string()));
        assert_eq!(account.provider().as_deref(), Some("github"));
        assert_eq!(account.provider_account_id().as_deref(), Some("4711"));
        let token = VerificationToken::new("ada@example.com", "h", expires);
        assert_eq!(token.identifier().as_deref(), Some("ada@example.com"));
        assert_eq!(VerificationTokenModel::expires(&token), Some(expires));
    }
}
