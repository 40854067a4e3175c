use authmodel::{AuthEnum, AuthModel};

// The variant carrying data is the one error: the stub left beside it keeps `Plan` a column
// value for the model that stores it.
#[derive(Debug, Clone, PartialEq, AuthEnum)]
pub enum Plan {
    Free,
    Paid(u32),
}

#[derive(AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub plan: Plan,
}

fn main() {}
