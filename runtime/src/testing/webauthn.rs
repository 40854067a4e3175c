//! Cases 18–22 of the Auth.js adapter suite: `getAccount` and the authenticator operations,
//! skipped together by [`SuiteOptions::skip_webauthn`](super::SuiteOptions::skip_webauthn).
//!
//! Entry points: one method of [`Suite`] per case, and the helpers cases 27 and 28 share
//! ([`Suite::new_user`], [`Suite::new_authenticator`]).

use super::RawReads;
use super::authjs::{accounts, surrogates, text, users};
use super::check::{
    CaseResult, Check, During, Plain, Shown, absent, present, row_of, same_model, same_row, shown,
};
use super::fixtures::{self, id_of, id_value, position, put, random_int, uuid};
use super::suite::Suite;
use crate::adapter::{AccountKey, Adapter};
use crate::descriptor::{RoleField, Table};
use crate::error::Error;
use crate::traits::{Model, Schema};
use crate::value::Value;

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 18: an account is found by both halves of its key, and only by both.
    pub async fn get_account(&mut self) -> CaseResult {
        let user_id = self.new_user("getAccount").await?.1;
        let account_id = uuid();
        let provider = "auth0";
        self.new_account(&user_id, provider, &account_id, "oauth")
            .await?;
        for (p, a) in [
            ("invalid-provider", "invalid-provider-account-id"),
            ("invalid-provider", account_id.as_str()),
            (provider, "invalid-provider-account-id"),
        ] {
            let key = AccountKey {
                provider: p,
                provider_account_id: a,
            };
            let found = self.adapter.get_account(key).await.during("getAccount")?;
            absent(&format!("getAccount({a:?}, {p:?})"), found)?;
        }
        let key = AccountKey {
            provider,
            provider_account_id: &account_id,
        };
        let valid = self.adapter.get_account(key).await.during("getAccount")?;
        let valid = present("getAccount(providerAccountId, provider)", valid)?;
        let what = "db.account(provider, providerAccountId) against getAccount's";
        let db = self.raw.account(key).await.during("db.account")?;
        same_row(accounts::<S>(), what, &present(what, db)?, &valid, &[])?;
        Ok(None)
    }

    /// Case 19: the created authenticator holds the data given, and is what was stored.
    pub async fn create_authenticator(&mut self) -> CaseResult {
        let user_id = self.new_user("createAuthenticator").await?.1;
        let created = self.new_authenticator(&user_id, "usb,ble,nfc").await?;
        let credential = text(
            authenticators::<S>(),
            &created,
            RoleField::AuthenticatorCredentialId,
        )?;
        let what = "db.authenticator(credentialID) after createAuthenticator";
        let db = self
            .raw
            .authenticator(&credential)
            .await
            .during("db.authenticator")?;
        same_row(
            authenticators::<S>(),
            what,
            &created,
            &present(what, db)?,
            &[],
        )?;
        Ok(None)
    }

    /// Case 20: an unknown credential is not found; a known one is what was stored.
    pub async fn get_authenticator(&mut self) -> CaseResult {
        let user_id = self.new_user("getAuthenticator").await?.1;
        let created = self.new_authenticator(&user_id, "usb,ble,nfc").await?;
        let found = self
            .adapter
            .get_authenticator("invalid-credential-id")
            .await
            .during("getAuthenticator")?;
        absent("getAuthenticator(\"invalid-credential-id\")", found)?;
        let table = authenticators::<S>();
        let credential = text(table, &created, RoleField::AuthenticatorCredentialId)?;
        let valid = self
            .adapter
            .get_authenticator(&credential)
            .await
            .during("getAuthenticator")?;
        let valid = present("getAuthenticator(credentialID)", valid)?;
        same_row(
            table,
            "getAuthenticator(credentialID)",
            &created,
            &valid,
            &[],
        )?;
        let what = "db.authenticator(credentialID) against getAuthenticator's";
        let db = self
            .raw
            .authenticator(&credential)
            .await
            .during("db.authenticator")?;
        same_row(table, what, &present(what, db)?, &valid, &[])?;
        Ok(None)
    }

    /// Case 21: each user's authenticators, and only theirs; none for an unknown user.
    /// Auth.js only checks that every item returned is one of the user's (an empty list
    /// passes); here the list must hold exactly the user's authenticators, in any order.
    pub async fn list_authenticators_by_user_id(&mut self) -> CaseResult {
        let first = self.new_user("listAuthenticatorsByUserId1").await?.1;
        let second = self.new_user("listAuthenticatorsByUserId2").await?.1;
        let a1 = self.new_authenticator(&first, "usb,ble,nfc").await?;
        let a2 = self.new_authenticator(&first, "usb,nfc").await?;
        let a3 = self.new_authenticator(&second, "usb,ble").await?;
        let none = self
            .adapter
            .list_authenticators_by_user_id("invalid-user-id")
            .await
            .during("listAuthenticatorsByUserId")?;
        same_set::<S::Authenticator>("listAuthenticatorsByUserId(\"invalid-user-id\")", &[], none)?;
        let listed = self
            .adapter
            .list_authenticators_by_user_id(&first)
            .await
            .during("listAuthenticatorsByUserId")?;
        same_set::<S::Authenticator>("listAuthenticatorsByUserId(user1.id)", &[a2, a1], listed)?;
        let listed = self
            .adapter
            .list_authenticators_by_user_id(&second)
            .await
            .during("listAuthenticatorsByUserId")?;
        same_set::<S::Authenticator>("listAuthenticatorsByUserId(user2.id)", &[a3], listed)?;
        Ok(None)
    }

    /// Case 22: an unknown credential is an error ([`Error::NotFound`], as the contract
    /// says); a known one gets the new counter.
    pub async fn update_authenticator_counter(&mut self) -> CaseResult {
        let table = authenticators::<S>();
        let user_id = self.new_user("updateAuthenticatorCounter").await?.1;
        let created = self.new_authenticator(&user_id, "usb,ble,nfc").await?;
        match self
            .adapter
            .update_authenticator_counter("invalid-credential-id", random_int(100))
            .await
        {
            Err(Error::NotFound { .. }) => {}
            Err(other) => {
                return Err(Check::differ(
                    "updateAuthenticatorCounter of an unknown credential",
                    Plain("Err(NotFound)"),
                    other,
                ));
            }
            Ok(found) => {
                return Err(Check::differ(
                    "updateAuthenticatorCounter of an unknown credential",
                    Plain("Err(NotFound)"),
                    Shown(table, &shown(&found)),
                ));
            }
        }
        let counter_at = position(table, RoleField::AuthenticatorCounter)?;
        let counter = match created.get(counter_at) {
            Some(Value::Int(c)) => *c,
            other => {
                return Err(Check::differ(
                    "the created counter",
                    Plain("an integer"),
                    other,
                ));
            }
        };
        let new_counter = counter + random_int(100);
        let credential = text(table, &created, RoleField::AuthenticatorCredentialId)?;
        let updated = self
            .adapter
            .update_authenticator_counter(&credential, new_counter)
            .await
            .during("updateAuthenticatorCounter")?;
        let mut expected = created;
        put(&mut expected, counter_at, Value::Int(new_counter));
        same_model(
            "the authenticator updateAuthenticatorCounter returned",
            &expected,
            &updated,
        )?;
        let what = "db.authenticator(credentialID) after updateAuthenticatorCounter";
        let db = self
            .raw
            .authenticator(&credential)
            .await
            .during("db.authenticator")?;
        same_row(table, what, &expected, &present(what, db)?, &[])?;
        Ok(None)
    }

    /// Creates a user with only an email (`<label>-<uuid>@example.com`) and the options'
    /// extras, as the WebAuthn cases do; returns the stored row and the id.
    pub async fn new_user(&self, label: &str) -> Result<(Vec<Value>, String), Check> {
        let email = Value::Text(format!("{label}-{}@example.com", uuid()));
        let row = fixtures::row::<S::User>(&self.options, &[(RoleField::UserEmail, email)])?;
        let created = self
            .adapter
            .create_user(fixtures::model(&row)?)
            .await
            .during("createUser")?;
        let created = row_of(&created)?;
        let id = id_of(users::<S>(), &created, RoleField::UserId)?;
        Ok((created, id))
    }

    /// Links an account with no token fields; returns the stored row.
    pub async fn new_account(
        &self,
        user_id: &str,
        provider: &str,
        account_id: &str,
        kind: &str,
    ) -> Result<Vec<Value>, Check> {
        let row = fixtures::row::<S::Account>(
            &self.options,
            &[
                (
                    RoleField::AccountUserId,
                    id_value(accounts::<S>(), RoleField::AccountUserId, user_id)?,
                ),
                (RoleField::AccountProvider, Value::Text(provider.to_owned())),
                (
                    RoleField::AccountProviderAccountId,
                    Value::Text(account_id.to_owned()),
                ),
                (RoleField::AccountType, Value::Text(kind.to_owned())),
            ],
        )?;
        self.store_account(&row).await
    }

    /// Links a webauthn account and creates its authenticator, as Auth.js's cases do;
    /// checks the authenticator returned holds the data given (up to a surrogate id) and
    /// returns it.
    pub async fn new_authenticator(
        &self,
        user_id: &str,
        transports: &str,
    ) -> Result<Vec<Value>, Check> {
        let table = authenticators::<S>();
        let credential = uuid();
        self.new_account(user_id, "webauthn", &credential, "webauthn")
            .await?;
        let text = |s: &str| Value::Text(s.to_owned());
        let data = fixtures::row::<S::Authenticator>(
            &self.options,
            &[
                (RoleField::AuthenticatorCredentialId, text(&credential)),
                (RoleField::AuthenticatorProviderAccountId, text(&credential)),
                (
                    RoleField::AuthenticatorUserId,
                    id_value(table, RoleField::AuthenticatorUserId, user_id)?,
                ),
                (RoleField::AuthenticatorCounter, Value::Int(random_int(100))),
                (
                    RoleField::AuthenticatorCredentialBackedUp,
                    Value::Bool(true),
                ),
                (
                    RoleField::AuthenticatorCredentialDeviceType,
                    text("platform"),
                ),
                (RoleField::AuthenticatorCredentialPublicKey, text(&uuid())),
                (RoleField::AuthenticatorTransports, text(transports)),
            ],
        )?;
        let created = self
            .adapter
            .create_authenticator(fixtures::model(&data)?)
            .await
            .during("createAuthenticator")?;
        let created = row_of(&created)?;
        let what = "the authenticator createAuthenticator returned";
        same_row(table, what, &data, &created, &surrogates(table))?;
        Ok(created)
    }
}

/// Fails unless `actual` holds exactly the rows of `expected`, in any order.
fn same_set<M: Model>(what: &str, expected: &[Vec<Value>], actual: Vec<M>) -> Result<(), Check> {
    let table = M::TABLE;
    let actual: Vec<Vec<Value>> = actual.iter().map(row_of).collect::<Result<_, _>>()?;
    let mut left: Vec<&Vec<Value>> = expected.iter().collect();
    let mut extra = Vec::new();
    for row in &actual {
        match left
            .iter()
            .position(|e| same_row(table, what, e, row, &[]).is_ok())
        {
            Some(at) => {
                left.remove(at);
            }
            None => extra.push(row),
        }
    }
    if left.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let show = |rows: &[Vec<Value>]| -> Vec<String> {
        rows.iter()
            .map(|r| format!("{:?}", Shown(table, r)))
            .collect()
    };
    Err(Check::differ(
        format!(
            "{what}: {} expected rows missing, {} unexpected rows",
            left.len(),
            extra.len()
        ),
        show(expected),
        show(&actual),
    ))
}

pub(crate) fn authenticators<S: Schema>() -> &'static Table {
    <S::Authenticator as Model>::TABLE
}
