//! The one error type of the `zkvote-prover` crate.

use thiserror::Error;

/// Everything that can go wrong in the prover crate.
///
/// Every variant says what was wrong with the input, so that a caller reading a file
/// can prefix it with the file name and show it to a person unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// An error of the statement's native primitives (field elements, points, census…).
    #[error(transparent)]
    Circuits(#[from] zkvote_circuits::Error),
    /// An exported identity was not valid standard base64 (RFC 4648, with padding).
    #[error("identity private key is not valid base64: {0}")]
    BadBase64(String),
    /// An exported identity decoded to the wrong number of bytes.
    #[error("identity private key must be 32 bytes, got {0}")]
    BadPrivateKeyLength(usize),
}
