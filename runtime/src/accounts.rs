//! Accounts built from what a provider returns: the token endpoint's JSON, whose fields vary
//! by provider.
//!
//! Entry points: [`from_json`] and [`from_token_response`]. Both take a provider's raw token
//! response as Auth.js v5 shapes it: `expires_in` (seconds from now) becomes `expires_at`
//! (`floor(now) + expires_in`, Unix seconds) and is dropped, `token_type` is lowercased.
//! Providers send token fields no model names
//! (`refresh_token_expires_in` from GitHub, `ext_expires_in` from Microsoft Entra ID); an
//! account model with an `#[auth(extra)]` JSON column keeps them there, instead of failing the
//! sign-in the way an adapter that passes the object straight to its ORM does.

use chrono::{DateTime, Utc};
use serde_json::Map;

use crate::descriptor::{Column, ColumnType, IdStrategy, RoleField, camel_case};
use crate::error::{Error, Result};
use crate::traits::AccountModel;
use crate::value::Value;

/// Builds an account model from a JSON object: the provider's token response merged with the
/// link (`provider`, `providerAccountId`, `type`, `userId`), as Auth.js hands it to
/// `linkAccount`.
///
/// Each column takes the key named like its field (`provider_account_id`), its column, or the
/// Auth.js camelCase name (`providerAccountId`). The keys left over go to the model's
/// `#[auth(extra)]` column as one JSON object; without one, they are an
/// [`Error::InvalidInput`] naming them. A generated id may be left out. Ids (the account's
/// own and `userId`) may come as strings, the way the [`Adapter`](crate::Adapter) trait and
/// Auth.js pass them: `"userId": "3"` fills an integer `user_id`, as does `"userId": 3`.
///
/// ```
/// use authmodel::{accounts, AuthModel};
/// use serde_json::json;
///
/// #[derive(Debug, AuthModel)]
/// #[auth(role = "account")]
/// pub struct Link {
///     pub id: uuid::Uuid,
///     pub user_id: uuid::Uuid,
///     pub kind: String,
///     pub provider: String,
///     pub provider_account_id: String,
///     pub access_token: Option<String>,
///     pub expires_at: Option<i64>,
///     #[auth(extra)]
///     pub other_fields: Option<serde_json::Value>,
/// }
///
/// let link: Link = accounts::from_json(json!({
///     "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
///     "type": "oauth",
///     "provider": "github",
///     "providerAccountId": "4711",
///     "access_token": "gho_x",
///     "expires_at": 1767225600,
///     "refresh_token_expires_in": 15897600,
/// }))?;
/// assert_eq!(link.other_fields, Some(json!({ "refresh_token_expires_in": 15897600 })));
/// # Ok::<(), authmodel::Error>(())
/// ```
///
/// A raw token response is accepted as Auth.js v5 shapes it: `expires_in` is dropped, and
/// gives `expires_at = floor(now) + expires_in` when the object has no `expires_at`;
/// `token_type` is lowercased (`"Bearer"` becomes `"bearer"`).
pub fn from_json<A: AccountModel>(json: serde_json::Value) -> Result<A> {
    from_json_at(json, Utc::now())
}

/// [`from_json`] with `now` as the instant `expires_in` counts from.
pub fn from_json_at<A: AccountModel>(json: serde_json::Value, now: DateTime<Utc>) -> Result<A> {
    let serde_json::Value::Object(mut object) = json else {
        return Err(Error::InvalidInput(
            "an account must be a JSON object".into(),
        ));
    };
    shape_token_fields(&mut object, now)?;
    let table = A::TABLE;
    let mut row = Vec::with_capacity(table.columns.len());
    let mut extra_at = None;
    for (position, column) in table.columns.iter().enumerate() {
        if column.role == Some(RoleField::AccountExtra) {
            extra_at = Some(position);
            row.push(Value::Null);
            continue;
        }
        let value = match take(&mut object, column) {
            Some(serde_json::Value::Null) | None => missing(column)?,
            Some(json) => from_json_value(column, json)?,
        };
        row.push(value);
    }
    match extra_at {
        Some(position) if !object.is_empty() => {
            row[position] = Value::Json(serde_json::Value::Object(object));
        }
        Some(position) if !table.columns[position].nullable => {
            row[position] = Value::Json(serde_json::Value::Object(Map::new()));
        }
        Some(_) => {}
        None if !object.is_empty() => {
            let keys: Vec<String> = object.keys().map(|k| format!("`{k}`")).collect();
            return Err(Error::InvalidInput(format!(
                "`{}` has no column for the account field(s) {}: add an `#[auth(extra)]` JSON field to keep them",
                table.type_name,
                keys.join(", ")
            )));
        }
        None => {}
    }
    A::from_values(row)
}

/// The provider account a token response is for: the fields Auth.js adds to it before
/// `linkAccount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    /// The user the account links to: `None` where the caller sets it later (the session
    /// layer's sign-in sets it to the signed-in or new user).
    pub user_id: Option<&'a str>,
    /// `"oauth"` or `"oidc"` (Auth.js's `type`).
    pub kind: &'a str,
    /// The provider's id (`github`).
    pub provider: &'a str,
    /// The account's id at the provider (the profile's `sub` or `id`, as a string).
    pub provider_account_id: &'a str,
}

/// The fields of a token response Auth.js v5 stores (its `defaultAccount`).
pub const TOKEN_FIELDS: [&str; 7] = [
    "access_token",
    "id_token",
    "refresh_token",
    "expires_at",
    "scope",
    "token_type",
    "session_state",
];

/// Builds an account from a provider's raw token response exactly as Auth.js v5's
/// `defaultAccount` does: only [`TOKEN_FIELDS`] are kept (after `expires_in` has become
/// `expires_at` and `token_type` has been lowercased), every other field is dropped, and the
/// `link` fields are added.
///
/// ```
/// use authmodel::accounts::{self, Link};
/// use authmodel::models::Account;
/// use chrono::{TimeZone, Utc};
/// use serde_json::json;
///
/// let now = Utc.timestamp_millis_opt(1_767_225_600_900).unwrap();
/// let google = json!({
///     "access_token": "ya29.x",
///     "expires_in": 3599,
///     "scope": "openid email",
///     "token_type": "Bearer",
///     "id_token": "eyJ...",
/// });
/// let link = Link { user_id: None, kind: "oidc", provider: "google", provider_account_id: "1234" };
/// let account: Account = accounts::from_token_response(link, google, now)?;
/// assert_eq!(account.expires_at, Some(1_767_225_600 + 3599));
/// assert_eq!(account.token_type.as_deref(), Some("bearer"));
/// # Ok::<(), authmodel::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidInput`] when the response is not an object or a kept field has the
/// wrong type.
pub fn from_token_response<A: AccountModel>(
    link: Link<'_>,
    response: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<A> {
    let serde_json::Value::Object(mut tokens) = response else {
        return Err(Error::InvalidInput(
            "a token response must be a JSON object".into(),
        ));
    };
    shape_token_fields(&mut tokens, now)?;
    let mut object: Map<String, serde_json::Value> = tokens
        .into_iter()
        .filter(|(key, _)| TOKEN_FIELDS.contains(&key.as_str()))
        .collect();
    object.insert("type".into(), link.kind.into());
    object.insert("provider".into(), link.provider.into());
    object.insert("providerAccountId".into(), link.provider_account_id.into());
    match link.user_id {
        Some(user_id) => {
            object.insert("userId".into(), user_id.into());
        }
        None => {
            let at = A::TABLE.position(RoleField::AccountUserId);
            if let Some(column) = at.map(|at| &A::TABLE.columns[at]) {
                object.insert("userId".into(), placeholder_id(column.ty));
            }
        }
    }
    from_json_at(serde_json::Value::Object(object), now)
}

/// A user id of `ty` that a later step replaces.
fn placeholder_id(ty: ColumnType) -> serde_json::Value {
    match ty {
        ColumnType::Int32 | ColumnType::Int64 => 0.into(),
        ColumnType::Uuid => uuid::Uuid::nil().to_string().into(),
        _ => "".into(),
    }
}

/// What oauth4webapi and core do to a token response: `expires_in` (a number, or a numeric
/// string) becomes `expires_at = floor(now in seconds) + expires_in` unless `expires_at` is
/// there already (a falsy `expires_in`, 0 or null, gives none), and is dropped; `token_type`
/// is lowercased.
fn shape_token_fields(
    object: &mut Map<String, serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(expires_in) = object.remove("expires_in") {
        let seconds = match &expires_in {
            serde_json::Value::Null => None,
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let seconds = match (seconds, &expires_in) {
            (Some(seconds), _) => Some(seconds),
            (None, serde_json::Value::Null) => None,
            (None, other) => {
                return Err(Error::InvalidInput(format!(
                    "`expires_in` must be a whole number of seconds, found {other}"
                )));
            }
        };
        if let Some(seconds) = seconds.filter(|s| *s != 0)
            && !object.contains_key("expires_at")
        {
            let expires_at = now.timestamp().checked_add(seconds).ok_or_else(|| {
                Error::InvalidInput(format!("`expires_in` {seconds} is out of range"))
            })?;
            object.insert("expires_at".into(), expires_at.into());
        }
    }
    if let Some(serde_json::Value::String(token_type)) = object.get_mut("token_type") {
        *token_type = token_type.to_lowercase();
    }
    Ok(())
}

/// Converts one JSON value for `column`. A key column (the account's id, its `userId`) also
/// takes the string form of its type, as the [`Adapter`](crate::Adapter) trait and Auth.js
/// pass every id: `"3"` where ids are integers.
fn from_json_value(column: &Column, json: serde_json::Value) -> Result<Value> {
    let is_key = column.primary_key
        || column.id.is_some()
        || matches!(
            column.role,
            Some(RoleField::AccountId | RoleField::AccountUserId)
        );
    match (json, column.ty) {
        (serde_json::Value::String(id), ColumnType::Int32 | ColumnType::Int64) if is_key => {
            Value::parse_id(column.ty, &id).ok_or_else(|| {
                Error::InvalidInput(format!(
                    "account field `{}`: {id:?} is not an integer id",
                    column.field
                ))
            })
        }
        (json, ty) => Value::from_json(ty, json)
            .map_err(|e| Error::InvalidInput(format!("account field `{}`: {e}", column.field))),
    }
}

/// Takes the key for `column`: its Auth.js name, field name, column name, or the field's
/// camelCase form.
fn take(object: &mut Map<String, serde_json::Value>, column: &Column) -> Option<serde_json::Value> {
    let camel = camel_case(column.field);
    let authjs = column.role.map(RoleField::authjs_name);
    authjs
        .into_iter()
        .chain([column.field, column.name, camel.as_str()])
        .find_map(|key| object.remove(key))
}

/// The value of a key the object left out: `NULL` where the column allows it, a placeholder
/// for an id the adapter generates, an error otherwise.
fn missing(column: &Column) -> Result<Value> {
    let generated = matches!(
        column.id,
        Some(
            IdStrategy::UuidV4
                | IdStrategy::UuidV7
                | IdStrategy::AutoIncrement
                | IdStrategy::Generated(_)
        )
    );
    if generated {
        return Ok(match column.ty {
            ColumnType::Uuid => Value::Uuid(uuid::Uuid::nil()),
            ColumnType::Int32 | ColumnType::Int64 => Value::Int(0),
            _ => Value::Text(String::new()),
        });
    }
    if column.nullable {
        return Ok(Value::Null);
    }
    let name = column.role.map_or(column.field, RoleField::authjs_name);
    Err(Error::InvalidInput(format!(
        "the account has no `{name}` (field `{}`)",
        column.field
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::Account;

    #[test]
    fn the_default_account_refuses_unknown_fields_by_name() {
        let error = from_json::<Account>(json!({
            "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
            "type": "oauth",
            "provider": "azure-ad",
            "providerAccountId": "1",
            "ext_expires_in": 3599,
        }))
        .expect_err("no extra column");
        assert!(error.to_string().contains("`ext_expires_in`"), "{error}");
    }

    #[test]
    fn snake_and_camel_keys_both_fill_the_default_account() {
        let account = from_json::<Account>(json!({
            "user_id": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
            "type": "oidc",
            "provider": "google",
            "providerAccountId": "42",
            "id_token": "eyJ...",
            "expires_at": 1767225600,
            "scope": null,
        }))
        .expect("a complete account");
        assert_eq!(account.kind, "oidc");
        assert_eq!(account.expires_at, Some(1_767_225_600));
        assert_eq!(account.scope, None);
    }

    #[test]
    fn wrong_types_and_missing_fields_are_named() {
        let error = from_json::<Account>(json!({ "type": "oauth" })).expect_err("incomplete");
        assert!(error.to_string().contains("user_id"), "{error}");
        let error = from_json::<Account>(json!({
            "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
            "type": "oauth",
            "provider": "github",
            "providerAccountId": 7,
        }))
        .expect_err("a number where text belongs");
        assert!(error.to_string().contains("provider_account_id"), "{error}");
    }

    #[test]
    fn integer_ids_take_their_string_form_and_stay_numbers() {
        use crate::compat::pg;
        let link = |user_id: serde_json::Value| {
            from_json::<pg::Account>(json!({
                "userId": user_id,
                "type": "oauth",
                "provider": "github",
                "providerAccountId": "4711",
            }))
        };
        assert_eq!(
            link(json!("3"))
                .expect("the Adapter trait's string id")
                .user_id,
            3
        );
        assert_eq!(link(json!(3)).expect("a JSON number").user_id, 3);
        let error =
            link(json!("0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91")).expect_err("not an integer");
        assert!(error.to_string().contains("user_id"), "{error}");
        let error = link(json!("4294967296")).expect_err("out of range for `integer`");
        assert!(error.to_string().contains("user_id"), "{error}");
        let with_id = from_json::<pg::Account>(json!({
            "id": "12",
            "userId": "3",
            "type": "oauth",
            "provider": "github",
            "providerAccountId": "4711",
        }))
        .expect("a string id");
        assert_eq!(with_id.id, 12);
    }

    #[test]
    fn raw_token_responses_shape_as_auth_js_v5() {
        use chrono::TimeZone;
        let now = Utc.timestamp_millis_opt(1_767_225_600_999).unwrap();
        // Google's token response, merged with the link, as a user would pass it.
        let google = from_json_at::<Account>(
            json!({
                "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
                "type": "oidc",
                "provider": "google",
                "providerAccountId": "1234",
                "access_token": "ya29.a0",
                "expires_in": 3599,
                "scope": "openid https://www.googleapis.com/auth/userinfo.email",
                "token_type": "Bearer",
                "id_token": "eyJhbGciOi",
            }),
            now,
        )
        .expect("a raw Google response");
        assert_eq!(google.expires_at, Some(1_767_225_600 + 3599));
        assert_eq!(google.token_type.as_deref(), Some("bearer"));
        // GitHub's with expiring user tokens: the fields Auth.js does not keep are dropped.
        let github = from_token_response::<Account>(
            Link {
                user_id: None,
                kind: "oauth",
                provider: "github",
                provider_account_id: "4711",
            },
            json!({
                "access_token": "ghu_x",
                "expires_in": "28800",
                "refresh_token": "ghr_y",
                "refresh_token_expires_in": "15897600",
                "scope": "",
                "token_type": "bearer",
            }),
            now,
        )
        .expect("a raw GitHub response");
        assert_eq!(github.expires_at, Some(1_767_225_600 + 28_800));
        assert_eq!(github.refresh_token.as_deref(), Some("ghr_y"));
        assert_eq!(github.user_id, uuid::Uuid::nil());
        assert_eq!(github.provider_account_id, "4711");
        // A given `expires_at` wins; a zero `expires_in` gives none.
        let kept = from_json_at::<Account>(
            json!({
                "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
                "type": "oauth", "provider": "x", "providerAccountId": "1",
                "expires_at": 5, "expires_in": 0,
            }),
            now,
        )
        .expect("an account");
        assert_eq!(kept.expires_at, Some(5));
        let error = from_json_at::<Account>(
            json!({
                "userId": "0b5f0d1e-4a53-4c38-9d2f-2a8f3c7e2b91",
                "type": "oauth", "provider": "x", "providerAccountId": "1",
                "expires_in": "soon",
            }),
            now,
        )
        .expect_err("not a number");
        assert!(error.to_string().contains("expires_in"), "{error}");
    }
}
