//! Enums stored as text, typed JSON, and an account collecting unknown token fields.
use authmodel::schema::{ColumnType, RoleField};
use authmodel::value::Json;
use authmodel::{AuthEnum, AuthModel, ColumnValue, Model, Value};

#[derive(Debug, Clone, Copy, PartialEq, AuthEnum)]
#[auth(rename_all = "snake_case")]
pub enum Plan {
    Free,
    TeamPro,
    #[auth(rename = "legacy")]
    Old,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Preferences {
    pub theme: String,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    pub id: uuid::Uuid,
    pub email: String,
    pub plan: Plan,
    pub previous_plan: Option<Plan>,
    pub preferences: Json<Preferences>,
}

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "account")]
pub struct Link {
    pub user_id: uuid::Uuid,
    pub kind: String,
    pub provider: String,
    pub provider_account_id: String,
    #[auth(extra)]
    pub token_fields: Option<serde_json::Value>,
}

fn main() {
    assert_eq!(Plan::TeamPro.to_value().unwrap(), Value::Text("team_pro".into()));
    assert_eq!(Plan::from_value(Value::Text("legacy".into())).unwrap(), Plan::Old);
    assert!(Plan::from_value(Value::Text("gold".into())).is_err());
    assert_eq!(Member::TABLE.columns[2].ty, ColumnType::Text);
    assert_eq!(Member::TABLE.columns[4].ty, ColumnType::Json);
    assert!(Link::TABLE.column(RoleField::AccountExtra).is_some());
}
