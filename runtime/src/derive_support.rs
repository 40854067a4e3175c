//! What the derives' output calls at compile time and run time: the spanned type checks of
//! role fields, the primary-key strategies by type, and field decoding.
//!
//! Entry points: the [`role_types`] traits (one per contract field, implemented for the types
//! that field accepts), [`IdType`] and [`decode`]. Reached through `authmodel::__private_0_1`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::descriptor::{Column, IdStrategy, Role, Table};
use crate::error::Error;
use crate::value::{ColumnValue, Value, ValueError};

/// A type that can be a primary key, and how its values are produced by default.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a primary key",
    label = "expected `uuid::Uuid`, `i64`, `i32` or `String`"
)]
pub trait IdType {
    /// The default strategy: UUIDs generated in Rust (v4), integers by the database,
    /// strings as the application gives them.
    const STRATEGY: IdStrategy;
}

impl IdType for Uuid {
    const STRATEGY: IdStrategy = IdStrategy::UuidV4;
}
impl IdType for i64 {
    const STRATEGY: IdStrategy = IdStrategy::AutoIncrement;
}
impl IdType for i32 {
    const STRATEGY: IdStrategy = IdStrategy::AutoIncrement;
}
impl IdType for String {
    const STRATEGY: IdStrategy = IdStrategy::Provided;
}
/// An optional id (accounts, sessions, authenticators whose rows other clients may write with
/// a `NULL` id): a v4 UUID generated for each row authmodel inserts.
impl IdType for Option<Uuid> {
    const STRATEGY: IdStrategy = IdStrategy::UuidV4;
}
/// An optional text id: a v4 UUID's text generated for each row authmodel inserts (with
/// `#[auth(id = "provided")]`, the struct's value, `NULL` for `None`).
impl IdType for Option<String> {
    const STRATEGY: IdStrategy = IdStrategy::UuidV4;
}

/// Converts a field into its column's value, naming the column when it cannot be.
pub fn encode<T: ColumnValue>(
    field: &T,
    table: &'static Table,
    position: usize,
) -> Result<Value, Error> {
    field.to_value().map_err(|source| {
        let column = table.columns.get(position).map_or("?", |c| c.name);
        Error::InvalidInput(format!("`{}.{column}`: {source}", table.name))
    })
}

/// Reads the next value of a row into a field, naming the column when it does not fit.
pub fn decode<T: ColumnValue>(
    values: &mut impl Iterator<Item = Value>,
    table: &'static Table,
    position: usize,
) -> Result<T, Error> {
    let column = table.columns.get(position).map_or("?", |c| c.name);
    // `ok_or_else`: building the error eagerly cost an allocation per field decoded.
    let value = values.next().ok_or_else(|| Error::Decode {
        table: table.name,
        column,
        source: ValueError::Invalid("the row has fewer columns than the model".into()),
    })?;
    T::from_value(value).map_err(|source| Error::Decode {
        table: table.name,
        column,
        source,
    })
}

/// The text of a value, for enums stored as text.
pub fn text_of(value: Value) -> Result<String, ValueError> {
    match value {
        Value::Text(text) => Ok(text),
        Value::Null => Err(ValueError::UnexpectedNull),
        other => Err(ValueError::Mismatch {
            expected: "text",
            found: other.kind(),
        }),
    }
}

/// Whether `table`'s column referencing the user (if any) has the column type of `users`'s
/// primary key, in a const context (for `#[derive(AuthSchema)]`).
pub const fn references_user_key(table: &Table, users: &Table) -> bool {
    let mut key = None;
    let mut i = 0;
    while i < users.columns.len() {
        if users.columns[i].primary_key {
            key = Some(users.columns[i].ty);
        }
        i += 1;
    }
    let Some(key) = key else {
        return true;
    };
    let mut i = 0;
    while i < table.columns.len() {
        let column = &table.columns[i];
        if let Some(role) = column.role
            && role.references_user()
            && column.ty as u8 != key as u8
        {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether two roles are the same, in a const context (for embedded models).
pub const fn same_role(a: Role, b: Role) -> bool {
    a as u8 == b as u8
}

/// Whether `columns` has a column named `name` (case-insensitively).
pub const fn has_column(columns: &[Column], name: &str) -> bool {
    let mut i = 0;
    while i < columns.len() {
        if same_name(columns[i].name, name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether two column lists have a column name in common.
pub const fn share_column(a: &[Column], b: &[Column]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if has_column(b, a[i].name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `columns` has a primary key column.
pub const fn has_primary_key(columns: &[Column]) -> bool {
    let mut i = 0;
    while i < columns.len() {
        if columns[i].primary_key {
            return true;
        }
        i += 1;
    }
    false
}

/// Case-insensitive, as column names are on MySQL and SQLite.
const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// The table of the stub impl emitted beside a derive's compile errors; never used at run
/// time, since the crate does not compile.
pub const STUB_TABLE: Table = Table {
    name: "",
    type_name: "",
    role: Role::User,
    columns: &[],
    key_naming: crate::descriptor::KeyNaming::Postgres,
    keys: crate::descriptor::Keys::DERIVED,
};

/// One trait per contract field, implemented for the Rust types the field may have. The
/// derive asserts the bound on the field's type, so `expires: String` is an error on `String`.
pub mod role_types {
    use super::*;

    // `diagnostic::on_unimplemented` takes only literals, so each message is written out.
    macro_rules! role_field {
        ($name:ident, $message:literal, $label:literal: $($ty:ty),+) => {
            #[doc = $message]
            #[diagnostic::on_unimplemented(message = $message, label = $label)]
            pub trait $name {}
            $(impl $name for $ty {})+
        };
    }

    macro_rules! id_field {
        ($($name:ident, $message:literal;)+) => {
            $(role_field!($name, $message, "expected `uuid::Uuid`, `i64`, `i32` or `String`":
                Uuid, i64, i32, String);)+
        };
    }

    macro_rules! text_field {
        ($($name:ident, $message:literal;)+) => {
            $(role_field!($name, $message, "expected `String`": String);)+
        };
    }

    macro_rules! optional_text_field {
        ($($name:ident, $message:literal;)+) => {
            $(role_field!($name, $message, "expected `Option<String>` or `String`":
                Option<String>, String);)+
        };
    }

    id_field! {
        UserId, "`{Self}` cannot hold a user's `id`";
        AccountUserId, "`{Self}` cannot hold an account's `user_id`";
        SessionUserId, "`{Self}` cannot hold a session's `user_id`";
        AuthenticatorUserId, "`{Self}` cannot hold an authenticator's `user_id`";
    }
    text_field! {
        AccountType, "`{Self}` cannot hold an account's `type`";
        AccountProvider, "`{Self}` cannot hold an account's `provider`";
        AccountProviderAccountId, "`{Self}` cannot hold an account's `provider_account_id`";
        SessionToken, "`{Self}` cannot hold a session's `session_token`";
        VerificationIdentifier, "`{Self}` cannot hold a verification token's `identifier`";
        VerificationToken, "`{Self}` cannot hold a verification token's `token`";
        AuthenticatorCredentialId, "`{Self}` cannot hold an authenticator's `credential_id`";
        AuthenticatorProviderAccountId,
            "`{Self}` cannot hold an authenticator's `provider_account_id`";
        AuthenticatorCredentialPublicKey,
            "`{Self}` cannot hold an authenticator's `credential_public_key`";
        AuthenticatorCredentialDeviceType,
            "`{Self}` cannot hold an authenticator's `credential_device_type`";
    }
    optional_text_field! {
        UserEmail, "`{Self}` cannot hold a user's `email`";
        UserName, "`{Self}` cannot hold a user's `name`";
        UserImage, "`{Self}` cannot hold a user's `image`";
        AccountRefreshToken, "`{Self}` cannot hold an account's `refresh_token`";
        AccountAccessToken, "`{Self}` cannot hold an account's `access_token`";
        AccountTokenType, "`{Self}` cannot hold an account's `token_type`";
        AccountScope, "`{Self}` cannot hold an account's `scope`";
        AccountIdToken, "`{Self}` cannot hold an account's `id_token`";
        AccountSessionState, "`{Self}` cannot hold an account's `session_state`";
        AuthenticatorTransports, "`{Self}` cannot hold an authenticator's `transports`";
    }
    role_field!(UserEmailVerified, "`{Self}` cannot hold a user's `email_verified`",
        "expected `Option<DateTime<Utc>>`": Option<DateTime<Utc>>);
    role_field!(AccountExpiresAt,
        "`{Self}` cannot hold an account's `expires_at` (seconds since the epoch)",
        "expected `Option<i64>` or `i64`": Option<i64>, i64, Option<i32>, i32);
    role_field!(SessionExpires, "`{Self}` cannot hold a session's `expires`",
        "expected `DateTime<Utc>`": DateTime<Utc>);
    role_field!(VerificationExpires, "`{Self}` cannot hold a verification token's `expires`",
        "expected `DateTime<Utc>`": DateTime<Utc>);
    role_field!(AuthenticatorCounter, "`{Self}` cannot hold an authenticator's `counter`",
        "expected `i64` or `i32`": i64, i32);
    role_field!(AccountExtra,
        "`{Self}` cannot collect an account's extra token fields",
        "expected `serde_json::Value` or `Option<serde_json::Value>`":
        serde_json::Value, Option<serde_json::Value>);
    macro_rules! optional_id_field {
        ($($name:ident, $message:literal;)+) => {
            $(role_field!($name, $message,
                "expected `uuid::Uuid`, `i64`, `i32`, `String`, `Option<uuid::Uuid>` or `Option<String>`":
                Uuid, i64, i32, String, Option<Uuid>, Option<String>);)+
        };
    }
    // The user's id is referenced by the other tables, so it is never optional; the others'
    // may be, for rows another client wrote without one.
    optional_id_field! {
        AccountId, "`{Self}` cannot hold an account's `id`";
        SessionId, "`{Self}` cannot hold a session's `id`";
        AuthenticatorId, "`{Self}` cannot hold an authenticator's `id`";
    }
    role_field!(UuidId, "`{Self}` cannot hold a generated UUID",
        "expected `uuid::Uuid` or `String`, or an `Option` of either":
        Uuid, String, Option<Uuid>, Option<String>);
    role_field!(Instant,
        "`{Self}` cannot hold an instant the adapter writes",
        "`#[auth(created_at)]` and `#[auth(updated_at)]` are for `DateTime<Utc>` or `Option<DateTime<Utc>>`":
        DateTime<Utc>, Option<DateTime<Utc>>);
    #[cfg(feature = "time")]
    impl Instant for time::OffsetDateTime {}
    #[cfg(feature = "time")]
    impl Instant for Option<time::OffsetDateTime> {}
    role_field!(DbDefaultId,
        "`{Self}` cannot hold an id the database makes by default",
        "`#[auth(db_default)]` is for a `uuid::Uuid` or `String` id, or an `Option` of either":
        Uuid, String, Option<Uuid>, Option<String>);
    role_field!(IntegerId, "`{Self}` cannot hold an id the database assigns",
        "expected `i64` or `i32`": i64, i32);
    role_field!(StringId, "`{Self}` cannot hold an id from `id_with`",
        "expected `String` or `Option<String>`": String, Option<String>);
    role_field!(EpochMillis,
        "`{Self}` cannot be stored as epoch milliseconds",
        "`#[auth(epoch_ms)]` is for `DateTime<Utc>` or `Option<DateTime<Utc>>`":
        DateTime<Utc>, Option<DateTime<Utc>>);
    role_field!(AuthenticatorCredentialBackedUp,
        "`{Self}` cannot hold an authenticator's `credential_backed_up`",
        "expected `bool`": bool);
}
