//! The default models: the Auth.js field set, snake_case in Rust and in the database.
//!
//! Entry points: [`User`], [`Account`], [`Session`], [`VerificationToken`], [`Authenticator`],
//! bound together by [`DefaultSchema`]. They are declared with `#[derive(AuthModel)]` like any
//! application's models: copy one as the starting point of your own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{AuthModel, AuthSchema};

pub mod compat;

/// A person who signs in (table `users`).
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
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
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account")]
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
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session")]
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
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token")]
pub struct VerificationToken {
    /// Who the token was sent to, usually an email address.
    pub identifier: String,
    /// The hashed token.
    pub token: String,
    /// When the token stops being accepted.
    pub expires: DateTime<Utc>,
}

/// A WebAuthn credential (table `authenticators`).
#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "authenticator")]
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
