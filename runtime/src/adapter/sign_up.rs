//! A new user's sign-up as one operation: the user, its first provider account (OAuth) and its
//! first session, stored together or not at all.
//!
//! Entry points: [`SignUp`] (what [`Adapter::sign_up`] returns),
//! [`sign_up_in_turn`] (the default implementation: the three writes in turn, the user
//! deleted again when a later one fails) and [`with_user_id`] (points a model's user column
//! at a stored user, from the descriptors alone).
//!
//! Auth.js calls `createUser`, `linkAccount` and `createSession` one after the other; when the
//! link fails, the user row stays behind, and the next sign-in with that provider is refused
//! as `OAuthAccountNotLinked` (its email is taken by a user that has no link). Here the
//! operation leaves nothing behind.

use crate::descriptor::{RoleField, Table};
use crate::error::{Error, Result};
use crate::traits::{Model, Schema};
use crate::value::Value;

use super::Adapter;

/// What [`Adapter::sign_up`] stored: the user, the account linked
/// to it (when one was given) and its session, each as stored.
pub struct SignUp<S: Schema> {
    /// The new user.
    pub user: S::User,
    /// The provider account linked to it: `None` for an email sign-in.
    pub account: Option<S::Account>,
    /// The new session.
    pub session: S::Session,
}

impl<S: Schema> std::fmt::Debug for SignUp<S>
where
    S::User: std::fmt::Debug,
    S::Account: std::fmt::Debug,
    S::Session: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUp")
            .field("user", &self.user)
            .field("account", &self.account)
            .field("session", &self.session)
            .finish()
    }
}

/// `model` with its column playing `field` (a user id: `AccountUserId`, `SessionUserId`) set
/// to the user id `id`, in that column's type.
///
/// # Errors
///
/// [`Error::Schema`] when the model has no such column, [`Error::InvalidInput`] when `id`
/// cannot be a value of its type.
pub fn with_user_id<M: Model>(model: M, field: RoleField, id: &str) -> Result<M> {
    let table: &Table = M::TABLE;
    let at = table.position(field).ok_or_else(|| {
        Error::Schema(format!(
            "`{}` has no column playing {field:?}",
            table.type_name
        ))
    })?;
    let column = &table.columns[at];
    let value = Value::parse_id(column.ty, id).ok_or_else(|| {
        Error::InvalidInput(format!(
            "user id `{id}` does not fit `{}.{}`",
            table.name, column.name
        ))
    })?;
    let mut row = model.to_values()?;
    if let Some(slot) = row.get_mut(at) {
        *slot = value;
    }
    M::from_values(row)
}

/// The contract's string form of a stored user's id.
pub(crate) fn user_id_of<S: Schema>(user: &S::User) -> Result<String> {
    let table = <S::User as Model>::TABLE;
    let at = table
        .position(RoleField::UserId)
        .ok_or_else(|| Error::Schema(format!("`{}` has no id column", table.type_name)))?;
    user.to_values()?
        .get(at)
        .and_then(Value::to_id_string)
        .ok_or_else(|| Error::Database(format!("`{}` stored without an id", table.name).into()))
}

/// The default [`Adapter::sign_up`]: `create_user`, then
/// `link_account` and `create_session` pointed at the stored user; when either of those
/// fails, `delete_user` removes the user (and, by its cascade, whatever was written for it)
/// and the first error is returned.
///
/// Atomic as seen by the next caller, not against a crash between the writes: an adapter
/// that has transactions overrides [`Adapter::sign_up`].
pub async fn sign_up_in_turn<S: Schema, A: Adapter<S> + ?Sized>(
    adapter: &A,
    user: S::User,
    account: Option<S::Account>,
    session: S::Session,
) -> Result<SignUp<S>> {
    sign_up_undone_by(adapter, adapter, user, account, session).await
}

/// [`sign_up_in_turn`], with the user deleted again through `undo` when a later write
/// fails: the composed adapter undoes on the system holding users alone, so a session store
/// that is down cannot keep the user (and its email) from going.
pub(crate) async fn sign_up_undone_by<S, A, U>(
    adapter: &A,
    undo: &U,
    user: S::User,
    account: Option<S::Account>,
    session: S::Session,
) -> Result<SignUp<S>>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    U: Adapter<S> + ?Sized,
{
    let user = adapter.create_user(user).await?;
    let id = user_id_of::<S>(&user)?;
    let rest = async {
        let account = match account {
            Some(account) => Some(
                adapter
                    .link_account(with_user_id(account, RoleField::AccountUserId, &id)?)
                    .await?,
            ),
            None => None,
        };
        let session = adapter
            .create_session(with_user_id(session, RoleField::SessionUserId, &id)?)
            .await?;
        Ok::<_, Error>((account, session))
    };
    match rest.await {
        Ok((account, session)) => Ok(SignUp {
            user,
            account,
            session,
        }),
        Err(error) => {
            // The first error is the one worth reporting; a failed clean-up leaves the user
            // row, which is what Auth.js leaves on every failure.
            let _ = undo.delete_user(&id).await;
            Err(error)
        }
    }
}
