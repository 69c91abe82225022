//! zkvote verifier: Groth16 verification over BN254, single and batched.
//!
//! - [`verify_one`]: one proof, exact error.
//! - [`batch_verify`]: many proofs against one key with one random linear combination
//!   (merlin-derived challenges `lo + λ·hi` taking 2^128 values, one multi-Miller loop,
//!   one final exponentiation),
//!   bisecting a failing batch so that exactly the bad proofs are reported.
//! - [`decode_proof`]: proofs from untrusted bytes, fully validated, never panicking.
//!
//! - [`ballot`]: the ballot format and the checks of a ballot against its election.
//! - [`tally`]: every input ballot counted or rejected with its reason.
//! - [`keys`]: key files (header, digest) and verifying-key loading.
//! - [`fs`]: writing files atomically (temporary file renamed into place).
//! - [`snarkjs`], [`solidity`]: snarkjs JSON files, and the Solidity verifier and ballot box.
//!
//! This crate does not depend on `zkvote-prover`.

pub mod ballot;
pub mod decode;
pub mod error;
pub mod fs;
pub mod glv;
pub mod groth16;
pub mod keys;
pub mod pairing;
pub mod snarkjs;
pub mod solidity;
pub mod subgroup;
pub mod tally;
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
