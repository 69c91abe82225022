//! The one error type of the `zkvote-interop` crate.

use thiserror::Error;

/// Everything that can go wrong when reading or writing another tool's format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A snarkjs JSON file that cannot be used.
    #[error("snarkjs file: {0}")]
    Snarkjs(String),
    /// A verifying key or election that the Solidity generator cannot express.
    #[error("cannot generate the Solidity contracts: {0}")]
    Solidity(String),
}
