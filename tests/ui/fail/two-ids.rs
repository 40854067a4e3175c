use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(id)]
    pub member_id: uuid::Uuid,
    #[auth(id)]
    pub legacy_id: uuid::Uuid,
    pub email: String,
}

fn main() {}
