use authmodel::{AuthModel, Model};

/// Drizzle's authenticator: a composite primary key, the credential id unique.
#[derive(Debug, Clone, AuthModel)]
#[auth(
    role = "authenticator",
    primary_key(user_id, credential_id),
    unique(credential_id, name = "authenticator_credentialID_unique"),
    exact_keys
)]
pub struct Passkey {
    pub credential_id: String,
    pub user_id: uuid::Uuid,
    pub provider_account_id: String,
    pub credential_public_key: String,
    pub counter: i64,
    pub credential_device_type: String,
    pub credential_backed_up: bool,
    pub transports: Option<String>,
}

/// Kysely's session: the index under the layout's own name.
#[derive(Debug, Clone, AuthModel)]
#[auth(role = "session", index(user_id, name = "Session_userId_index"))]
pub struct Login {
    pub id: uuid::Uuid,
    pub session_token: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {
    let primary: Vec<&str> = Passkey::TABLE.primary_key().iter().map(|c| c.name).collect();
    assert_eq!(primary, ["user_id", "credential_id"]);
    let unique: Vec<String> = Passkey::TABLE.unique_keys().into_iter().map(|k| k.name).collect();
    assert_eq!(unique, ["authenticator_credentialID_unique"]);
    assert!(Passkey::TABLE.indexes().is_empty());
    let indexes: Vec<String> = Login::TABLE.indexes().into_iter().map(|k| k.name).collect();
    assert_eq!(indexes, ["Session_userId_index"]);
}
