//! What every example's tests share: the Auth.js conformance suite on every backend (SQLite
//! in memory and in a file; PostgreSQL and MariaDB when the test command started them, with
//! MySQL 8's statements forced on MariaDB too), and snapshots of the example's DDL in all
//! three dialects.

use authmodel::testing::{self, Outcome, SuiteOptions};
use authmodel::{CreateOptions, Dialect, Options, Schema, SqlAdapter, ddl};

#[path = "../../tests/common/mod.rs"]
mod common;

use common::Server;

/// Runs the whole suite, twice per database, on every backend this run has.
pub async fn conformance_everywhere<S: Schema>(label: &str, options: SuiteOptions) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = format!("sqlite://{}", dir.path().join("auth.db").display());
    for url in ["sqlite::memory:", file.as_str()] {
        run::<S>(url, Options::default(), &options).await;
    }
    for (server, connect) in [
        (Server::Postgres, Options::default()),
        (Server::MySql, Options::default()),
        (Server::MySql, Options::default().without_returning(true)),
    ] {
        if let Some(url) = common::fresh_database(server, label).await {
            run::<S>(&url, connect, &options).await;
        }
    }
}

async fn run<S: Schema>(url: &str, connect: Options, options: &SuiteOptions) {
    let adapter = SqlAdapter::<S>::connect(url, connect.synchronize(true))
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    for round in 1..=2 {
        let report = testing::run(&adapter, &adapter, options.clone())
            .await
            .unwrap_or_else(|failure| panic!("{url}, run {round}: {failure}"));
        // Every case runs and passes, but those the caller's options skip by name.
        let asked = Outcome::Skipped("skipped by the options".to_owned());
        let not_passed: Vec<_> = report
            .cases
            .iter()
            .filter(|c| c.outcome != Outcome::Passed && c.outcome != asked)
            .collect();
        assert!(
            not_passed.is_empty(),
            "{url}: cases not run: {not_passed:?}"
        );
    }
}

/// Snapshots the schema's DDL in every dialect, as `<name>_<dialect>`.
pub fn snapshot_ddl<S: Schema>(name: &str) {
    for dialect in Dialect::ALL {
        let script = ddl::script::<S>(dialect, CreateOptions::default())
            .unwrap_or_else(|e| panic!("{name} on {dialect}: {e}"));
        insta::assert_snapshot!(format!("{name}_{dialect}"), script);
    }
}
