use authmodel::AuthModel;

#[derive(Clone, Copy, AuthModel)]
#[auth(role = "user")]
pub union Member {
    id: u64,
}

fn main() {}
