use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(db_default)]
    pub handle: String,
}

fn main() {}
