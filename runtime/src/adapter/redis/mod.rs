//! Sessions and verification tokens on Redis (feature `redis`), for a
//! [`Composed`](crate::composed::Composed) adapter whose users live on SQL.
//!
//! Entry point: [`RedisStore`], a [`SessionStore`] and a [`TokenStore`] for any schema.
//!
//! The client is redis-rs (`redis` with `tokio-comp` and `connection-manager`): the most used
//! and maintained Rust client, on the tokio runtime the crate already has, whose
//! `ConnectionManager` is one multiplexed connection that reconnects by itself and is cheap to
//! clone, and whose `Script` runs Lua by `EVALSHA`. (`fred` does as much, with a pool and
//! more features we do not use.)
//!
//! How each operation maps (round trips in parentheses): `create_session` one script (1);
//! `get_session` `HGET` (1); `update_session` `HGET` and a compare-and-set script (2);
//! `delete_session`, `revoke_session`, `list_sessions`, `revoke_other_sessions`,
//! `delete_user_sessions` one script each (1); `create_verification_token` one script (1);
//! `use_verification_token` `GETDEL` (1), atomic by Redis's single-threaded execution; a model
//! with an autoincrement id adds an `INCR` (1). Rows expire by themselves at their `expires`
//! (PEXPIREAT), so `delete_expired` only ever finds rows whose `expires` lies between the
//! server's clock and the `now` it is given. The keys are described in the `scripts` module; every key starts
//! with the prefix given to [`RedisStore::connect`], so several applications (or test runs)
//! share a server. Scripts name keys they compute, so a Redis Cluster is not supported: one
//! server (or a primary with replicas behind Sentinel) is.

use std::marker::PhantomData;
use std::sync::Arc;

use ::redis::Script;
use ::redis::aio::ConnectionManager;
use chrono::{DateTime, Utc};

use crate::adapter::BoxFuture;
use crate::adapter::composed::{SessionStore, TokenStore};
use crate::adapter::memory::store::{apply_assignments, check_values, prepare_new_row};
use crate::descriptor::{IdStrategy, RoleField, Table};
use crate::error::{Error, Result};
use crate::traits::{Model, Patch, Schema};
use crate::value::{Value, stamp_now, stamp_update};

mod codec;
mod scripts;

/// Sessions and verification tokens of schema `S` on one Redis server, under a key prefix.
/// Cloning shares the connection.
///
/// ```no_run
/// # async fn run() -> authmodel::Result<()> {
/// use authmodel::models::DefaultSchema;
/// use authmodel::redis::RedisStore;
///
/// let store = RedisStore::<DefaultSchema>::connect("redis://127.0.0.1:6379/", "myapp:").await?;
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
pub struct RedisStore<S: Schema> {
    conn: ConnectionManager,
    inner: Arc<Inner>,
    schema: PhantomData<fn() -> S>,
}

struct Inner {
    prefix: String,
    create_session: Script,
    update_session: Script,
    delete_session: Script,
    list_sessions: Script,
    delete_user_sessions: Script,
    delete_expired: Script,
    create_token: Script,
}

impl<S: Schema> Clone for RedisStore<S> {
    fn clone(&self) -> Self {
        RedisStore {
            conn: self.conn.clone(),
            inner: self.inner.clone(),
            schema: PhantomData,
        }
    }
}

impl<S: Schema> std::fmt::Debug for RedisStore<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

fn redis_error(error: ::redis::RedisError) -> Error {
    Error::database(error)
}

/// An instant as Redis's milliseconds since the epoch.
fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

impl<S: Schema> RedisStore<S> {
    /// Connects to the server at `url` (`redis://host:port/db`, `rediss://` with TLS where
    /// redis-rs has it) and keeps every key under `prefix` (`"myapp:"`).
    ///
    /// # Errors
    ///
    /// [`Error::Url`] for a malformed URL, [`Error::Database`] when the server cannot be
    /// reached.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self> {
        let client = ::redis::Client::open(url).map_err(|e| Error::Url {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let conn = client.get_connection_manager().await.map_err(redis_error)?;
        Ok(RedisStore {
            conn,
            inner: Arc::new(Inner {
                prefix: prefix.to_owned(),
                create_session: Script::new(scripts::CREATE_SESSION),
                update_session: Script::new(scripts::UPDATE_SESSION),
                delete_session: Script::new(scripts::DELETE_SESSION),
                list_sessions: Script::new(scripts::LIST_SESSIONS),
                delete_user_sessions: Script::new(scripts::DELETE_USER_SESSIONS),
                delete_expired: Script::new(scripts::DELETE_EXPIRED),
                create_token: Script::new(scripts::CREATE_TOKEN),
            }),
            schema: PhantomData,
        })
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    fn key(&self, kind: &str, rest: &str) -> String {
        format!("{}{kind}{rest}", self.inner.prefix)
    }

    fn session_key(&self, token: &str) -> String {
        self.key("session:", token)
    }

    fn index_prefix(&self) -> String {
        self.key("session-index:", "")
    }

    fn session_expiry(&self) -> String {
        self.key("session-expiry", "")
    }

    fn token_member(identifier: &str, token: &str) -> String {
        format!("{}:{identifier}:{token}", identifier.len())
    }

    fn token_key(&self, member: &str) -> String {
        self.key("verification:", member)
    }

    fn token_expiry(&self) -> String {
        self.key("verification-expiry", "")
    }

    /// A new row of `table`: ids drawn (an autoincrement one from `INCR`), stamps set,
    /// instants truncated to the millisecond, `NOT NULL` and lengths checked.
    async fn new_row(&self, table: &'static Table, row: Vec<Value>) -> Result<Vec<Value>> {
        let mut row = row;
        let next_id = if table
            .columns
            .iter()
            .any(|c| c.id == Some(IdStrategy::AutoIncrement))
        {
            let mut conn = self.conn.clone();
            ::redis::cmd("INCR")
                .arg(self.key("sequence:", table.name))
                .query_async::<i64>(&mut conn)
                .await
                .map_err(redis_error)?
        } else {
            0
        };
        prepare_new_row(table, &mut row, next_id)?;
        check_values(table, &row)?;
        Ok(row)
    }

    /// The (token, user id, expires) of a session row, as the keys and the TTL use them.
    fn session_keys(row: &[Value]) -> Result<(String, String, i64)> {
        let table = <S::Session as Model>::TABLE;
        let text = |field: RoleField| {
            table
                .position(field)
                .and_then(|at| row.get(at))
                .and_then(Value::to_id_string)
                .ok_or_else(|| Error::InvalidInput(format!("the session has no {field:?}")))
        };
        let expires = table
            .position(RoleField::SessionExpires)
            .and_then(|at| row.get(at));
        let Some(Value::Timestamp(expires)) = expires else {
            return Err(Error::InvalidInput("the session has no expiry".to_owned()));
        };
        Ok((
            text(RoleField::SessionToken)?,
            text(RoleField::SessionUserId)?,
            millis(*expires),
        ))
    }

    /// `text` as the stored form of the column playing `field` (a UUID hyphenated and
    /// lower-case); `None` when it cannot be one of its values: nothing has it.
    fn canonical(table: &'static Table, field: RoleField, text: &str) -> Option<String> {
        let column = table.column(field)?;
        Value::parse_id(column.ty, text)?.to_id_string()
    }

    fn sessions() -> &'static Table {
        <S::Session as Model>::TABLE
    }

    fn decode_session(text: &str) -> Result<S::Session> {
        S::Session::from_values(codec::decode(Self::sessions(), text)?)
    }

    async fn raw_session(&self, token: &str) -> Result<Option<String>> {
        let mut conn = self.conn.clone();
        ::redis::cmd("HGET")
            .arg(self.session_key(token))
            .arg("r")
            .query_async(&mut conn)
            .await
            .map_err(redis_error)
    }

    async fn remove_session(&self, token: &str, owner: Option<&str>) -> Result<Option<S::Session>> {
        let Some(token) = Self::canonical(Self::sessions(), RoleField::SessionToken, token) else {
            return Ok(None);
        };
        let mut conn = self.conn.clone();
        let mut call = self.inner.delete_session.key(self.session_key(&token));
        call.key(self.session_expiry())
            .arg(self.index_prefix())
            .arg(&token)
            .arg(if owner.is_some() { "1" } else { "0" })
            .arg(owner.unwrap_or_default());
        let row: Option<String> = call.invoke_async(&mut conn).await.map_err(redis_error)?;
        row.map(|row| Self::decode_session(&row)).transpose()
    }

    async fn delete_sessions_of(&self, user_id: &str, keep: Option<&str>) -> Result<u64> {
        let Some(user) = Self::canonical(Self::sessions(), RoleField::SessionUserId, user_id)
        else {
            return Ok(0);
        };
        let mut conn = self.conn.clone();
        let mut call = self
            .inner
            .delete_user_sessions
            .key(format!("{}{user}", self.index_prefix()));
        call.key(self.session_expiry())
            .arg(self.key("session:", ""))
            .arg(&user)
            .arg(if keep.is_some() { "1" } else { "0" })
            .arg(keep.unwrap_or_default());
        call.invoke_async(&mut conn).await.map_err(redis_error)
    }

    /// Deletes, batch by batch, the rows scored before `now` in `zset`.
    async fn delete_expired_in(
        &self,
        zset: String,
        rows: String,
        index: String,
        now: DateTime<Utc>,
        batch: u32,
    ) -> Result<u64> {
        if batch == 0 {
            return Ok(0);
        }
        // Strictly before `now`: a row of `expires` e (whole ms) is expired when e < now,
        // that is e < ceil(now in ms).
        let mut cutoff = millis(now);
        if !now.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
            cutoff += 1;
        }
        let mut deleted = 0;
        let mut conn = self.conn.clone();
        loop {
            let mut call = self.inner.delete_expired.key(&zset);
            call.arg(&rows).arg(&index).arg(cutoff).arg(batch);
            let (seen, gone): (u64, u64) =
                call.invoke_async(&mut conn).await.map_err(redis_error)?;
            deleted += gone;
            if seen == 0 {
                return Ok(deleted);
            }
        }
    }
}

/// How many times `update_session` reads again when the row changed under it.
const UPDATE_TRIES: usize = 16;

impl<S: Schema> SessionStore<S> for RedisStore<S> {
    fn create_session(&self, session: S::Session) -> BoxFuture<'_, Result<S::Session>> {
        Box::pin(async move {
            let table = Self::sessions();
            let row = self.new_row(table, session.to_values()?).await?;
            let (token, user, expires) = Self::session_keys(&row)?;
            let mut conn = self.conn.clone();
            let mut call = self.inner.create_session.key(self.session_key(&token));
            call.key(self.session_expiry())
                .arg(self.index_prefix())
                .arg(codec::encode(&row))
                .arg(&user)
                .arg(expires)
                .arg(&token);
            let stored: i64 = call.invoke_async(&mut conn).await.map_err(redis_error)?;
            if stored == 0 {
                return Err(Error::Conflict {
                    table: table.name.to_owned(),
                    constraint: format!("{}_session_token_key", table.name),
                });
            }
            S::Session::from_values(row)
        })
    }

    fn get_session<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let Some(token) = Self::canonical(Self::sessions(), RoleField::SessionToken, token)
            else {
                return Ok(None);
            };
            self.raw_session(&token)
                .await?
                .map(|row| Self::decode_session(&row))
                .transpose()
        })
    }

    fn update_session<'a>(
        &'a self,
        token: &'a str,
        patch: crate::adapter::SessionPatch<S>,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let table = Self::sessions();
            let Some(token) = Self::canonical(table, RoleField::SessionToken, token) else {
                return Ok(None);
            };
            let mut assignments = patch.into_assignments()?;
            if !assignments.is_empty() {
                stamp_update(table, &mut assignments, stamp_now());
            }
            for _ in 0..UPDATE_TRIES {
                let Some(read) = self.raw_session(&token).await? else {
                    return Ok(None);
                };
                let mut row = codec::decode(table, &read)?;
                if assignments.is_empty() {
                    return S::Session::from_values(row).map(Some);
                }
                apply_assignments(table, &mut row, assignments.clone())?;
                check_values(table, &row)?;
                let (new_token, user, expires) = Self::session_keys(&row)?;
                let mut conn = self.conn.clone();
                let mut call = self.inner.update_session.key(self.session_key(&token));
                call.key(self.session_key(&new_token))
                    .key(self.session_expiry())
                    .arg(self.index_prefix())
                    .arg(&read)
                    .arg(codec::encode(&row))
                    .arg(&user)
                    .arg(expires)
                    .arg(&token)
                    .arg(&new_token);
                match call
                    .invoke_async::<i64>(&mut conn)
                    .await
                    .map_err(redis_error)?
                {
                    1 => return S::Session::from_values(row).map(Some),
                    -1 => {
                        return Err(Error::Conflict {
                            table: table.name.to_owned(),
                            constraint: format!("{}_session_token_key", table.name),
                        });
                    }
                    _ => continue,
                }
            }
            Err(Error::Database(
                format!("the session changed {UPDATE_TRIES} times while being updated").into(),
            ))
        })
    }

    fn delete_session<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(self.remove_session(token, None))
    }

    fn list_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<Vec<S::Session>>> {
        Box::pin(async move {
            let Some(user) = Self::canonical(Self::sessions(), RoleField::SessionUserId, user_id)
            else {
                return Ok(Vec::new());
            };
            let mut conn = self.conn.clone();
            let mut call = self
                .inner
                .list_sessions
                .key(format!("{}{user}", self.index_prefix()));
            call.arg(self.key("session:", "")).arg(&user);
            let rows: Vec<String> = call.invoke_async(&mut conn).await.map_err(redis_error)?;
            rows.iter().map(|row| Self::decode_session(row)).collect()
        })
    }

    fn revoke_session<'a>(
        &'a self,
        user_id: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::Session>>> {
        Box::pin(async move {
            let Some(user) = Self::canonical(Self::sessions(), RoleField::SessionUserId, user_id)
            else {
                return Ok(None);
            };
            self.remove_session(token, Some(&user)).await
        })
    }

    fn revoke_other_sessions<'a>(
        &'a self,
        user_id: &'a str,
        keep: &'a str,
    ) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            let keep = Self::canonical(Self::sessions(), RoleField::SessionToken, keep)
                .ok_or_else(|| crate::adapter::unkeepable(keep))?;
            self.delete_sessions_of(user_id, Some(&keep)).await
        })
    }

    fn delete_user_sessions<'a>(&'a self, user_id: &'a str) -> BoxFuture<'a, Result<u64>> {
        Box::pin(self.delete_sessions_of(user_id, None))
    }

    fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
        batch: u32,
    ) -> BoxFuture<'_, Result<u64>> {
        Box::pin(self.delete_expired_in(
            self.session_expiry(),
            self.key("session:", ""),
            self.index_prefix(),
            now,
            batch,
        ))
    }
}

impl<S: Schema> RedisStore<S> {
    /// The (identifier, token, expires) of a verification token row.
    fn token_keys(row: &[Value]) -> Result<(String, String, i64)> {
        let table = <S::VerificationToken as Model>::TABLE;
        let get = |field: RoleField| table.position(field).and_then(|at| row.get(at));
        let text = |field: RoleField| {
            get(field)
                .and_then(Value::to_id_string)
                .ok_or_else(|| Error::InvalidInput(format!("the token has no {field:?}")))
        };
        let Some(Value::Timestamp(expires)) = get(RoleField::VerificationExpires) else {
            return Err(Error::InvalidInput("the token has no expiry".to_owned()));
        };
        Ok((
            text(RoleField::VerificationIdentifier)?,
            text(RoleField::VerificationToken)?,
            millis(*expires),
        ))
    }

    /// The key member of (identifier, token), `None` when either cannot be stored.
    fn token_lookup(identifier: &str, token: &str) -> Option<String> {
        let table = <S::VerificationToken as Model>::TABLE;
        let identifier = Self::canonical(table, RoleField::VerificationIdentifier, identifier)?;
        let token = Self::canonical(table, RoleField::VerificationToken, token)?;
        Some(Self::token_member(&identifier, &token))
    }

    async fn token_command(
        &self,
        command: &str,
        member: &str,
    ) -> Result<Option<S::VerificationToken>> {
        let mut conn = self.conn.clone();
        let row: Option<String> = ::redis::cmd(command)
            .arg(self.token_key(member))
            .query_async(&mut conn)
            .await
            .map_err(redis_error)?;
        let table = <S::VerificationToken as Model>::TABLE;
        row.map(|row| S::VerificationToken::from_values(codec::decode(table, &row)?))
            .transpose()
    }
}

impl<S: Schema> TokenStore<S> for RedisStore<S> {
    fn create_verification_token(
        &self,
        token: S::VerificationToken,
    ) -> BoxFuture<'_, Result<S::VerificationToken>> {
        Box::pin(async move {
            let table = <S::VerificationToken as Model>::TABLE;
            let row = self.new_row(table, token.to_values()?).await?;
            let (identifier, token, expires) = Self::token_keys(&row)?;
            let member = Self::token_member(&identifier, &token);
            let mut conn = self.conn.clone();
            let mut call = self.inner.create_token.key(self.token_key(&member));
            call.key(self.token_expiry())
                .arg(codec::encode(&row))
                .arg(expires)
                .arg(&member);
            let stored: i64 = call.invoke_async(&mut conn).await.map_err(redis_error)?;
            if stored == 0 {
                return Err(Error::Conflict {
                    table: table.name.to_owned(),
                    constraint: table.primary_key_name(),
                });
            }
            S::VerificationToken::from_values(row)
        })
    }

    fn use_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        Box::pin(async move {
            let Some(member) = Self::token_lookup(identifier, token) else {
                return Ok(None);
            };
            // GETDEL: the read and the delete are one command, so one caller gets the row.
            self.token_command("GETDEL", &member).await
        })
    }

    fn get_verification_token<'a>(
        &'a self,
        identifier: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<S::VerificationToken>>> {
        Box::pin(async move {
            let Some(member) = Self::token_lookup(identifier, token) else {
                return Ok(None);
            };
            self.token_command("GET", &member).await
        })
    }

    fn delete_expired_tokens(&self, now: DateTime<Utc>, batch: u32) -> BoxFuture<'_, Result<u64>> {
        Box::pin(self.delete_expired_in(
            self.token_expiry(),
            self.key("verification:", ""),
            String::new(),
            now,
            batch,
        ))
    }
}
