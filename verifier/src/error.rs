//! The one error type of the `zkvote-verifier` crate.

use thiserror::Error;

/// Everything that can go wrong in the verifier crate: the engine's errors (decoding
/// and verifying a proof) and those of ballots, key files and files.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// Decoding or verifying a proof ([`zkvote_engine::Error`]; an invalid proof is
    /// `Engine(zkvote_engine::Error::InvalidProof)`).
    #[error(transparent)]
    Engine(#[from] zkvote_engine::Error),
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
    /// A file that cannot be written (see [`crate::fs::write_file`]).
    #[error("{file}: {what}")]
    Write {
        /// The file (or the directory that could not be created).
        file: String,
        /// What failed, with the operating system's message.
        what: String,
    },
    /// A file that exists and must not be replaced (an identity, a ballot).
    #[error(
        "{file}: already exists and zkvote does not replace it; choose another name or remove it"
    )]
    FileExists {
        /// The file.
        file: String,
    },
    /// A ballot that is not valid JSON of the ballot format.
    #[error("{source_name}: not a valid ballot: {what}")]
    MalformedBallot {
        /// Where the ballot came from.
        source_name: String,
        /// The parser's message.
        what: String,
    },
    /// A ballot format version this build does not read.
    #[error("unsupported ballot version {0} (this build reads version 1)")]
    BallotVersion(u32),
    /// A ballot whose election id is not the election's.
    #[error("ballot is for another election (id {ballot})")]
    WrongElection {
        /// The ballot's election id.
        ballot: String,
    },
    /// A ballot that breaks the election's rules, or has the wrong number of values.
    #[error("{0}")]
    Rules(String),
    /// A proof field that is not hex.
    #[error("proof is not hex: {0}")]
    ProofEncoding(String),
}
