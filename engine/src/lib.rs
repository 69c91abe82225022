//! # zkvote-engine
//!
//! A fast Groth16 engine over BN254 that knows nothing of voting: what the prover and
//! the verifier of any circuit need, faster than arkworks' generic code where it
//! matters. The voting crates (`zkvote-prover`, `zkvote-verifier`) build on it; it
//! depends on arkworks only.
//!
//! | module | what |
//! |---|---|
//! | [`ifma52`] | 8-lane 52-bit-limb field arithmetic (AVX-512 IFMA), for the MSM buckets and Poseidon |
//! | [`msm`], [`ifma`] | fixed-base MSM tables, batch-affine bucket additions (IFMA kernels) |
//! | [`qap`], [`reduction`] | the QAP witness map from kept constraint matrices; circom's reduction |
//! | [`tables`] | proving with precomputed tables, and the authenticated tables file |
//! | [`keys`] | keys that let anyone forge (refused), the QAP reduction of a key |
//! | `tower` (private), [`pairing`], [`glv`], [`subgroup`] | the pairing tower, multi-Miller loops, GLV, G2 subgroup check |
//! | [`inverse`] | variable-time inversion in `Fq` (safegcd), for the verifier's batch inversions |
//! | [`decode`] | proofs from untrusted bytes, fully validated |
//! | [`groth16`], [`transcript`] | single and batch verification, with its merlin transcript |
//! | [`labels`] | every transcript label, magic and format version of the engine, with its table |
//! | `test_circuit` | feature `test-circuit`, tests and benches only: a toy circuit with seeded keys and proofs |
//!
//! - [`verify_one`]: one proof, exact error.
//! - [`batch_verify`]: many proofs against one key with one random linear combination
//!   (merlin-derived challenges `lo + λ·hi` taking 2^128 values, one multi-Miller loop,
//!   one final exponentiation), bisecting a failing batch so that exactly the bad
//!   proofs are reported.
//! - [`decode_proof`]: proofs from untrusted bytes, fully validated, never panicking.
//!
//! A test (`tests/engine.rs`) proves and verifies a toy circuit (`test_circuit`) with the
//! engine alone.
#![deny(missing_docs)]

pub mod decode;
mod error;
pub mod glv;
pub mod groth16;
#[cfg(target_arch = "x86_64")]
pub mod ifma;
#[cfg(target_arch = "x86_64")]
pub mod ifma52;
pub mod inverse;
pub mod keys;
pub mod labels;
pub mod msm;
pub mod pairing;
pub mod qap;
pub mod reduction;
pub mod subgroup;
pub mod tables;
#[cfg(feature = "test-circuit")]
pub mod test_circuit;
mod tower;
pub mod transcript;

pub use decode::{
    decode_proof, decode_proof_compressed, encode_proof, encode_proof_compressed, validate_proof,
    PROOF_COMPRESSED_LEN, PROOF_UNCOMPRESSED_LEN,
};
pub use error::{Error, PointProblem, ProofElement};
pub use groth16::{
    batch_verify, batch_verify_refs, batch_verify_refs_with_stats, verify_one, BatchStats,
};
pub use transcript::{vk_digest, BatchTranscript, Challenge};
