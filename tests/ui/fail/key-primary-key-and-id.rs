use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "authenticator", primary_key(user_id, credential_id))]
pub struct Passkey {
    #[auth(id)]
    pub id: i64,
    pub credential_id: String,
    pub user_id: uuid::Uuid,
    pub provider_account_id: String,
    pub credential_public_key: String,
    pub counter: i64,
    pub credential_device_type: String,
    pub credential_backed_up: bool,
    pub transports: Option<String>,
}

fn main() {}
