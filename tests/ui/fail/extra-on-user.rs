use authmodel::AuthModel;

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    #[auth(extra)]
    pub rest: Option<serde_json::Value>,
}

fn main() {}
