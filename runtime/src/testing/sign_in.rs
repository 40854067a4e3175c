//! Case 35: `sign_in_with_account` signs a new user up, signs the account's user in, or,
//! when the email is taken by a user the account is not linked to, writes nothing.
//!
//! Entry point: [`Suite::sign_in_with_account`].

use super::RawReads;
use super::authjs::{account_key, accounts, sessions, text, users};
use super::check::{CaseResult, Check, During, absent, present, row_of, same_row};
use super::fixtures::{self, get, id_of, position};
use super::sign_up::Fixture;
use super::suite::Suite;
use crate::adapter::{AccountSignIn, Adapter};
use crate::descriptor::RoleField;
use crate::traits::Schema;
use crate::value::Value;

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 35.
    pub async fn sign_in_with_account(&mut self) -> CaseResult {
        // The account's and the session's user columns point at an existing user, which
        // the operation must replace.
        let (_, placeholder) = self.new_user("sign-in-placeholder").await?;

        // 1. Nobody has the account or the email: a new user, its account and a session.
        let first = self.sign_up_fixture(&placeholder)?;
        let (user, session) = match self.sign_in(&first).await? {
            AccountSignIn::SignedUp { user, session } => (user, session),
            other => return Err(unexpected("a new account and email", "SignedUp", &other)),
        };
        let user = row_of(&user)?;
        let user_id = id_of(users::<S>(), &user, RoleField::UserId)?;
        let db = self.raw.user(&user_id).await.during("db.user")?;
        same_row(
            users::<S>(),
            "db.user after signInWithAccount",
            &user,
            &present("db.user", db)?,
            &[],
        )?;
        let key = account_key::<S>(&first.account)?;
        let account = present(
            "db.account after signInWithAccount",
            self.raw.account(key.key()).await.during("db.account")?,
        )?;
        self.points_at(
            accounts::<S>(),
            &account,
            RoleField::AccountUserId,
            &user_id,
        )?;
        self.stored_session(&row_of(&session)?, &user_id).await?;

        // 2. The same account, with another email: the account's user signs in; no user is
        // made for the other email.
        let mut again = self.sign_up_fixture(&placeholder)?;
        let table = accounts::<S>();
        for field in [
            RoleField::AccountProvider,
            RoleField::AccountProviderAccountId,
        ] {
            let at = position(table, field)?;
            fixtures::put(&mut again.account, at, get(table, &first.account, field)?);
        }
        let (signed_in, session) = match self.sign_in(&again).await? {
            AccountSignIn::SignedIn { user, session } => (user, session),
            other => return Err(unexpected("a linked account", "SignedIn", &other)),
        };
        let signed_in = row_of(&signed_in)?;
        same_row(
            users::<S>(),
            "the user signed in with a linked account",
            &user,
            &signed_in,
            &[],
        )?;
        self.stored_session(&row_of(&session)?, &user_id).await?;
        let other = self
            .adapter
            .get_user_by_email(&again.email)
            .await
            .during("getUserByEmail")?;
        absent("a user for the email of a linked account's sign-in", other)?;

        // 3. A new account with the first user's email: nothing written, that user back.
        let mut taken = self.sign_up_fixture(&placeholder)?;
        let email_at = position(users::<S>(), RoleField::UserEmail)?;
        fixtures::put(&mut taken.user, email_at, Value::Text(first.email.clone()));
        let owner = match self.sign_in(&taken).await? {
            AccountSignIn::EmailTaken { user } => user,
            other => return Err(unexpected("a taken email", "EmailTaken", &other)),
        };
        let owner = row_of(&owner)?;
        same_row(
            users::<S>(),
            "the user with the taken email",
            &user,
            &owner,
            &[],
        )?;
        let key = account_key::<S>(&taken.account)?;
        let account = self.raw.account(key.key()).await.during("db.account")?;
        absent("an account after a sign-in with a taken email", account)?;
        let token = text(sessions::<S>(), &taken.session, RoleField::SessionToken)?;
        let session = self.raw.session(&token).await.during("db.session")?;
        absent("a session after a sign-in with a taken email", session)?;
        Ok(None)
    }

    async fn sign_in(&self, fixture: &Fixture) -> Result<AccountSignIn<S>, Check> {
        self.adapter
            .sign_in_with_account(
                fixtures::model(&fixture.user)?,
                fixtures::model(&fixture.account)?,
                fixtures::model(&fixture.session)?,
            )
            .await
            .during("signInWithAccount")
    }

    /// The session as returned is the one stored, and it belongs to `user_id`.
    async fn stored_session(&self, session: &[Value], user_id: &str) -> Result<(), Check> {
        let table = sessions::<S>();
        let token = text(table, session, RoleField::SessionToken)?;
        let db = present(
            "db.session after signInWithAccount",
            self.raw.session(&token).await.during("db.session")?,
        )?;
        same_row(
            table,
            "db.session after signInWithAccount",
            session,
            &db,
            &[],
        )?;
        self.points_at(table, &db, RoleField::SessionUserId, user_id)
    }

    fn points_at(
        &self,
        table: &'static crate::descriptor::Table,
        row: &[Value],
        field: RoleField,
        user_id: &str,
    ) -> Result<(), Check> {
        let points_at = id_of(table, row, field)?;
        if points_at == user_id {
            Ok(())
        } else {
            Err(Check::differ(
                format!(
                    "`{}` after signInWithAccount points at another user",
                    table.name
                ),
                user_id,
                points_at,
            ))
        }
    }
}

/// The check for an outcome other than `expected`.
fn unexpected<S: Schema>(case: &str, expected: &str, got: &AccountSignIn<S>) -> Check {
    let got = match got {
        AccountSignIn::SignedIn { .. } => "SignedIn",
        AccountSignIn::SignedUp { .. } => "SignedUp",
        AccountSignIn::EmailTaken { .. } => "EmailTaken",
    };
    Check::differ(format!("signInWithAccount with {case}"), expected, got)
}
