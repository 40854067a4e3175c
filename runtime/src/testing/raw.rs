//! Reads that bypass the adapter under test: how the suite sees what was really stored.
//!
//! Entry point: [`RawReads`], implemented here for [`MemoryAdapter`] (its own tables) and
//! [`SqlAdapter`] (the statements layer's `SELECT` by key, run directly), and for a
//! [`Composed`] adapter (its primary's reads; the stores' own reads by key).

use crate::adapter::composed::{Composed, SessionStore, TokenStore};
use crate::adapter::memory::MemoryAdapter;
use crate::adapter::sql::SqlAdapter;
use crate::adapter::{AccountKey, Adapter, BoxFuture};
use crate::descriptor::RoleField;
use crate::error::Result;
use crate::statements::contract;
use crate::traits::{Model, Schema};
use crate::value::Value;

/// One read per model, by its natural key, that does not go through the adapter under test
/// (Auth.js's `db.user`, `db.account`, ... hooks). Each returns `Ok(None)` when no row
/// matches, including for an id that cannot be one of the column's type.
pub trait RawReads<S: Schema>: Send + Sync {
    /// The user row with this id.
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>>;

    /// The account row for this provider account. (Public API change: this took
    /// `provider` and `provider_account_id` as two `&str` before.)
    fn account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>>;

    /// The session row with this token.
    fn session<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>>;

    /// The verification token row with this identifier and (hashed) token.
    fn verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>>;

    /// The authenticator row with this credential id.
    fn authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>>;
}

const USER: &[RoleField] = &[RoleField::UserId];
const ACCOUNT: &[RoleField] = &[
    RoleField::AccountProvider,
    RoleField::AccountProviderAccountId,
];
const SESSION: &[RoleField] = &[RoleField::SessionToken];
const VERIFICATION: &[RoleField] = &[
    RoleField::VerificationIdentifier,
    RoleField::VerificationToken,
];
const AUTHENTICATOR: &[RoleField] = &[RoleField::AuthenticatorCredentialId];

impl<S: Schema> MemoryAdapter<S> {
    fn raw_one<M: Model>(&self, fields: &[RoleField], values: &[&str]) -> Result<Option<M>> {
        let key: Vec<(RoleField, &str)> =
            fields.iter().copied().zip(values.iter().copied()).collect();
        self.find_rows(M::TABLE.role, &key)?
            .into_iter()
            .next()
            .map(M::from_values)
            .transpose()
    }
}

impl<S: Schema> RawReads<S> for MemoryAdapter<S> {
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move { self.raw_one(USER, &[id]) })
    }

    fn account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move { self.raw_one(ACCOUNT, &[key.provider, key.provider_account_id]) })
    }

    fn session<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move { self.raw_one(SESSION, &[session_token]) })
    }

    fn verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        Box::pin(async move { self.raw_one(VERIFICATION, &[identifier, token]) })
    }

    fn authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        Box::pin(async move { self.raw_one(AUTHENTICATOR, &[credential_id]) })
    }
}

impl<S: Schema> SqlAdapter<S> {
    /// Reads the first row of `M`'s table whose key columns equal `values`, with the
    /// statements layer's `SELECT` by key, run directly: not through the contract's code.
    async fn raw_one<M: Model>(&self, fields: &[RoleField], values: &[&str]) -> Result<Option<M>> {
        let table = M::TABLE;
        let mut params = Vec::with_capacity(fields.len());
        let mut key = Vec::with_capacity(fields.len());
        for (field, text) in fields.iter().zip(values) {
            let Some(column) = table.column(*field) else {
                return Err(crate::Error::Schema(format!(
                    "`{}` has no column playing {field:?}",
                    table.name
                )));
            };
            // An id that cannot be one of the column's type matches nothing.
            let Some(value) = Value::parse_id(column.ty, text) else {
                return Ok(None);
            };
            params.push(value);
            key.push(column);
        }
        let select = contract::select(self.dialect(), table, &key, false);
        self.select_stmt(&select, params, table)
            .await?
            .into_iter()
            .next()
            .map(M::from_values)
            .transpose()
    }
}

impl<S: Schema> RawReads<S> for SqlAdapter<S> {
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        Box::pin(async move { self.raw_one(USER, &[id]).await })
    }

    fn account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>> {
        Box::pin(async move {
            self.raw_one(ACCOUNT, &[key.provider, key.provider_account_id])
                .await
        })
    }

    fn session<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move { self.raw_one(SESSION, &[session_token]).await })
    }

    fn verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        Box::pin(async move { self.raw_one(VERIFICATION, &[identifier, token]).await })
    }

    fn authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        Box::pin(async move { self.raw_one(AUTHENTICATOR, &[credential_id]).await })
    }
}

impl<S, P, Ss, Ts> RawReads<S> for Composed<S, P, Ss, Ts>
where
    S: Schema,
    P: Adapter<S> + RawReads<S>,
    Ss: SessionStore<S>,
    Ts: TokenStore<S>,
{
    fn user<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<S::User>>> {
        self.primary().user(id)
    }

    fn account<'a>(&'a self, key: AccountKey<'a>) -> BoxFuture<'a, Result<Option<S::Account>>> {
        self.primary().account(key)
    }

    fn session<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>> {
        self.sessions().get_session(session_token)
    }

    fn verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        self.tokens().get_verification_token(identifier, token)
    }

    fn authenticator<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Authenticator>>> {
        self.primary().authenticator(credential_id)
    }
}
