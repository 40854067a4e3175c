use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user", debug)]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(secert)]
    pub totp_seed: Option<String>,
}

fn main() {}
