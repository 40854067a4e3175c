//! Round trips on the wire, on PostgreSQL and MariaDB: `get_session_and_user` and a
//! single-statement write each cost the client one request and the server one answer, with no
//! second exchange (a connection test as the connection goes back to the pool).
//!
//! The adapter connects through a relay on loopback (a task of the test that forwards bytes
//! both ways) that counts the turns of the conversation: a burst of bytes from the client
//! after the server last spoke (or first) is one round trip. The pool has one connection, so
//! that the warm-up prepares every statement on the connection measured. Each count waits a
//! moment after the call returns, so that anything the pool sends afterwards is counted too.
//!
//! Runs where the shared servers run: skipped loudly without `PG_URL` / `MYSQL_URL`, failed
//! under `CI=true` (tests/common/mod.rs), as the other backend tests.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use authmodel::Adapter;
use authmodel::models::{DefaultSchema, Session, SessionPatch, User};
use authmodel::sql::{Options, SqlAdapter};
use chrono::Utc;
use common::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

/// Who spoke last on any relayed connection.
const NOBODY: u8 = 0;
const CLIENT: u8 = 1;
const SERVER: u8 = 2;

/// A relay on loopback to `upstream`, counting round trips.
struct Relay {
    /// The relay's address, `127.0.0.1:port`.
    address: String,
    /// Client bursts that followed the server's answer.
    turns: Arc<AtomicU64>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let turns = Arc::new(AtomicU64::new(0));
        let last = Arc::new(AtomicU8::new(NOBODY));
        let counted = turns.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect(&upstream).await.unwrap();
                client.set_nodelay(true).unwrap();
                server.set_nodelay(true).unwrap();
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(forward(
                    client_read,
                    server_write,
                    CLIENT,
                    last.clone(),
                    Some(counted.clone()),
                ));
                tokio::spawn(forward(
                    server_read,
                    client_write,
                    SERVER,
                    last.clone(),
                    None,
                ));
            }
        });
        Relay { address, turns }
    }

    fn turns(&self) -> u64 {
        self.turns.load(Ordering::SeqCst)
    }
}

/// Copies `from` to `to`; a read that follows the other side's counts a turn in `turns`.
async fn forward(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    side: u8,
    last: Arc<AtomicU8>,
    turns: Option<Arc<AtomicU64>>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let before = last.swap(side, Ordering::SeqCst);
        if before != side
            && let Some(turns) = &turns
        {
            turns.fetch_add(1, Ordering::SeqCst);
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// `url` with its `host:port` replaced by `address`; the `host:port` it had.
fn through(url: &str, address: &str) -> (String, String) {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    let at = authority.rfind('@').map_or(0, |i| i + 1);
    let upstream = authority[at..].to_owned();
    let relayed = format!("{}{}{}", &url[..start + at], address, &url[end..]);
    (relayed, upstream)
}

/// The round trips `call` costs, counted once anything it left behind has been sent.
async fn round_trips<T>(relay: &Relay, call: impl Future<Output = T>) -> u64 {
    let settle = Duration::from_millis(150);
    tokio::time::sleep(settle).await;
    let before = relay.turns();
    call.await;
    tokio::time::sleep(settle).await;
    relay.turns() - before
}

fn session(token: &str, user: Uuid) -> Session {
    Session::new(user, token, Utc::now() + chrono::Duration::days(30))
}

async fn one_round_trip_per_call(kind: Server, label: &str, update_is_one: bool) {
    let Some(url) = common::fresh_database(kind, label).await else {
        return;
    };
    // Tables first, directly.
    SqlAdapter::<DefaultSchema>::connect(&url, Options::default().synchronize(true))
        .await
        .unwrap();
    let (_, upstream) = through(&url, "");
    let relay = Relay::start(upstream).await;
    let (relayed, _) = through(&url, &relay.address);
    let auth =
        SqlAdapter::<DefaultSchema>::connect(&relayed, Options::default().max_connections(1))
            .await
            .unwrap();

    let owner = auth
        .create_user(User::new("wire@example.com"))
        .await
        .unwrap();
    // Warm up: every statement measured below runs once on the pool's one connection.
    auth.create_session(session("warm", owner.id))
        .await
        .unwrap();
    for _ in 0..2 {
        auth.get_session_and_user("warm").await.unwrap().unwrap();
        let patch = SessionPatch {
            expires: Some(Utc::now() + chrono::Duration::days(31)),
            ..Default::default()
        };
        auth.update_session("warm", patch).await.unwrap().unwrap();
    }

    let read = round_trips(&relay, async {
        auth.get_session_and_user("warm").await.unwrap().unwrap();
    })
    .await;
    assert_eq!(
        read, 1,
        "{label}: get_session_and_user took {read} round trips"
    );

    let create = round_trips(&relay, async {
        auth.create_session(session("measured", owner.id))
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        create, 1,
        "{label}: create_session took {create} round trips"
    );

    if update_is_one {
        let update = round_trips(&relay, async {
            let patch = SessionPatch {
                expires: Some(Utc::now() + chrono::Duration::days(32)),
                ..Default::default()
            };
            auth.update_session("measured", patch)
                .await
                .unwrap()
                .unwrap();
        })
        .await;
        assert_eq!(
            update, 1,
            "{label}: update_session took {update} round trips"
        );
    }
}

#[tokio::test]
async fn postgres_one_round_trip_per_call() {
    one_round_trip_per_call(Server::Postgres, "wire_pg", true).await;
}

/// MariaDB's UPDATE has no `RETURNING`: `update_session` is a transaction there, not measured.
#[tokio::test]
async fn mariadb_one_round_trip_per_call() {
    one_round_trip_per_call(Server::MySql, "wire_maria", false).await;
}
