//! Sigma proofs, made non-interactive by Fiat–Shamir over a merlin transcript that the
//! caller has already bound to every public value of the context
//! ([`crate::transcript`]).
//!
//! Both are stored as `(c, s)`, challenge and response, as ElectionGuard does: the
//! verifier recomputes the prover's commitments from them and checks that the
//! transcript gives the same challenge. The verifier is the separate function
//! `verify` of each proof, readable alone.
//!
//! # Schnorr proof of knowledge of `x` with `Y = x·G`
//! ```text
//! prover:   k ← nonce(transcript, x, rng)      R = k·G
//!           c = H(transcript ‖ G ‖ Y ‖ R)      s = k + c·x  (mod l)
//! verifier: R' = s·G − c·Y                     accept iff H(transcript ‖ G ‖ Y ‖ R') = c
//! ```
//!
//! # Chaum–Pedersen proof that `log_G1(Y1) = log_G2(Y2)` (DLEQ)
//! ```text
//! prover:   k ← nonce(transcript, x, rng)      R1 = k·G1     R2 = k·G2
//!           c = H(transcript ‖ G1 ‖ Y1 ‖ G2 ‖ Y2 ‖ R1 ‖ R2)  s = k + c·x  (mod l)
//! verifier: R1' = s·G1 − c·Y1   R2' = s·G2 − c·Y2
//!           accept iff H(transcript ‖ G1 ‖ Y1 ‖ G2 ‖ Y2 ‖ R1' ‖ R2') = c
//! ```
//! Soundness needs every point in the prime-order subgroup, which the decoders of this
//! crate guarantee ([`crate::group::point_from_coords`]); with `G2` of order `l` the
//! proof shows `Y2 = x·G2` for the `x` of `Y1 = x·G1`.

use ark_ec::CurveGroup;
use merlin::Transcript;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{generator, msm_vartime, mul, serde_scalar, Point, Scalar};
use crate::transcript::TranscriptProtocol;

/// A Schnorr proof of knowledge of a discrete log to the base `G`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchnorrProof {
    /// The challenge `c`.
    #[serde(with = "serde_scalar")]
    pub c: Scalar,
    /// The response `s = k + c·x`.
    #[serde(with = "serde_scalar")]
    pub s: Scalar,
}

impl SchnorrProof {
    /// Proves knowledge of `x` with `y = x·G`, in the context already bound to `t`.
    pub fn prove<R: RngCore + CryptoRng>(
        t: &mut Transcript,
        x: &Scalar,
        y: &Point,
        rng: &mut R,
    ) -> SchnorrProof {
        let g = generator();
        t.proof_base(&g);
        t.proof_image(y);
        let k = t.nonce(x, rng);
        let r = mul(&g, &k).into_affine();
        t.proof_commitment(&r);
        let c = t.challenge_scalar();
        SchnorrProof { c, s: k + c * x }
    }

    /// Checks the proof for `y` in the context bound to `t`
    /// ([`Error::InvalidProof`] naming `what` otherwise).
    pub fn verify(&self, t: &mut Transcript, y: &Point, what: &str) -> Result<()> {
        let g = generator();
        t.proof_base(&g);
        t.proof_image(y);
        let r = msm_vartime(&[g, *y], &[self.s, -self.c]).into_affine();
        t.proof_commitment(&r);
        if t.challenge_scalar() == self.c {
            Ok(())
        } else {
            Err(Error::InvalidProof(format!(
                "{what}: the Schnorr proof does not verify"
            )))
        }
    }
}

/// A Chaum–Pedersen proof that two points have the same discrete log to two bases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DleqProof {
    /// The challenge `c`.
    #[serde(with = "serde_scalar")]
    pub c: Scalar,
    /// The response `s = k + c·x`.
    #[serde(with = "serde_scalar")]
    pub s: Scalar,
}

/// The statement `log_G1(Y1) = log_G2(Y2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dleq {
    /// First base.
    pub g1: Point,
    /// `x·G1`.
    pub y1: Point,
    /// Second base.
    pub g2: Point,
    /// `x·G2`.
    pub y2: Point,
}

impl Dleq {
    fn bind(&self, t: &mut Transcript) {
        t.proof_base(&self.g1);
        t.proof_image(&self.y1);
        t.proof_base(&self.g2);
        t.proof_image(&self.y2);
    }
}

impl DleqProof {
    /// Proves the statement with the witness `x`, in the context already bound to `t`.
    pub fn prove<R: RngCore + CryptoRng>(
        t: &mut Transcript,
        x: &Scalar,
        statement: &Dleq,
        rng: &mut R,
    ) -> DleqProof {
        statement.bind(t);
        let k = t.nonce(x, rng);
        let r1 = mul(&statement.g1, &k).into_affine();
        let r2 = mul(&statement.g2, &k).into_affine();
        t.proof_commitment(&r1);
        t.proof_commitment(&r2);
        let c = t.challenge_scalar();
        DleqProof { c, s: k + c * x }
    }

    /// Checks the proof of `statement` in the context bound to `t`
    /// ([`Error::InvalidProof`] naming `what` otherwise).
    pub fn verify(&self, t: &mut Transcript, statement: &Dleq, what: &str) -> Result<()> {
        statement.bind(t);
        let r1 = msm_vartime(&[statement.g1, statement.y1], &[self.s, -self.c]).into_affine();
        let r2 = msm_vartime(&[statement.g2, statement.y2], &[self.s, -self.c]).into_affine();
        t.proof_commitment(&r1);
        t.proof_commitment(&r2);
        if t.challenge_scalar() == self.c {
            Ok(())
        } else {
            Err(Error::InvalidProof(format!(
                "{what}: the Chaum–Pedersen proof does not verify"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{mul_g, random_nonzero_scalar};
    use crate::labels;
    use crate::transcript::new_transcript;
    use ark_ff::One;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn ctx(context: &[u8]) -> Transcript {
        let mut t = new_transcript(labels::KEY_POP);
        t.bind_context(context);
        t
    }

    #[test]
    fn schnorr_accepts_the_statement_and_nothing_else() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let x = random_nonzero_scalar(&mut rng);
        let y = mul_g(&x).into_affine();
        let proof = SchnorrProof::prove(&mut ctx(b"election 1"), &x, &y, &mut rng);
        proof.verify(&mut ctx(b"election 1"), &y, "key").unwrap();
        // Another context, another key, a tampered response or challenge.
        assert!(proof.verify(&mut ctx(b"election 2"), &y, "key").is_err());
        let other = mul_g(&(x + Scalar::one())).into_affine();
        assert!(proof
            .verify(&mut ctx(b"election 1"), &other, "key")
            .is_err());
        for bad in [
            SchnorrProof {
                s: proof.s + Scalar::one(),
                ..proof
            },
            SchnorrProof {
                c: proof.c + Scalar::one(),
                ..proof
            },
        ] {
            assert!(matches!(
                bad.verify(&mut ctx(b"election 1"), &y, "key"),
                Err(Error::InvalidProof(_))
            ));
        }
        // Another statement kind with the same context.
        let mut t = new_transcript(labels::CONSTANT_POK);
        t.bind_context(b"election 1");
        assert!(proof.verify(&mut t, &y, "key").is_err());
    }

    #[test]
    fn dleq_accepts_equal_logs_only() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let x = random_nonzero_scalar(&mut rng);
        let a = mul_g(&random_nonzero_scalar(&mut rng)).into_affine();
        let st = Dleq {
            g1: generator(),
            y1: mul_g(&x).into_affine(),
            g2: a,
            y2: mul(&a, &x).into_affine(),
        };
        let proof = DleqProof::prove(&mut ctx(b"e"), &x, &st, &mut rng);
        proof.verify(&mut ctx(b"e"), &st, "partial").unwrap();
        assert!(proof.verify(&mut ctx(b"f"), &st, "partial").is_err());
        // A wrong y2 (another log), even with a proof made for it by someone who knows x.
        let wrong = Dleq {
            y2: mul(&a, &(x + Scalar::one())).into_affine(),
            ..st
        };
        assert!(proof.verify(&mut ctx(b"e"), &wrong, "partial").is_err());
        let forged = DleqProof::prove(&mut ctx(b"e"), &x, &wrong, &mut rng);
        assert!(forged.verify(&mut ctx(b"e"), &wrong, "partial").is_err());
        let swapped = Dleq {
            g1: st.g2,
            y1: st.y2,
            g2: st.g1,
            y2: st.y1,
        };
        assert!(proof.verify(&mut ctx(b"e"), &swapped, "partial").is_err());
    }

    #[test]
    fn nonces_are_hedged() {
        // The same rng state twice with two witnesses gives two nonces; the same witness
        // in two transcripts too. (A repeated nonce across statements would leak x.)
        let x1 = Scalar::from(5u64);
        let x2 = Scalar::from(6u64);
        let n1 = ctx(b"a").nonce(&x1, &mut ChaCha20Rng::seed_from_u64(9));
        let n2 = ctx(b"a").nonce(&x2, &mut ChaCha20Rng::seed_from_u64(9));
        let n3 = ctx(b"b").nonce(&x1, &mut ChaCha20Rng::seed_from_u64(9));
        assert_ne!(n1, n2);
        assert_ne!(n1, n3);
    }
}
