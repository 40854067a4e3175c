//! A user model with the application's own fields and every column attribute.
use authmodel::{AuthModel, Model};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user", table = "members")]
pub struct Member {
    pub id: uuid::Uuid,
    pub name: Option<String>,
    #[auth(max_len = 320)]
    pub email: String,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
    #[auth(default = "member", index)]
    pub role: String,
    #[auth(max_len = 20, unique)]
    pub phone: Option<String>,
    #[auth(column = "login_count", default = 0)]
    pub logins: i64,
    #[auth(default = true)]
    pub active: bool,
    #[auth(default = 1.5)]
    pub score: f64,
    pub settings: Option<serde_json::Value>,
    pub avatar: Option<Vec<u8>>,
    pub small: i32,
}

fn main() {
    let table = Member::TABLE;
    assert_eq!(table.name, "members");
    assert_eq!(table.columns.len(), 13);
    let patch = MemberPatch {
        phone: Some(None),
        ..Default::default()
    };
    assert_eq!(authmodel::Patch::into_assignments(patch).unwrap().len(), 1);
}
