//! The formats against literal strings: hashes computed independently (`sha256sum`), cookies
//! written by hand from Auth.js's serialiser.

use chrono::{Duration, TimeZone, Utc};

use super::*;

#[test]
fn a_token_hashes_with_the_secret_appended() {
    let secrets = Secrets::new(["secret"]).expect("a secret");
    // printf 'tokensecret' | sha256sum
    assert_eq!(
        secrets.hash("token"),
        "d9db21448d73f8397d9401d925e90810faadaad67b0053599e61d9b9e3f7ad37"
    );
    // An array secret stringifies joined by ",": printf 'ta,b' | sha256sum
    let two = Secrets::new(["a", "b"]).expect("secrets");
    assert_eq!(
        two.hash("t"),
        "9db4b3dd2c4913e9c1ffef4b7fda6a0342026c9c7637cfc7166396513156802c"
    );
    let email_token = "0123456789abcdef".repeat(4);
    assert_eq!(
        Secrets::new(["s3cret"])
            .expect("a secret")
            .hash(&email_token),
        "96a56cdb55c7dfdd3f0cb45de713051aade7ef7421e9563659918f585882320c"
    );
}

#[test]
fn tokens_have_auth_js_formats() {
    let session = session_token().expect("randomness");
    assert_eq!(session.len(), 36);
    let parsed = uuid::Uuid::parse_str(&session).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(session, session.to_lowercase());
    let hex = random_hex().expect("randomness");
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_ne!(random_hex().expect("randomness"), hex);
}

#[test]
fn secrets_follow_next_auth_5() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let read = |pairs| Secrets::from_lookup(env(pairs)).map(|s| s.as_slice().to_vec());
    assert_eq!(
        read(&[("AUTH_SECRET", "a"), ("NEXTAUTH_SECRET", "n")]).unwrap(),
        ["a"]
    );
    assert_eq!(read(&[("NEXTAUTH_SECRET", "n")]).unwrap(), ["n"]);
    assert_eq!(
        read(&[("AUTH_SECRET_1", "1"), ("AUTH_SECRET_3", "3")]).unwrap(),
        ["3", "1"]
    );
    // `AUTH_SECRET ?? NEXTAUTH_SECRET` takes the empty AUTH_SECRET; core then reads the list.
    assert_eq!(
        read(&[
            ("AUTH_SECRET", ""),
            ("NEXTAUTH_SECRET", "n"),
            ("AUTH_SECRET_2", "2")
        ])
        .unwrap(),
        ["2"]
    );
    assert!(matches!(read(&[]), Err(Error::MissingSecret)));
    assert!(matches!(Secrets::new([""]), Err(Error::MissingSecret)));
    let secrets = Secrets::new(["hunter2"]).expect("a secret");
    let shown = format!(
        "{secrets:?} {:?}",
        Sessions::<crate::models::DefaultSchema, crate::MemoryAdapter<_>>::new(
            crate::MemoryAdapter::new(),
            secrets.clone()
        )
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn cookies_serialise_as_auth_js() {
    let expires = Utc.timestamp_millis_opt(0).unwrap();
    assert_eq!(
        SetCookie::new("__Secure-authjs.session-token", "abc", true)
            .expires(expires)
            .to_string(),
        "__Secure-authjs.session-token=abc; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
         HttpOnly; Secure; SameSite=Lax"
    );
    assert_eq!(
        SetCookie::clear("authjs.session-token", false).to_string(),
        "authjs.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    );
    assert_eq!(
        SetCookie::new("authjs.csrf-token", "t|h", false).to_string(),
        "authjs.csrf-token=t%7Ch; Path=/; HttpOnly; SameSite=Lax"
    );
    assert_eq!(
        encode_uri_component("AZaz09-_.!~*'() ;,/?:@&=+$#é€"),
        "AZaz09-_.!~*'()%20%3B%2C%2F%3F%3A%40%26%3D%2B%24%23%C3%A9%E2%82%AC"
    );
}

#[test]
fn cookie_headers_parse_as_auth_js() {
    let cookies = Cookies::parse(" a = 1 ;b=x%20y; novalue; a=2; c=%zz; d=100%; e=plain+");
    assert_eq!(cookies.get("a"), Some("1"), "the first duplicate wins");
    assert_eq!(cookies.get("b"), Some("x y"));
    assert_eq!(cookies.get("novalue"), None);
    assert_eq!(
        cookies.get("c"),
        Some("%zz"),
        "a malformed escape stays as sent"
    );
    assert_eq!(cookies.get("d"), Some("100%"));
    assert_eq!(cookies.get("e"), Some("plain+"), "no `+` decoding");
}

#[test]
fn session_cookie_names_of_both_generations_are_read() {
    let sessions = Sessions::<crate::models::DefaultSchema, crate::MemoryAdapter<_>>::new(
        crate::MemoryAdapter::new(),
        Secrets::new(["s"]).expect("a secret"),
    );
    for header in [
        "authjs.session-token=t1",
        "__Secure-authjs.session-token=t1",
        "next-auth.session-token=t1",
        "x=1; __Secure-next-auth.session-token=t1",
    ] {
        assert_eq!(
            sessions.token_from_header(header).as_deref(),
            Some("t1"),
            "{header}"
        );
    }
    // The policy's own name first.
    assert_eq!(
        sessions
            .token_from_header("next-auth.session-token=v4; authjs.session-token=v5")
            .as_deref(),
        Some("v5")
    );
    assert_eq!(sessions.token_from_header("authjs.session-token="), None);
    let v4 = Policy::default().generation(Generation::V4).secure(true);
    assert_eq!(v4.csrf_cookie_name(), "__Host-next-auth.csrf-token");
    assert_eq!(v4.session_cookie_name(), "__Secure-next-auth.session-token");
}

#[test]
fn csrf_is_double_submitted() {
    let policy = Policy::default();
    let secrets = Secrets::new(["secret"]).expect("a secret");
    // A cookie made by Auth.js with secret "secret": `token|sha256(token + secret)`.
    let header = "authjs.csrf-token=token%7Cd9db21448d73f8397d9401d925e90810faadaad67b0053599e61d9b9e3f7ad37";
    let cookies = Cookies::parse(header);
    let ok = Csrf::check(&policy, &secrets, &cookies, Some("token")).expect("check");
    assert_eq!(
        (ok.token.as_str(), ok.verified, ok.cookie),
        ("token", true, None)
    );
    let wrong = Csrf::check(&policy, &secrets, &cookies, Some("other")).expect("check");
    assert!(!wrong.verified);
    let none = Csrf::check(&policy, &secrets, &cookies, None).expect("check");
    assert!(!none.verified);
    // A forged hash: a new token and cookie, never verified.
    let forged = Cookies::parse("authjs.csrf-token=token%7Cbad");
    let fresh = Csrf::check(&policy, &secrets, &forged, Some("token")).expect("check");
    assert!(!fresh.verified);
    assert_ne!(fresh.token, "token");
    let cookie = fresh.cookie.expect("a new cookie");
    assert_eq!(
        cookie.value,
        format!("{}|{}", fresh.token, secrets.hash(&fresh.token))
    );
    assert!(
        cookie
            .to_string()
            .starts_with(&format!("authjs.csrf-token={}%7C", fresh.token))
    );
    // Another secret does not accept the cookie.
    let other = Secrets::new(["other"]).expect("a secret");
    assert!(
        !Csrf::check(&policy, &other, &cookies, Some("token"))
            .expect("check")
            .verified
    );
}

#[test]
fn emails_normalise_as_core() {
    assert_eq!(
        normalize_email(" Ada@EXAMPLE.com\n").unwrap(),
        "ada@example.com"
    );
    assert_eq!(normalize_email("a,b@x.com,y.com").unwrap(), "a,b@x.com");
    // NFKC: full-width letters become ASCII.
    assert_eq!(
        normalize_email("ａｄａ@example.com").unwrap(),
        "ada@example.com"
    );
    for bad in ["\"a\"@x.com", "a@b@c", "@x.com", "a@", "a@,x", "noat", ""] {
        assert!(normalize_email(bad).is_err(), "{bad}");
    }
}

#[test]
fn policy_defaults_are_auth_js() {
    let policy = Policy::default();
    assert_eq!(policy.max_age, Duration::days(30));
    assert_eq!(policy.update_age, Duration::days(1));
    assert_eq!(policy.session_cookie_name(), "authjs.session-token");
    assert_eq!(policy.csrf_cookie_name(), "authjs.csrf-token");
}
