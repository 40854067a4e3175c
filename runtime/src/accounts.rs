//! Accounts built from what a provider returns: the token endpoint's JSON, whose fields vary
//! by provider.
//!
//! Entry point: [`from_json`]. Providers send token fields no model names
//! (`refresh_token_expires_in` from GitHub, `ext_expires_in` from Microsoft Entra ID); an
//! account model with an `#[auth(extra)]` JSON column keeps them there, instead of failing the
//! sign-in the way an adapter that passes the object straight to its ORM does.

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
pub fn from_json<A: AccountModel>(json: serde_json::Value) -> Result<A> {
    let serde_json::Value::Object(mut object) = json else {
        return Err(Error::InvalidInput(
            "an account must be a JSON object".into(),
        ));
    };
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
}
