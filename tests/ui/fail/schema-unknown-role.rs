use authmodel::AuthSchema;
use authmodel::models::User;

#[derive(AuthSchema)]
#[auth(usr = User)]
pub struct AppAuth;

fn main() {}
