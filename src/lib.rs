//! Test and example host.
