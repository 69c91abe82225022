//! The one error type of the `zkvote-engine` crate.

use core::fmt;

use thiserror::Error;

/// Which element of a Groth16 proof `(A, B, C)` a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProofElement {
    /// `A ∈ G1`.
    A,
    /// `B ∈ G2`.
    B,
    /// `C ∈ G1`.
    C,
}

impl fmt::Display for ProofElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::A => "A (G1)",
            Self::B => "B (G2)",
            Self::C => "C (G1)",
        })
    }
}

/// What is wrong with one encoded or decoded curve point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointProblem {
    /// The bytes are not a point encoding: a coordinate is not below the base field
    /// modulus, the flag bits are not a valid combination, or (compressed encoding only)
    /// no curve point has this `x`.
    Encoding,
    /// The bytes decode to a point whose canonical encoding is different (for instance an
    /// uncompressed point with the unused sign flag set). Rejected so that every proof
    /// has exactly one encoding.
    NonCanonical,
    /// The coordinates do not satisfy the curve equation `y² = x³ + b`.
    NotOnCurve,
    /// The point is on the curve but outside the prime-order subgroup (only possible
    /// for `B`: BN254 G1 has cofactor 1, G2 has a large cofactor).
    NotInSubgroup,
    /// The point is the point at infinity. An honest prover produces it with negligible
    /// probability, so it is rejected rather than fed to the pairing.
    Identity,
}

impl fmt::Display for PointProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Encoding => "not a valid point encoding (coordinate out of range or bad flags)",
            Self::NonCanonical => "not canonically encoded",
            Self::NotOnCurve => "not on the BN254 curve",
            Self::NotInSubgroup => "not in the prime-order subgroup",
            Self::Identity => "the point at infinity",
        })
    }
}

/// Everything that can go wrong when decoding or verifying a Groth16 proof.
///
/// An invalid proof is the [`Error::InvalidProof`] variant: verification functions return
/// `Ok(())` or an error, never `Ok(false)`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The proof is well formed but the Groth16 equation
    /// `e(A, B) = e(α, β)·e(L, γ)·e(C, δ)` does not hold for these public inputs.
    #[error("invalid proof: the Groth16 pairing equation does not hold for these public inputs")]
    InvalidProof,
    /// The number of public inputs does not match the verifying key.
    #[error("wrong number of public inputs: the verifying key expects {expected}, got {got}")]
    PublicInputCount {
        /// Number of public inputs the verifying key was generated for.
        expected: usize,
        /// Number of public inputs supplied.
        got: usize,
    },
    /// One element of the proof is not an acceptable curve point.
    #[error("proof element {element} is {problem}")]
    InvalidPoint {
        /// Which element.
        element: ProofElement,
        /// What is wrong with it.
        problem: PointProblem,
    },
    /// The encoded proof does not have the exact length of the format.
    #[error("encoded proof has {got} bytes, the format needs exactly {expected}")]
    ProofLength {
        /// Length of the format in bytes.
        expected: usize,
        /// Length of the input in bytes.
        got: usize,
    },
    /// The verifying key has no `IC_0` (`gamma_abc_g1` is empty), so it cannot be for any circuit.
    #[error("verifying key is malformed: gamma_abc_g1 (IC) is empty")]
    MalformedVerifyingKey,
    /// A value could not be serialised (for instance into the transcript). This does not
    /// happen for values that came out of the decoders of this crate.
    #[error("could not serialise {what}: {reason}")]
    Serialization {
        /// What was being serialised.
        what: &'static str,
        /// The serialiser's message.
        reason: String,
    },
    /// A file of the engine's own format (a proving-tables file) that cannot be read
    /// or used.
    #[error("{file}: {what}")]
    File {
        /// The file.
        file: String,
        /// What is wrong.
        what: String,
    },
}
