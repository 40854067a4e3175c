use authmodel::AuthModel;

#[derive(Debug, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(secret)]
    pub totp_seed: Option<String>,
}

fn main() {}
