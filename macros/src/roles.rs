//! What each contract role needs: the fields it recognises by name, which it requires, and
//! the default table name. The runtime's `RoleField` enum has one variant per entry here;
//! the types each field accepts are checked by the runtime's `role_types` traits, so they are
//! written once, where the types live.

use crate::attr::RoleArg;

/// A field a role recognises.
pub struct RoleFieldDef {
    /// The Rust field names that play it (the first is the canonical one).
    pub names: &'static [&'static str],
    /// The `RoleField` variant in the runtime (also the name of its type-check trait).
    pub variant: &'static str,
    /// Whether a model of this role must have it.
    pub required: bool,
    /// How to declare it, for "missing field" messages.
    pub example: &'static str,
    /// Whether its value is a credential, redacted by the `Debug` of `#[auth(debug)]`
    /// without `#[auth(secret)]` (which ones, and why: `RoleFieldDef::secret()`).
    pub secret: bool,
}

const fn f(
    names: &'static [&'static str],
    variant: &'static str,
    required: bool,
    example: &'static str,
) -> RoleFieldDef {
    RoleFieldDef {
        names,
        variant,
        required,
        example,
        secret: false,
    }
}

impl RoleFieldDef {
    /// Marks a contract field whose value lets its holder act as the user, or as the
    /// application towards the provider: the session token (the cookie), the verification
    /// token (a sign-in link), the OAuth tokens, and `session_state`, the provider's handle
    /// on the user's login session (OpenID Connect Session Management). What names or
    /// describes a credential is not one: `provider_account_id`, `expires_at`, `token_type`,
    /// `scope`, and the authenticator's `credential_id` and `credential_public_key`, which
    /// WebAuthn makes public by design.
    const fn secret(mut self) -> RoleFieldDef {
        self.secret = true;
        self
    }
}

/// The account's JSON column of token fields the model does not name (`#[auth(extra)]`):
/// never found by name, only marked. A secret: what it collects are token fields, OAuth 1's
/// `oauth_token_secret` among them.
pub const ACCOUNT_EXTRA: RoleFieldDef = f(
    &["extra"],
    "AccountExtra",
    false,
    "#[auth(extra)] pub extra: Option<serde_json::Value>",
)
.secret();

const USER: &[RoleFieldDef] = &[
    f(&["id"], "UserId", true, "pub id: uuid::Uuid"),
    f(&["email"], "UserEmail", true, "pub email: String"),
    f(
        &["email_verified"],
        "UserEmailVerified",
        false,
        "pub email_verified: Option<DateTime<Utc>>",
    ),
    f(&["name"], "UserName", false, "pub name: Option<String>"),
    f(&["image"], "UserImage", false, "pub image: Option<String>"),
];

const ACCOUNT: &[RoleFieldDef] = &[
    f(&["id"], "AccountId", false, "pub id: uuid::Uuid"),
    f(
        &["user_id"],
        "AccountUserId",
        true,
        "pub user_id: uuid::Uuid",
    ),
    f(
        &["kind", "type"],
        "AccountType",
        true,
        "#[auth(column = \"type\")] pub kind: String",
    ),
    f(
        &["provider"],
        "AccountProvider",
        true,
        "pub provider: String",
    ),
    f(
        &["provider_account_id"],
        "AccountProviderAccountId",
        true,
        "pub provider_account_id: String",
    ),
    f(
        &["refresh_token"],
        "AccountRefreshToken",
        false,
        "pub refresh_token: Option<String>",
    )
    .secret(),
    f(
        &["access_token"],
        "AccountAccessToken",
        false,
        "pub access_token: Option<String>",
    )
    .secret(),
    f(
        &["expires_at"],
        "AccountExpiresAt",
        false,
        "pub expires_at: Option<i64>",
    ),
    f(
        &["token_type"],
        "AccountTokenType",
        false,
        "pub token_type: Option<String>",
    ),
    f(
        &["scope"],
        "AccountScope",
        false,
        "pub scope: Option<String>",
    ),
    f(
        &["id_token"],
        "AccountIdToken",
        false,
        "pub id_token: Option<String>",
    )
    .secret(),
    f(
        &["session_state"],
        "AccountSessionState",
        false,
        "pub session_state: Option<String>",
    )
    .secret(),
];

const SESSION: &[RoleFieldDef] = &[
    f(&["id"], "SessionId", false, "pub id: uuid::Uuid"),
    f(
        &["session_token"],
        "SessionToken",
        true,
        "pub session_token: String",
    )
    .secret(),
    f(
        &["user_id"],
        "SessionUserId",
        true,
        "pub user_id: uuid::Uuid",
    ),
    f(
        &["expires"],
        "SessionExpires",
        true,
        "pub expires: DateTime<Utc>",
    ),
];

const VERIFICATION_TOKEN: &[RoleFieldDef] = &[
    f(
        &["identifier"],
        "VerificationIdentifier",
        true,
        "pub identifier: String",
    ),
    f(&["token"], "VerificationToken", true, "pub token: String").secret(),
    f(
        &["expires"],
        "VerificationExpires",
        true,
        "pub expires: DateTime<Utc>",
    ),
];

const AUTHENTICATOR: &[RoleFieldDef] = &[
    f(&["id"], "AuthenticatorId", false, "pub id: uuid::Uuid"),
    f(
        &["credential_id"],
        "AuthenticatorCredentialId",
        true,
        "pub credential_id: String",
    ),
    f(
        &["user_id"],
        "AuthenticatorUserId",
        true,
        "pub user_id: uuid::Uuid",
    ),
    f(
        &["provider_account_id"],
        "AuthenticatorProviderAccountId",
        true,
        "pub provider_account_id: String",
    ),
    f(
        &["credential_public_key"],
        "AuthenticatorCredentialPublicKey",
        true,
        "pub credential_public_key: String",
    ),
    f(
        &["counter"],
        "AuthenticatorCounter",
        true,
        "pub counter: i64",
    ),
    f(
        &["credential_device_type"],
        "AuthenticatorCredentialDeviceType",
        true,
        "pub credential_device_type: String",
    ),
    f(
        &["credential_backed_up"],
        "AuthenticatorCredentialBackedUp",
        true,
        "pub credential_backed_up: bool",
    ),
    f(
        &["transports"],
        "AuthenticatorTransports",
        false,
        "pub transports: Option<String>",
    ),
];

impl RoleArg {
    /// The fields this role recognises.
    pub fn fields(self) -> &'static [RoleFieldDef] {
        match self {
            RoleArg::User => USER,
            RoleArg::Account => ACCOUNT,
            RoleArg::Session => SESSION,
            RoleArg::VerificationToken => VERIFICATION_TOKEN,
            RoleArg::Authenticator => AUTHENTICATOR,
        }
    }

    /// The table a model of this role gets unless `#[auth(table = "...")]` says otherwise.
    pub fn default_table(self) -> &'static str {
        match self {
            RoleArg::User => "users",
            RoleArg::Account => "accounts",
            RoleArg::Session => "sessions",
            RoleArg::VerificationToken => "verification_tokens",
            RoleArg::Authenticator => "authenticators",
        }
    }

    /// The runtime's `Role` variant and role trait names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            RoleArg::User => ("User", "UserModel"),
            RoleArg::Account => ("Account", "AccountModel"),
            RoleArg::Session => ("Session", "SessionModel"),
            RoleArg::VerificationToken => ("VerificationToken", "VerificationTokenModel"),
            RoleArg::Authenticator => ("Authenticator", "AuthenticatorModel"),
        }
    }

    /// How the role reads in messages: "a user model".
    pub fn article_name(self) -> &'static str {
        match self {
            RoleArg::User => "a user model",
            RoleArg::Account => "an account model",
            RoleArg::Session => "a session model",
            RoleArg::VerificationToken => "a verification token model",
            RoleArg::Authenticator => "an authenticator model",
        }
    }

    /// The role recognising a Rust field name.
    pub fn field_named(self, name: &str) -> Option<&'static RoleFieldDef> {
        self.fields().iter().find(|f| f.names.contains(&name))
    }
}
