//! Memory adapter: being written.
