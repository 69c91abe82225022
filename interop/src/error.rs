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
    /// An error of the statement's native primitives (a sample ballot's census, points).
    #[error(transparent)]
    Circuits(#[from] zkvote_circuits::Error),
    /// The ballot circuit could not be synthesised (for its `.r1cs` or a `.wtns`), a
    /// ballot does not satisfy it, or a sample ballot could not be proved.
    #[error("proving failed: {0}")]
    Synthesis(String),
    /// A ceremony's key file (`.zkey`) that cannot be used: malformed, made for another
    /// circuit, or a key that lets anyone forge.
    #[error("{file}: {what}")]
    KeyFile {
        /// The file.
        file: String,
        /// What is wrong.
        what: String,
    },
}
