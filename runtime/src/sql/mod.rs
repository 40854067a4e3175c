//! SQL adapter: being written.
