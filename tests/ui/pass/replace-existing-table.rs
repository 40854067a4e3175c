//! A struct of the application's own, mapped onto an existing camelCase table.
use authmodel::schema::{IdStrategy, RoleField};
use authmodel::{AuthModel, Model};

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "session", table = "Session", rename_all = "camelCase")]
pub struct WebSession {
    #[auth(id)]
    pub session_id: i32,
    #[auth(field = "session_token")]
    pub token: String,
    pub user_id: i32,
    #[auth(field = "expires")]
    pub valid_until: chrono::DateTime<chrono::Utc>,
    #[auth(skip)]
    pub cached: Option<String>,
}

fn main() {
    let table = WebSession::TABLE;
    let names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["sessionId", "token", "userId", "validUntil"]);
    assert_eq!(table.columns[0].id, Some(IdStrategy::AutoIncrement));
    assert_eq!(table.column(RoleField::SessionToken).unwrap().field, "token");
    assert_eq!(table.column(RoleField::SessionExpires).unwrap().name, "validUntil");
}
