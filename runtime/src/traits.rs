//! What `#[derive(AuthModel)]` implements: a model's table, its row conversions and its patch.
//!
//! Entry points: [`Model`] (every model), [`Patch`] (the partial-update type the derive
//! generates), the role traits ([`UserModel`] and its siblings) that say which contract role a
//! model plays and read its role fields for generic code ([`UserModel::id`],
//! [`SessionModel::user_id`]...), and [`Schema`], which binds one model per role.

use chrono::{DateTime, Utc};

use crate::descriptor::{RoleField, Table};
use crate::error::Error;
use crate::value::{Value, ValueError};

/// A struct stored as one row of one table. Implemented by `#[derive(AuthModel)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an authmodel model",
    label = "not a model",
    note = "models are structs with `#[derive(AuthModel)]`"
)]
pub trait Model: Sized + Send + Sync + 'static {
    /// The table descriptor: columns in field order, with their roles and constraints.
    const TABLE: &'static Table;
    /// The partial-update type: one optional slot per persisted field.
    type Patch: Patch;
    /// The row's values, one per column of [`Model::TABLE`], in order. Fails only when a
    /// typed JSON field cannot be serialized.
    fn to_values(&self) -> Result<Vec<Value>, Error>;
    /// Builds the model from one value per column, in order.
    fn from_values(values: Vec<Value>) -> Result<Self, Error>;
    /// The value of the column at `position` of [`Model::TABLE`] alone (`None` past the
    /// last): what generic code reading one role field (a session's `expires`) calls, so
    /// that it converts one field, not the whole row. The derive generates it; the default
    /// goes through [`Model::to_values`].
    fn value_at(&self, position: usize) -> Result<Option<Value>, Error> {
        Ok(self.to_values()?.into_iter().nth(position))
    }
}

/// A partial update: fields left `None` stay unchanged. For a nullable field, `Some(None)`
/// sets the column to `NULL`, which is distinct from leaving it alone.
pub trait Patch: Default + Send + Sync + 'static {
    /// The assignments the patch makes, as (column position, new value), in column order.
    fn into_assignments(self) -> Result<Vec<(usize, Value)>, Error>;
    /// Sets the field at column `position` from a neutral value: how generic code (the
    /// conformance suite, a custom adapter) builds a patch without knowing the model.
    fn set(&mut self, position: usize, value: Value) -> Result<(), ValueError>;
}

/// The value of `model`'s column playing `field`; `None` when it has none or the model
/// cannot be turned into a row (a typed JSON field that does not serialise).
fn role_value<M: Model>(model: &M, field: RoleField) -> Option<Value> {
    let at = M::TABLE.position(field)?;
    model.value_at(at).ok()?
}

/// The contract's string form (what [`Adapter`](crate::Adapter) methods take) of `model`'s
/// column playing `field`: a UUID hyphenated, an integer in decimal, text as it is; `None`
/// when the column is absent or `NULL`.
fn role_string<M: Model>(model: &M, field: RoleField) -> Option<String> {
    role_value(model, field)?.to_id_string()
}

/// The instant in `model`'s column playing `field`.
fn role_instant<M: Model>(model: &M, field: RoleField) -> Option<DateTime<Utc>> {
    match role_value(model, field)? {
        Value::Timestamp(t) => Some(t),
        _ => None,
    }
}

/// A model playing the user role (`#[auth(role = "user")]`).
///
/// Its methods read the role fields of any user model, whatever their Rust names and types,
/// as the strings the [`Adapter`](crate::Adapter) takes: generic code
/// (`fn greet<U: UserModel>(user: &U)`) needs no accessor of its own.
///
/// ```
/// use authmodel::models::User;
/// use authmodel::model::UserModel;
///
/// fn who<U: UserModel>(user: &U) -> String {
///     format!("{} <{}>", user.id().unwrap_or_default(), user.email().unwrap_or_default())
/// }
/// let user = User::new("ada@example.com");
/// assert_eq!(who(&user), "00000000-0000-0000-0000-000000000000 <ada@example.com>");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a user model",
    note = "derive `AuthModel` with `#[auth(role = \"user\")]`"
)]
pub trait UserModel: Model {
    /// The user's id, as the contract spells it (`get_user(&id)`).
    fn id(&self) -> Option<String> {
        role_string(self, RoleField::UserId)
    }
    /// The user's email; `None` when the model allows none and has none.
    fn email(&self) -> Option<String> {
        role_string(self, RoleField::UserEmail)
    }
}
/// A model playing the account role (`#[auth(role = "account")]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an account model",
    note = "derive `AuthModel` with `#[auth(role = \"account\")]`"
)]
pub trait AccountModel: Model {
    /// The id of the user the account is linked to.
    fn user_id(&self) -> Option<String> {
        role_string(self, RoleField::AccountUserId)
    }
    /// The provider (`github`), for an [`AccountKey`](crate::AccountKey).
    fn provider(&self) -> Option<String> {
        role_string(self, RoleField::AccountProvider)
    }
    /// The account's id at the provider, for an [`AccountKey`](crate::AccountKey).
    fn provider_account_id(&self) -> Option<String> {
        role_string(self, RoleField::AccountProviderAccountId)
    }
}
/// A model playing the session role (`#[auth(role = "session")]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a session model",
    note = "derive `AuthModel` with `#[auth(role = \"session\")]`"
)]
pub trait SessionModel: Model {
    /// The id of the user signed in.
    fn user_id(&self) -> Option<String> {
        role_string(self, RoleField::SessionUserId)
    }
    /// The session token as stored (its hash when the session layer hashes tokens).
    fn session_token(&self) -> Option<String> {
        role_string(self, RoleField::SessionToken)
    }
    /// When the session ends.
    fn expires(&self) -> Option<DateTime<Utc>> {
        role_instant(self, RoleField::SessionExpires)
    }
}
/// A model playing the verification token role (`#[auth(role = "verification_token")]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a verification token model",
    note = "derive `AuthModel` with `#[auth(role = \"verification_token\")]`"
)]
pub trait VerificationTokenModel: Model {
    /// Who the token was sent to.
    fn identifier(&self) -> Option<String> {
        role_string(self, RoleField::VerificationIdentifier)
    }
    /// When the token stops being accepted.
    fn expires(&self) -> Option<DateTime<Utc>> {
        role_instant(self, RoleField::VerificationExpires)
    }
}
/// A model playing the authenticator role (`#[auth(role = "authenticator")]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an authenticator model",
    note = "derive `AuthModel` with `#[auth(role = \"authenticator\")]`"
)]
pub trait AuthenticatorModel: Model {
    /// The id of the user the credential belongs to.
    fn user_id(&self) -> Option<String> {
        role_string(self, RoleField::AuthenticatorUserId)
    }
    /// The credential's id.
    fn credential_id(&self) -> Option<String> {
        role_string(self, RoleField::AuthenticatorCredentialId)
    }
}

/// One model per contract role: what an adapter stores. Implemented by `#[derive(AuthSchema)]`.
pub trait Schema: Send + Sync + 'static {
    /// The user model.
    type User: UserModel;
    /// The account model.
    type Account: AccountModel;
    /// The session model.
    type Session: SessionModel;
    /// The verification token model.
    type VerificationToken: VerificationTokenModel;
    /// The authenticator model.
    type Authenticator: AuthenticatorModel;

    /// Whether the database has a table for [`Schema::Authenticator`]. `false` for the
    /// Auth.js layouts that have none (`@auth/pg-adapter`, `@auth/kysely-adapter`,
    /// `#[auth(no_authenticator_table)]` on `#[derive(AuthSchema)]`): the DDL and
    /// `synchronize` then leave that table out and `delete_user` does not touch it; the
    /// authenticator operations fail with the database's own error unless the application
    /// adds the table itself.
    const AUTHENTICATOR_TABLE: bool = true;

    /// The five tables, users first (the others reference it).
    fn tables() -> [&'static Table; 5] {
        [
            <Self::User as Model>::TABLE,
            <Self::Account as Model>::TABLE,
            <Self::Session as Model>::TABLE,
            <Self::VerificationToken as Model>::TABLE,
            <Self::Authenticator as Model>::TABLE,
        ]
    }

    /// The tables the database holds: [`Schema::tables`], without the authenticator's when
    /// [`Schema::AUTHENTICATOR_TABLE`] is `false`.
    fn stored_tables() -> Vec<&'static Table> {
        Self::tables()
            .into_iter()
            .filter(|t| {
                Self::AUTHENTICATOR_TABLE || t.role != crate::descriptor::Role::Authenticator
            })
            .collect()
    }
}

/// The patch type of a model: what `update_user` and `update_session` take.
pub type PatchOf<M> = <M as Model>::Patch;
