//! The engine alone, on a toy circuit (no voting crate is a dependency of this crate):
//! its prover (fixed-base tables, QAP map, both reductions) and its verifier (single
//! and batch) agree with each other and with arkworks.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
use ark_snark::SNARK;
use zkvote_engine::test_circuit::{fixture, rng, TestCircuit, NUM_SECRETS};
use zkvote_engine::{
    batch_verify, decode_proof, encode_proof, keys::check_proving_key, tables::ProvingTables,
    verify_one, Error,
};

fn circuit(seed: u64) -> TestCircuit {
    TestCircuit::random(NUM_SECRETS, &mut rng(seed))
}

#[test]
fn the_engines_prover_and_verifier_agree_on_a_toy_circuit() {
    let f = fixture();
    check_proving_key(&f.pk).expect("a key from arkworks' setup is well formed");
    let tables = ProvingTables::new(&f.pk);
    let mut items = Vec::new();
    for seed in 0..4 {
        let c = circuit(100 + seed);
        let inputs = c.public_inputs();
        // The same randomness gives arkworks' proof, point for point.
        let ours = tables
            .prove::<LibsnarkReduction, _, _>(&f.pk, c.clone(), &mut rng(seed))
            .unwrap();
        let theirs = Groth16::<Bn254>::prove(&f.pk, c, &mut rng(seed)).unwrap();
        assert_eq!(ours, theirs);
        verify_one(&f.pvk, &ours, &inputs).unwrap();
        // Through the ballot encoding and back.
        let decoded = decode_proof(&encode_proof(&ours).unwrap()).unwrap();
        assert_eq!(decoded, ours);
        items.push((ours, inputs));
    }
    // Checked proving: verifies under the key, and the matrices are learned.
    let c = circuit(200);
    let inputs = c.public_inputs();
    let checked = tables
        .prove_checked::<LibsnarkReduction, _, _>(&f.pk, &f.pvk, c, &mut rng(9))
        .unwrap()
        .expect("tables of this key prove");
    verify_one(&f.pvk, &checked, &inputs).unwrap();
    assert!(tables.qap.get().is_some());
    items.push((checked, inputs));

    // Batch: all valid; one changed input is found, and only it.
    assert!(batch_verify(&f.pvk, &items).iter().all(|r| r.is_ok()));
    items[2].1[0] += Fr::from(1u64);
    let out = batch_verify(&f.pvk, &items);
    for (i, r) in out.iter().enumerate() {
        if i == 2 {
            assert_eq!(r, &Err(Error::InvalidProof));
        } else {
            assert!(r.is_ok(), "proof {i}: {r:?}");
        }
    }
}
