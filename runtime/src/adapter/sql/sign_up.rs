//! [`Adapter::sign_up`](crate::Adapter::sign_up) on SQL: the user, account and session
//! INSERTs in one transaction ([`Executor::write_all`](super::executor::Executor::write_all)).
//!
//! Entry point: [`SqlAdapter::sign_up_in_one_transaction`]. Where the user's id is generated
//! here (UUIDs, an application function), the rows that reference it get it before anything
//! is sent; where the database assigns it (autoincrement), the account's and the session's
//! INSERTs take it from the user's returned row inside the transaction.

use crate::adapter::SignUp;
use crate::descriptor::{IdStrategy, RoleField, Table};
use crate::error::{Error, Result};
use crate::statements::contract::{Insert, SignUpStatement};
use crate::traits::{Model, Schema};
use crate::value::Value;

use super::SqlAdapter;
use super::executor::{Access, Call, Reread, Step};

/// One INSERT of the transaction, with its parameters.
struct Prepared<'a> {
    insert: &'a Insert,
    table: &'static Table,
    params: Vec<Value>,
    /// (parameter, column of the user's row) when the user id comes from the database.
    from_first: Option<(usize, usize)>,
}

impl<'a> Prepared<'a> {
    /// `values` as `insert`'s parameters; the parameter of `field` (the user id) set to
    /// `user_id` when it is known, else taken from column `user_column` of the user's row.
    fn new(
        insert: &'a Insert,
        table: &'static Table,
        values: Vec<Value>,
        reference: Option<(RoleField, Option<&Value>, usize)>,
    ) -> Result<Prepared<'a>> {
        let mut params = insert.params(values)?;
        let mut from_first = None;
        if let Some((field, user_id, user_column)) = reference {
            let param = param_of(table, field)?;
            match user_id {
                Some(id) => {
                    if let Some(slot) = params.get_mut(param) {
                        *slot = id.clone();
                    }
                }
                None => from_first = Some((param, user_column)),
            }
        }
        Ok(Prepared {
            insert,
            table,
            params,
            from_first,
        })
    }

    fn step(&self) -> Step<'_> {
        let (stmt, reread, returning) = match &self.insert.plain {
            Some(plain) => (plain, None, false),
            None => (
                &self.insert.write.stmt,
                self.insert.write.reread.as_ref().map(Reread::of),
                true,
            ),
        };
        Step {
            call: Call {
                sql: &stmt.sql,
                params: &self.params,
                columns: &stmt.columns,
                tables: std::slice::from_ref(&self.table),
                cached: true,
            },
            reread,
            returning,
            from_first: self.from_first,
        }
    }

    /// The stored row: the one given back, or, for a plain INSERT, its parameters with the
    /// user id taken from the user's row.
    fn stored<M: Model>(&self, returned: Option<Vec<Value>>, user: &[Value]) -> Result<M> {
        let row = match returned {
            Some(row) => row,
            None if self.insert.plain.is_some() => {
                let mut row = self.params.clone();
                if let Some((param, column)) = self.from_first
                    && let (Some(slot), Some(value)) = (row.get_mut(param), user.get(column))
                {
                    *slot = value.clone();
                }
                row
            }
            None => return Err(Error::Database("an INSERT read back no row".into())),
        };
        M::from_values(row)
    }
}

/// The position of `field`'s column among an INSERT's parameters (the autoincrement column
/// is not one).
fn param_of(table: &Table, field: RoleField) -> Result<usize> {
    let position = table.position(field).ok_or_else(|| {
        Error::Schema(format!(
            "`{}` has no column playing {field:?}",
            table.type_name
        ))
    })?;
    let omitted = table
        .columns
        .iter()
        .position(|c| c.id == Some(IdStrategy::AutoIncrement));
    Ok(match omitted {
        Some(o) if o < position => position - 1,
        _ => position,
    })
}

impl<S: Schema> SqlAdapter<S> {
    /// Inserts the user, then the account (if any) and the session pointed at it, in one
    /// transaction.
    pub(super) async fn sign_up_in_one_transaction(
        &self,
        user: S::User,
        account: Option<S::Account>,
        session: S::Session,
    ) -> Result<SignUp<S>> {
        let statements = &self.inner.statements;
        let one = match &account {
            Some(_) => statements.sign_up_with_account.as_ref(),
            None => statements.sign_up_without_account.as_ref(),
        };
        if let Some(one) = one {
            return self
                .sign_up_in_one_statement(one, user, account, session)
                .await;
        }
        let users = <S::User as Model>::TABLE;
        let user = Prepared::new(&statements.insert_user, users, user.to_values()?, None)?;
        let user_column = users
            .position(RoleField::UserId)
            .ok_or_else(|| Error::Schema(format!("`{}` has no id column", users.type_name)))?;
        // The user's id, when it is among the INSERT's parameters (not autoincrement).
        let known_id = match statements.insert_user.plain {
            Some(_) => user.params.get(param_of(users, RoleField::UserId)?),
            None => None,
        };
        let account = account
            .map(|account| {
                Prepared::new(
                    &statements.insert_account,
                    <S::Account as Model>::TABLE,
                    account.to_values()?,
                    Some((RoleField::AccountUserId, known_id, user_column)),
                )
            })
            .transpose()?;
        let session = Prepared::new(
            &statements.insert_session,
            <S::Session as Model>::TABLE,
            session.to_values()?,
            Some((RoleField::SessionUserId, known_id, user_column)),
        )?;
        let mut steps = vec![user.step()];
        steps.extend(account.as_ref().map(Prepared::step));
        steps.push(session.step());
        let rows = self.inner.driver.write_all(&steps).await;
        self.inner.wrote();
        let mut rows = rows?.into_iter();
        let user_row = match rows.next().flatten() {
            Some(row) => row,
            None => user.params.clone(),
        };
        let decoded = (|| {
            let account = match &account {
                Some(account) => Some(account.stored(rows.next().flatten(), &user_row)?),
                None => None,
            };
            let session = session.stored(rows.next().flatten(), &user_row)?;
            Ok(SignUp {
                user: S::User::from_values(user_row.clone())?,
                account,
                session,
            })
        })();
        if decoded.is_err() {
            // Committed rows the models cannot read back (a value out of a field's range):
            // an `Err` must mean nothing was written, so they go again, with the user.
            if let Some(id) = user_row.get(user_column).and_then(Value::to_id_string) {
                let _ = crate::adapter::Adapter::delete_user(self, &id).await;
            }
        }
        decoded
    }
}

impl<S: Schema> SqlAdapter<S> {
    /// The sign-up as one statement (PostgreSQL: data-modifying CTEs): one round trip, and
    /// its own transaction.
    async fn sign_up_in_one_statement(
        &self,
        one: &SignUpStatement,
        user: S::User,
        account: Option<S::Account>,
        session: S::Session,
    ) -> Result<SignUp<S>> {
        let statements = &self.inner.statements;
        let users = <S::User as Model>::TABLE;
        let accounts = <S::Account as Model>::TABLE;
        let sessions = <S::Session as Model>::TABLE;
        let user_params = statements.insert_user.params(user.to_values()?)?;
        let mut referencing = Vec::with_capacity(2);
        let mut tables = vec![users];
        if let Some(account) = &account {
            referencing.push(statements.insert_account.params(account.to_values()?)?);
            tables.push(accounts);
        }
        referencing.push(statements.insert_session.params(session.to_values()?)?);
        tables.push(sessions);
        let params = one.params(user_params, referencing)?;
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
            row?.ok_or_else(|| Error::Database("the sign-up statement returned no row".into()))?;
        let session_row = row.split_off(row.len().saturating_sub(sessions.columns.len()));
        let account_row = account
            .is_some()
            .then(|| row.split_off(row.len().saturating_sub(accounts.columns.len())));
        let user_row = row;
        let user_column = users.position(RoleField::UserId);
        let user_id = user_column
            .and_then(|at| user_row.get(at))
            .and_then(Value::to_id_string);
        let decoded = (|| {
            Ok(SignUp {
                user: S::User::from_values(user_row)?,
                account: account_row.map(S::Account::from_values).transpose()?,
                session: S::Session::from_values(session_row)?,
            })
        })();
        if decoded.is_err()
            && let Some(id) = user_id
        {
            // Committed rows the models cannot read back: an `Err` must mean nothing was
            // written, so they go again, with the user.
            let _ = crate::adapter::Adapter::delete_user(self, &id).await;
        }
        decoded
    }
}
