use authmodel::AuthModel;
use authmodel::models::User;

#[derive(AuthModel)]
#[auth(role = "user", debug)]
pub struct Member {
    #[auth(flatten, secret)]
    pub base: User,
    pub role: String,
}

fn main() {}
