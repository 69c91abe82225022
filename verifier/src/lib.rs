//! # zkvote-verifier
//!
//! What anyone runs to check an election: the ballot format and its checks against
//! the election, the tally, key files. Other tools' formats are `zkvote-interop`'s; the
//! Groth16 machinery (decoding, single and batch verification) is `zkvote-engine`'s;
//! the labels and format versions are `zkvote_circuits::labels`.
//!
//! | module | what |
//! |---|---|
//! | [`ballot`] | the ballot format and the checks of a ballot against its election |
//! | [`tally`] | every input ballot counted or rejected with its reason |
//! | [`keys`] | key files (header, digest) and verifying-key loading |
//! | [`fs`] | writing files atomically (temporary file renamed into place) |
//! | [`error`] | [`Error`], the crate's one error type |
//!
//! This crate does not depend on `zkvote-prover`.

pub mod ballot;
pub mod error;
pub mod fs;
pub mod keys;
pub mod tally;

pub use error::Error;
