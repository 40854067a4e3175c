use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(
    role = "verification_token",
    primary_key(identifier, token),
    primary_key(token, identifier)
)]
pub struct Token {
    pub identifier: String,
    pub token: String,
    pub expires: chrono::DateTime<chrono::Utc>,
}

fn main() {}
