//! JWT sessions against the real `@auth/core` 0.41.3 (the version `next-auth` 5.0.0-beta.32
//! pins), from the interop tests' Node project (`tests/interop/jwt.mjs`): tokens encoded
//! by `@auth/core` decode in Rust, tokens encoded in Rust decode in `@auth/core` and pass
//! its own session endpoint (`Auth()` under the JWT strategy), with single and chunked
//! cookies, secure and plain names, rotated secrets, expired and tampered tokens. Then
//! arbitrary input to the decoder and the chunk reader, which never panic.
//!
//! Node is `node` on `PATH`, the packages `tests/interop/node_modules` (`scripts/test` runs
//! `npm ci`). When either is missing the Node cases fail under `CI=true` and are skipped
//! loudly otherwise.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use authmodel::session::jwt::{CHUNK_SIZE, Claims, Jwt, JwtError};
use authmodel::session::{Cookies, Policy, Secrets, SetCookie};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

const PLAIN: &str = "authjs.session-token";
const SECURE: &str = "__Secure-authjs.session-token";

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/interop")
}

/// `@auth/core` in a Node process, one JSON line per call.
struct Node {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Node {
    /// The driver, or `None` (said loudly) when Node or the packages are missing; a panic
    /// under `CI=true`.
    fn start() -> Option<Node> {
        let node = Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let modules = interop_dir().join("node_modules/@auth/core").is_dir();
        let missing = match (node, modules) {
            (true, true) => None,
            (false, _) => Some("`node` is not on PATH"),
            (true, false) => Some(
                "tests/interop/node_modules/@auth/core is missing (run `npm ci` in tests/interop)",
            ),
        };
        if let Some(missing) = missing {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{missing} under CI=true: scripts/test must install Node and run `npm ci`");
            }
            eprintln!("\n*** SKIPPED the @auth/core JWT case: {missing}. Run scripts/test. ***\n");
            return None;
        }
        let mut child = Command::new("node")
            .arg("jwt.mjs")
            .current_dir(interop_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Some(Node {
            child,
            stdin,
            stdout,
        })
    }

    /// One call: `Ok(result)` or `Err("<error name>: <message>")`.
    fn call(&mut self, request: Value) -> Result<Value, String> {
        writeln!(self.stdin, "{request}").expect("write to node");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read from node");
        let mut answer: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        match answer.get_mut("ok") {
            Some(ok) => Ok(ok.take()),
            None => Err(answer["err"].as_str().unwrap_or("?").to_owned()),
        }
    }

    fn encode(&mut self, token: Value, secret: Value, salt: &str, max_age: i64) -> String {
        let request = json!({"op": "encode", "token": token, "secret": secret, "salt": salt, "maxAge": max_age});
        self.call(request)
            .expect("@auth/core encodes")
            .as_str()
            .expect("a string")
            .to_owned()
    }

    fn decode(&mut self, token: &str, secret: Value, salt: &str) -> Result<Value, String> {
        self.call(json!({"op": "decode", "token": token, "secret": secret, "salt": salt}))
    }

    /// Auth.js's session endpoint on a request carrying `cookies`.
    fn session(&mut self, cookies: &[SetCookie], secret: Value, secure: bool) -> Value {
        let request =
            json!({"op": "session", "cookie": header(cookies), "secret": secret, "secure": secure});
        self.call(request).expect("the session endpoint answers")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `Cookie` header carrying these cookies (values encoded as a browser sends them back).
fn header(cookies: &[SetCookie]) -> String {
    cookies
        .iter()
        .filter(|c| !c.is_clearing())
        .map(|c| {
            format!(
                "{}={}",
                c.name,
                authmodel::session::encode_uri_component(&c.value)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The session cookies among `set_cookie` (`[{name, value}]` from Node), as `SetCookie`s.
fn session_cookies(set_cookie: &Value) -> Vec<SetCookie> {
    set_cookie
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| {
            SetCookie::new(
                c["name"].as_str().unwrap_or("").to_owned(),
                c["value"].as_str().unwrap_or(""),
                false,
            )
        })
        .filter(|c| c.name.contains("session-token"))
        .collect()
}

fn codec(secrets: &[&str], secure: bool) -> Jwt {
    Jwt::new(Secrets::new(secrets.iter().copied()).expect("secrets"))
        .with_policy(Policy::default().secure(secure))
}

fn ada() -> Claims {
    Claims::user(
        "user-42",
        Some("Ada Lovelace"),
        Some("ada@example.com"),
        Some("https://example.com/ada.png"),
    )
    .with("role", json!("admin"))
    .with("orgs", json!([1, 2, 3]))
}

/// A claim long enough to need three cookies.
fn big() -> Value {
    let text: String = (0..7000u32)
        .map(|i| char::from(b'a' + u8::try_from(i % 26).unwrap_or(0)))
        .collect();
    json!(text)
}

fn payload_matches(payload: &Value, claims: &Claims) {
    assert_eq!(payload["sub"], json!(claims.sub));
    assert_eq!(payload["email"], json!(claims.email));
    assert_eq!(payload["exp"], json!(claims.exp));
    assert_eq!(payload["jti"], json!(claims.jti));
    for (claim, value) in &claims.extra {
        assert_eq!(&payload[claim], value, "claim {claim}");
    }
}

#[test]
fn tokens_from_auth_js_decode_in_rust() {
    let Some(mut node) = Node::start() else {
        return;
    };
    for (secure, name) in [(false, PLAIN), (true, SECURE)] {
        let token = node.encode(
            json!({"sub": "user-42", "name": "Ada", "email": "ada@example.com", "picture": null, "role": "admin"}),
            json!("s3cret"),
            name,
            3600,
        );
        let jwt = codec(&["s3cret"], secure);
        let claims = jwt
            .decode(&token, name)
            .expect("Rust decodes @auth/core's token");
        assert_eq!(claims.sub.as_deref(), Some("user-42"));
        assert_eq!(claims.name.as_deref(), Some("Ada"));
        assert_eq!(claims.picture, None);
        assert_eq!(claims.extra["role"], "admin");
        let exp = claims.exp.expect("exp");
        assert_eq!(Some(exp - 3600), claims.iat);
        // From a request's cookie, under either policy: the salt is the name it came under.
        let cookies = Cookies::parse(&format!("{name}={token}"));
        for policy_secure in [false, true] {
            let read = codec(&["s3cret"], policy_secure)
                .read(&cookies)
                .expect("reads");
            assert_eq!(read.as_ref(), Some(&claims));
        }
        // Under the other name it is another key.
        let other = if secure { PLAIN } else { SECURE };
        assert!(matches!(
            jwt.decode(&token, other),
            Err(JwtError::NoMatchingKey)
        ));
    }
}

#[test]
fn tokens_from_rust_decode_in_auth_js_and_pass_its_session_endpoint() {
    let Some(mut node) = Node::start() else {
        return;
    };
    for (secure, name) in [(false, PLAIN), (true, SECURE)] {
        let jwt = codec(&["s3cret"], secure);
        let issued = jwt.issue(ada(), &Cookies::default()).expect("issues");
        assert_eq!(issued.cookies.len(), 1);
        assert_eq!(issued.cookies[0].name, name);
        let payload = node
            .decode(&issued.token, json!("s3cret"), name)
            .expect("@auth/core decodes");
        payload_matches(&payload, &issued.claims);
        assert_eq!(payload["name"], "Ada Lovelace");
        assert_eq!(payload["picture"], "https://example.com/ada.png");
        assert_eq!(payload["iat"], json!(issued.claims.iat));
        // getToken, as a Next.js middleware reads it.
        let request = json!({"op": "getToken", "cookie": header(&issued.cookies), "secret": "s3cret", "secureCookie": secure});
        payload_matches(&node.call(request).expect("getToken"), &issued.claims);
        // Auth.js's own session endpoint accepts it and re-issues it; Rust reads that back.
        let answer = node.session(&issued.cookies, json!("s3cret"), secure);
        assert_eq!(answer["status"], 200);
        assert_eq!(answer["body"]["user"]["email"], "ada@example.com");
        assert_eq!(
            answer["body"]["user"]["image"],
            "https://example.com/ada.png"
        );
        let renewed = session_cookies(&answer["setCookie"]);
        assert_eq!(renewed.len(), 1, "{answer}");
        let claims = jwt
            .read(&Cookies::parse(&header(&renewed)))
            .expect("reads")
            .expect("a session");
        assert_eq!(claims.extra["orgs"], json!([1, 2, 3]));
        assert_ne!(claims.jti, issued.claims.jti, "Auth.js re-encrypted it");
    }
}

#[test]
fn chunked_cookies_cross_both_ways() {
    let Some(mut node) = Node::start() else {
        return;
    };
    for (secure, name) in [(false, PLAIN), (true, SECURE)] {
        // Rust writes three chunks; Auth.js reads them, and re-chunks them its own way.
        let jwt = codec(&["s3cret"], secure);
        let issued = jwt
            .issue(ada().with("big", big()), &Cookies::default())
            .expect("issues");
        let names: Vec<&str> = issued.cookies.iter().map(|c| &*c.name).collect();
        assert_eq!(
            names,
            [
                format!("{name}.0"),
                format!("{name}.1"),
                format!("{name}.2")
            ]
        );
        assert!(issued.cookies.iter().all(|c| c.value.len() <= CHUNK_SIZE));
        let request = json!({"op": "getToken", "cookie": header(&issued.cookies), "secret": "s3cret", "secureCookie": secure});
        payload_matches(&node.call(request).expect("getToken"), &issued.claims);
        let answer = node.session(&issued.cookies, json!("s3cret"), secure);
        assert_eq!(answer["body"]["user"]["name"], "Ada Lovelace");
        let from_auth_js = session_cookies(&answer["setCookie"]);
        assert_eq!(from_auth_js.len(), 3, "{answer}");
        let claims = jwt
            .read(&Cookies::parse(&header(&from_auth_js)))
            .expect("reads")
            .expect("a session");
        assert_eq!(claims.extra["big"], big());
        // Auth.js's SessionStore chunks the very string Rust chunked, the same way.
        let request = json!({"op": "chunk", "name": name, "value": issued.token, "secure": secure});
        let chunks = node.call(request).expect("chunk");
        let ours: Vec<Value> = issued
            .cookies
            .iter()
            .map(|c| json!({"name": c.name, "value": c.value}))
            .collect();
        assert_eq!(chunks, json!(ours));
        // A missing chunk is said as such, and validate clears the rest.
        let gap: Vec<SetCookie> = issued
            .cookies
            .iter()
            .filter(|c| !c.name.ends_with(".1"))
            .cloned()
            .collect();
        let session = jwt.validate(&Cookies::parse(&header(&gap)));
        assert!(
            matches!(session.error, Some(JwtError::MissingChunk { index: 1, .. })),
            "{:?}",
            session.error
        );
        assert_eq!(session.cookies.len(), 2);
        assert!(session.cookies.iter().all(SetCookie::is_clearing));
        // A short token after a long one: one cookie, and the old chunks cleared.
        let request = Cookies::parse(&header(&issued.cookies));
        let short = jwt.issue(ada(), &request).expect("issues");
        assert_eq!(short.cookies[0].name, name);
        assert_eq!(short.cookies.iter().filter(|c| c.is_clearing()).count(), 3);
    }
}

#[test]
fn rotated_secrets_decode_by_kid_both_ways() {
    let Some(mut node) = Node::start() else {
        return;
    };
    // Auth.js encoded under the old secret, before the rotation.
    let old_token = node.encode(json!({"sub": "1"}), json!("old"), PLAIN, 3600);
    assert!(
        codec(&["new", "old"], false)
            .decode(&old_token, PLAIN)
            .is_ok()
    );
    assert!(matches!(
        codec(&["new"], false).decode(&old_token, PLAIN),
        Err(JwtError::NoMatchingKey)
    ));
    // Auth.js with [new, old] encrypts with the first.
    let new_token = node.encode(json!({"sub": "2"}), json!(["new", "old"]), PLAIN, 3600);
    assert!(codec(&["new"], false).decode(&new_token, PLAIN).is_ok());
    assert!(matches!(
        codec(&["old"], false).decode(&new_token, PLAIN),
        Err(JwtError::NoMatchingKey)
    ));
    // Rust with [new, old] encrypts with the first: Auth.js reads it under [new, old] and
    // [new], not under [old].
    let (token, _) = codec(&["new", "old"], false)
        .encode(ada(), PLAIN)
        .expect("encodes");
    assert!(node.decode(&token, json!(["new", "old"]), PLAIN).is_ok());
    assert!(node.decode(&token, json!("new"), PLAIN).is_ok());
    let refused = node
        .decode(&token, json!("old"), PLAIN)
        .expect_err("another key");
    assert!(
        refused.contains("no matching decryption secret"),
        "{refused}"
    );
    // And Auth.js's session endpoint, configured [old, new] (the old one first), reads it.
    let issued = codec(&["new", "old"], false)
        .issue(ada(), &Cookies::default())
        .expect("issues");
    let answer = node.session(&issued.cookies, json!(["old", "new"]), false);
    assert_eq!(answer["body"]["user"]["email"], "ada@example.com");
}

#[test]
fn expired_tokens_are_refused_both_ways_with_the_same_leeway() {
    let Some(mut node) = Node::start() else {
        return;
    };
    let jwt = codec(&["s3cret"], false);
    // @auth/core: exp = now + maxAge; 20 s ago is expired, 5 s ago is within the 15 s.
    let expired = node.encode(json!({"sub": "1"}), json!("s3cret"), PLAIN, -20);
    assert!(matches!(
        jwt.decode(&expired, PLAIN),
        Err(JwtError::Expired { .. })
    ));
    let lenient = node.encode(json!({"sub": "1"}), json!("s3cret"), PLAIN, -5);
    assert!(jwt.decode(&lenient, PLAIN).is_ok());
    // Rust issued a day more than max_age ago: expired for @auth/core too.
    let past = Utc::now() - Duration::days(31);
    let old = jwt.clone().with_clock(move || past);
    let (token, _) = old.encode(ada(), PLAIN).expect("encodes");
    let refused = node
        .decode(&token, json!("s3cret"), PLAIN)
        .expect_err("expired");
    assert!(refused.contains("JWTExpired"), "{refused}");
    assert!(matches!(
        jwt.decode(&token, PLAIN),
        Err(JwtError::Expired { .. })
    ));
    // 5 s past exp: both accept.
    let edge: DateTime<Utc> = Utc::now() - Duration::days(30) - Duration::seconds(5);
    let (token, _) = jwt
        .clone()
        .with_clock(move || edge)
        .encode(ada(), PLAIN)
        .expect("encodes");
    assert!(node.decode(&token, json!("s3cret"), PLAIN).is_ok());
    assert!(jwt.decode(&token, PLAIN).is_ok());
    // The session endpoint answers an expired cookie with no session and clears it.
    let cookies = [SetCookie::new(PLAIN, expired.as_str(), false)];
    let answer = node.session(&cookies, json!("s3cret"), false);
    assert_eq!(answer["body"], Value::Null);
    let session = jwt.validate(&Cookies::parse(&header(&cookies)));
    assert!(session.claims.is_none());
    assert!(session.cookies.iter().all(SetCookie::is_clearing) && session.cookies.len() == 1);
}

/// `token` with one character of `part` (0 header … 4 tag) replaced, mid-part.
fn tamper(token: &str, part: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let text = &mut parts[part];
    let mid = text.len() / 2;
    let replacement = if &text[mid..=mid] == "A" { "B" } else { "A" };
    text.replace_range(mid..=mid, replacement);
    parts.join(".")
}

#[test]
fn tampered_tokens_are_refused_both_ways() {
    let Some(mut node) = Node::start() else {
        return;
    };
    let jwt = codec(&["s3cret"], false);
    let from_node = node.encode(json!({"sub": "1"}), json!("s3cret"), PLAIN, 3600);
    let (from_rust, _) = jwt.encode(ada(), PLAIN).expect("encodes");
    for token in [&from_node, &from_rust] {
        for part in [2, 3, 4] {
            let altered = tamper(token, part);
            assert!(
                matches!(jwt.decode(&altered, PLAIN), Err(JwtError::Tampered)),
                "part {part}"
            );
            let refused = node
                .decode(&altered, json!("s3cret"), PLAIN)
                .expect_err("tampered");
            assert!(
                refused.contains("JWEDecryptionFailed"),
                "part {part}: {refused}"
            );
        }
        // The header: its kid no longer names a key (or it no longer parses), both sides.
        let altered = tamper(token, 0);
        assert!(jwt.decode(&altered, PLAIN).is_err());
        assert!(node.decode(&altered, json!("s3cret"), PLAIN).is_err());
        // Under another secret.
        assert!(matches!(
            Jwt::new(Secrets::new(["other"]).expect("a secret")).decode(token, PLAIN),
            Err(JwtError::NoMatchingKey)
        ));
        assert!(node.decode(token, json!("other"), PLAIN).is_err());
    }
}

#[test]
fn sliding_renewal_follows_update_age_and_auth_js_reads_the_renewed_token() {
    let jwt = codec(&["s3cret"], false);
    let issued = jwt.issue(ada(), &Cookies::default()).expect("issues");
    let request = Cookies::parse(&header(&issued.cookies));
    let fresh = jwt.validate(&request);
    assert!(!fresh.renewed && fresh.cookies.is_empty() && fresh.error.is_none());
    assert_eq!(fresh.claims.as_ref(), Some(&issued.claims));
    // Just under a day old: not yet; a day old: renewed with exp = now + max_age.
    let issued_at = issued.claims.iat.expect("iat");
    let day = Policy::default().update_age.num_seconds();
    let almost = jwt
        .clone()
        .with_clock(move || DateTime::from_timestamp(issued_at + day - 1, 0).unwrap_or_default());
    assert!(!almost.validate(&request).renewed);
    let later = jwt
        .clone()
        .with_clock(move || DateTime::from_timestamp(issued_at + day, 0).unwrap_or_default());
    let renewed = later.validate(&request);
    assert!(renewed.renewed, "{:?}", renewed.error);
    let claims = renewed.claims.expect("claims");
    assert_eq!(
        claims.exp,
        Some(issued_at + day + Policy::default().max_age.num_seconds())
    );
    assert_eq!(
        (claims.sub.as_deref(), &claims.extra),
        (Some("user-42"), &ada().extra)
    );
    assert_eq!(renewed.cookies.len(), 1);
    assert_eq!(
        renewed.cookies[0].expires.map(|e| e.timestamp()),
        claims.exp
    );
    let Some(mut node) = Node::start() else {
        return;
    };
    let payload = node
        .decode(&renewed.cookies[0].value, json!("s3cret"), PLAIN)
        .expect("@auth/core decodes the renewed token");
    assert_eq!(payload["exp"], json!(claims.exp));
}

/// xorshift64*: a fixed-seed generator, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

#[test]
fn arbitrary_input_never_panics_and_every_mutation_is_refused() {
    let jwt = codec(&["s3cret", "old"], false);
    let (token, _) = jwt.encode(ada(), PLAIN).expect("encodes");
    let alphabet: Vec<char> = "ABCxyz019-_.=+/%; \u{0}é{}\"".chars().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..20_000 {
        // Mutations of a valid token: each must be refused, none may panic.
        let mut mutated: Vec<char> = token.chars().collect();
        for _ in 0..=rng.below(3) {
            match rng.below(4) {
                0 if !mutated.is_empty() => {
                    let at = rng.below(mutated.len());
                    mutated[at] = alphabet[rng.below(alphabet.len())];
                }
                1 => {
                    let at = rng.below(mutated.len() + 1);
                    mutated.insert(at, alphabet[rng.below(alphabet.len())]);
                }
                2 if !mutated.is_empty() => {
                    let at = rng.below(mutated.len());
                    mutated.remove(at);
                }
                _ => mutated.truncate(rng.below(mutated.len() + 1)),
            }
        }
        let mutated: String = mutated.into_iter().collect();
        if mutated != token {
            assert!(
                jwt.decode(&mutated, PLAIN).is_err(),
                "round {round}: {mutated}"
            );
        }
        // Random bytes, lossily as text, as a token and as a Cookie header of chunks.
        let bytes: Vec<u8> = (0..rng.below(300))
            .map(|_| u8::try_from(rng.next() & 0xff).unwrap_or(0))
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = jwt.decode(&text, PLAIN);
        let _ = jwt.decode(&text, &text);
        let header = format!(
            "{PLAIN}.{}={text}; {PLAIN}.0={mutated}; {text}",
            rng.below(4)
        );
        let _ = jwt.read(&Cookies::parse(&header));
        let _ = jwt.validate(&Cookies::parse(&header));
        let _ = Cookies::parse(&text);
    }
    // Huge chunk numbers and many chunks.
    let header =
        format!("{PLAIN}.0=a; {PLAIN}.18446744073709551615=b; {PLAIN}.99999999999999999999999=c");
    assert!(matches!(
        jwt.read(&Cookies::parse(&header)),
        Err(JwtError::MissingChunk { index: 1, .. })
    ));
    let many: Vec<String> = (0..2000).map(|i| format!("{PLAIN}.{i}=x")).collect();
    assert!(matches!(
        jwt.read(&Cookies::parse(&many.join("; "))),
        Err(JwtError::Malformed(_))
    ));
}
