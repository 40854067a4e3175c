//! No call to a PostgreSQL or MySQL server hangs forever (issue 9, case 5).
//!
//! - A server that accepts TCP and never says anything (a silent listener): `connect` fails
//!   with `Error::Timeout` within `Options::connect_timeout`, on both URL schemes. Needs no
//!   server.
//! - A frozen server (`SIGSTOP`; on PostgreSQL the postmaster and every backend): a call
//!   fails with `Error::Timeout` within `Options::call_timeout`; once the server runs again
//!   (`SIGCONT`) the next calls, on the same single pooled connection, return the right rows
//!   and writes go on. Each test starts a dedicated server of its own (`scripts/db-server
//!   run`), so freezing it disturbs no other test; skipped loudly without `PG_URL` /
//!   `MYSQL_URL` (whose packages it uses), failed under `CI=true`.
//! - PostgreSQL turns TCP keepalive on at the server's end of each connection.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use authmodel::models::{DefaultSchema, User};
use authmodel::sql::{Options, SqlAdapter};
use authmodel::{Adapter, Error};
use common::Server;
use sqlx::Connection;
use uuid::Uuid;

/// The connect and call timeouts these tests set.
const BOUND: Duration = Duration::from_secs(1);
/// How late past [`BOUND`] a timeout may be reported.
const SLACK: Duration = Duration::from_secs(2);
/// Past this the call is taken to hang: the test fails instead of waiting on.
const HANG: Duration = Duration::from_secs(20);

fn options() -> Options {
    Options::default()
        .connect_timeout(BOUND)
        .call_timeout(BOUND)
        .acquire_timeout(Duration::from_secs(2))
        .max_connections(1)
}

/// Whether every thread of process `pid` is stopped (state `T` in `/proc/<pid>/task/*/stat`);
/// a process that is gone counts as stopped.
fn all_threads_stopped(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return true;
    };
    tasks.flatten().all(|task| {
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // `pid (comm) S ...`: the state follows the last `)`, as comm may hold any byte.
        match stat.rsplit_once(')') {
            // A backend that exited is a zombie ('Z') until its stopped parent reaps it: it
            // runs no more than a stopped one.
            Some((_, rest)) => {
                matches!(
                    rest.trim_start().chars().next(),
                    Some('T' | 't' | 'Z' | 'X')
                )
            }
            None => true,
        }
    })
}

/// Runs `future`, failing the test if it is still pending after [`HANG`]; returns its output
/// and how long it took.
async fn timed<T>(what: &str, future: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    match tokio::time::timeout(HANG, future).await {
        Ok(output) => (output, started.elapsed()),
        Err(_) => panic!("{what} still pending after {HANG:?}"),
    }
}

/// Asserts `result` is the typed timeout of `what`, reported within the bound.
fn assert_timeout<T: std::fmt::Debug>(result: Result<T, Error>, took: Duration, what: &str) {
    match result {
        Err(Error::Timeout { after, .. }) => assert_eq!(after, BOUND, "{what}"),
        other => panic!("{what}: expected Error::Timeout, got {other:?}"),
    }
    assert!(took < BOUND + SLACK, "{what}: reported after {took:?}");
}

/// A listener that accepts every connection and never writes a byte; it reads (and drops)
/// what clients send so that they never block on a full buffer.
fn silent_listener() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buffer = [0u8; 1024];
                while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
            });
        }
    });
    port
}

#[tokio::test]
async fn connect_to_a_silent_server_times_out() {
    let port = silent_listener();
    for url in [
        format!("postgres://app@127.0.0.1:{port}/app"),
        format!("mysql://app@127.0.0.1:{port}/app"),
    ] {
        let (result, took) =
            timed(&url, SqlAdapter::<DefaultSchema>::connect(&url, options())).await;
        assert_timeout(result.map(|_| ()), took, &url);
    }
}

/// A server of this test's own, stopped (and waited for) when dropped.
struct Dedicated {
    kind: &'static str,
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl Dedicated {
    fn start(kind: &'static str) -> Dedicated {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/db-server");
        // Under /tmp, whose parents the server's own user can enter.
        let dir = tempfile::Builder::new()
            .prefix(&format!("authmodel-network-{kind}."))
            .tempdir_in("/tmp")
            .unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let path = dir.path().display().to_string();
        let child = Command::new(&script)
            .args(["run", kind, &path, &port.to_string()])
            .stdin(Stdio::null())
            .spawn()
            .expect("scripts/db-server runs");
        let server = Dedicated {
            kind,
            dir,
            port,
            child,
        };
        let ready = Command::new(&script)
            .args(["ready", kind, &path, &port.to_string(), "60"])
            .status()
            .expect("scripts/db-server runs");
        assert!(ready.success(), "{kind} did not start in {path}");
        server
    }

    /// The server's processes: the one `run` exec'd, and on PostgreSQL its backends.
    fn processes(&self) -> Vec<u32> {
        let pid = self.child.id();
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        std::iter::once(pid)
            .chain(children.split_whitespace().filter_map(|p| p.parse().ok()))
            .collect()
    }

    /// Sends `signal` to every process of the server (the parent first, so it forks no
    /// backend that would miss it).
    fn signal(&self, signal: &str) {
        let pids = self.processes();
        for pid in &pids {
            let _ = Command::new("kill")
                .args([signal, &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        // A thread inside a system call stops only when it leaves it: wait until every
        // thread of every process is stopped, so the calls below meet a frozen server.
        if signal == "-STOP" {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !pids.iter().all(|pid| all_threads_stopped(*pid)) {
                assert!(Instant::now() < deadline, "{} did not stop", self.kind);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    fn admin_url(&self) -> String {
        match self.kind {
            "postgres" => format!("postgres://postgres@127.0.0.1:{}/postgres", self.port),
            _ => format!("mysql://root@127.0.0.1:{}/mysql", self.port),
        }
    }

    /// Creates database `network` and returns its URL.
    async fn create_database(&self) -> String {
        let admin = self.admin_url();
        match self.kind {
            "postgres" => {
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query("CREATE DATABASE network")
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            _ => {
                let mut conn = sqlx::MySqlConnection::connect(&admin).await.unwrap();
                sqlx::query("CREATE DATABASE network")
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
        admin.rsplit_once('/').unwrap().0.to_owned() + "/network"
    }
}

impl Drop for Dedicated {
    fn drop(&mut self) {
        // Never leave it frozen: a stopped process ignores the graceful signal.
        self.signal("-CONT");
        let graceful = match self.kind {
            "postgres" => "-INT",
            _ => "-TERM",
        };
        let _ = Command::new("kill")
            .args([graceful, &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

fn user(email: &str) -> User {
    User {
        id: Uuid::nil(),
        name: Some("frozen".into()),
        email: email.into(),
        email_verified: None,
        image: None,
    }
}

async fn frozen_server_times_out(kind: Server, name: &'static str) {
    // The packages of the shared servers are what a dedicated one runs on.
    if common::server(kind).is_none() {
        return;
    }
    let server = Dedicated::start(name);
    let url = server.create_database().await;
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, options().synchronize(true))
        .await
        .unwrap();
    let before = auth.create_user(user("before@example.com")).await.unwrap();

    server.signal("-STOP");
    let (read, took) = timed(
        "a read from a frozen server",
        auth.get_user_by_email("before@example.com"),
    )
    .await;
    assert_timeout(read, took, &format!("{name}: a read"));
    let (write, took) = timed(
        "a write to a frozen server",
        auth.create_user(user("frozen@example.com")),
    )
    .await;
    assert_timeout(write, took, &format!("{name}: a write"));
    server.signal("-CONT");

    // One pooled connection: whatever the abandoned calls left on it is drained (or it is
    // replaced) before the next call gets it, and that call reads its own answer.
    let (found, _) = timed(
        "a read after the server resumed",
        auth.get_user_by_email("before@example.com"),
    )
    .await;
    assert_eq!(found.unwrap(), Some(before.clone()), "{name}");
    let (after, _) = timed(
        "a write after the server resumed",
        auth.create_user(user("after@example.com")),
    )
    .await;
    let after = after.unwrap();
    assert_eq!(after.email, "after@example.com", "{name}");
    for _ in 0..5 {
        let (found, _) = timed("a read", auth.get_user(&after.id.to_string())).await;
        assert_eq!(found.unwrap(), Some(after.clone()), "{name}");
        let (found, _) = timed("a read", auth.get_user(&before.id.to_string())).await;
        assert_eq!(found.unwrap(), Some(before.clone()), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frozen_postgres_times_out_and_recovers() {
    frozen_server_times_out(Server::Postgres, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frozen_mariadb_times_out_and_recovers() {
    frozen_server_times_out(Server::MySql, "mariadb").await;
}

#[tokio::test]
async fn postgres_connections_have_keepalive() {
    let Some(url) = common::fresh_database(Server::Postgres, "keepalive").await else {
        return;
    };
    let auth = SqlAdapter::<DefaultSchema>::connect(&url, Options::default())
        .await
        .unwrap();
    // A row of `users`' shape whose email is the setting.
    let rows = auth
        .raw_select(
            "SELECT gen_random_uuid(), NULL, current_setting('tcp_keepalives_idle'), \
             NULL::timestamptz, NULL",
            vec![],
            <User as authmodel::model::Model>::TABLE,
        )
        .await
        .unwrap();
    assert_eq!(rows[0][2], authmodel::Value::Text("60".into()));
}
