use authmodel::AuthModel;
use authmodel::models::User;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(flatten)]
    pub base: User,
    #[auth(column = "email")]
    pub contact: String,
}

fn main() {}
