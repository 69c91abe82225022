//! # zkvote-prover
//!
//! What members and organizers run on their own machines:
//!
//! | module | what |
//! |---|---|
//! | [`identity`] | Semaphore v4 identities |
//! | [`census`] | the census file: members, weights, LeanIMT root and proofs |
//! | [`keys`] | the single-party setup and proving-key files (digest-guarded fast loading) |
//! | [`vote`] | proving ballots, one or many in parallel (with `zkvote-engine`'s tables when the voter has them) |
#![deny(missing_docs)]

pub mod census;
mod error;
pub mod identity;
pub mod keys;
pub mod vote;

pub use error::Error;
pub use identity::Identity;
