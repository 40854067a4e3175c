//! Case 31: `sign_up` stores a new user, its account and its session together, or nothing.
//!
//! Entry point: [`Suite::sign_up`]. A failure is injected at each of the three writes where
//! the layout's keys make one (a taken email, a linked account, a taken session token); each
//! time nothing may be left behind, and a sign-up of the same user then succeeds.

use super::RawReads;
use super::authjs::{account_fixture, account_key, accounts, sessions, text, users};
use super::check::{CaseResult, Check, During, Plain, absent, present, row_of, same_row};
use super::fixtures::{self, get, id_of, position, uuid};
use super::suite::Suite;
use crate::adapter::{Adapter, SignUp};
use crate::descriptor::RoleField;
use crate::traits::Schema;
use crate::value::Value;

/// One sign-up's rows, before the adapter sees them.
pub(super) struct Fixture {
    pub(super) email: String,
    pub(super) user: Vec<Value>,
    pub(super) account: Vec<Value>,
    pub(super) session: Vec<Value>,
}

impl<S, A, R> Suite<'_, S, A, R>
where
    S: Schema,
    A: Adapter<S> + ?Sized,
    R: RawReads<S> + ?Sized,
{
    /// Case 31.
    pub async fn sign_up(&mut self) -> CaseResult {
        // A user, account and session already stored: what the injected failures collide
        // with.
        let (taken_user, taken_id) = self.new_user("sign-up-taken").await?;
        let taken_account = account_fixture::<S>(&self.options, &taken_id, "github", "oauth")?;
        let taken_account = self.store_account(&taken_account).await?;
        let taken_session = self.sign_up_session(&taken_id)?;
        let taken_session = self.store_session(&taken_session).await?;

        // 1. The user's email is taken.
        let mut fixture = self.sign_up_fixture(&taken_id)?;
        let email_at = position(users::<S>(), RoleField::UserEmail)?;
        fixtures::put(
            &mut fixture.user,
            email_at,
            get(users::<S>(), &taken_user, RoleField::UserEmail)?,
        );
        fixture.email = text(users::<S>(), &taken_user, RoleField::UserEmail)?;
        self.failing(fixture, "a taken email").await?;

        // 2. The account is linked already.
        let mut fixture = self.sign_up_fixture(&taken_id)?;
        let table = accounts::<S>();
        for field in [
            RoleField::AccountProvider,
            RoleField::AccountProviderAccountId,
        ] {
            let at = position(table, field)?;
            fixtures::put(&mut fixture.account, at, get(table, &taken_account, field)?);
        }
        self.failing(fixture, "a linked account").await?;

        // 3. The session token is taken.
        let mut fixture = self.sign_up_fixture(&taken_id)?;
        let table = sessions::<S>();
        let at = position(table, RoleField::SessionToken)?;
        fixtures::put(
            &mut fixture.session,
            at,
            get(table, &taken_session, RoleField::SessionToken)?,
        );
        self.failing(fixture, "a taken session token").await?;

        // The existing rows are untouched; a sign-up that collides with nothing succeeds.
        let what = "db.session of the existing session";
        let token = text(table, &taken_session, RoleField::SessionToken)?;
        let db = self.raw.session(&token).await.during("db.session")?;
        same_row(table, what, &taken_session, &present(what, db)?, &[])?;
        let fixture = self.sign_up_fixture(&taken_id)?;
        let signed_up = self
            .adapter
            .sign_up(
                fixtures::model(&fixture.user)?,
                Some(fixtures::model(&fixture.account)?),
                fixtures::model(&fixture.session)?,
            )
            .await
            .during("signUp")?;
        self.stored(signed_up).await
    }

    /// Checks what a successful sign-up stored: three rows, pointing at the new user.
    async fn stored(&self, signed_up: SignUp<S>) -> CaseResult {
        let user = row_of(&signed_up.user)?;
        let user_id = id_of(users::<S>(), &user, RoleField::UserId)?;
        let db = self.raw.user(&user_id).await.during("db.user")?;
        same_row(
            users::<S>(),
            "db.user after signUp",
            &user,
            &present("db.user", db)?,
            &[],
        )?;
        let Some(account) = signed_up.account else {
            return Err(Check::differ(
                "signUp with an account",
                Plain("the linked account"),
                Plain("None"),
            ));
        };
        let account = row_of(&account)?;
        let key = account_key::<S>(&account)?;
        let db = present(
            "db.account",
            self.raw.account(key.key()).await.during("db.account")?,
        )?;
        same_row(
            accounts::<S>(),
            "db.account after signUp",
            &account,
            &db,
            &[],
        )?;
        let session = row_of(&signed_up.session)?;
        let token = text(sessions::<S>(), &session, RoleField::SessionToken)?;
        let db = present(
            "db.session",
            self.raw.session(&token).await.during("db.session")?,
        )?;
        same_row(
            sessions::<S>(),
            "db.session after signUp",
            &session,
            &db,
            &[],
        )?;
        for (table, row, field) in [
            (accounts::<S>(), &account, RoleField::AccountUserId),
            (sessions::<S>(), &session, RoleField::SessionUserId),
        ] {
            let points_at = id_of(table, row, field)?;
            if points_at != user_id {
                return Err(Check::differ(
                    format!("`{}` after signUp points at another user", table.name),
                    user_id.as_str(),
                    points_at,
                ));
            }
        }
        Ok(None)
    }

    /// A sign-up that collides: where it fails, nothing of it may be stored. Where the layout
    /// has no key it breaks, it succeeds, and is deleted again.
    async fn failing(&self, fixture: Fixture, collision: &str) -> Result<(), Check> {
        let result = self
            .adapter
            .sign_up(
                fixtures::model(&fixture.user)?,
                Some(fixtures::model(&fixture.account)?),
                fixtures::model(&fixture.session)?,
            )
            .await;
        if let Ok(signed_up) = result {
            // No key of the layout refuses the collision (the `@auth/pg-adapter` and Kysely
            // tables have none on accounts): nothing failed, so there is nothing to roll
            // back. The duplicate goes again, so the later lookups by key stay unambiguous.
            let user = row_of(&signed_up.user)?;
            let id = id_of(users::<S>(), &user, RoleField::UserId)?;
            if !self.skips("deleteUser") {
                self.adapter.delete_user(&id).await.during("deleteUser")?;
            }
            return Ok(());
        }
        let what = format!("signUp that failed on {collision}: ");
        // A taken email finds the existing user: only the other cases can look for theirs.
        if collision != "a taken email" {
            let user = self
                .adapter
                .get_user_by_email(&fixture.email)
                .await
                .during("getUserByEmail")?;
            absent(&format!("{what}the user"), user)?;
        }
        if collision != "a linked account" {
            let key = account_key::<S>(&fixture.account)?;
            let account = self.raw.account(key.key()).await.during("db.account")?;
            absent(&format!("{what}the account"), account)?;
        }
        if collision != "a taken session token" {
            let token = text(sessions::<S>(), &fixture.session, RoleField::SessionToken)?;
            let session = self.raw.session(&token).await.during("db.session")?;
            absent(&format!("{what}the session"), session)?;
        }
        Ok(())
    }

    /// A new user, account and session; the account's and session's user columns point at
    /// `placeholder` (an existing user), which `sign_up` must replace.
    pub(super) fn sign_up_fixture(&self, placeholder: &str) -> Result<Fixture, Check> {
        let email = format!("sign-up-{}@example.com", uuid());
        let user = fixtures::row::<S::User>(
            &self.options,
            &[(RoleField::UserEmail, Value::Text(email.clone()))],
        )?;
        let account = account_fixture::<S>(&self.options, placeholder, "github", "oauth")?;
        let session = self.sign_up_session(placeholder)?;
        Ok(Fixture {
            email,
            user,
            account,
            session,
        })
    }

    pub(super) fn sign_up_session(&self, user_id: &str) -> Result<Vec<Value>, Check> {
        let table = sessions::<S>();
        fixtures::row::<S::Session>(
            &self.options,
            &[
                (RoleField::SessionToken, Value::Text(uuid())),
                (
                    RoleField::SessionUserId,
                    fixtures::id_value(table, RoleField::SessionUserId, user_id)?,
                ),
                (
                    RoleField::SessionExpires,
                    Value::Timestamp(self.clock.one_week_from_now),
                ),
            ],
        )
    }
}
