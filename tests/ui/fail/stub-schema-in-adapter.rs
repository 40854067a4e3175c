use authmodel::{AuthSchema, Schema, SqlAdapter};

// The unknown key is the one error: the stub left beside it keeps `AppAuth` a schema for
// the adapter and the code below.
#[derive(AuthSchema)]
#[auth(usr = authmodel::models::User)]
pub struct AppAuth;

fn open(_adapter: SqlAdapter<AppAuth>) {}

fn main() {
    let _ = AppAuth::tables().len();
    let _ = open;
}
