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
    /// An error of the verifier side (key file headers, ballots).
    #[error(transparent)]
    Verifier(#[from] zkvote_verifier::Error),
    /// Constraint synthesis or proving failed.
    #[error("proving failed: {0}")]
    Synthesis(String),
    /// A key file that cannot be used.
    #[error("{file}: {what}")]
    KeyFile {
        /// The file.
        file: String,
        /// What is wrong.
        what: String,
    },
    /// A file that cannot be read.
    #[error("{file}: {what}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's message.
        what: String,
    },
    /// The election definition is unusable (or does not fit the key).
    #[error("election: {0}")]
    Election(String),
    /// The ballot breaks the election's rules.
    #[error("{0}")]
    Rules(String),
    /// The member is not in the census (or the proof is not hers).
    #[error("not in the census: {0}")]
    NotInCensus(String),
    /// Malformed input (members list, census file).
    #[error("{0}")]
    Input(String),
    /// A proof that does not verify under the election's verifying key. No ballot is
    /// made from it, and there is no second attempt with another prover (which would
    /// tell whoever supplied the keys or tables something about the witness).
    #[error("the proof made {with} does not verify under the election's verifying key ({why}); no ballot was written — the proving key or the tables do not belong to the election's verifying key")]
    ProofCheck {
        /// Which prover made it (`with the proving tables`, `with the proving key`).
        with: &'static str,
        /// The verifier's reason.
        why: String,
    },
}
