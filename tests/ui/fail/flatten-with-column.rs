use authmodel::AuthModel;
use authmodel::models::User;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(flatten, column = "base")]
    pub base: User,
    pub role: String,
}

fn main() {}
