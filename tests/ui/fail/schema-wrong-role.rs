use authmodel::AuthSchema;
use authmodel::models::Session;

#[derive(AuthSchema)]
#[auth(user = Session)]
pub struct AppAuth;

fn main() {}
