//! A schema names the models it replaces; the rest are the defaults.
use authmodel::{AuthModel, AuthSchema, Schema};

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct AppUser {
    pub id: uuid::Uuid,
    pub email: String,
    pub role: String,
}

#[derive(AuthSchema)]
#[auth(user = AppUser)]
pub struct AppAuth;

#[derive(AuthSchema)]
pub struct Plain;

fn main() {
    let names: Vec<_> = AppAuth::tables().iter().map(|t| t.name).collect();
    assert_eq!(names[0], "users");
    assert_eq!(AppAuth::tables()[0].columns.len(), 3);
    assert_eq!(Plain::tables()[0].columns.len(), 5);
}
