//! # zkvote-prover
//!
//! What a member runs on her own machine: her Semaphore v4 [`Identity`], and (later)
//! witnesses, keys and proving.
#![deny(missing_docs)]

mod error;
pub mod identity;

pub use error::Error;
pub use identity::Identity;
