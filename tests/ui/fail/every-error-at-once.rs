use authmodel::AuthModel;

// Three independent mistakes: all three are reported, each on its own tokens.
#[derive(Clone, AuthModel)]
#[auth(role = "account", table = "bad-name")]
pub struct Link {
    pub id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    #[auth(column = "type")]
    pub kind: String,
    #[auth(indx)]
    pub provider: String,
    #[auth(column = "provider")]
    pub provider_account_id: String,
}

fn main() {}
