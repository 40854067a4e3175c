use authmodel::AuthModel;

#[derive(Clone, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub last_seen: std::time::Instant,
}

fn main() {}
