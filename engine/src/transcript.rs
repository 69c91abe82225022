//! The merlin transcript of batch verification: one method per message, every label in
//! [`crate::labels`].
//!
//! The batch challenges `r_i` are derived by Fiat–Shamir from everything the batch check
//! depends on, so they are a deterministic function of the input (same ballots, same
//! challenges, same outcome) and no prover can pick her proof after seeing them:
//!
//! ```text
//! T = Transcript::new(labels::PROTOCOL)
//! T.domain_sep(n)                    version label and batch size
//! T.append_vk_digest(d)              32-byte digest of the verifying key
//! for i in 0..n:
//!     T.append_proof(A_i, B_i, C_i)  canonical compressed bytes (32 + 64 + 32)
//!     T.append_public_inputs(x_i)    count, then 32-byte little-endian scalars
//! for i in 0..n:
//!     r_i = T.challenge(labels::BATCH_CHALLENGE)   16 bytes: lo_i, hi_i; r_i = lo_i + λ·hi_i
//! ```

use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use merlin::Transcript;

use crate::{labels, Error};

/// Size in bytes of a compressed G1 point.
const G1_COMPRESSED: usize = 32;
/// Size in bytes of a compressed G2 point.
const G2_COMPRESSED: usize = 64;

/// Batch-verification messages on a [`merlin::Transcript`], as in dalek's bulletproofs.
pub trait BatchTranscript {
    /// Version label and number of proofs in the batch.
    fn domain_sep(&mut self, batch_size: u64);

    /// The 32-byte digest of the verifying key (see [`vk_digest`]).
    fn append_vk_digest(&mut self, digest: &[u8; 32]);

    /// One proof as the canonical compressed bytes of `A`, `B` and `C`.
    ///
    /// Fails only if a point cannot be serialised, which does not happen for curve points.
    fn append_proof(&mut self, proof: &Proof<Bn254>) -> Result<(), Error>;

    /// The public inputs of the proof appended last: their number, then each as 32 bytes
    /// little-endian (canonical, below the modulus).
    fn append_public_inputs(&mut self, inputs: &[Fr]);

    /// A batch challenge: 16 bytes read as two 64-bit halves, see [`Challenge`].
    fn challenge(&mut self, label: &'static [u8]) -> Challenge;
}

impl BatchTranscript for Transcript {
    fn domain_sep(&mut self, batch_size: u64) {
        self.append_message(labels::DOMAIN_SEP, labels::VERSION);
        self.append_u64(labels::BATCH_SIZE, batch_size);
    }

    fn append_vk_digest(&mut self, digest: &[u8; 32]) {
        self.append_message(labels::VK_DIGEST, digest);
    }

    fn append_proof(&mut self, proof: &Proof<Bn254>) -> Result<(), Error> {
        let a = g1_bytes(&proof.a)?;
        let b = g2_bytes(&proof.b)?;
        let c = g1_bytes(&proof.c)?;
        self.append_message(labels::PROOF_A, &a);
        self.append_message(labels::PROOF_B, &b);
        self.append_message(labels::PROOF_C, &c);
        Ok(())
    }

    fn append_public_inputs(&mut self, inputs: &[Fr]) {
        self.append_u64(labels::PUBLIC_INPUT_COUNT, inputs.len() as u64);
        for x in inputs {
            self.append_message(labels::PUBLIC_INPUT, &x.into_bigint().to_bytes_le());
        }
    }

    fn challenge(&mut self, label: &'static [u8]) -> Challenge {
        let mut bytes = [0u8; 16];
        self.challenge_bytes(label, &mut bytes);
        let (lo, hi) = bytes.split_at(8);
        Challenge {
            lo: u64::from_le_bytes(lo.try_into().expect("8 bytes")),
            hi: u64::from_le_bytes(hi.try_into().expect("8 bytes")),
        }
    }
}

/// A batch challenge `r = lo + λ·hi (mod n)`, with `lo, hi < 2^64` and `λ` the scalar by
/// which BN254's G1 endomorphism `φ(x, y) = (β·x, y)` multiplies ([`crate::glv::LAMBDA`]).
///
/// **Soundness.** If some proof of the batch is invalid, the combined check
/// `Σ r_i·d_i = 0` (with `d_i ≠ 0` the discrete logarithm of that proof's discrepancy in
/// `G_T`) is a non-zero linear polynomial in the last such `r_i`, so at most one value of
/// `r_i` in `F_n` makes the batch pass. The map `(lo, hi) ↦ lo + λ·hi mod n` is injective
/// on 64-bit pairs (a collision would be a non-zero vector of norm below `2^64.5` in a
/// lattice whose shortest vector has norm about `2^127`; proved by the test
/// `glv::tests::challenges_are_injective`), so `r_i` takes `2^128` distinct values, each
/// with probability `2^-128` for a random-oracle transcript: a forger wins with
/// probability at most `2^-128` per transcript she tries, the same bound as for a
/// uniform 128-bit integer challenge, and below BN254's own security level (about 100
/// bits).
///
/// **Cost.** `r·A = lo·A + hi·φ(A)` needs 64 doublings instead of 128, and `Σ r_i·C_i =
/// Σ lo_i·C_i + φ(Σ hi_i·C_i)` two 64-bit multi-scalar multiplications (see
/// [`crate::glv`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The low half.
    pub lo: u64,
    /// The half multiplied by `λ`.
    pub hi: u64,
}

impl Challenge {
    /// `lo + λ·hi` in `F_n`.
    pub fn scalar(&self) -> Fr {
        Fr::from(self.lo) + crate::glv::LAMBDA * Fr::from(self.hi)
    }
}

fn g1_bytes(p: &G1Affine) -> Result<[u8; G1_COMPRESSED], Error> {
    let mut out = [0u8; G1_COMPRESSED];
    p.serialize_compressed(&mut out[..])
        .map_err(|e| Error::Serialization {
            what: "a G1 point",
            reason: e.to_string(),
        })?;
    Ok(out)
}

fn g2_bytes(p: &G2Affine) -> Result<[u8; G2_COMPRESSED], Error> {
    let mut out = [0u8; G2_COMPRESSED];
    p.serialize_compressed(&mut out[..])
        .map_err(|e| Error::Serialization {
            what: "a G2 point",
            reason: e.to_string(),
        })?;
    Ok(out)
}

/// A 32-byte digest of a verifying key: a merlin transcript (STROBE-128 over Keccak-f)
/// over its canonical uncompressed bytes.
pub fn vk_digest(vk: &VerifyingKey<Bn254>) -> Result<[u8; 32], Error> {
    let mut bytes = Vec::with_capacity(vk.uncompressed_size());
    vk.serialize_uncompressed(&mut bytes)
        .map_err(|e| Error::Serialization {
            what: "the verifying key",
            reason: e.to_string(),
        })?;
    let mut t = Transcript::new(labels::VK_DIGEST_PROTOCOL);
    t.append_message(labels::VK_BYTES, &bytes);
    let mut digest = [0u8; 32];
    t.challenge_bytes(labels::DIGEST, &mut digest);
    Ok(digest)
}
