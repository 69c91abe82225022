//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong in `zkvote-trustees`.
///
/// Untrusted input (files, messages of other trustees, partial decryptions) never
/// panics: every check that fails is one of these variants, and a proof that does not
/// verify is [`Error::InvalidProof`], never `Ok(false)`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A JSON document that does not parse, or a value in it that does not decode (a
    /// point off the curve or outside the prime-order subgroup, the identity where a
    /// key is expected, a number in non-canonical form, a scalar not below `l`…).
    #[error("{what}: field `{path}`: {message}")]
    Json {
        /// The kind of document (`dkg parameters`, `dealing`, …).
        what: &'static str,
        /// Where in the document, e.g. `trustees[1].key` (`.` for the whole document).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// A document of a format version this build does not read.
    #[error("{what}: field `version`: version {found} is not supported (this build reads version {supported})")]
    UnsupportedVersion {
        /// The kind of document.
        what: &'static str,
        /// The version found.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// A value that decodes but breaks a rule of the document (a duplicate index, a
    /// threshold out of range, a list of the wrong length…).
    #[error("{what}: field `{field}`: {message}")]
    Invalid {
        /// The kind of document or object.
        what: &'static str,
        /// The field, e.g. `threshold` or `trustees[2].index`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A point that is not on Baby Jubjub.
    #[error("the point is not on the curve")]
    NotOnCurve,
    /// A point on the curve but outside the subgroup of prime order `l` (the small-order
    /// points among them).
    #[error("the point is not in the prime-order subgroup")]
    NotInSubgroup,
    /// The identity where a key, a commitment or another non-trivial point is expected.
    #[error("the point is the identity")]
    IdentityPoint,
    /// A scalar (or a coordinate) written in a non-canonical form: not below the modulus,
    /// leading zeros, or not a decimal number.
    #[error("non-canonical number: {0}")]
    NonCanonical(String),
    /// A zero-knowledge proof that does not verify.
    #[error("invalid proof: {0}")]
    InvalidProof(String),
    /// The discrete log of a total is not in `[0, bound)`: either the total is larger
    /// than the table was built for, or the decryption is wrong.
    #[error("the value is not below the discrete-log bound {bound} (a larger total needs a larger bound, or the decryption is wrong)")]
    DlogOutOfBound {
        /// The bound `B`: values in `[0, B)` are found.
        bound: u64,
    },
    /// A discrete-log table size that is not supported.
    #[error("discrete log: {0}")]
    DlogParameters(String),
    /// A trustee index that is not one of the ceremony's (`1..=n`).
    #[error("trustee {index} is not one of the trustees 1..={n}")]
    UnknownTrustee {
        /// The index.
        index: u32,
        /// The number of trustees.
        n: u32,
    },
    /// The DKG cannot finish: fewer than `t` trustees are qualified.
    #[error("the DKG failed: {qualified} trustees qualified, at least {threshold} are needed (disqualified: {disqualified})")]
    DkgFailed {
        /// How many dealers are in QUAL.
        qualified: usize,
        /// The threshold.
        threshold: u32,
        /// The disqualified trustees and why, for the message.
        disqualified: String,
    },
    /// A trustee's own secret share does not match its public verification key: a
    /// dealer sent it a bad share that it did not complain about.
    #[error("trustee {index}: the secret share does not match the verification key (a bad share was not complained about)")]
    ShareMismatch {
        /// The trustee.
        index: u32,
    },
    /// A published DKG result that differs from the one recomputed from the transcript.
    #[error("the DKG result does not match its transcript: {0}")]
    DkgResultMismatch(String),
    /// Fewer than `t` valid partial decryptions.
    #[error("{valid} valid partial decryptions, {needed} needed (excluded: {excluded})")]
    NotEnoughPartials {
        /// How many were valid.
        valid: usize,
        /// The threshold.
        needed: u32,
        /// The excluded trustees and why, for the message.
        excluded: String,
    },
    /// A published decryption transcript that differs from the one recomputed.
    #[error("the decryption transcript does not check: {0}")]
    DecryptionMismatch(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
