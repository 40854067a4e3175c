use authmodel::AuthModel;
use authmodel::models::Session;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(flatten)]
    pub base: Session,
    pub role: String,
}

fn main() {}
