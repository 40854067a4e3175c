use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "account")]
pub struct Link {
    pub user_id: uuid::Uuid,
    pub kind: String,
    pub provider: String,
    pub provider_account_id: String,
    #[auth(extra)]
    pub rest: String,
}

fn main() {}
