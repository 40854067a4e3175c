//! A field that is not persisted comes back as its default.
use authmodel::{AuthModel, Model};

#[derive(Debug, Clone, PartialEq, AuthModel)]
#[auth(role = "verification_token")]
pub struct Token {
    pub identifier: String,
    pub token: String,
    pub expires: chrono::DateTime<chrono::Utc>,
    #[auth(skip)]
    pub delivered: bool,
}

fn main() {
    assert_eq!(Token::TABLE.columns.len(), 3);
    let token = Token {
        identifier: "a@example.com".into(),
        token: "t".into(),
        expires: chrono::Utc::now(),
        delivered: true,
    };
    let back = Token::from_values(token.to_values().unwrap()).unwrap();
    assert!(!back.delivered);
}
