//! The circom formats' unit tests: circom's QAP reduction against arkworks', the iden3
//! layouts, the sample-proof check of a key's matrix C, and garbage zkeys.

use super::*;
use ark_bn254::Bn254;
use ark_ff::Zero;
use ark_groth16::Groth16;
use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar, fields::FieldVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_circuits::ballot::{public_inputs::BallotInstance, BallotShape};
use zkvote_engine::reduction::CircomReduction;

/// x³ + x + 5 = y, y public (the circom tutorial's circuit), plus a second input.
#[derive(Clone)]
struct Cubic {
    x: Option<Fr>,
    y: Option<Fr>,
    z: Option<Fr>,
}

impl ConstraintSynthesizer<Fr> for Cubic {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let y = FpVar::new_input(cs.clone(), || {
            self.y.ok_or(SynthesisError::AssignmentMissing)
        })?;
        let z = FpVar::new_input(cs.clone(), || {
            self.z.ok_or(SynthesisError::AssignmentMissing)
        })?;
        let x = FpVar::new_witness(cs.clone(), || {
            self.x.ok_or(SynthesisError::AssignmentMissing)
        })?;
        (&x * &x * &x + &x + FpVar::constant(Fr::from(5u64))).enforce_equal(&y)?;
        (&x * &y).enforce_equal(&z)
    }
}

#[test]
fn circom_reduction_proves_with_its_own_setup_and_the_other_reduction_fails() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let x = Fr::from(3u64);
    let y = x * x * x + x + Fr::from(5u64);
    let z = x * y;
    let setup = Cubic {
        x: None,
        y: None,
        z: None,
    };
    let full = Cubic {
        x: Some(x),
        y: Some(y),
        z: Some(z),
    };
    let (pk, vk) =
        Groth16::<Bn254, CircomReduction>::circuit_specific_setup(setup, &mut rng).unwrap();
    assert!(pk.h_query.len().is_power_of_two());
    let proof = Groth16::<Bn254, CircomReduction>::prove(&pk, full.clone(), &mut rng).unwrap();
    assert!(Groth16::<Bn254>::verify(&vk, &[y, z], &proof).unwrap());
    assert!(!Groth16::<Bn254>::verify(&vk, &[y, z + Fr::from(1u64)], &proof).unwrap());
    // The same key with arkworks' reduction gives a proof that does not verify.
    let wrong = Groth16::<Bn254>::prove(&pk, full, &mut rng).unwrap();
    assert!(!Groth16::<Bn254>::verify(&vk, &[y, z], &wrong).unwrap());
}

#[test]
fn r1cs_and_wtns_files_have_the_iden3_layout() {
    let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
    let r = ballot_r1cs(shape).unwrap();
    assert_eq!(r.num_public, BallotInstance::num_inputs(&shape));
    assert_eq!(
        r.num_constraints(),
        zkvote_prover::keys::constraint_count(shape).unwrap()
    );
    let bytes = r1cs_bytes(&r);
    assert_eq!(&bytes[..12], b"r1cs\x01\x00\x00\x00\x03\x00\x00\x00");
    // Section 1 starts right after the file header: id 1, length 64 + 24.
    assert_eq!(&bytes[12..16], &1u32.to_le_bytes());
    assert_eq!(&bytes[16..24], &(4 + 32 + 16 + 8 + 4u64).to_le_bytes());
    let wires = u32::from_le_bytes(bytes[60..64].try_into().unwrap()) as usize;
    assert_eq!(wires, r.num_wires);
    let w = wtns_bytes(&[Fr::from(1u64), Fr::from(258u64)]);
    assert_eq!(&w[..12], b"wtns\x02\x00\x00\x00\x02\x00\x00\x00");
    assert_eq!(w.len(), 12 + 12 + 40 + 12 + 64);
    assert_eq!(&w[w.len() - 32..w.len() - 30], &[2, 1]);
}

/// Replays an R1CS's matrices as a circuit (no values: for setups only).
struct Replay(R1cs);

impl ConstraintSynthesizer<Fr> for Replay {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        use ark_relations::gr1cs::{LinearCombination, Variable};
        let r = self.0;
        let mut wires = vec![Variable::One];
        for _ in 0..r.num_public {
            wires.push(cs.new_input_variable(|| Ok(Fr::zero()))?);
        }
        while wires.len() < r.num_wires {
            wires.push(cs.new_witness_variable(|| Ok(Fr::zero()))?);
        }
        let lc = |row: &[(Fr, usize)]| {
            let mut lc = LinearCombination::zero();
            for &(c, w) in row {
                lc += (c, wires[w]);
            }
            lc
        };
        for i in 0..r.a.len() {
            let (a, b, c) = (lc(&r.a[i]), lc(&r.b[i]), lc(&r.c[i]));
            cs.enforce_r1cs_constraint(|| a, || b, || c)?;
        }
        Ok(())
    }
}

/// A key made for a circuit that differs from the ballot circuit only in matrix C
/// (which a zkey does not store) proves no sample ballot, so the import refuses it;
/// the same key for the unchanged matrices passes, so the refusal is C's.
#[test]
fn a_key_for_another_matrix_c_is_refused_by_the_sample_proof() {
    use ark_snark::SNARK;
    use rand::SeedableRng;
    let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
    let r1cs = ballot_r1cs(shape).unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(31);
    let (same, _) = ark_groth16::Groth16::<Bn254, CircomReduction>::circuit_specific_setup(
        Replay(r1cs.clone()),
        &mut rng,
    )
    .unwrap();
    check_key_proves_sample::<CircomReduction, _>("same.zkey", &same, shape, &mut rng).unwrap();
    // One coefficient of C changed in one constraint, A and B untouched: the
    // constant wire's, which is 1 in every witness.
    let mut other = r1cs.clone();
    match other.c[0].first_mut() {
        Some((c, 0)) => *c += Fr::from(1u64),
        _ => other.c[0].insert(0, (Fr::from(1u64), 0)),
    }
    assert_eq!((&other.a, &other.b), (&r1cs.a, &r1cs.b));
    let (changed, _) = ark_groth16::Groth16::<Bn254, CircomReduction>::circuit_specific_setup(
        Replay(other),
        &mut rng,
    )
    .unwrap();
    let err = check_key_proves_sample::<CircomReduction, _>("c.zkey", &changed, shape, &mut rng)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("c.zkey: ") && err.contains("matrix C"),
        "{err}"
    );
}

#[test]
fn zkey_garbage_is_refused_without_panicking() {
    let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
    let r = ballot_r1cs(shape).unwrap();
    for bytes in [
        &b""[..],
        b"zkey",
        b"zkey\x01\x00\x00\x00\xff\xff\xff\xff",
        b"zkey\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff",
        b"r1cs\x01\x00\x00\x00\x00\x00\x00\x00",
        b"zkey\x01\x00\x00\x00\x00\x00\x00\x00",
    ] {
        assert!(import_zkey("z", bytes, &r).is_err());
    }
}
