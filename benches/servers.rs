//! `SqlAdapter<DefaultSchema>` on PostgreSQL and MariaDB against the same operations
//! hand-written with sqlx, in one process and one run.
//!
//! Entry point: with `PG_URL` and/or `MYSQL_URL` set (scripts/servers.sh starts both),
//! `cargo bench --bench servers` runs one criterion group per backend and operation
//! (`postgres/get_session_and_user`, ... `mysql/use_verification_token`), each with an
//! `adapter` and a `hand_written` case, then prints per backend a summary measured separately
//! with the two sides interleaved: the ratio adapter / hand-written per operation. Under
//! `cargo bench` it then prints the two workloads of issue 12 per backend, as medians of 5
//! interleaved one-second runs per side and their ratio: session reads per second with 32 in
//! flight over a pool of 8 (both sides get pools of 8 of their own), and sign-ins per second
//! (create a user, link an account, create a session, 10 × `get_session_and_user`, update the
//! session, create and use a verification token, delete the session). `cargo bench --bench
//! servers -- workloads` skips the criterion cases (no case has that name) and prints only
//! the summaries. Without either URL it prints that it skipped. `cargo test --benches` runs
//! every case once.
//!
//! Like for like: both sides work on the same fresh database, seeded with users and
//! sessions; both use a pool of 10 connections that are not tested on acquire
//! (`test_before_acquire(false)`, the adapter's setting) and keep their statements prepared
//! per connection (sqlx's cache); both are awaited from a current-thread tokio runtime's
//! `block_on` and decode rows into the same model structs. The hand-written side is what an
//! application would write: `get_session_and_user` one join; `create_session` an `INSERT`
//! returning the struct it built; `update_session` `UPDATE ... RETURNING` on PostgreSQL and
//! `UPDATE` then `SELECT` in a transaction on MariaDB (which has no `UPDATE ... RETURNING`);
//! `use_verification_token` `DELETE ... RETURNING` on both.

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::Cell;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::models::{Account, DefaultSchema, Session, SessionPatch, User, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::value::to_millis;
use chrono::{DateTime, Utc};
use common::Server;
use criterion::Criterion;
use sqlx::mysql::{MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, Executor, Row};
use tokio::runtime::Runtime;
use uuid::Uuid;

/// Users (and sessions, one each) seeded before measuring.
const SEEDED: usize = 2_000;
/// Pool size of both sides (the adapter's default).
const POOL: u32 = 10;
/// Rounds of the interleaved summary, and calls per side in one round.
const ROUNDS: usize = 200;
const BATCH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Adapter,
    HandWritten,
}

impl Side {
    const BOTH: [Side; 2] = [Side::Adapter, Side::HandWritten];

    fn name(self) -> &'static str {
        match self {
            Side::Adapter => "adapter",
            Side::HandWritten => "hand_written",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    GetSessionAndUser,
    CreateSession,
    UpdateSession,
    UseVerificationToken,
}

impl Op {
    const ALL: [Op; 4] = [
        Op::GetSessionAndUser,
        Op::CreateSession,
        Op::UpdateSession,
        Op::UseVerificationToken,
    ];

    fn name(self) -> &'static str {
        match self {
            Op::GetSessionAndUser => "get_session_and_user",
            Op::CreateSession => "create_session",
            Op::UpdateSession => "update_session",
            Op::UseVerificationToken => "use_verification_token",
        }
    }
}

/// One call's arguments, prepared outside the timed part.
enum Input {
    /// A seeded session token.
    Read(String),
    /// A new session (id nil: each side generates one).
    Create(Session),
    /// A seeded session token and its new expiry.
    Update(String, DateTime<Utc>),
    /// The identifier and token of a verification token just inserted.
    Verification(String, String),
}

/// The hand-written side: a sqlx pool of the backend's driver.
enum Hand {
    Postgres(PgPool),
    MySql(MySqlPool),
}

const SELECT_SESSION_AND_USER_PG: &str = "SELECT s.id, s.session_token, s.user_id, s.expires, \
     u.id, u.name, u.email, u.email_verified, u.image \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_token = $1";
const SELECT_SESSION_AND_USER_MY: &str = "SELECT s.id, s.session_token, s.user_id, s.expires, \
     u.id, u.name, u.email, u.email_verified, u.image \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_token = ?";

fn pg_session(row: &PgRow, at: usize) -> Session {
    Session {
        id: row.get(at),
        session_token: row.get(at + 1),
        user_id: row.get(at + 2),
        expires: row.get(at + 3),
    }
}

fn my_uuid(row: &MySqlRow, at: usize) -> Uuid {
    Uuid::parse_str(row.get::<&str, _>(at)).expect("a UUID")
}

fn my_session(row: &MySqlRow, at: usize) -> Session {
    Session {
        id: my_uuid(row, at),
        session_token: row.get(at + 1),
        user_id: my_uuid(row, at + 2),
        expires: row.get(at + 3),
    }
}

impl Hand {
    async fn create_user(&self, mut user: User) -> User {
        user.id = Uuid::new_v4();
        let sql = match self {
            Hand::Postgres(_) => {
                "INSERT INTO users (id, name, email, email_verified, image) \
                 VALUES ($1, $2, $3, $4, $5)"
            }
            Hand::MySql(_) => {
                "INSERT INTO users (id, name, email, email_verified, image) \
                 VALUES (?, ?, ?, ?, ?)"
            }
        };
        // The columns after the id, bound alike on both servers.
        macro_rules! fields {
            ($query:expr) => {
                $query
                    .bind(&user.name)
                    .bind(&user.email)
                    .bind(user.email_verified)
                    .bind(&user.image)
            };
        }
        match self {
            Hand::Postgres(pool) => fields!(sqlx::query(sql).bind(user.id))
                .execute(pool)
                .await
                .map(drop),
            Hand::MySql(pool) => fields!(sqlx::query(sql).bind(user.id.hyphenated().to_string()))
                .execute(pool)
                .await
                .map(drop),
        }
        .unwrap();
        user
    }

    async fn link_account(&self, mut account: Account) -> Account {
        account.id = Uuid::new_v4();
        let columns = "(id, user_id, type, provider, provider_account_id, refresh_token, \
                       access_token, expires_at, token_type, scope, id_token, session_state)";
        // The columns after the two ids, bound alike on both servers.
        macro_rules! fields {
            ($query:expr) => {
                $query
                    .bind(&account.kind)
                    .bind(&account.provider)
                    .bind(&account.provider_account_id)
                    .bind(&account.refresh_token)
                    .bind(&account.access_token)
                    .bind(account.expires_at)
                    .bind(&account.token_type)
                    .bind(&account.scope)
                    .bind(&account.id_token)
                    .bind(&account.session_state)
                    .persistent(true)
            };
        }
        match self {
            Hand::Postgres(pool) => fields!(
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO accounts {columns} \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                )))
                .bind(account.id)
                .bind(account.user_id)
            )
            .execute(pool)
            .await
            .map(drop),
            Hand::MySql(pool) => fields!(
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO accounts {columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                )))
                .bind(account.id.hyphenated().to_string())
                .bind(account.user_id.hyphenated().to_string())
            )
            .execute(pool)
            .await
            .map(drop),
        }
        .unwrap();
        account
    }

    /// Deletes the session with this token; whether there was one (`DELETE ... RETURNING`
    /// on both servers, as `delete_session` returns the session).
    async fn delete_session(&self, token: &str) -> bool {
        let row = match self {
            Hand::Postgres(pool) => sqlx::query(
                "DELETE FROM sessions WHERE session_token = $1 \
                 RETURNING id, session_token, user_id, expires",
            )
            .bind(token)
            .fetch_optional(pool)
            .await
            .unwrap()
            .map(|row| pg_session(&row, 0)),
            Hand::MySql(pool) => sqlx::query(
                "DELETE FROM sessions WHERE session_token = ? \
                 RETURNING id, session_token, user_id, expires",
            )
            .bind(token)
            .fetch_optional(pool)
            .await
            .unwrap()
            .map(|row| my_session(&row, 0)),
        };
        row.is_some()
    }

    async fn get_session_and_user(&self, token: &str) -> Option<(Session, User)> {
        match self {
            Hand::Postgres(pool) => {
                let row = sqlx::query(SELECT_SESSION_AND_USER_PG)
                    .bind(token)
                    .fetch_optional(pool)
                    .await
                    .unwrap()?;
                let user = User {
                    id: row.get(4),
                    name: row.get(5),
                    email: row.get(6),
                    email_verified: row.get(7),
                    image: row.get(8),
                };
                Some((pg_session(&row, 0), user))
            }
            Hand::MySql(pool) => {
                let row = sqlx::query(SELECT_SESSION_AND_USER_MY)
                    .bind(token)
                    .fetch_optional(pool)
                    .await
                    .unwrap()?;
                let user = User {
                    id: my_uuid(&row, 4),
                    name: row.get(5),
                    email: row.get(6),
                    email_verified: row.get(7),
                    image: row.get(8),
                };
                Some((my_session(&row, 0), user))
            }
        }
    }

    async fn create_session(&self, mut session: Session) -> Session {
        session.id = Uuid::new_v4();
        session.expires = to_millis(session.expires);
        match self {
            Hand::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO sessions (id, session_token, user_id, expires) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(session.id)
                .bind(&session.session_token)
                .bind(session.user_id)
                .bind(session.expires)
                .execute(pool)
                .await
                .unwrap();
            }
            Hand::MySql(pool) => {
                sqlx::query(
                    "INSERT INTO sessions (id, session_token, user_id, expires) \
                     VALUES (?, ?, ?, ?)",
                )
                .bind(session.id.hyphenated().to_string())
                .bind(&session.session_token)
                .bind(session.user_id.hyphenated().to_string())
                .bind(session.expires)
                .execute(pool)
                .await
                .unwrap();
            }
        }
        session
    }

    async fn update_session(&self, token: &str, expires: DateTime<Utc>) -> Option<Session> {
        let expires = to_millis(expires);
        match self {
            Hand::Postgres(pool) => {
                let row = sqlx::query(
                    "UPDATE sessions SET expires = $1 WHERE session_token = $2 \
                     RETURNING id, session_token, user_id, expires",
                )
                .bind(expires)
                .bind(token)
                .fetch_optional(pool)
                .await
                .unwrap()?;
                Some(pg_session(&row, 0))
            }
            Hand::MySql(pool) => {
                let mut transaction = pool.begin().await.unwrap();
                sqlx::query("UPDATE sessions SET expires = ? WHERE session_token = ?")
                    .bind(expires)
                    .bind(token)
                    .execute(&mut *transaction)
                    .await
                    .unwrap();
                let row = sqlx::query(
                    "SELECT id, session_token, user_id, expires FROM sessions \
                     WHERE session_token = ?",
                )
                .bind(token)
                .fetch_optional(&mut *transaction)
                .await
                .unwrap();
                transaction.commit().await.unwrap();
                Some(my_session(&row?, 0))
            }
        }
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Option<VerificationToken> {
        match self {
            Hand::Postgres(pool) => {
                let row = sqlx::query(
                    "DELETE FROM verification_tokens WHERE identifier = $1 AND token = $2 \
                     RETURNING identifier, token, expires",
                )
                .bind(identifier)
                .bind(token)
                .fetch_optional(pool)
                .await
                .unwrap()?;
                Some(VerificationToken {
                    identifier: row.get(0),
                    token: row.get(1),
                    expires: row.get(2),
                })
            }
            Hand::MySql(pool) => {
                let row = sqlx::query(
                    "DELETE FROM verification_tokens WHERE identifier = ? AND token = ? \
                     RETURNING identifier, token, expires",
                )
                .bind(identifier)
                .bind(token)
                .fetch_optional(pool)
                .await
                .unwrap()?;
                Some(VerificationToken {
                    identifier: row.get(0),
                    token: row.get(1),
                    expires: row.get(2),
                })
            }
        }
    }
}

/// One backend's database, both sides and the seeded keys.
struct Fixture {
    backend: &'static str,
    /// The database both sides use.
    url: String,
    auth: SqlAdapter<DefaultSchema>,
    hand: Hand,
    users: Vec<Uuid>,
    tokens: Vec<String>,
    next: Cell<usize>,
}

impl Fixture {
    async fn new(server: Server, seeded: usize) -> Fixture {
        let url = common::fresh_database(server, "bench")
            .await
            .expect("the server is set");
        let options = Options::default().synchronize(true).max_connections(POOL);
        let auth = SqlAdapter::<DefaultSchema>::connect(&url, options)
            .await
            .expect("the adapter connects and creates its tables");
        let (backend, hand) = match server {
            Server::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(POOL)
                    .test_before_acquire(false)
                    .connect(&url)
                    .await
                    .expect("the hand-written side connects");
                ("postgres", Hand::Postgres(pool))
            }
            Server::MySql => {
                let pool = MySqlPoolOptions::new()
                    .max_connections(POOL)
                    .test_before_acquire(false)
                    .connect(&url)
                    .await
                    .expect("the hand-written side connects");
                ("mysql", Hand::MySql(pool))
            }
        };
        let mut fixture = Fixture {
            backend,
            url: url.clone(),
            auth,
            hand,
            users: Vec::new(),
            tokens: Vec::new(),
            next: Cell::new(0),
        };
        fixture.seed(seeded).await;
        fixture
    }

    /// Users and one session each, through the adapter (outside any measurement).
    async fn seed(&mut self, seeded: usize) {
        let expires = Utc::now() + chrono::Duration::days(30);
        for i in 0..seeded {
            let user = User {
                id: Uuid::nil(),
                name: Some(format!("User {i}")),
                email: format!("user{i}@example.com"),
                email_verified: Some(Utc::now()),
                image: None,
            };
            let user = self.auth.create_user(user).await.expect("seed user");
            let token = format!("seeded-{}", Uuid::new_v4());
            let session = Session {
                id: Uuid::nil(),
                session_token: token.clone(),
                user_id: user.id,
                expires,
            };
            self.auth
                .create_session(session)
                .await
                .expect("seed session");
            self.users.push(user.id);
            self.tokens.push(token);
        }
    }

    fn step(&self) -> usize {
        let i = self.next.get();
        self.next.set(i.wrapping_add(1));
        // A stride through the seeded rows, so consecutive calls touch different rows.
        i.wrapping_mul(7_919) % self.tokens.len()
    }

    /// The arguments of one call; for `use_verification_token` the token is inserted here
    /// (untimed, by the callers) by the side about to use it, so neither side finds the row
    /// fresh in the cache of a connection of its own while the other does not.
    async fn input(&self, op: Op, side: Side) -> Input {
        let i = self.step();
        match op {
            Op::GetSessionAndUser => Input::Read(self.tokens[i].clone()),
            Op::CreateSession => Input::Create(Session {
                id: Uuid::nil(),
                session_token: format!("new-{}", Uuid::new_v4()),
                user_id: self.users[i],
                expires: Utc::now() + chrono::Duration::days(30),
            }),
            Op::UpdateSession => Input::Update(
                self.tokens[i].clone(),
                Utc::now() + chrono::Duration::days(30),
            ),
            Op::UseVerificationToken => {
                let identifier = format!("user{i}@example.com");
                let token = Uuid::new_v4().simple().to_string();
                let expires = to_millis(Utc::now() + chrono::Duration::hours(1));
                match side {
                    Side::HandWritten => self.insert_token(&identifier, &token, expires).await,
                    Side::Adapter => {
                        let stored = self
                            .auth
                            .create_verification_token(VerificationToken {
                                identifier: identifier.clone(),
                                token: token.clone(),
                                expires,
                            })
                            .await;
                        assert!(stored.is_ok(), "{}: {stored:?}", self.backend);
                    }
                }
                Input::Verification(identifier, token)
            }
        }
    }

    async fn insert_token(&self, identifier: &str, token: &str, expires: DateTime<Utc>) {
        match &self.hand {
            Hand::Postgres(pool) => pool
                .execute(
                    sqlx::query(
                        "INSERT INTO verification_tokens (identifier, token, expires) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(identifier)
                    .bind(token)
                    .bind(expires),
                )
                .await
                .map(drop),
            Hand::MySql(pool) => pool
                .execute(
                    sqlx::query(
                        "INSERT INTO verification_tokens (identifier, token, expires) \
                         VALUES (?, ?, ?)",
                    )
                    .bind(identifier)
                    .bind(token)
                    .bind(expires),
                )
                .await
                .map(drop),
        }
        .expect("insert a verification token");
    }

    /// One call on `side`; panics unless it did what the operation promises.
    async fn call(&self, side: Side, input: Input) {
        let done = match (side, input) {
            (Side::Adapter, Input::Read(token)) => self
                .auth
                .get_session_and_user(&token)
                .await
                .unwrap()
                .is_some(),
            (Side::HandWritten, Input::Read(token)) => {
                self.hand.get_session_and_user(&token).await.is_some()
            }
            (Side::Adapter, Input::Create(session)) => {
                self.auth.create_session(session).await.is_ok()
            }
            (Side::HandWritten, Input::Create(session)) => {
                !self.hand.create_session(session).await.id.is_nil()
            }
            (Side::Adapter, Input::Update(token, expires)) => {
                let patch = SessionPatch {
                    expires: Some(expires),
                    ..SessionPatch::default()
                };
                self.auth
                    .update_session(&token, patch)
                    .await
                    .unwrap()
                    .is_some()
            }
            (Side::HandWritten, Input::Update(token, expires)) => {
                self.hand.update_session(&token, expires).await.is_some()
            }
            (Side::Adapter, Input::Verification(identifier, token)) => self
                .auth
                .use_verification_token(&identifier, &token)
                .await
                .unwrap()
                .is_some(),
            (Side::HandWritten, Input::Verification(identifier, token)) => self
                .hand
                .use_verification_token(&identifier, &token)
                .await
                .is_some(),
        };
        assert!(done, "{}: a call found nothing", self.backend);
    }

    /// Both sides read the same session and user.
    async fn check(&self) {
        let token = &self.tokens[0];
        let adapter = self.auth.get_session_and_user(token).await.unwrap();
        let hand = self.hand.get_session_and_user(token).await;
        assert_eq!(adapter, hand, "{}: the two sides disagree", self.backend);
    }
}

/// Per operation, the median per-call time of each side over `rounds` rounds that alternate
/// which side goes first, the ratio of the medians, and the median of the rounds' own ratios.
fn summary(rt: &Runtime, fixture: &Fixture, rounds: usize) {
    println!(
        "\nSummary {}: {rounds} interleaved rounds of {BATCH} calls per side, medians per call \
         ({} seeded users and sessions, pools of {POOL})",
        fixture.backend,
        fixture.tokens.len()
    );
    println!(
        "{:<24} {:>12} {:>14} {:>8} {:>8}",
        "operation", "adapter", "hand-written", "ratio", "paired"
    );
    for op in Op::ALL {
        let mut times = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let mut order = Side::BOTH;
            if round % 2 == 1 {
                order.reverse();
            }
            let mut per_call = [0.0; 2];
            for side in order {
                let elapsed = rt.block_on(async {
                    let mut inputs = Vec::with_capacity(BATCH);
                    for _ in 0..BATCH {
                        inputs.push(fixture.input(op, side).await);
                    }
                    let start = Instant::now();
                    for input in inputs {
                        fixture.call(side, input).await;
                    }
                    start.elapsed()
                });
                per_call[side as usize] = elapsed.as_secs_f64() / BATCH as f64;
            }
            times[0].push(per_call[0]);
            times[1].push(per_call[1]);
            ratios.push(per_call[0] / per_call[1]);
        }
        let [adapter, hand] = times.map(|mut t| median(&mut t));
        println!(
            "{:<24} {:>9.1} µs {:>11.1} µs {:>7.3}x {:>7.3}x",
            op.name(),
            adapter * 1e6,
            hand * 1e6,
            adapter / hand,
            median(&mut ratios)
        );
    }
}

/// Runs of each workload per side, interleaved (the order alternates), and how long one run
/// lasts.
const RUNS: usize = 5;
const RUN: Duration = Duration::from_millis(1_000);
/// Reads in flight at once, and the pool both sides share them over, in the concurrent-reads
/// workload.
const IN_FLIGHT: usize = 32;
const READ_POOL: u32 = 8;
/// `get_session_and_user` calls in one sign-in.
const READS_PER_SIGN_IN: usize = 10;

/// Awaits every future of `futures` at once, on the calling task (no spawn: they may borrow).
async fn join_all<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut futures: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for slot in &mut futures {
            if let Some(future) = slot {
                if future.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    pending = true;
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await
}

/// The two workloads of issue 12, each side's in the same process: concurrent session reads
/// over a small pool, and whole sign-ins one after another.
struct Workloads<'f> {
    fixture: &'f Fixture,
    /// Both sides again, with pools of [`READ_POOL`].
    auth: SqlAdapter<DefaultSchema>,
    hand: Hand,
    next: Cell<usize>,
}

impl<'f> Workloads<'f> {
    async fn new(fixture: &'f Fixture, url: &str) -> Workloads<'f> {
        let options = Options::default().max_connections(READ_POOL);
        let auth = SqlAdapter::<DefaultSchema>::connect(url, options)
            .await
            .expect("the adapter connects");
        let hand = match fixture.hand {
            Hand::Postgres(_) => Hand::Postgres(
                PgPoolOptions::new()
                    .max_connections(READ_POOL)
                    .test_before_acquire(false)
                    .connect(url)
                    .await
                    .expect("the hand-written side connects"),
            ),
            Hand::MySql(_) => Hand::MySql(
                MySqlPoolOptions::new()
                    .max_connections(READ_POOL)
                    .test_before_acquire(false)
                    .connect(url)
                    .await
                    .expect("the hand-written side connects"),
            ),
        };
        Workloads {
            fixture,
            auth,
            hand,
            next: Cell::new(0),
        }
    }

    /// Session reads per second: [`IN_FLIGHT`] readers over the pool of [`READ_POOL`], for
    /// [`RUN`].
    async fn reads_per_second(&self, side: Side) -> f64 {
        let tokens = &self.fixture.tokens;
        let done = Cell::new(0usize);
        let start = Instant::now();
        let deadline = start + RUN;
        let readers = (0..IN_FLIGHT)
            .map(|reader| {
                let done = &done;
                async move {
                    let mut i = reader;
                    while Instant::now() < deadline {
                        let token = &tokens[i.wrapping_mul(7_919) % tokens.len()];
                        let found = match side {
                            Side::Adapter => self
                                .auth
                                .get_session_and_user(token)
                                .await
                                .unwrap()
                                .is_some(),
                            Side::HandWritten => {
                                self.hand.get_session_and_user(token).await.is_some()
                            }
                        };
                        assert!(found, "a seeded session is missing");
                        done.set(done.get() + 1);
                        i += IN_FLIGHT;
                    }
                }
            })
            .collect();
        join_all(readers).await;
        done.get() as f64 / start.elapsed().as_secs_f64()
    }

    /// Sign-ins per second, one after another for [`RUN`], each: create a user, link an
    /// account, create a session, [`READS_PER_SIGN_IN`] × `get_session_and_user`, update the
    /// session, create and use a verification token, delete the session (on the fixture's
    /// pools).
    async fn sign_ins_per_second(&self, side: Side) -> f64 {
        let start = Instant::now();
        let mut done = 0usize;
        while start.elapsed() < RUN {
            let n = self.next.get();
            self.next.set(n + 1);
            self.sign_in(side, n).await;
            done += 1;
        }
        done as f64 / start.elapsed().as_secs_f64()
    }

    async fn sign_in(&self, side: Side, n: usize) {
        let fixture = self.fixture;
        let email = format!("signin-{}-{n}@example.com", side.name());
        let token = format!("signin-{}", Uuid::new_v4());
        let expires = to_millis(Utc::now() + chrono::Duration::days(30));
        let user = User {
            id: Uuid::nil(),
            name: Some(format!("Signing In {n}")),
            email: email.clone(),
            email_verified: None,
            image: None,
        };
        let verification = Uuid::new_v4().simple().to_string();
        match side {
            Side::Adapter => {
                let auth = &fixture.auth;
                let user = auth.create_user(user).await.unwrap();
                auth.link_account(account(user.id, n)).await.unwrap();
                let session = Session {
                    id: Uuid::nil(),
                    session_token: token.clone(),
                    user_id: user.id,
                    expires,
                };
                auth.create_session(session).await.unwrap();
                for _ in 0..READS_PER_SIGN_IN {
                    assert!(auth.get_session_and_user(&token).await.unwrap().is_some());
                }
                let patch = SessionPatch {
                    expires: Some(expires + chrono::Duration::days(1)),
                    ..SessionPatch::default()
                };
                assert!(auth.update_session(&token, patch).await.unwrap().is_some());
                auth.create_verification_token(VerificationToken {
                    identifier: email.clone(),
                    token: verification.clone(),
                    expires,
                })
                .await
                .unwrap();
                let used = auth.use_verification_token(&email, &verification).await;
                assert!(used.unwrap().is_some());
                assert!(auth.delete_session(&token).await.unwrap().is_some());
            }
            Side::HandWritten => {
                let hand = &fixture.hand;
                let user = hand.create_user(user).await;
                hand.link_account(account(user.id, n)).await;
                let session = Session {
                    id: Uuid::nil(),
                    session_token: token.clone(),
                    user_id: user.id,
                    expires,
                };
                hand.create_session(session).await;
                for _ in 0..READS_PER_SIGN_IN {
                    assert!(hand.get_session_and_user(&token).await.is_some());
                }
                let later = expires + chrono::Duration::days(1);
                assert!(hand.update_session(&token, later).await.is_some());
                fixture.insert_token(&email, &verification, expires).await;
                let used = hand.use_verification_token(&email, &verification).await;
                assert!(used.is_some());
                assert!(hand.delete_session(&token).await);
            }
        }
    }

    /// Both workloads, [`RUNS`] runs per side interleaved; prints the medians and their ratio.
    async fn summary(&self) {
        println!(
            "\nWorkloads {}: medians of {RUNS} interleaved runs of {RUN:?} per side",
            self.fixture.backend
        );
        println!(
            "{:<44} {:>10} {:>14} {:>8}",
            "workload", "adapter", "hand-written", "ratio"
        );
        type Run<'a, 'f> = fn(&'a Workloads<'f>, Side) -> Pin<Box<dyn Future<Output = f64> + 'a>>;
        let workloads: [(String, Run<'_, 'f>); 2] = [
            (
                format!("session reads/s, {IN_FLIGHT} in flight, pool {READ_POOL}"),
                |w, side| Box::pin(w.reads_per_second(side)),
            ),
            (format!("sign-ins/s (pool {POOL})"), |w, side| {
                Box::pin(w.sign_ins_per_second(side))
            }),
        ];
        for (name, run) in workloads {
            // Warm every connection of both sides.
            for side in Side::BOTH {
                run(self, side).await;
            }
            let mut rates = [Vec::with_capacity(RUNS), Vec::with_capacity(RUNS)];
            for round in 0..RUNS {
                let mut order = Side::BOTH;
                if round % 2 == 1 {
                    order.reverse();
                }
                for side in order {
                    rates[side as usize].push(run(self, side).await);
                }
            }
            let [adapter, hand] = rates.map(|mut r| median(&mut r));
            println!(
                "{name:<44} {adapter:>10.0} {hand:>14.0} {:>7.2}x",
                adapter / hand
            );
        }
    }
}

/// The OAuth account a sign-in links.
fn account(user_id: Uuid, n: usize) -> Account {
    Account {
        id: Uuid::nil(),
        user_id,
        kind: "oauth".to_owned(),
        provider: "github".to_owned(),
        provider_account_id: format!("{}-{n}", Uuid::new_v4().simple()),
        refresh_token: None,
        access_token: Some("gho_access".to_owned()),
        expires_at: Some(1_900_000_000),
        token_type: Some("bearer".to_owned()),
        scope: Some("read:user user:email".to_owned()),
        id_token: None,
        session_state: None,
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // Criterion runs every case once unless `cargo bench` passed `--bench`; keep that quick.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let benchmarking = has("--bench") && !has("--test") && !has("--list");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();

    let servers: Vec<Server> = [(Server::Postgres, "PG_URL"), (Server::MySql, "MYSQL_URL")]
        .into_iter()
        .filter(|(_, variable)| std::env::var(variable).is_ok_and(|url| !url.is_empty()))
        .map(|(server, _)| server)
        .collect();
    if servers.is_empty() {
        println!(
            "servers bench: SKIPPED, neither PG_URL nor MYSQL_URL is set \
             (scripts/servers.sh starts both)"
        );
        return;
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let seeded = if benchmarking { SEEDED } else { 20 };
    let fixtures: Vec<Fixture> = servers
        .into_iter()
        .map(|server| {
            let fixture = rt.block_on(Fixture::new(server, seeded));
            rt.block_on(fixture.check());
            fixture
        })
        .collect();

    for fixture in &fixtures {
        for op in Op::ALL {
            let mut group = criterion.benchmark_group(format!("{}/{}", fixture.backend, op.name()));
            for side in Side::BOTH {
                group.bench_function(side.name(), |b| {
                    // Each call's input is made (a verification token inserted) untimed.
                    b.to_async(&rt).iter_custom(|iters| async move {
                        let mut timed = Duration::ZERO;
                        for _ in 0..iters {
                            let input = fixture.input(op, side).await;
                            let start = Instant::now();
                            fixture.call(side, input).await;
                            timed += start.elapsed();
                        }
                        timed
                    });
                });
            }
            group.finish();
        }
    }
    criterion.final_summary();

    let rounds = if benchmarking { ROUNDS } else { 2 };
    for fixture in &fixtures {
        summary(&rt, fixture, rounds);
    }
    if benchmarking {
        for fixture in &fixtures {
            rt.block_on(async {
                Workloads::new(fixture, &fixture.url).await.summary().await;
            });
        }
    }
}
