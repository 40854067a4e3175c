//! Extending the default user without redeclaring its fields.
use authmodel::models::{User, UserPatch};
use authmodel::schema::RoleField;
use authmodel::{AuthModel, Model, Patch, Value};

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "user")]
pub struct Member {
    #[auth(flatten)]
    pub base: User,
    #[auth(default = "member")]
    pub role: String,
    pub phone: Option<String>,
}

fn main() {
    let table = Member::TABLE;
    let names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["id", "name", "email", "email_verified", "image", "role", "phone"]);
    assert_eq!(table.name, "users");
    assert_eq!(table.position(RoleField::UserEmail), Some(2));
    let patch = MemberPatch {
        base: UserPatch { name: Some(Some("Ada".into())), ..Default::default() },
        phone: Some(None),
        ..Default::default()
    };
    assert_eq!(
        patch.into_assignments().unwrap(),
        vec![(1, Value::Text("Ada".into())), (6, Value::Null)]
    );
    let mut patch = MemberPatch::default();
    patch.set(2, Value::Text("a@example.com".into())).unwrap();
    patch.set(5, Value::Text("admin".into())).unwrap();
    assert_eq!(patch.base.email.as_deref(), Some("a@example.com"));
    assert_eq!(patch.role.as_deref(), Some("admin"));
}
