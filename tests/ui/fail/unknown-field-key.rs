use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    #[auth(uniqe)]
    pub email: String,
}

fn main() {}
