//! zkvote-server: the foundation of the ballot box (`zkvote serve`).
//!
//! | module | what |
//! |---|---|
//! | [`log`] | RFC 6962 / 9162 Merkle tree hash, inclusion and consistency proofs and their verifiers |
//! | [`checkpoint`] | signed checkpoints (C2SP signed note, Ed25519): sign, parse strictly, verify; the box's public key string |
//! | [`error`] | [`Error`], the crate's one error type |
#![deny(missing_docs)]

pub mod checkpoint;
pub mod error;
pub mod log;

pub use error::Error;
