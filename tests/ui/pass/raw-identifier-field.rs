//! `r#type` plays the account's `type`, like `kind` does.
use authmodel::{AuthModel, Model};
use authmodel::schema::RoleField;

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account")]
pub struct Link {
    pub user_id: uuid::Uuid,
    pub r#type: String,
    pub provider: String,
    pub provider_account_id: String,
}

fn main() {
    let column = Link::TABLE.column(RoleField::AccountType).unwrap();
    assert_eq!((column.name, column.field), ("type", "type"));
}
