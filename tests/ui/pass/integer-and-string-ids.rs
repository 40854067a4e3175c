//! Integer ids are assigned by the database; string ids are stored as given.
use authmodel::AuthModel;
use authmodel::schema::IdStrategy;
use authmodel::Model;

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct NumberedUser {
    pub id: i64,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct NamedUser {
    #[auth(id, column = "user_id")]
    pub key: String,
    pub email: Option<String>,
}

fn main() {
    assert_eq!(NumberedUser::TABLE.columns[0].id, Some(IdStrategy::AutoIncrement));
    assert_eq!(NamedUser::TABLE.columns[0].id, Some(IdStrategy::Provided));
    assert_eq!(NamedUser::TABLE.columns[0].name, "user_id");
}
