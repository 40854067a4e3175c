use authmodel::{AuthModel, AuthSchema, Model};

// The misspelt key is the one error: the stub left beside it keeps `Member` a user model
// for the schema, and gives the code below its table and its patch type.
#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    #[auth(uniqe)]
    pub email: String,
}

#[derive(AuthSchema)]
#[auth(user = Member)]
pub struct AppAuth;

fn main() {
    let _ = Member::TABLE.columns.len();
    let _ = MemberPatch::default();
}
