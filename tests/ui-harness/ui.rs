//! The derive's compile errors and accepted forms, one rule per case: the cases are
//! `tests/ui/fail/*.rs` and `tests/ui/pass/*.rs` of the repository, each `fail` case with its
//! `.stderr`. This package reaches them through its `tests/ui` link to `../../ui`: trybuild
//! prints a case's path relative to this package's directory, with line numbers only for
//! paths inside it, so the link keeps the messages `tests/ui/fail/<case>.rs:<line>:<column>`.
//!
//! The `.stderr` files are blessed on the toolchain pinned in `rust-toolchain.toml`; after a
//! deliberate message change, re-bless with
//! `TRYBUILD=overwrite cargo test -p authmodel-ui-tests`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
