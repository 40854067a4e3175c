//! What every example's tests share: the Auth.js conformance suite on SQLite (in memory and
//! in a file), and snapshots of the example's DDL in all three dialects.

use authmodel::testing::{self, Outcome, SuiteOptions};
use authmodel::{CreateOptions, Dialect, Options, Schema, SqlAdapter, ddl};

/// Runs the whole suite against a SQLite database in memory and one in a file, each twice.
pub async fn conformance_on_sqlite<S: Schema>(options: SuiteOptions) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = format!("sqlite://{}", dir.path().join("auth.db").display());
    for url in ["sqlite::memory:", file.as_str()] {
        let adapter = SqlAdapter::<S>::connect(url, Options::default().synchronize(true))
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}"));
        for round in 1..=2 {
            let report = testing::run(&adapter, &adapter, options.clone())
                .await
                .unwrap_or_else(|failure| panic!("{url}, run {round}: {failure}"));
            let not_passed: Vec<_> = report
                .cases
                .iter()
                .filter(|c| c.outcome != Outcome::Passed)
                .collect();
            assert!(
                not_passed.is_empty(),
                "{url}: cases not run: {not_passed:?}"
            );
        }
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
