use authmodel::AuthModel;

fn next_id() -> i64 {
    7
}

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id_with = next_id)]
    pub id: String,
    pub email: String,
}

fn main() {}
