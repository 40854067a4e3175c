use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id = "autoincrement", db_default)]
    pub id: i64,
    pub email: String,
}

fn main() {}
