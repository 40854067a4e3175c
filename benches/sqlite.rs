//! `SqlAdapter<DefaultSchema>` on a SQLite file against the same operations hand-written with
//! rusqlite, in one process and one run.
//!
//! Entry point: `cargo bench --bench sqlite` runs one criterion group per operation
//! (`get_session_and_user`, `create_session`, `update_session`, `use_verification_token`),
//! each with an `adapter` and a `hand_written` case, then prints a summary table measured
//! separately with the two sides interleaved. `cargo bench --bench sqlite -- update_session`
//! runs one group; `cargo test --benches` runs every case once, as a smoke test.
//!
//! Profiling: `SQLITE_BENCH_PROFILE=get_session_and_user/adapter` (any operation, `adapter` or
//! `hand_written`) skips criterion, warms the caches with `SQLITE_BENCH_WARMUP` calls and runs
//! `SQLITE_BENCH_CALLS` more (both default 20,000) inside `run_calls`, so `valgrind
//! --tool=callgrind --toggle-collect='*run_calls*' <bench binary> --bench` counts only those.
//!
//! Scale: `SQLITE_BENCH_SCALE=1 cargo bench --bench sqlite` skips the rest and times the
//! adapter's `get_session_and_user` at 1,000, 100,000 and 1,000,000 seeded sessions (one file
//! each, seeded in one transaction with prepared inserts), printing median and mean per call
//! and the process's RSS after each size. `SQLITE_BENCH_SCALE=1000,50000` picks the sizes;
//! `SQLITE_BENCH_MMAP` (bytes) overrides `Options::mmap_size`. `cargo test --benches` runs it at two small sizes.
//! The last column is the minor page faults per timed call (`/proc/self/stat`): the seeding
//! child leaves the file in the OS's cache but never in this process's mapping, so a fault
//! would be the first touch of a page here. The 20,000 warm-up calls leave it at 0.000: faults
//! are not what a large table costs. `SQLITE_BENCH_WARM=1` reads every session once before
//! timing (the steady state of a long-running server, whose reader has touched every page);
//! `SQLITE_BENCH_HAND_WRITTEN=1` times the hand-written rusqlite reader (below) on the same
//! file instead of the adapter: SQLite's own cost at that size, the floor for the adapter.
//! `SQLITE_BENCH_LAYOUT` seeds the file in another table layout than the adapter's DDL, whose
//! lookup walks three B-trees (the token index, the sessions table, and `users`, a `WITHOUT
//! ROWID` table): `rowid` ([`USERS_WITH_A_ROWID`], `users` as a rowid table, four B-trees: the
//! DDL before `users` was `WITHOUT ROWID`) or `keyed` ([`SESSIONS_BY_TOKEN`], `sessions` a
//! `WITHOUT ROWID` table keyed by `session_token` too, two: the fewest a session-and-user join
//! can walk in SQLite).
//! The `load ns` column is this machine's latency of one random memory load over a buffer as
//! large as the file (a dependent pointer chase, [`load_latency`]): inside the CPU's caches at
//! 1,000 sessions, main memory at 100,000 and beyond. The growth of the median from the first
//! size, divided by it, is about how many cache lines a lookup misses.
//!
//! Like for like: both sides work on the same file in a tempdir (WAL, `synchronous = NORMAL`,
//! foreign keys on, the adapter's defaults), seeded with 10,000 users and sessions; both are
//! awaited from a current-thread tokio runtime's `block_on`, as a request handler would; both
//! read on a connection behind a `std` mutex and write on one behind a tokio mutex, as the
//! adapter does. The hand-written side binds and decodes the same encodings (UUIDs as
//! hyphenated text, timestamps as `YYYY-MM-DDTHH:MM:SS.sssZ` text, formatted and parsed without
//! allocating, as the adapter's codec does) into the same structs, keeps its statements in
//! rusqlite's cache (`prepare_cached`), and steps every write to its end: a write reset early
//! skips SQLite's automatic WAL checkpoint and looks faster than any correct code. Both map
//! the file as the adapter's default does (`mmap_size`). Every connection keeps the default
//! `cache_size`: the bundled SQLite is built with
//! `SQLITE_ENABLE_MEMORY_MANAGEMENT`, so all connections of the process share one page-cache
//! LRU as large as the sum of theirs, and a bigger cache here would also feed the adapter's.

use std::cell::Cell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, Session, SessionPatch, User, VerificationToken};
use authmodel::sql::{Options, SqlAdapter};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use criterion::{BatchSize, Criterion};
use rusqlite::types::{Type, ValueRef};
use rusqlite::{Connection, OpenFlags, Row, params};
use tokio::runtime::Runtime;
use uuid::Uuid;

/// Users (and sessions, one each) in the database before the first measurement.
const SEEDED: usize = 10_000;
/// Rounds of the interleaved summary; each times one batch per side.
const ROUNDS: usize = 600;
/// Calls per side in one round of the summary.
const BATCH: usize = 16;
/// Steps through the seeded rows so consecutive calls touch different pages (a prime, so
/// coprime with any seed count that is not its multiple).
const STRIDE: usize = 7_919;

/// Which implementation runs a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Adapter,
    HandWritten,
}

/// Both sides, by their names in criterion's output.
const SIDES: [(Side, &str); 2] = [
    (Side::Adapter, "adapter"),
    (Side::HandWritten, "hand_written"),
];

/// The operations measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    GetSessionAndUser,
    CreateSession,
    UpdateSession,
    UseVerificationToken,
}

/// Every operation, by its name (the adapter method's).
const OPS: [(Op, &str); 4] = [
    (Op::GetSessionAndUser, "get_session_and_user"),
    (Op::CreateSession, "create_session"),
    (Op::UpdateSession, "update_session"),
    (Op::UseVerificationToken, "use_verification_token"),
];

/// One call's arguments, prepared outside the timed part.
enum Input {
    /// The index of a seeded session token.
    Read(usize),
    /// A new session (id nil: each side generates one).
    Create(Session),
    /// A seeded session token's index and its new expiry.
    Update(usize, DateTime<Utc>),
    /// The identifier and token of a verification token just inserted.
    Verification(String, String),
}

/// The database, both sides and the seeded keys.
struct Fixture {
    auth: SqlAdapter<DefaultSchema>,
    hand: HandWritten,
    /// Inserts the verification tokens that `use_verification_token` consumes; used only
    /// outside the timed part.
    setup: Connection,
    path: PathBuf,
    users: Vec<Uuid>,
    tokens: Vec<String>,
    next: Cell<usize>,
}

impl Fixture {
    async fn new(path: PathBuf, seeded: usize) -> Fixture {
        let url = format!("sqlite://{}", path.display());
        let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
            .await
            .expect("the adapter connects and creates its tables");
        let hand = HandWritten::open(&path).expect("the hand-written side opens the file");
        let setup = open(
            &path,
            &format!(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = {};",
                authmodel::sql::DEFAULT_MMAP_SIZE
            ),
        )
        .expect("the setup connection opens");
        let (users, tokens) = seed(&setup, seeded).expect("seeding");
        Fixture {
            auth,
            hand,
            setup,
            path,
            users,
            tokens,
            next: Cell::new(0),
        }
    }

    /// The next seeded row to touch.
    fn pick(&self) -> usize {
        let n = self.next.get();
        self.next.set(n + 1);
        n.wrapping_mul(STRIDE) % self.tokens.len()
    }

    /// A session for seeded user `i`, with a fresh token (Auth.js's default: a random UUID).
    fn new_session(&self, i: usize, expires: DateTime<Utc>) -> Session {
        Session {
            id: Uuid::nil(),
            session_token: Uuid::new_v4().to_string(),
            user_id: self.users[i],
            expires,
        }
    }

    /// Arguments for one call of `op`; inserts the verification token it will use.
    fn input(&self, op: Op) -> Input {
        let i = self.pick();
        // Sub-millisecond digits that both sides must truncate.
        let expires = Utc::now() + chrono::Duration::days(30);
        match op {
            Op::GetSessionAndUser => Input::Read(i),
            Op::CreateSession => Input::Create(self.new_session(i, expires)),
            Op::UpdateSession => Input::Update(i, expires),
            Op::UseVerificationToken => {
                let identifier = format!("user{i}@example.com");
                // A hashed token: 64 hex digits.
                let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
                let mut buf = [0; TIMESTAMP_LEN];
                self.setup
                    .prepare_cached(
                        "INSERT INTO verification_tokens (identifier, token, expires) \
                         VALUES (?1, ?2, ?3)",
                    )
                    .and_then(|mut insert| {
                        insert.execute(params![identifier, token, timestamp(&expires, &mut buf)])
                    })
                    .expect("a verification token is inserted");
                Input::Verification(identifier, token)
            }
        }
    }

    /// Runs one call on `side`; fails loudly when it does not find what the input promises, so
    /// a broken bench cannot measure empty work.
    async fn call(&self, side: Side, input: Input) {
        let (auth, hand) = (&self.auth, &self.hand);
        match (side, input) {
            (Side::Adapter, Input::Read(i)) => {
                found(auth.get_session_and_user(&self.tokens[i]).await);
            }
            (Side::HandWritten, Input::Read(i)) => {
                found(hand.get_session_and_user(&self.tokens[i]).await);
            }
            (Side::Adapter, Input::Create(session)) => {
                found(auth.create_session(session).await.map(Some));
            }
            (Side::HandWritten, Input::Create(session)) => {
                found(hand.create_session(session).await.map(Some));
            }
            (Side::Adapter, Input::Update(i, expires)) => {
                found(
                    auth.update_session(&self.tokens[i], expiring(expires))
                        .await,
                );
            }
            (Side::HandWritten, Input::Update(i, expires)) => {
                found(hand.update_session(&self.tokens[i], expires).await);
            }
            (Side::Adapter, Input::Verification(identifier, token)) => {
                found(auth.use_verification_token(&identifier, &token).await);
            }
            (Side::HandWritten, Input::Verification(identifier, token)) => {
                found(hand.use_verification_token(&identifier, &token).await);
            }
        }
    }

    /// Both sides return equal structs for the same rows, or the comparison is meaningless.
    async fn check(&self) {
        let (auth, hand) = (&self.auth, &self.hand);
        for _ in 0..20 {
            let token = &self.tokens[self.pick()];
            let ours = auth.get_session_and_user(token).await.expect("read");
            assert!(ours.is_some(), "seeded session {token} not found");
            let theirs = hand.get_session_and_user(token).await.expect("read");
            assert_eq!(ours, theirs, "the sides decode a row differently");
        }
        let (token, expires) = (&self.tokens[0], Utc::now());
        let ours = auth
            .update_session(token, expiring(expires))
            .await
            .expect("update");
        let theirs = hand.update_session(token, expires).await.expect("update");
        assert!(
            ours.is_some() && ours == theirs,
            "the sides update differently"
        );
        let mut ours = auth.create_session(self.new_session(1, expires)).await;
        let theirs = hand.create_session(self.new_session(1, expires)).await;
        let (ours, theirs) = (ours.as_mut().expect("insert"), theirs.expect("insert"));
        (ours.id, ours.session_token) = (theirs.id, theirs.session_token.clone());
        assert_eq!(*ours, theirs, "the sides insert differently");
    }
}

/// A call's result, which must be a row.
fn found<T, E: std::fmt::Debug>(result: Result<Option<T>, E>) {
    match result {
        Ok(Some(row)) => drop(black_box(row)),
        Ok(None) => panic!("the call found no row"),
        Err(e) => panic!("the call failed: {e:?}"),
    }
}

/// The adapter's patch that sets a session's expiry.
fn expiring(expires: DateTime<Utc>) -> SessionPatch {
    SessionPatch {
        expires: Some(expires),
        ..SessionPatch::default()
    }
}

/// The same four operations, written by hand as an application would with rusqlite.
struct HandWritten {
    writer: tokio::sync::Mutex<Connection>,
    reader: Mutex<Connection>,
}

const SESSION_AND_USER: &str = "SELECT s.id, s.session_token, s.user_id, s.expires, \
     u.id, u.name, u.email, u.email_verified, u.image \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_token = ?1";
const INSERT_SESSION: &str = "INSERT INTO sessions (id, session_token, user_id, expires) \
     VALUES (?1, ?2, ?3, ?4) RETURNING id, session_token, user_id, expires";
const UPDATE_SESSION: &str = "UPDATE sessions SET expires = ?1 WHERE session_token = ?2 \
     RETURNING id, session_token, user_id, expires";
const USE_VERIFICATION_TOKEN: &str = "DELETE FROM verification_tokens \
     WHERE identifier = ?1 AND token = ?2 RETURNING identifier, token, expires";

impl HandWritten {
    fn open(path: &Path) -> rusqlite::Result<HandWritten> {
        let writer = open(
            path,
            &format!(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = {};",
                authmodel::sql::DEFAULT_MMAP_SIZE
            ),
        )?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        assert_eq!(mode, "wal", "the file runs in WAL mode");
        let reader = open(
            path,
            &format!(
                "PRAGMA foreign_keys = ON; PRAGMA query_only = ON; PRAGMA mmap_size = {};",
                authmodel::sql::DEFAULT_MMAP_SIZE
            ),
        )?;
        Ok(HandWritten {
            writer: tokio::sync::Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    async fn get_session_and_user(&self, token: &str) -> rusqlite::Result<Option<(Session, User)>> {
        let reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statement = reader.prepare_cached(SESSION_AND_USER)?;
        let mut rows = statement.query([token])?;
        match rows.next()? {
            Some(row) => Ok(Some((session_at(row, 0)?, user_at(row, 4)?))),
            None => Ok(None),
        }
    }

    async fn create_session(&self, session: Session) -> rusqlite::Result<Session> {
        let writer = self.writer.lock().await;
        let (mut id, mut user, mut expires) = ([0; UUID_LEN], [0; UUID_LEN], [0; TIMESTAMP_LEN]);
        let mut statement = writer.prepare_cached(INSERT_SESSION)?;
        let rows = statement.query(params![
            hyphenated(&Uuid::new_v4(), &mut id),
            session.session_token,
            hyphenated(&session.user_id, &mut user),
            timestamp(&session.expires, &mut expires),
        ])?;
        first_of_all(rows, session_at)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    async fn update_session(
        &self,
        token: &str,
        expires: DateTime<Utc>,
    ) -> rusqlite::Result<Option<Session>> {
        let writer = self.writer.lock().await;
        let mut buf = [0; TIMESTAMP_LEN];
        let mut statement = writer.prepare_cached(UPDATE_SESSION)?;
        let rows = statement.query(params![timestamp(&expires, &mut buf), token])?;
        first_of_all(rows, session_at)
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> rusqlite::Result<Option<VerificationToken>> {
        let writer = self.writer.lock().await;
        let mut statement = writer.prepare_cached(USE_VERIFICATION_TOKEN)?;
        let rows = statement.query([identifier, token])?;
        first_of_all(rows, |row, at| {
            Ok(VerificationToken {
                identifier: row.get(at)?,
                token: row.get(at + 1)?,
                expires: time_at(row, at + 2)?,
            })
        })
    }
}

/// Decodes the first row and steps through the rest, so the write commits (and checkpoints)
/// on its last step.
fn first_of_all<T>(
    mut rows: rusqlite::Rows<'_>,
    decode: impl Fn(&Row<'_>, usize) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let mut first = None;
    while let Some(row) = rows.next()? {
        if first.is_none() {
            first = Some(decode(row, 0)?);
        }
    }
    Ok(first)
}

fn session_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Session> {
    Ok(Session {
        id: uuid_at(row, at)?,
        session_token: row.get(at + 1)?,
        user_id: uuid_at(row, at + 2)?,
        expires: time_at(row, at + 3)?,
    })
}

fn user_at(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: uuid_at(row, at)?,
        name: row.get(at + 1)?,
        email: row.get(at + 2)?,
        email_verified: match row.get_ref(at + 3)? {
            ValueRef::Null => None,
            _ => Some(time_at(row, at + 3)?),
        },
        image: row.get(at + 4)?,
    })
}

fn uuid_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Uuid> {
    Uuid::try_parse_ascii(row.get_ref(at)?.as_bytes()?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at, Type::Text, e.into()))
}

fn time_at(row: &Row<'_>, at: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_timestamp(row.get_ref(at)?.as_bytes()?).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(at, Type::Text, "bad timestamp".into())
    })
}

const UUID_LEN: usize = uuid::fmt::Hyphenated::LENGTH;
const TIMESTAMP_LEN: usize = 24;
const TIMESTAMP_SHAPE: &[u8; TIMESTAMP_LEN] = b"0000-00-00T00:00:00.000Z";

fn hyphenated<'b>(id: &Uuid, buf: &'b mut [u8; UUID_LEN]) -> &'b str {
    id.hyphenated().encode_lower(buf)
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ`, truncated to milliseconds (years 0-9999).
fn timestamp<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; TIMESTAMP_LEN]) -> &'b str {
    *buf = *TIMESTAMP_SHAPE;
    let year = u32::try_from(t.year()).unwrap_or(0);
    let fields = [
        (0, 4, year),
        (5, 2, t.month()),
        (8, 2, t.day()),
        (11, 2, t.hour()),
        (14, 2, t.minute()),
        (17, 2, t.second()),
        (20, 3, t.timestamp_subsec_millis().min(999)),
    ];
    for (start, width, mut n) in fields {
        for digit in buf[start..start + width].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    std::str::from_utf8(buf).expect("ASCII digits and separators")
}

fn parse_timestamp(b: &[u8]) -> Option<DateTime<Utc>> {
    let shaped = b.len() == TIMESTAMP_LEN
        && b.iter()
            .zip(TIMESTAMP_SHAPE)
            .all(|(c, shape)| *shape == b'0' || c == shape);
    if !shaped {
        return None;
    }
    let number = |start: usize, width: usize| {
        b[start..start + width].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 2)?,
        number(8, 2)?,
    )?
    .and_hms_milli_opt(
        number(11, 2)?,
        number(14, 2)?,
        number(17, 2)?,
        number(20, 3)?,
    )
    .map(|t| t.and_utc())
}

fn open(path: &Path, pragmas: &str) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.execute_batch(pragmas)?;
    Ok(connection)
}

/// `count` users with one session each, in one transaction; returns their ids and tokens.
fn seed(connection: &Connection, count: usize) -> rusqlite::Result<(Vec<Uuid>, Vec<String>)> {
    let (mut now, mut expires) = ([0; TIMESTAMP_LEN], [0; TIMESTAMP_LEN]);
    let now = timestamp(&Utc::now(), &mut now);
    let expires = timestamp(&(Utc::now() + chrono::Duration::days(30)), &mut expires);
    let transaction = connection.unchecked_transaction()?;
    let mut user = transaction.prepare(
        "INSERT INTO users (id, name, email, email_verified, image) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut session = transaction.prepare(
        "INSERT INTO sessions (id, session_token, user_id, expires) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let (mut users, mut tokens) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for n in 0..count {
        // Auth.js's default session token is a random UUID.
        let (id, token) = (Uuid::new_v4(), Uuid::new_v4().to_string());
        let (email, image) = (
            format!("user{n}@example.com"),
            format!("https://a.example/{n}"),
        );
        user.execute(params![
            id.to_string(),
            format!("User {n}"),
            email,
            now,
            image
        ])?;
        session.execute(params![
            Uuid::new_v4().to_string(),
            token,
            id.to_string(),
            expires
        ])?;
        users.push(id);
        tokens.push(token);
    }
    drop((user, session));
    transaction.commit()?;
    Ok((users, tokens))
}

/// The summary: per operation, the median per-call time of each side over `rounds` rounds that
/// alternate which side goes first, the ratio of the medians, and the median of the rounds'
/// own ratios (each round's two batches ran back to back, so they saw the same machine). The
/// means, beside them, include the WAL checkpoints (a write that crosses 1,000 WAL pages copies
/// them into the database and syncs it) that the medians leave out, as criterion's do not.
fn summary(rt: &Runtime, fixture: &Fixture, rounds: usize) {
    let pages: i64 = fixture
        .setup
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .unwrap_or(0);
    println!(
        "\nSummary: {rounds} interleaved rounds of {BATCH} calls per side, per call \
         ({} seeded users and sessions; database now {pages} pages)",
        fixture.tokens.len()
    );
    println!(
        "{:<24} {:>14} {:>14} {:>7} {:>7} {:>12} {:>12}",
        "operation", "adapter med.", "hand med.", "ratio", "paired", "adapter mean", "hand mean"
    );
    let mut worst = 0.0f64;
    let mut read = 0.0;
    for (op, name) in OPS {
        let mut times = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let mut order = [Side::Adapter, Side::HandWritten];
            if round % 2 == 1 {
                order.reverse();
            }
            let mut per_call = [0.0; 2];
            for side in order {
                let inputs = (0..BATCH).map(|_| fixture.input(op)).collect();
                let elapsed = run_calls(rt, fixture, side, inputs);
                per_call[side as usize] = elapsed.as_secs_f64() / BATCH as f64;
            }
            times[0].push(per_call[0]);
            times[1].push(per_call[1]);
            ratios.push(per_call[0] / per_call[1]);
        }
        let [adapter_mean, hand_mean] = times
            .each_ref()
            .map(|t| t.iter().sum::<f64>() / t.len() as f64);
        let [adapter, hand] = times.map(|mut t| median(&mut t));
        let paired = median(&mut ratios);
        worst = worst.max(adapter / hand).max(paired);
        if op == Op::GetSessionAndUser {
            read = adapter;
        }
        println!(
            "{:<24} {:>11.2} µs {:>11.2} µs {:>6.3}x {:>6.3}x {:>9.2} µs {:>9.2} µs",
            name,
            adapter * 1e6,
            hand * 1e6,
            adapter / hand,
            paired,
            adapter_mean * 1e6,
            hand_mean * 1e6,
        );
    }
    // Two rounds (`cargo test --benches`) only show that the table is printed.
    if rounds < 100 {
        return;
    }
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    let (ratio, read_met) = (verdict(worst <= 1.10), verdict(read < 10e-6));
    println!(
        "targets: every ratio within 1.10x: {ratio} (worst {worst:.3}x); a session read in \
         single-digit microseconds: {read_met} ({:.2} µs)",
        read * 1e6
    );
    let wal = fixture.path.with_extension("db-wal");
    if let Ok(meta) = std::fs::metadata(&wal) {
        println!(
            "WAL after the run: {:.1} MB (checkpoints keep it bounded)",
            meta.len() as f64 / 1e6
        );
    }
}

/// Runs one call per input on `side` and nothing else, timed: also the function `valgrind
/// --tool=callgrind --toggle-collect='*run_calls*'` counts (see the module docs).
#[inline(never)]
fn run_calls(rt: &Runtime, fixture: &Fixture, side: Side, inputs: Vec<Input>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for input in inputs {
            fixture.call(side, input).await;
        }
        start.elapsed()
    })
}

/// The `SQLITE_BENCH_PROFILE` mode: warms every connection's statement and page caches (the
/// adapter spreads reads over 4 connections), then runs the profiled calls.
fn profile(rt: &Runtime, fixture: &Fixture, target: &str) {
    let (op, side) = target
        .split_once('/')
        .and_then(|(op, side)| {
            let op = OPS.iter().find(|o| o.1 == op)?.0;
            Some((op, SIDES.iter().find(|s| s.1 == side)?.0))
        })
        .expect("SQLITE_BENCH_PROFILE is <operation>/<adapter|hand_written>");
    let number = |name: &str| std::env::var(name).ok().and_then(|n| n.parse().ok());
    let calls = number("SQLITE_BENCH_CALLS").unwrap_or(20_000);
    for _ in 0..number("SQLITE_BENCH_WARMUP").unwrap_or(20_000) {
        rt.block_on(fixture.call(side, fixture.input(op)));
    }
    let inputs = (0..calls).map(|_| fixture.input(op)).collect();
    let elapsed = run_calls(rt, fixture, side, inputs);
    let micros = elapsed.as_secs_f64() * 1e6 / calls.max(1) as f64;
    println!("{target}: {calls} calls, {micros:.2} µs per call");
}

/// Session counts of the scale run (`SQLITE_BENCH_SCALE`).
const SCALE: [usize; 3] = [1_000, 100_000, 1_000_000];
/// Calls before the scale run's timing, per size.
const SCALE_WARMUP: usize = 20_000;
/// Batches of [`BATCH`] calls timed per size.
const SCALE_BATCHES: usize = 2_000;

/// The scale run (see the module docs): `get_session_and_user` on random seeded tokens at
/// each size of `sizes`, its per-call median and mean, the RSS once measured, and the minor
/// page faults per timed call.
fn scale(rt: &Runtime, sizes: &[usize], warmup: usize, batches: usize) {
    let number = |name: &str| std::env::var(name).ok().and_then(|n| n.parse::<u64>().ok());
    let mut options = Options::default().synchronize(true);
    if let Some(bytes) = number("SQLITE_BENCH_MMAP") {
        options = options.mmap_size(bytes);
    }
    // Every process has faulted pages in by now: a 0 here is a misread `/proc/self/stat`.
    assert!(
        !cfg!(target_os = "linux") || minor_faults() > 0,
        "the minor page fault count is read"
    );
    let warm = std::env::var_os("SQLITE_BENCH_WARM").is_some();
    let hand_written = std::env::var_os("SQLITE_BENCH_HAND_WRITTEN").is_some();
    println!(
        "\nScale: get_session_and_user{}, one session per user{}, {options:?}",
        if hand_written { " (hand-written)" } else { "" },
        if warm {
            ", every session read once first"
        } else {
            ""
        },
    );
    let layout = std::env::var(LAYOUT_VARIABLE).unwrap_or_default();
    match layout.as_str() {
        "" | "default" => {}
        "rowid" => println!("Layout: users is a rowid table"),
        "keyed" => println!("Layout: sessions is a WITHOUT ROWID table keyed by session_token"),
        other => panic!("{LAYOUT_VARIABLE} is `default`, `rowid` or `keyed`, not {other:?}"),
    }
    println!(
        "{:>10} {:>10} {:>12} {:>12} {:>8} {:>10} {:>10} {:>12} {:>8}",
        "sessions",
        "seed s",
        "median",
        "mean",
        "ratio",
        "file MB",
        "RSS MB",
        "faults/call",
        "load ns"
    );
    let mut first = None;
    for &size in sizes {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("scale.db");
        let url = format!("sqlite://{}", path.display());
        let auth = rt
            .block_on(SqlAdapter::<DefaultSchema>::connect(&url, options.clone()))
            .expect("the adapter connects and creates its tables");
        let started = Instant::now();
        // In a child process (this binary again), so that the seeding connection's big page
        // cache is not counted in this process's RSS.
        let status = std::process::Command::new(std::env::current_exe().expect("this binary"))
            .env(SEED_VARIABLE, format!("{size},{}", path.display()))
            .status()
            .expect("the seeding process runs");
        assert!(status.success(), "seeding failed: {status}");
        let seeded = started.elapsed();
        let manual = hand_written.then(|| HandWritten::open(&path).expect("the hand-written side"));
        let (manual, adapter) = (&manual, &auth);
        let read = move |token: String| async move {
            match manual {
                Some(manual) => found(manual.get_session_and_user(&token).await),
                None => found(adapter.get_session_and_user(&token).await),
            }
        };
        // Random tokens, as sessions are read in production; drawn outside the timed part.
        let mut state = 0x5eed_u64;
        let mut next_token = || {
            state = state.wrapping_add(1);
            scale_token(usize::try_from(mix(state) % size as u64).unwrap_or(0))
        };
        for _ in 0..warmup {
            rt.block_on(read(next_token()));
        }
        if warm {
            for n in 0..size {
                rt.block_on(read(scale_token(n)));
            }
        }
        let faults = minor_faults();
        let mut times = Vec::with_capacity(batches);
        for _ in 0..batches {
            let tokens: Vec<String> = (0..BATCH).map(|_| next_token()).collect();
            let elapsed = rt.block_on(async {
                let start = Instant::now();
                for token in tokens {
                    read(token).await;
                }
                start.elapsed()
            });
            times.push(elapsed.as_secs_f64() / BATCH as f64);
        }
        let faults = minor_faults().saturating_sub(faults) as f64 / (batches * BATCH).max(1) as f64;
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        let median = median(&mut times);
        let base = *first.get_or_insert(median);
        let file = std::fs::metadata(&path).map_or(0, |m| m.len());
        let rss = rss_kib("VmRSS");
        println!(
            "{:>10} {:>10.1} {:>9.2} µs {:>9.2} µs {:>7.2}x {:>10.1} {:>10.1} {:>12.3} {:>8.1}",
            size,
            seeded.as_secs_f64(),
            median * 1e6,
            mean * 1e6,
            median / base,
            file as f64 / 1e6,
            rss as f64 / 1024.0,
            faults,
            load_latency(usize::try_from(file).unwrap_or(usize::MAX)) * 1e9,
        );
        if size == sizes[sizes.len() - 1] {
            println!(
                "RSS at {size}: VmRSS {} KiB = RssAnon {} KiB (heap: page caches, statements) \
                 + RssFile {} KiB (mapped file pages, the OS's file cache)",
                rss,
                rss_kib("RssAnon"),
                rss_kib("RssFile")
            );
        }
    }
}

/// Set for the child process that seeds a scale run's file: `<count>,<path>`.
const SEED_VARIABLE: &str = "SQLITE_BENCH_SEED_CHILD";

/// The seeding child's work (see [`SEED_VARIABLE`]); `false` when this is not that child.
fn seed_child() -> bool {
    let Ok(job) = std::env::var(SEED_VARIABLE) else {
        return false;
    };
    let (count, path) = job.split_once(',').expect("<count>,<path>");
    let count = count.parse().expect("a count");
    let setup =
        open(Path::new(path), "PRAGMA cache_size = -262144;").expect("the setup connection");
    let layout: &[&str] = match std::env::var(LAYOUT_VARIABLE).as_deref() {
        Ok("rowid") => &[USERS_WITH_A_ROWID],
        Ok("keyed") => &[SESSIONS_BY_TOKEN],
        _ => &[],
    };
    for tables in layout {
        setup
            .execute_batch(tables)
            .expect("the layout replaces the adapter's tables");
    }
    seed_scale(&setup, count).expect("seeding");
    true
}

/// Picks the scale run's table layout: `default` (the adapter's DDL), `rowid` or `keyed`.
const LAYOUT_VARIABLE: &str = "SQLITE_BENCH_LAYOUT";

/// The `rowid` layout: `users` rebuilt as a rowid table, as the adapter made it before it was
/// `WITHOUT ROWID`: the search by id walks the key's index, then the table.
const USERS_WITH_A_ROWID: &str = "
    DROP TABLE users;
    CREATE TABLE users (
        id text NOT NULL PRIMARY KEY, name text, email text NOT NULL, email_verified text,
        image text
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);
";

/// The `keyed` layout: `sessions` rebuilt as a `WITHOUT ROWID` table keyed by
/// `session_token`, so that the search by token is one B-tree walk that ends on the row. The
/// adapter's DDL keeps a rowid table with `sessions.id` as the primary key: the search walks
/// the token index, then the table. Columns, types and the other keys stay the adapter's.
const SESSIONS_BY_TOKEN: &str = "
    DROP TABLE sessions;
    CREATE TABLE sessions (
        id text NOT NULL UNIQUE, session_token text NOT NULL PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE, expires text NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_user_id_idx ON sessions (user_id);
";

/// The mean latency, in seconds, of one random memory load over a buffer of `bytes`: the
/// buffer's 64-byte lines are linked in one ring in random order, and each load reads where
/// the next one goes, so no two loads overlap and no prefetcher guesses the next.
fn load_latency(bytes: usize) -> f64 {
    const LINE: usize = 64 / std::mem::size_of::<usize>();
    let lines = (bytes / 64).max(2);
    let mut next = vec![0_usize; lines * LINE];
    let mut order: Vec<usize> = (0..lines).collect();
    let mut state = 0x1a7e_u64;
    for i in (1..lines).rev() {
        state = state.wrapping_add(1);
        order.swap(i, usize::try_from(mix(state) % i as u64).unwrap_or(0));
    }
    for (i, &line) in order.iter().enumerate() {
        next[line * LINE] = order[(i + 1) % lines] * LINE;
    }
    let loads = 2_000_000;
    let mut at = 0;
    let start = Instant::now();
    for _ in 0..loads {
        at = next[at];
    }
    let elapsed = start.elapsed();
    black_box(at);
    elapsed.as_secs_f64() / f64::from(loads)
}

/// This process's minor page faults so far (`/proc/self/stat`, field 10; 0 where there is none).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let (_, fields) = stat.rsplit_once(')')?;
            fields.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// A field of `/proc/self/status`, in KiB (0 where there is none).
fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix(field)?.strip_prefix(':')?;
                rest.split_whitespace().next()?.parse().ok()
            })
        })
        .unwrap_or(0)
}

/// splitmix64: scatters consecutive numbers over the key space, so the scale run's keys are
/// as random as real UUIDs yet can be recomputed instead of stored.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The id of the scale run's user `n` (`kind` 0) or session `n` (`kind` 1 and 2, its id and
/// token).
fn scale_uuid(n: usize, kind: u64) -> Uuid {
    let n = n as u64 * 3 + kind;
    uuid::Builder::from_random_bytes(
        (u128::from(mix(n)) << 64 | u128::from(mix(n ^ 0xa5a5_a5a5))).to_le_bytes(),
    )
    .into_uuid()
}

fn scale_token(n: usize) -> String {
    scale_uuid(n, 2).to_string()
}

/// `count` users with one session each, keys from [`scale_uuid`], in one transaction.
fn seed_scale(connection: &Connection, count: usize) -> rusqlite::Result<()> {
    let (mut now, mut expires) = ([0; TIMESTAMP_LEN], [0; TIMESTAMP_LEN]);
    let now = timestamp(&Utc::now(), &mut now);
    let expires = timestamp(&(Utc::now() + chrono::Duration::days(30)), &mut expires);
    let transaction = connection.unchecked_transaction()?;
    {
        let mut user = transaction.prepare(
            "INSERT INTO users (id, name, email, email_verified, image) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut session = transaction.prepare(
            "INSERT INTO sessions (id, session_token, user_id, expires) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut buf = [[0; UUID_LEN]; 3];
        for n in 0..count {
            let [a, b, c] = &mut buf;
            let id = hyphenated(&scale_uuid(n, 0), a);
            user.execute(params![
                id,
                format!("User {n}"),
                format!("user{n}@example.com"),
                now,
                format!("https://a.example/{n}")
            ])?;
            session.execute(params![
                hyphenated(&scale_uuid(n, 1), b),
                hyphenated(&scale_uuid(n, 2), c),
                id,
                expires
            ])?;
        }
    }
    transaction.commit()?;
    connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    if seed_child() {
        return;
    }
    // Criterion runs every case once unless `cargo bench` passed `--bench`; keep that quick.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let benchmarking = has("--bench") && !has("--test") && !has("--list");
    let profiling = has("--profile-time");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(50)
        .configure_from_args();

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    if let Ok(sizes) = std::env::var("SQLITE_BENCH_SCALE") {
        let sizes: Vec<usize> = sizes.split(',').filter_map(|s| s.parse().ok()).collect();
        let sizes = match sizes.as_slice() {
            [] | [1] => &SCALE[..],
            sizes => sizes,
        };
        return scale(&rt, sizes, SCALE_WARMUP, SCALE_BATCHES);
    }
    if !benchmarking {
        scale(&rt, &[200, 2_000], 100, 4);
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let seeded = if benchmarking { SEEDED } else { 500 };
    let fixture = rt.block_on(Fixture::new(dir.path().join("auth.db"), seeded));
    rt.block_on(fixture.check());

    if let Ok(target) = std::env::var("SQLITE_BENCH_PROFILE") {
        return profile(&rt, &fixture, &target);
    }

    for (op, name) in OPS {
        let mut group = criterion.benchmark_group(name);
        for (side, name) in SIDES {
            group.bench_function(name, |b| {
                b.to_async(&rt).iter_batched(
                    || fixture.input(op),
                    |input| fixture.call(side, input),
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
    criterion.final_summary();

    let rounds = match (benchmarking, profiling) {
        (true, false) => ROUNDS,
        (true, true) => 0,
        (false, _) => 2,
    };
    if rounds > 0 {
        summary(&rt, &fixture, rounds);
    }
}
