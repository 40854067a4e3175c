use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(flatten)]
    pub base: String,
    pub role: String,
}

fn main() {}
