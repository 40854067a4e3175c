//! Unit tests: a token made by `@auth/core` 0.41.3's `encode` (a golden vector, so they run
//! without Node), the chunk reader and writer, the claims' types. `runtime/tests/jwt.rs`
//! runs the real `@auth/core` both ways.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::crypto::Key;
use super::*;

/// `encode({ token: {sub: "user-1", name: "Ada", email: "ada@example.com", picture: null,
/// role: "admin"}, secret: "golden-secret", salt: "authjs.session-token" })` in @auth/core
/// 0.41.3, at iat 1796074411.
const GOLDEN: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiNVdCczBUYmc4a2s2bTVnUXF3eHNOQm1hMG5sZjBnTnpja2xKN3JlZUYxTDZYUzdSMnBUd0NwemZINXJmSUZScERkazRKdU41bWI0TFJlSWRwVHBoV3cifQ..gik71il64lzO01PDycD29Q.HP1FN0lsCn_1XtG683x-zr6FnVJXza8sVAV3lrelzOtVm-S6E5poIcH_6-7byKy5aBH3y3LYSqDkxkHKO9IYK36SI0kfz5ZUPg1SpeM95xowDHUhk5xKEm6hCQxxB03tKp9xjn2LJ89KM8JLwsuUPIzuF4OewLYwuXYxMU3n8ZrzH2LidVzvyxbPtTKQDeR_CaXaGOeedvhVcSCnawq7Zt1gyrUzdu9PUMKQ0amChsI.-RIO_0tG0ZxWGqQ4qc0eb-wlEljLKd8-nkf-vEGBmkE";
const GOLDEN_KID: &str =
    "5WBs0Tbg8kk6m5gQqwxsNBma0nlf0gNzcklJ7reeF1L6XS7R2pTwCpzfH5rfIFRpDdk4JuN5mb4LReIdpTphWw";
const GOLDEN_IAT: i64 = 1_796_074_411;
const GOLDEN_EXP: i64 = GOLDEN_IAT + 2_592_000;
const NAME: &str = "authjs.session-token";

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("in range")
}

fn jwt_at(seconds: i64) -> Jwt {
    Jwt::new(Secrets::new(["golden-secret"]).expect("a secret")).with_clock(move || at(seconds))
}

#[test]
fn the_key_and_its_thumbprint_are_auth_js_s() {
    assert_eq!(Key::derive("golden-secret", NAME).thumbprint(), GOLDEN_KID);
    assert_ne!(
        Key::derive("golden-secret", "__Secure-authjs.session-token").thumbprint(),
        GOLDEN_KID
    );
}

#[test]
fn a_token_from_auth_js_decodes_with_its_claims() {
    let claims = jwt_at(GOLDEN_IAT + 60)
        .decode(GOLDEN, NAME)
        .expect("decodes");
    assert_eq!(claims.sub.as_deref(), Some("user-1"));
    assert_eq!(claims.name.as_deref(), Some("Ada"));
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.picture, None);
    assert_eq!(claims.iat, Some(GOLDEN_IAT));
    assert_eq!(claims.exp, Some(GOLDEN_EXP));
    assert_eq!(
        claims.jti.as_deref(),
        Some("d36e0587-e30e-4e16-89de-f4a90219bd89")
    );
    assert_eq!(
        claims.extra,
        json!({"role": "admin"})
            .as_object()
            .cloned()
            .expect("an object")
    );
}

#[test]
fn expiry_has_auth_js_s_fifteen_seconds_of_leeway() {
    assert!(jwt_at(GOLDEN_EXP + 14).decode(GOLDEN, NAME).is_ok());
    assert!(matches!(
        jwt_at(GOLDEN_EXP + 15).decode(GOLDEN, NAME),
        Err(JwtError::Expired { exp: GOLDEN_EXP })
    ));
}

#[test]
fn another_secret_or_salt_is_no_matching_key() {
    let other = Jwt::new(Secrets::new(["other"]).expect("a secret")).with_clock(|| at(GOLDEN_IAT));
    assert!(matches!(
        other.decode(GOLDEN, NAME),
        Err(JwtError::NoMatchingKey)
    ));
    let secure = jwt_at(GOLDEN_IAT).decode(GOLDEN, "__Secure-authjs.session-token");
    assert!(matches!(secure, Err(JwtError::NoMatchingKey)));
    // Rotation: the old secret second still reads it, by `kid`.
    let rotated = Jwt::new(Secrets::new(["new", "golden-secret"]).expect("secrets"))
        .with_clock(|| at(GOLDEN_IAT));
    assert!(rotated.decode(GOLDEN, NAME).is_ok());
}

#[test]
fn every_altered_character_is_refused() {
    let jwt = jwt_at(GOLDEN_IAT);
    for (i, original) in GOLDEN.char_indices() {
        let replacement = if original == 'A' { 'B' } else { 'A' };
        let mut altered = GOLDEN.to_owned();
        altered.replace_range(i..i + 1, &replacement.to_string());
        assert!(
            jwt.decode(&altered, NAME).is_err(),
            "altered at {i}: {altered}"
        );
    }
    let parts: Vec<&str> = GOLDEN.split('.').collect();
    let ciphertext = parts[3];
    let mid = ciphertext.len() / 2;
    let flipped = if &ciphertext[mid..=mid] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!(
        "{}..{}.{}{flipped}{}.{}",
        parts[0],
        parts[2],
        &ciphertext[..mid],
        &ciphertext[mid + 1..],
        parts[4]
    );
    assert!(matches!(
        jwt.decode(&tampered, NAME),
        Err(JwtError::Tampered)
    ));
}

#[test]
fn headers_auth_js_never_writes_are_refused_by_name() {
    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let rest = GOLDEN
        .split_once('.')
        .map(|(_, rest)| rest)
        .expect("five parts");
    let with = |header| format!("{}.{rest}", b64(header));
    let jwt = jwt_at(GOLDEN_IAT);
    let v4 = with(json!({"alg": "dir", "enc": "A256GCM"}));
    assert!(matches!(jwt.decode(&v4, NAME), Err(JwtError::V4Token)));
    let rsa = with(json!({"alg": "RSA-OAEP", "enc": "A256CBC-HS512"}));
    assert!(
        matches!(jwt.decode(&rsa, NAME), Err(JwtError::UnsupportedAlgorithm { alg }) if alg == "RSA-OAEP")
    );
    let other = with(json!({"alg": "dir", "enc": "A128CBC-HS256"}));
    assert!(
        matches!(jwt.decode(&other, NAME), Err(JwtError::UnsupportedEncryption { enc }) if enc == "A128CBC-HS256")
    );
    let zip = with(json!({"alg": "dir", "enc": "A256CBC-HS512", "zip": "DEF"}));
    assert!(matches!(
        jwt.decode(&zip, NAME),
        Err(JwtError::Malformed(_))
    ));
    // Without `kid`, the first secret's key: the tag (over the new header) fails.
    let no_kid = with(json!({"alg": "dir", "enc": "A256CBC-HS512"}));
    assert!(matches!(jwt.decode(&no_kid, NAME), Err(JwtError::Tampered)));
}

#[test]
fn encode_sets_iat_exp_and_jti_and_decodes() {
    let jwt = jwt_at(GOLDEN_IAT).with_policy(Policy::default().max_age(Duration::hours(1)));
    let (token, claims) = jwt
        .encode(Claims::user("7", None, Some("b@example.com"), None), NAME)
        .expect("encodes");
    assert_eq!(claims.iat, Some(GOLDEN_IAT));
    assert_eq!(claims.exp, Some(GOLDEN_IAT + 3600));
    assert_eq!(claims.jti.as_ref().map(String::len), Some(36));
    assert_eq!(jwt.decode(&token, NAME).expect("decodes"), claims);
    let (again, again_claims) = jwt.encode(claims.clone(), NAME).expect("encodes");
    assert_ne!(again, token, "a new IV");
    assert_ne!(again_claims.jti, claims.jti, "a new jti");
}

#[test]
fn claims_of_the_wrong_type_are_invalid() {
    let map = |v: serde_json::Value| v.as_object().cloned().expect("an object");
    assert!(matches!(
        Claims::from_json(map(json!({"sub": 1}))),
        Err(JwtError::InvalidClaim("sub"))
    ));
    assert!(matches!(
        Claims::from_json(map(json!({"exp": "soon"}))),
        Err(JwtError::InvalidClaim("exp"))
    ));
    let floored = Claims::from_json(map(json!({"iat": 10.9, "name": null}))).expect("valid");
    assert_eq!((floored.iat, floored.name), (Some(10), None));
}

#[test]
fn chunks_are_written_and_read_as_auth_js_does() {
    let value = "x".repeat(CHUNK_SIZE * 2 + 5);
    let cookies = chunks::write(NAME, &value, CHUNK_SIZE, at(0), false, &[]);
    let names: Vec<&str> = cookies.iter().map(|c| &*c.name).collect();
    assert_eq!(
        names,
        [
            format!("{NAME}.0"),
            format!("{NAME}.1"),
            format!("{NAME}.2")
        ]
    );
    assert_eq!(cookies[2].value.len(), 5);
    // Read back in any order; a gap is a missing chunk.
    let header = |order: &[usize]| {
        let pairs: Vec<String> = order
            .iter()
            .map(|&i| format!("{}={}", cookies[i].name, cookies[i].value))
            .collect();
        Cookies::parse(&pairs.join("; "))
    };
    assert_eq!(
        chunks::read(&header(&[2, 0, 1]), NAME)
            .expect("whole")
            .as_deref(),
        Some(value.as_str())
    );
    assert!(matches!(
        chunks::read(&header(&[0, 2]), NAME),
        Err(JwtError::MissingChunk { index: 1, .. })
    ));
    assert!(matches!(
        chunks::read(&header(&[1, 2]), NAME),
        Err(JwtError::MissingChunk { index: 0, .. })
    ));
    // Exactly one chunk's worth: the name itself; stale chunks cleared.
    let stale = [format!("{NAME}.0"), format!("{NAME}.1")];
    let one = chunks::write(
        NAME,
        &"y".repeat(CHUNK_SIZE),
        CHUNK_SIZE,
        at(0),
        true,
        &stale,
    );
    assert_eq!(one.len(), 3);
    assert_eq!(one[0].name, NAME);
    assert!(one[1].is_clearing() && one[2].is_clearing());
}
