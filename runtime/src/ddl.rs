//! DDL: being written.
