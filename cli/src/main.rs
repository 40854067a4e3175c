//! `authmodel`: the command line for the default models (`authmodel --help`).
//!
//! An application with models of its own builds the same command line for its schema with a
//! binary of three lines; see `authmodel::cli`.

fn main() -> std::process::ExitCode {
    authmodel::cli::main::<authmodel::DefaultSchema>()
}
