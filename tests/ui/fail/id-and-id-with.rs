use authmodel::AuthModel;

fn new_id() -> String {
    "x".into()
}

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id, id_with = new_id)]
    pub id: String,
    pub email: String,
}

fn main() {}
