//! The merlin transcripts of every proof: one extension trait, so that labels never
//! appear at call sites (as dalek's bulletproofs).
//!
//! A transcript starts with [`new_transcript`]`(kind)`: the protocol name
//! [`labels::PROTOCOL`] and the statement kind (`dom-sep`). The caller then binds
//! every public value the proof must depend on (the DKG session or election id, the
//! indices, keys, commitments, ciphertexts) before the proof adds its own statement and
//! commitments and draws the challenge. A proof made for one context therefore fails
//! in any other: another election, another trustee, another ciphertext.
//!
//! Points are bound as 64 bytes (`x ‖ y`, 32 bytes little-endian each) and scalars as 32;
//! a challenge is 64 bytes of transcript output reduced modulo `l` (bias `< 2^-260`).

use ark_ff::PrimeField;
use merlin::Transcript;
use rand::{CryptoRng, RngCore};

use crate::group::{point_bytes, to_le_bytes, Point, Scalar};
use crate::labels::{self, msg};

/// A fresh transcript of this crate for one kind of statement (a constant of
/// [`labels`]).
pub fn new_transcript(kind: &'static [u8]) -> Transcript {
    let mut t = Transcript::new(labels::PROTOCOL);
    t.append_message(msg::DOM_SEP, kind);
    t
}

/// The messages of this crate's transcripts.
pub trait TranscriptProtocol {
    /// Binds caller context: a DKG session digest or an election id.
    fn bind_context(&mut self, context: &[u8]);
    /// Binds a count `n`.
    fn bind_count(&mut self, n: u64);
    /// Binds a threshold `t`.
    fn bind_threshold(&mut self, t: u32);
    /// Binds the index of the trustee the statement is about (the prover).
    fn bind_index(&mut self, index: u32);
    /// Binds a second index: a recipient, an accused trustee, a ciphertext's position.
    fn bind_other_index(&mut self, index: u64);
    /// Binds a public point of the context.
    fn bind_point(&mut self, p: &Point);
    /// Binds public bytes of the context.
    fn bind_bytes(&mut self, b: &[u8]);
    /// A base of the statement.
    fn proof_base(&mut self, g: &Point);
    /// The public image of the statement.
    fn proof_image(&mut self, y: &Point);
    /// A commitment of the prover.
    fn proof_commitment(&mut self, r: &Point);
    /// The challenge, a scalar modulo `l`.
    fn challenge_scalar(&mut self) -> Scalar;
    /// The prover's nonce: hedged on the transcript, the witness and `rng` (merlin's
    /// transcript RNG), so that neither a weak `rng` nor a repeated one leaks `x`.
    fn nonce<R: RngCore + CryptoRng>(&self, witness: &Scalar, rng: &mut R) -> Scalar;
    /// `N` bytes of key stream (the share pad).
    fn pad(&mut self, out: &mut [u8]);
}

impl TranscriptProtocol for Transcript {
    fn bind_context(&mut self, context: &[u8]) {
        self.append_message(msg::CONTEXT, context);
    }

    fn bind_count(&mut self, n: u64) {
        self.append_u64(msg::N, n);
    }

    fn bind_threshold(&mut self, t: u32) {
        self.append_u64(msg::T, u64::from(t));
    }

    fn bind_index(&mut self, index: u32) {
        self.append_u64(msg::INDEX, u64::from(index));
    }

    fn bind_other_index(&mut self, index: u64) {
        self.append_u64(msg::OTHER, index);
    }

    fn bind_point(&mut self, p: &Point) {
        self.append_message(msg::POINT, &point_bytes(p));
    }

    fn bind_bytes(&mut self, b: &[u8]) {
        self.append_message(msg::BYTES, b);
    }

    fn proof_base(&mut self, g: &Point) {
        self.append_message(msg::BASE, &point_bytes(g));
    }

    fn proof_image(&mut self, y: &Point) {
        self.append_message(msg::IMAGE, &point_bytes(y));
    }

    fn proof_commitment(&mut self, r: &Point) {
        self.append_message(msg::COMMITMENT, &point_bytes(r));
    }

    fn challenge_scalar(&mut self) -> Scalar {
        let mut wide = [0u8; 64];
        self.challenge_bytes(msg::CHALLENGE, &mut wide);
        Scalar::from_le_bytes_mod_order(&wide)
    }

    fn nonce<R: RngCore + CryptoRng>(&self, witness: &Scalar, rng: &mut R) -> Scalar {
        let mut trng = self
            .build_rng()
            .rekey_with_witness_bytes(msg::WITNESS, &to_le_bytes(witness))
            .finalize(rng);
        crate::group::random_nonzero_scalar(&mut trng)
    }

    fn pad(&mut self, out: &mut [u8]) {
        self.challenge_bytes(msg::PAD, out);
    }
}
