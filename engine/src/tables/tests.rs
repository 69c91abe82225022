//! Tests of the proving tables: proofs equal arkworks' for both QAP reductions, an
//! unsatisfied assignment gives an invalid proof, the file's round trip and damage, and
//! tables not made by the voter or made for another key are refused.

use super::*;
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
use ark_relations::gr1cs::{LinearCombination, Variable};
use ark_snark::SNARK;
use ark_std::rand::{rngs::StdRng, SeedableRng};

/// x·y = z with public z, plus a chain of squarings to make the bases many.
#[derive(Clone)]
struct Chain {
    x: Fr,
    y: Fr,
    n: usize,
    /// Added to the public product: not zero makes an unsatisfied assignment.
    off: u64,
}

impl ConstraintSynthesizer<Fr> for Chain {
    fn generate_constraints(
        self,
        cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>,
    ) -> Result<(), SynthesisError> {
        let z = cs.new_input_variable(|| Ok(self.x * self.y + Fr::from(self.off)))?;
        let x = cs.new_witness_variable(|| Ok(self.x))?;
        let y = cs.new_witness_variable(|| Ok(self.y))?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::from(x),
            || LinearCombination::from(y),
            || LinearCombination::from(z),
        )?;
        let (mut v, mut val) = (x, self.x);
        for i in 0..self.n {
            let next = val * val + Fr::from(i as u64);
            let w = cs.new_witness_variable(|| Ok(next))?;
            cs.enforce_r1cs_constraint(
                || LinearCombination::from(v),
                || LinearCombination::from(v),
                || LinearCombination::from(w) - (Fr::from(i as u64), Variable::One),
            )?;
            (v, val) = (w, next);
        }
        Ok(())
    }
}

#[test]
fn equals_arkworks_proof() {
    let mut rng = StdRng::seed_from_u64(1);
    let c = Chain {
        x: Fr::from(3u64),
        y: Fr::from(5u64),
        n: 300,
        off: 0,
    };
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
    let tables = ProvingTables::new(&pk);
    // The first proof learns the matrices, the second uses them.
    for seed in [9, 10] {
        assert_eq!(tables.qap.get().is_some(), seed == 10);
        let ours = tables
            .prove::<LibsnarkReduction, _, _>(&pk, c.clone(), &mut StdRng::seed_from_u64(seed))
            .unwrap();
        let theirs =
            Groth16::<Bn254>::prove(&pk, c.clone(), &mut StdRng::seed_from_u64(seed)).unwrap();
        assert!(ours == theirs);
        assert!(Groth16::<Bn254>::verify(&vk, &[Fr::from(15u64)], &ours).unwrap());
    }
    // Matrices learned from the setup circuit are the same.
    let fresh = ProvingTables::new(&pk);
    fresh.learn_matrices(&pk, c.clone()).unwrap();
    assert!(fresh.qap.get() == tables.qap.get());
}

#[test]
fn equals_arkworks_proof_for_circom_keys() {
    let mut rng = StdRng::seed_from_u64(4);
    let c = Chain {
        x: Fr::from(7u64),
        y: Fr::from(11u64),
        n: 200,
        off: 0,
    };
    let (pk, vk) =
        Groth16::<Bn254, CircomReduction>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
    assert_eq!(crate::keys::reduction_of(&pk), QapReduction::Circom);
    let tables = ProvingTables::new(&pk);
    for seed in [1, 2] {
        let ours = tables
            .prove::<CircomReduction, _, _>(&pk, c.clone(), &mut StdRng::seed_from_u64(seed))
            .unwrap();
        let theirs = Groth16::<Bn254, CircomReduction>::prove(
            &pk,
            c.clone(),
            &mut StdRng::seed_from_u64(seed),
        )
        .unwrap();
        assert!(ours == theirs);
        assert!(Groth16::<Bn254>::verify(&vk, &[Fr::from(77u64)], &ours).unwrap());
    }
    assert!(tables.qap.get().is_some_and(|q| qap_fits(q, &pk)));
}

#[test]
fn unsatisfied_assignment_gives_an_invalid_proof() {
    let mut rng = StdRng::seed_from_u64(5);
    let c = Chain {
        x: Fr::from(3u64),
        y: Fr::from(5u64),
        n: 30,
        off: 0,
    };
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    let tables = ProvingTables::new(&pk);
    tables.learn_matrices(&pk, c.clone()).unwrap();
    // x·y = z with the public z of another y: C·z ≠ (A·z)∘(B·z) in row 0.
    let wrong = Chain { off: 1, ..c };
    assert!(tables
        .prove_checked::<LibsnarkReduction, _, _>(&pk, &pvk, wrong, &mut rng)
        .unwrap()
        .is_none());
}

/// Re-tags a file's body, as its maker would: structure errors behind a valid tag.
fn retag(body: &[u8], key: &TablesKey) -> Vec<u8> {
    [body, key.tag(body).as_bytes()].concat()
}

#[test]
fn file_round_trip_and_damage() {
    let mut rng = StdRng::seed_from_u64(3);
    let c = Chain {
        x: Fr::from(4u64),
        y: Fr::from(6u64),
        n: 40,
        off: 0,
    };
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    let key = TablesKey::from_bytes([7; 32]);
    let tables = ProvingTables::new(&pk);
    let digest = "ab".repeat(32);
    let bytes = tables.to_bytes(&digest, &key);
    let (d, again) = ProvingTables::parse("t", &bytes, &key).unwrap();
    assert_eq!(d, digest);
    assert!(again == tables);
    // Structure errors are reported, never a panic, for every truncation.
    for cut in [0, 7, 12, 76, 80, 108, bytes.len() / 2, bytes.len() - 1] {
        let e = ProvingTables::parse("t.tables", &bytes[..cut], &key)
            .err()
            .unwrap();
        assert!(e.to_string().contains("t.tables"), "{e}");
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(ProvingTables::parse("t", &long, &key).is_err());
    let body = &bytes[..bytes.len() - TABLES_TAG_LEN];
    let mut v4 = body.to_vec();
    v4[8] = 4;
    assert!(ProvingTables::parse("t", &retag(&v4, &key), &key)
        .unwrap_err()
        .to_string()
        .contains("version 4"));
    // Files of the untagged formats are refused, whatever follows the header.
    for old in [1u8, 2] {
        let mut v = body.to_vec();
        v[8] = old;
        let e = ProvingTables::parse("t", &v, &key).unwrap_err().to_string();
        assert!(e.contains("no tag"), "{e}");
    }
    // Trailing bytes behind a valid tag.
    let mut trailing = body.to_vec();
    trailing.push(0);
    assert!(ProvingTables::parse("t", &retag(&trailing, &key), &key)
        .unwrap_err()
        .to_string()
        .contains("trailing"));
    // With the matrices: they round-trip, and damaged ones are refused.
    tables.learn_matrices(&pk, c.clone()).unwrap();
    let with = tables.to_bytes(&digest, &key);
    assert!(with.len() > bytes.len());
    let (_, again) = ProvingTables::parse("t", &with, &key).unwrap();
    assert!(again == tables && again.qap.get().is_some());
    for cut in [bytes.len(), bytes.len() + 9, with.len() - 1] {
        let e = ProvingTables::parse("t.tables", &with[..cut], &key).unwrap_err();
        assert!(e.to_string().contains("t.tables"), "{e}");
    }
    let mut bad_var = with[..with.len() - TABLES_TAG_LEN].to_vec();
    let n = bad_var.len();
    bad_var[n - 1] = 0xff; // the last variable index, now out of range
    assert!(ProvingTables::parse("t", &retag(&bad_var, &key), &key)
        .unwrap_err()
        .to_string()
        .contains("matrices"));
    // A damaged point behind a valid tag parses (points are not validated), and
    // the checked prover notices the proof is invalid.
    let mut bad = body.to_vec();
    let at = body.len() - 40;
    bad[at] ^= 1;
    let (_, damaged) = ProvingTables::parse("t", &retag(&bad, &key), &key).unwrap();
    assert!(damaged
        .prove_checked::<LibsnarkReduction, _, _>(&pk, &pvk, c.clone(), &mut rng)
        .unwrap()
        .is_none());
    assert!(tables
        .prove_checked::<LibsnarkReduction, _, _>(&pk, &pvk, c, &mut rng)
        .unwrap()
        .is_some());
}

/// A file made by anyone but the voter is refused before any witness is used: a
/// hostile supplier's file (a changed base, a changed matrix entry, or a file made
/// honestly with another key), and any change to a file she made.
#[test]
fn tables_not_made_by_the_voter_are_refused() {
    let mut rng = StdRng::seed_from_u64(8);
    let c = Chain {
        x: Fr::from(2u64),
        y: Fr::from(9u64),
        n: 20,
        off: 0,
    };
    let (pk, _) = Groth16::<Bn254>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
    let tables = ProvingTables::new(&pk);
    tables.learn_matrices(&pk, c).unwrap();
    let voter = TablesKey::from_bytes([1; 32]);
    let supplier = TablesKey::from_bytes([2; 32]);
    let digest = "cd".repeat(32);
    let hers = tables.to_bytes(&digest, &voter);
    assert!(ProvingTables::parse("t", &hers, &voter).is_ok());
    let theirs = tables.to_bytes(&digest, &supplier);
    let refused = |bytes: &[u8]| {
        let e = ProvingTables::parse("t.tables", bytes, &voter)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not made with this identity"), "{e}");
    };
    refused(&theirs);
    // Every single-bit change anywhere in her file (a sample of positions).
    for at in (0..hers.len()).step_by(hers.len() / 97 + 1) {
        let mut x = hers.clone();
        x[at] ^= 0x10;
        if at < 12 {
            // Magic and version are read first: refused for what they are.
            assert!(ProvingTables::parse("t", &x, &voter).is_err());
        } else {
            refused(&x);
        }
    }
    // The key follows the identity: two identities, two keys.
    let (a, b) = ([3u8; 32], [4u8; 32]);
    let from_a = tables.to_bytes(&digest, &TablesKey::from_secret(&a));
    assert!(ProvingTables::parse("t", &from_a, &TablesKey::from_secret(&a)).is_ok());
    assert!(ProvingTables::parse("t", &from_a, &TablesKey::from_secret(&b)).is_err());
}

#[test]
fn tables_for_another_key_are_refused() {
    let mut rng = StdRng::seed_from_u64(2);
    let small = Chain {
        x: Fr::from(2u64),
        y: Fr::from(2u64),
        n: 10,
        off: 0,
    };
    let big = Chain {
        n: 20,
        ..small.clone()
    };
    let (pk_small, _) = Groth16::<Bn254>::circuit_specific_setup(small.clone(), &mut rng).unwrap();
    let (pk_big, _) = Groth16::<Bn254>::circuit_specific_setup(big, &mut rng).unwrap();
    let tables = ProvingTables::new(&pk_big);
    assert!(!tables.fits(&pk_small));
    assert!(tables
        .prove::<LibsnarkReduction, _, _>(&pk_small, small, &mut rng)
        .is_err());
}
