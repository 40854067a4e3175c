//! Conformance suite: being written.
