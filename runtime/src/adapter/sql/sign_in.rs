//! [`Adapter::sign_in_with_account`](crate::Adapter::sign_in_with_account) on SQL: ONE
//! statement where the dialect has data-modifying CTEs (PostgreSQL), the lookups and writes
//! in turn elsewhere.
//!
//! Entry point: [`SqlAdapter::sign_in_with_account_at_once`]. A unique violation from the one
//! statement (a concurrent sign-up of the same email or account, which its snapshot could not
//! see) is not reported: the operation runs again once, in turn, which then finds the other
//! sign-up's rows, or gives the error the lookups in turn would give.

use crate::adapter::{AccountSignIn, sign_in_keys, sign_in_with_account_in_turn};
use crate::descriptor::RoleField;
use crate::error::{Error, Result};
use crate::statements::contract::{
    SIGN_IN_STATUS, STATUS_LINKED, STATUS_NEW, STATUS_TAKEN, SignInStatement,
};
use crate::traits::{Model, Schema};
use crate::value::Value;

use super::SqlAdapter;
use super::executor::{Access, Call};

impl<S: Schema> SqlAdapter<S> {
    /// The sign-in as one statement where the dialect allows it, else in turn.
    pub(super) async fn sign_in_with_account_at_once(
        &self,
        user: S::User,
        account: S::Account,
        session: S::Session,
    ) -> Result<AccountSignIn<S>> {
        let Some(one) = self.inner.statements.sign_in_with_account.as_ref() else {
            return sign_in_with_account_in_turn(self, user, account, session).await;
        };
        let sent = self
            .sign_in_in_one_statement(one, &user, &account, &session)
            .await;
        match sent {
            Err(error) if error.is_conflict() => {
                sign_in_with_account_in_turn(self, user, account, session).await
            }
            other => other,
        }
    }

    async fn sign_in_in_one_statement(
        &self,
        one: &SignInStatement,
        user: &S::User,
        account: &S::Account,
        session: &S::Session,
    ) -> Result<AccountSignIn<S>> {
        let statements = &self.inner.statements;
        let users = <S::User as Model>::TABLE;
        let sessions = <S::Session as Model>::TABLE;
        let (provider, provider_account_id, email) = sign_in_keys::<S>(user, account)?;
        let params = one.params(
            [Value::Text(provider), Value::Text(provider_account_id)],
            email.map_or(Value::Null, Value::Text),
            statements.insert_user.params(user.to_values()?)?,
            statements.insert_account.params(account.to_values()?)?,
            statements.insert_session.params(session.to_values()?)?,
        )?;
        let tables = [&SIGN_IN_STATUS, users, sessions];
        let call = Call {
            sql: &one.stmt.sql,
            params: &params,
            columns: &one.stmt.columns,
            tables: &tables,
            cached: true,
        };
        let row = self.inner.driver.fetch_optional(Access::Write, call).await;
        self.inner.wrote();
        let mut row =
            row?.ok_or_else(|| Error::Database("the sign-in statement returned no row".into()))?;
        let session_row = row.split_off(row.len().saturating_sub(sessions.columns.len()));
        let user_row = row.split_off(1.min(row.len()));
        let status = row.first().cloned();
        let user_id = users
            .position(RoleField::UserId)
            .and_then(|at| user_row.get(at))
            .and_then(Value::to_id_string);
        let new = matches!(status, Some(Value::Int(STATUS_NEW)));
        let decoded = (|| match status {
            Some(Value::Int(STATUS_LINKED)) => Ok(AccountSignIn::SignedIn {
                user: S::User::from_values(user_row)?,
                session: S::Session::from_values(session_row)?,
            }),
            Some(Value::Int(STATUS_NEW)) => Ok(AccountSignIn::SignedUp {
                user: S::User::from_values(user_row)?,
                session: S::Session::from_values(session_row)?,
            }),
            Some(Value::Int(STATUS_TAKEN)) => Ok(AccountSignIn::EmailTaken {
                user: S::User::from_values(user_row)?,
            }),
            other => Err(Error::Database(
                format!("the sign-in statement returned the status {other:?}").into(),
            )),
        })();
        if decoded.is_err()
            && new
            && let Some(id) = user_id
        {
            // Committed rows the models cannot read back: an `Err` must mean nothing was
            // written, so the new user goes again, with its account and session.
            let _ = crate::adapter::Adapter::delete_user(self, &id).await;
        }
        decoded
    }
}
