//! Decoding proofs from untrusted bytes.
//!
//! Proofs are `ark-serialize` encodings of `(A ∈ G1, B ∈ G2, C ∈ G1)`. Two layouts exist:
//!
//! | format | bytes | decoding work |
//! |---|---|---|
//! | uncompressed ([`decode_proof`], recommended) | 64 + 128 + 64 = [`PROOF_UNCOMPRESSED_LEN`] | on-curve checks (a few multiplications), G2 subgroup check |
//! | compressed ([`decode_proof_compressed`]) | 32 + 64 + 32 = [`PROOF_COMPRESSED_LEN`] | a square root in Fq per G1 point, one in Fq2 for `B`, G2 subgroup check |
//!
//! BN254 G1 has cofactor 1, so a G1 point on the curve is in the group: `A` and `C` need
//! only the curve equation. G2 has a large cofactor, so `B` also needs a subgroup check
//! ([`crate::subgroup::is_in_g2`]: Scott's endomorphism test, one 63-bit scalar
//! multiplication, about half the cost of arkworks' `ψ(B) = [6x²]B`). The
//! uncompressed layout skips the three square roots, which dominate compressed decoding;
//! see the `decode` group of `benches/benches/batch_verify.rs` for the measured costs.
//! Ballots should therefore carry the uncompressed encoding (128 bytes more per proof).
//!
//! # Why `B`'s subgroup check is not batched
//! A batch check "`Σ r_i·B_i` is in the subgroup, for random `r_i`" would be unsound on
//! BN254: the cofactor of G2, `h = 2p − n`, factors as
//! `10069 · 5864401 · (a 222-bit number)` (BN254 is not G2-subgroup-secure, Barreto et
//! al., "Subgroup security in pairing-based cryptography", eprint 2015/247). A `B_i`
//! offset by a point `T` of order 10069 passes the combined check whenever
//! `r_i ≡ 0 (mod 10069)`, i.e. with probability `1/10069`, not `2^-128`. So each `B` is
//! checked on its own, and callers with many ballots decode them in parallel
//! (`zkvote_verifier::tally::tally` does).
//!
//! Both decoders accept only canonical encodings (one proof, one byte string) and neither
//! panics: every malformed input is an [`Error`] naming the element and the
//! problem.

use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_groth16::Proof;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use crate::error::{Error, PointProblem, ProofElement};

/// Length of an uncompressed proof encoding.
pub const PROOF_UNCOMPRESSED_LEN: usize = 256;
/// Length of a compressed proof encoding.
pub const PROOF_COMPRESSED_LEN: usize = 128;

const G1_UNCOMPRESSED: usize = 64;
const G2_UNCOMPRESSED: usize = 128;
const G1_COMPRESSED: usize = 32;
const G2_COMPRESSED: usize = 64;

/// Decodes and fully validates a proof in the recommended uncompressed layout
/// (`A ‖ B ‖ C`, [`PROOF_UNCOMPRESSED_LEN`] bytes, as `Proof::serialize_uncompressed`).
///
/// Checks, in order, for `A`, `B`, `C`: encoding (canonical), not the identity, on the curve, and for
/// `B` in the prime-order subgroup.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bn254>, Error> {
    decode_with(bytes, Compress::No)
}

/// Decodes and fully validates a proof in the compressed layout
/// (`A ‖ B ‖ C`, [`PROOF_COMPRESSED_LEN`] bytes, as `Proof::serialize_compressed`).
///
/// Slower than [`decode_proof`] (three square roots); offered for interoperability.
/// A compressed `x` with no curve point above it is reported as
/// [`PointProblem::Encoding`].
pub fn decode_proof_compressed(bytes: &[u8]) -> Result<Proof<Bn254>, Error> {
    decode_with(bytes, Compress::Yes)
}

/// Encodes a proof in the layout [`decode_proof`] reads.
pub fn encode_proof(proof: &Proof<Bn254>) -> Result<Vec<u8>, Error> {
    encode_with(proof, Compress::No)
}

/// Encodes a proof in the layout [`decode_proof_compressed`] reads.
pub fn encode_proof_compressed(proof: &Proof<Bn254>) -> Result<Vec<u8>, Error> {
    encode_with(proof, Compress::Yes)
}

/// Fully validates a proof obtained some other way than from the decoders of this module
/// (for instance built with `new_unchecked`): no identity, on the curve, `B` in the subgroup.
pub fn validate_proof(proof: &Proof<Bn254>) -> Result<(), Error> {
    check_cheap(proof)?;
    check_b_subgroup(&proof.b)
}

/// The checks [`crate::verify_one`] and [`crate::batch_verify`] make on every proof: no
/// element is the identity and all are on the curve. Together with cofactor 1 this fully
/// validates `A` and `C`; `B`'s subgroup membership is left to decoding.
pub(crate) fn check_cheap(proof: &Proof<Bn254>) -> Result<(), Error> {
    check_g1(&proof.a, ProofElement::A)?;
    check_g2_on_curve(&proof.b)?;
    check_g1(&proof.c, ProofElement::C)
}

fn invalid(element: ProofElement, problem: PointProblem) -> Error {
    Error::InvalidPoint { element, problem }
}

fn check_g1(p: &G1Affine, element: ProofElement) -> Result<(), Error> {
    if p.is_zero() {
        return Err(invalid(element, PointProblem::Identity));
    }
    if !p.is_on_curve() {
        return Err(invalid(element, PointProblem::NotOnCurve));
    }
    Ok(())
}

fn check_g2_on_curve(p: &G2Affine) -> Result<(), Error> {
    if p.is_zero() {
        return Err(invalid(ProofElement::B, PointProblem::Identity));
    }
    if !p.is_on_curve() {
        return Err(invalid(ProofElement::B, PointProblem::NotOnCurve));
    }
    Ok(())
}

fn check_b_subgroup(p: &G2Affine) -> Result<(), Error> {
    if !crate::subgroup::is_in_g2(p) {
        return Err(invalid(ProofElement::B, PointProblem::NotInSubgroup));
    }
    Ok(())
}

fn decode_with(bytes: &[u8], compress: Compress) -> Result<Proof<Bn254>, Error> {
    let (g1, g2) = match compress {
        Compress::Yes => (G1_COMPRESSED, G2_COMPRESSED),
        Compress::No => (G1_UNCOMPRESSED, G2_UNCOMPRESSED),
    };
    let expected = 2 * g1 + g2;
    if bytes.len() != expected {
        return Err(Error::ProofLength {
            expected,
            got: bytes.len(),
        });
    }
    let (a_bytes, rest) = bytes.split_at(g1);
    let (b_bytes, c_bytes) = rest.split_at(g2);

    let a: G1Affine = decode_point(a_bytes, compress, ProofElement::A)?;
    check_g1(&a, ProofElement::A)?;
    let b: G2Affine = decode_point(b_bytes, compress, ProofElement::B)?;
    check_g2_on_curve(&b)?;
    let c: G1Affine = decode_point(c_bytes, compress, ProofElement::C)?;
    check_g1(&c, ProofElement::C)?;
    // Last, as it is by far the most expensive check.
    check_b_subgroup(&b)?;
    Ok(Proof { a, b, c })
}

/// Decodes one point without the curve checks, and insists on the canonical encoding
/// (ark-serialize ignores the sign flag of uncompressed points, which would give one
/// proof several encodings).
fn decode_point<P>(bytes: &[u8], compress: Compress, element: ProofElement) -> Result<P, Error>
where
    P: CanonicalDeserialize + CanonicalSerialize,
{
    let p = P::deserialize_with_mode(bytes, compress, Validate::No)
        .map_err(|_| invalid(element, PointProblem::Encoding))?;
    let mut again = Vec::with_capacity(bytes.len());
    p.serialize_with_mode(&mut again, compress)
        .map_err(|_| invalid(element, PointProblem::Encoding))?;
    if again != bytes {
        return Err(invalid(element, PointProblem::NonCanonical));
    }
    Ok(p)
}

fn encode_with(proof: &Proof<Bn254>, compress: Compress) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(proof.serialized_size(compress));
    proof
        .serialize_with_mode(&mut out, compress)
        .map_err(|e| Error::Serialization {
            what: "a proof",
            reason: e.to_string(),
        })?;
    Ok(out)
}
