//! Proof decoding from untrusted bytes: round trips, exact errors, no panics.

use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_serialize::CanonicalSerialize;
use ark_std::UniformRand;
use rand::RngCore;
use zkvote_engine::test_circuit::{fixture, rng};
use zkvote_engine::{
    decode_proof, decode_proof_compressed, encode_proof, encode_proof_compressed, validate_proof,
    verify_one, Error, PointProblem, ProofElement, PROOF_COMPRESSED_LEN, PROOF_UNCOMPRESSED_LEN,
};

type Decode = fn(&[u8]) -> Result<ark_groth16::Proof<ark_bn254::Bn254>, Error>;

fn point_error(element: ProofElement, problem: PointProblem) -> Error {
    Error::InvalidPoint { element, problem }
}

#[test]
fn round_trips_and_matches_ark_serialize() {
    let f = fixture();
    for (proof, x) in &f.statements {
        let bytes = encode_proof(proof).unwrap();
        assert_eq!(bytes.len(), PROOF_UNCOMPRESSED_LEN);
        let mut ark = Vec::new();
        proof.serialize_uncompressed(&mut ark).unwrap();
        assert_eq!(bytes, ark);
        let decoded = decode_proof(&bytes).unwrap();
        assert_eq!(&decoded, proof);
        assert_eq!(verify_one(&f.pvk, &decoded, x), Ok(()));

        let bytes = encode_proof_compressed(proof).unwrap();
        assert_eq!(bytes.len(), PROOF_COMPRESSED_LEN);
        let mut ark = Vec::new();
        proof.serialize_compressed(&mut ark).unwrap();
        assert_eq!(bytes, ark);
        assert_eq!(&decode_proof_compressed(&bytes).unwrap(), proof);
        assert_eq!(validate_proof(proof), Ok(()));
    }
}

#[test]
fn wrong_lengths_are_rejected() {
    let f = fixture();
    let bytes = encode_proof(&f.statements[0].0).unwrap();
    for len in [0, 1, 64, 255, 257] {
        let mut b = bytes.clone();
        b.resize(len, 0);
        assert_eq!(
            decode_proof(&b),
            Err(Error::ProofLength {
                expected: PROOF_UNCOMPRESSED_LEN,
                got: len
            })
        );
    }
    assert_eq!(
        decode_proof_compressed(&bytes),
        Err(Error::ProofLength {
            expected: PROOF_COMPRESSED_LEN,
            got: PROOF_UNCOMPRESSED_LEN
        })
    );
}

#[test]
fn random_and_flipped_bytes_never_panic_and_never_decode_to_garbage() {
    let f = fixture();
    let mut rng = rng(11);
    let good = encode_proof(&f.statements[0].0).unwrap();
    let good_c = encode_proof_compressed(&f.statements[0].0).unwrap();
    for _ in 0..300 {
        let mut b = vec![0u8; PROOF_UNCOMPRESSED_LEN];
        rng.fill_bytes(&mut b);
        // Random 64-byte G1 strings are almost never on the curve.
        assert!(decode_proof(&b).is_err());
        let mut b = vec![0u8; PROOF_COMPRESSED_LEN];
        rng.fill_bytes(&mut b);
        // Random compressed points may decode (half of all x have a point), but B then
        // must pass the subgroup check, which a random point fails.
        assert!(decode_proof_compressed(&b).is_err());
    }
    for (bytes, decode) in [
        (&good, decode_proof as Decode),
        (&good_c, decode_proof_compressed as Decode),
    ] {
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err());
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                // A flipped bit may still decode to a valid point (e.g. the sign bit of a
                // compressed point), but then it must be a different, valid proof.
                if let Ok(p) = decode(&b) {
                    assert_eq!(validate_proof(&p), Ok(()));
                    assert_ne!(p, f.statements[0].0);
                }
            }
        }
    }
}

#[test]
fn each_problem_is_named() {
    let f = fixture();
    let proof = &f.statements[0].0;
    let good = encode_proof(proof).unwrap();

    // A: the point at infinity.
    let mut p = proof.clone();
    p.a = G1Affine::zero();
    assert_eq!(
        decode_proof(&encode_proof(&p).unwrap()),
        Err(point_error(ProofElement::A, PointProblem::Identity))
    );
    // C: off the curve.
    let mut p = proof.clone();
    p.c = G1Affine::new_unchecked(proof.c.x, proof.c.y + Fq::from(1u64));
    assert_eq!(
        decode_proof(&encode_proof(&p).unwrap()),
        Err(point_error(ProofElement::C, PointProblem::NotOnCurve))
    );
    // A: x coordinate above the modulus.
    let mut b = good.clone();
    b[..31].fill(0xff);
    b[31] = 0x3f; // keep the flag bits of y clear; x is in bytes 0..32
    assert_eq!(
        decode_proof(&b),
        Err(point_error(ProofElement::A, PointProblem::Encoding))
    );
    // A: the unused sign flag of an uncompressed point set.
    let mut b = good.clone();
    b[63] ^= 0x80;
    assert_eq!(
        decode_proof(&b),
        Err(point_error(ProofElement::A, PointProblem::NonCanonical))
    );
    // B: on the curve, outside the subgroup.
    let mut rng = rng(3);
    let off_subgroup = loop {
        let x = Fq2::rand(&mut rng);
        if let Some(q) = G2Affine::get_point_from_x_unchecked(x, false) {
            if !q.is_in_correct_subgroup_assuming_on_curve() {
                break q;
            }
        }
    };
    let mut p = proof.clone();
    p.b = off_subgroup;
    assert_eq!(
        decode_proof(&encode_proof(&p).unwrap()),
        Err(point_error(ProofElement::B, PointProblem::NotInSubgroup))
    );
    assert_eq!(
        decode_proof_compressed(&encode_proof_compressed(&p).unwrap()),
        Err(point_error(ProofElement::B, PointProblem::NotInSubgroup))
    );
    assert_eq!(
        validate_proof(&p),
        Err(point_error(ProofElement::B, PointProblem::NotInSubgroup))
    );
    // B: off the curve.
    p.b = G2Affine::new_unchecked(proof.b.x, proof.b.y + Fq2::from(1u64));
    assert_eq!(
        decode_proof(&encode_proof(&p).unwrap()),
        Err(point_error(ProofElement::B, PointProblem::NotOnCurve))
    );
}
