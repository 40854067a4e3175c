//! No password is ever printed: `SqlAdapter::connect` on a URL with a password, whatever it
//! holds (`/`, `?`, `#`, `@`, `%`, percent-escapes, the `password=` parameter), fails on a
//! closed port with an error whose `Display` and `Debug` show no trace of it.

use std::time::Duration;

use authmodel::models::DefaultSchema;
use authmodel::sql::{Options, SqlAdapter};

/// Every password below contains `hunter`; user, host and database never do.
const URLS: &[&str] = &[
    "app:hunter/2@127.0.0.1:1/app",
    "app:hunter?2@127.0.0.1:1/app",
    "app:hunter#2@127.0.0.1:1/app",
    "app:hunter@2@127.0.0.1:1/app",
    "app:hunter%2@127.0.0.1:1/app",
    "app:hunter%2F%3F%23%40%252@127.0.0.1:1/app",
    "app:h/u?n#t@er%2@127.0.0.1:1/app?sslmode=disable",
    "app:hunter2@127.0.0.1:1/app?sslmode=requried",
    "app@127.0.0.1:1/app?password=hunter2&sslmode=requried",
    "app@127.0.0.1:1/app?sslmode=disable&PASSWORD=hunter%2F2",
    "app@127.0.0.1:1/app?Password=hunter/?#@2",
];

/// The forms a password above can take once a driver has decoded it.
fn leaks(text: &str) -> bool {
    ["hunter", "h/u?n#t@er", "h/u", "er%2"]
        .iter()
        .any(|needle| text.contains(needle))
}

#[tokio::test]
async fn connect_errors_never_show_a_password() {
    let mut checked = 0;
    let mut leaked = Vec::new();
    for scheme in ["postgres", "postgresql", "mysql", "mariadb"] {
        for rest in URLS {
            let url = format!("{scheme}://{rest}");
            let options = Options::default().acquire_timeout(Duration::from_secs(2));
            let connecting = SqlAdapter::<DefaultSchema>::connect(&url, options);
            let error = tokio::time::timeout(Duration::from_secs(20), connecting)
                .await
                .unwrap_or_else(|_| panic!("{url}: still connecting after 20 s"))
                .expect_err("nothing listens on port 1");
            let shown = error.to_string();
            let debugged = format!("{error:?}");
            if leaks(&shown) || leaks(&debugged) {
                leaked.push(format!("{url}\n  {shown}\n  {debugged}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * URLS.len());
    assert!(leaked.is_empty(), "passwords shown:\n{}", leaked.join("\n"));
}

#[tokio::test]
async fn a_url_error_still_says_what_is_wrong() {
    let url = "postgres://app:hunter2@127.0.0.1:1/app?sslmode=requried";
    let error = SqlAdapter::<DefaultSchema>::connect(url, Options::default())
        .await
        .unwrap_err();
    match &error {
        authmodel::Error::Url { url, reason } => {
            assert_eq!(url, "postgres://app:***@127.0.0.1:1/app?sslmode=requried");
            assert!(reason.contains("requried"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}
