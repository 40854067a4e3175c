//! The derive's compile errors and accepted forms, one rule per case.
//!
//! The `.stderr` files are blessed on the toolchain pinned in `rust-toolchain.toml`; after a
//! deliberate message change, re-bless with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
