//! Every id strategy.
use authmodel::schema::IdStrategy;
use authmodel::{AuthModel, Model};

fn ticket() -> String {
    "t-1".into()
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct V7 {
    #[auth(id = "uuid_v7")]
    pub id: uuid::Uuid,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct TextV4 {
    #[auth(id = "uuid_v4")]
    pub id: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct Serial {
    #[auth(id = "autoincrement")]
    pub id: i32,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct Given {
    #[auth(id = "provided")]
    pub id: uuid::Uuid,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct FromFunction {
    #[auth(id_with = ticket)]
    pub id: String,
    pub email: String,
}

fn main() {
    assert_eq!(V7::TABLE.columns[0].id, Some(IdStrategy::UuidV7));
    assert_eq!(TextV4::TABLE.columns[0].id, Some(IdStrategy::UuidV4));
    assert_eq!(Serial::TABLE.columns[0].id, Some(IdStrategy::AutoIncrement));
    assert_eq!(Given::TABLE.columns[0].id, Some(IdStrategy::Provided));
    assert_eq!(FromFunction::TABLE.columns[0].id, Some(IdStrategy::Generated(ticket)));
}
