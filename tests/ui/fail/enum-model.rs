use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub enum Member {
    Guest,
}

fn main() {}
