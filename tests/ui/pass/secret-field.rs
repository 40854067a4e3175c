//! An application's own model with secrets: `#[auth(debug)]` writes a `Debug` that shows
//! every secret as `"<redacted>"`, the marked ones and the contract's own, on the model and
//! on its patch.
use authmodel::{AuthModel, Model};

/// An alias of an `Option`: read as written, so shown `"<redacted>"` whole.
pub type Pin = Option<i32>;

#[derive(Clone, AuthModel)]
#[auth(role = "session", table = "logins", debug)]
pub struct Login {
    pub id: uuid::Uuid,
    #[auth(field = "session_token")]
    pub cookie: String,
    pub user_id: uuid::Uuid,
    pub expires: chrono::DateTime<chrono::Utc>,
    #[auth(secret)]
    pub device_key: Option<Vec<u8>>,
    #[auth(secret)]
    pub csrf: Option<String>,
    #[auth(secret)]
    pub pin: Pin,
    pub user_agent: String,
    #[auth(skip, secret)]
    pub decrypted: String,
}

fn main() {
    assert_eq!(Login::TABLE.columns.len(), 8);
    let login = Login {
        id: uuid::Uuid::nil(),
        cookie: "cookie-4f2a".into(),
        user_id: uuid::Uuid::nil(),
        expires: chrono::DateTime::UNIX_EPOCH,
        device_key: Some(vec![0xde, 0xad]),
        csrf: None,
        pin: Some(4711),
        user_agent: "Firefox/140".into(),
        decrypted: "plain-9c1d".into(),
    };
    for printed in [format!("{login:?}"), format!("{login:#?}")] {
        for secret in ["cookie-4f2a", "222", "173", "4711", "plain-9c1d"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("Firefox/140"), "{printed}");
    }
    assert_eq!(
        format!("{login:?}"),
        format!(
            "Login {{ id: {0:?}, cookie: \"<redacted>\", user_id: {0:?}, expires: {1:?}, \
             device_key: Some(\"<redacted>\"), csrf: None, pin: \"<redacted>\", \
             user_agent: \"Firefox/140\", decrypted: \"<redacted>\" }}",
            uuid::Uuid::nil(),
            login.expires,
        )
    );
    let patch = LoginPatch {
        cookie: Some("cookie-4f2a".into()),
        user_agent: Some("curl/8".into()),
        ..Default::default()
    };
    let printed = format!("{patch:?}");
    assert!(!printed.contains("cookie-4f2a"), "{printed}");
    assert!(printed.starts_with("LoginPatch { cookie: Some(\"<redacted>\"), "), "{printed}");
    assert!(printed.contains("user_agent: Some(\"curl/8\")"), "{printed}");
}
