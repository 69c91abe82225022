//! The exported contracts on a real EVM: zkvote's Solidity verifier and ballot box,
//! compiled by the pinned solc-js (`interop/package.json`), deployed in revm, and fed
//! ballots made by zkvote's prover. The call data is the snarkjs text of
//! [`solidity_calldata`], so this also checks that that text drives the contracts.
//!
//! Uses the pinned solc-js of `interop/package-lock.json` (installed on first use).
//!
//! Gas per ballot (printed; `cargo test --release -p zkvote-interop -- --nocapture`).
//! The harness (solc-js, the revm chain, call encoding) is `chain.rs`.

use ark_bn254::{Bn254, Fr};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use revm::primitives::U256;
use zkvote_circuits::{
    ballot::{BallotRules, CensusKind},
    election::{CensusRef, Election},
};
use zkvote_interop::snarkjs::solidity_calldata;
use zkvote_prover::{keys::proving_key_bytes, vote::prove_ballot};
use zkvote_test_support::World;
use zkvote_verifier::{
    ballot::{prepare_ballot, Ballot},
    keys::{digest_hex, verifying_key_bytes},
};

mod chain;
use chain::{calldata_words, custom_error, deploy_election, fr_word, selector, Chain, Outcome};

// ---------------------------------------------------------------- ballots

/// A ballot of member `who`, as call data words.
fn ballot(
    w: &World,
    e: &Election,
    who: usize,
    votes: Vec<u32>,
    weight: u64,
    seed: u64,
) -> Vec<U256> {
    let req = w.request(e, who, votes, weight);
    let b: Ballot =
        prove_ballot(&w.pk, &w.pvk, &req, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
    let p = prepare_ballot(e, &b).unwrap();
    calldata_words(&solidity_calldata(&p.proof, &p.inputs))
}

/// Offsets of the public inputs in the call data words (after a, b, c).
const INPUT: usize = 8;

// ---------------------------------------------------------------- tests

#[test]
fn the_ballot_box_counts_valid_ballots_and_refuses_everything_else() {
    let w = World::new(CensusKind::Plain, 4, 3, 1);
    let e = w.election("X", 3, BallotRules::single(3));
    let other = w.election("Y", 3, BallotRules::single(3));
    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &w.vk, &e);
    assert_eq!(d.n, 6);

    let b0 = ballot(&w, &e, 0, vec![0, 1, 0], 1, 10);
    let b1 = ballot(&w, &e, 1, vec![0, 1, 0], 1, 11);
    let b2 = ballot(&w, &e, 2, vec![0, 0, 1], 1, 12);
    let y3 = ballot(&w, &other, 3, vec![1, 0, 0], 1, 13);

    // The verifier alone: valid, and every single-word change of the inputs or of A is refused.
    assert!(d.verify(&mut chain, &b0).0);
    assert!(
        d.verify(&mut chain, &y3).0,
        "the key serves every election of the shape"
    );
    for i in [
        0,
        1,
        INPUT,
        INPUT + 1,
        INPUT + 2,
        INPUT + 3,
        INPUT + 4,
        INPUT + 5,
    ] {
        let mut t = b0.clone();
        t[i] += U256::from(1u64);
        assert!(
            !d.verify(&mut chain, &t).0,
            "word {i} changed and still accepted"
        );
    }
    // Non-canonical encodings of the same proof: y + q, an input + r.
    let q = U256::from_str_radix(
        &<ark_bn254::Fq as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let r = U256::from_str_radix(
        &<ark_bn254::Fr as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let mut t = b0.clone();
    t[1] += q;
    assert!(!d.verify(&mut chain, &t).0);
    let mut t = b0.clone();
    t[INPUT + 2] += r;
    assert!(!d.verify(&mut chain, &t).0);
    // B with its coordinates in arkworks' order (x.c0 first) is refused.
    let mut t = b0.clone();
    t.swap(2, 3);
    t.swap(4, 5);
    assert!(!d.verify(&mut chain, &t).0);

    // The ballot box.
    assert_eq!(d.cast(&mut chain, &b0).0, Outcome::Ok(Vec::new()));
    assert_eq!(
        d.cast(&mut chain, &b0).0,
        Outcome::Revert(custom_error("NullifierUsed", b0[INPUT + 2])),
        "a second ballot with the same nullifier"
    );
    assert_eq!(
        d.cast(&mut chain, &y3).0,
        Outcome::Revert(custom_error("WrongElection", fr_word(&other.id))),
    );
    // Y's proof relabelled as X's: the election id is right, the proof is not.
    let mut relabelled = y3.clone();
    relabelled[INPUT] = fr_word(&e.id);
    let invalid = selector("InvalidProof()").to_vec();
    assert_eq!(
        d.cast(&mut chain, &relabelled).0,
        Outcome::Revert(invalid.clone())
    );
    let mut t = b1.clone();
    t[INPUT + 1] += U256::from(1u64);
    assert_eq!(
        d.cast(&mut chain, &t).0,
        Outcome::Revert(custom_error("WrongCensusRoot", t[INPUT + 1]))
    );
    let mut t = b1.clone();
    t[INPUT + 3] += U256::from(1u64);
    assert_eq!(
        d.cast(&mut chain, &t).0,
        Outcome::Revert(custom_error("WrongRules", t[INPUT + 3]))
    );
    // A changed vote: option 1 moved to option 0.
    let mut t = b1.clone();
    t[INPUT + 5] = U256::from(1u64);
    assert_eq!(d.cast(&mut chain, &t).0, Outcome::Revert(invalid.clone()));
    // A changed proof.
    let mut t = b1.clone();
    t[6] = b0[6];
    t[7] = b0[7];
    assert_eq!(d.cast(&mut chain, &t).0, Outcome::Revert(invalid));
    // None of the refused ballots used up b1's nullifier.
    assert_eq!(d.cast(&mut chain, &b1).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.cast(&mut chain, &b2).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.totals(&mut chain, 3), vec![0, 2, 1]);
}

#[test]
fn weights_multiply_unless_the_rules_spend_them() {
    let w = World::new(CensusKind::Weighted, 4, 3, 2);
    // Score 0..3 per option, weight multiplies: totals are Σ vᵢ·w.
    let score = w.election("score", 3, BallotRules::score(3, 3));
    // Quadratic with the weight as budget: Σ vᵢ² ≤ w, totals are Σ vᵢ.
    let quad = w.election("quadratic", 3, BallotRules::quadratic_weighted(3));
    let mut chain = Chain::new();
    let ds = deploy_election(&mut chain, &w.vk, &score);
    let dq = deploy_election(&mut chain, &w.vk, &quad);

    // Members 0 and 3 have census weights 10 and 13; member 3 spends 7 of them.
    for (who, votes, weight, seed) in [(0, vec![3, 0, 1], 10, 20), (3, vec![1, 2, 0], 7, 21)] {
        let b = ballot(&w, &score, who, votes, weight, seed);
        assert_eq!(ds.cast(&mut chain, &b).0, Outcome::Ok(Vec::new()));
    }
    assert_eq!(ds.totals(&mut chain, 3), vec![3 * 10 + 7, 2 * 7, 10]);

    for (who, votes, weight, seed) in [(0, vec![3, 0, 1], 10, 22), (3, vec![1, 2, 2], 13, 23)] {
        let b = ballot(&w, &quad, who, votes, weight, seed);
        assert_eq!(dq.cast(&mut chain, &b).0, Outcome::Ok(Vec::new()));
    }
    assert_eq!(dq.totals(&mut chain, 3), vec![4, 2, 3]);
}

/// Defence in depth on chain: a weight of 2⁶⁴ or more (such as `r − 1`, which circuit
/// version 1 let a weighted ballot claim) and packed votes with bits past their
/// slices are refused by the ballot box itself, before the proof is even verified, so a
/// contract never multiplies an unbounded weight into a total. (That the circuit
/// refuses `w = r − 1` is tested in `circuits/src/ballot/constraints.rs` and, on the
/// whole circuit, in `circuits/src/ballot/raw.rs`; with a real proof below.)
#[test]
fn the_ballot_box_refuses_out_of_range_weights_and_votes() {
    let w = World::new(CensusKind::Weighted, 4, 3, 4);
    let e = w.election("range", 3, BallotRules::score(3, 3));
    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &w.vk, &e);
    let good = ballot(&w, &e, 1, vec![1, 0, 3], 11, 40);
    let r = U256::from_str_radix(
        &<ark_bn254::Fr as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let weight = INPUT + 4;
    for bad in [
        r - U256::from(1u64),
        r - U256::from(5u64),
        U256::from(1u64) << 64,
        U256::MAX >> 4,
    ] {
        let mut t = good.clone();
        t[weight] = bad;
        assert_eq!(
            d.cast(&mut chain, &t).0,
            Outcome::Revert(custom_error("WeightOutOfRange", bad)),
            "weight {bad} not refused as out of range"
        );
    }
    // 3 fields: one packed input of 3 slices of 32 bits; a bit above them is refused.
    let votes = INPUT + 5;
    for bit in [96u32, 100, 200, 253] {
        let mut t = good.clone();
        t[votes] |= U256::from(1u64) << bit;
        assert_eq!(
            d.cast(&mut chain, &t).0,
            Outcome::Revert(custom_error("VotesOutOfRange", t[votes])),
            "vote bit {bit} not refused"
        );
    }
    // The honest ballot still counts: 11 × (1, 0, 3).
    assert_eq!(d.cast(&mut chain, &good).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.totals(&mut chain, 3), vec![11, 0, 33]);
}

/// The review's exploit, end to end, with a real proof: under circuit version 1 a member
/// of census weight 11 could prove a ballot with `w = r − 1` (the raw test circuit builds
/// version 1's statement and a key is made for it). That proof verifies under its key on
/// chain (`verifyProof` is true), and the ballot box refuses it anyway
/// (`WeightOutOfRange`) instead of adding `vᵢ·(r − 1)` to a total. With today's statement
/// the same assignment is unsatisfiable, and a proof forced out of it does not verify.
#[test]
fn a_real_version_1_proof_of_weight_r_minus_1_is_refused_on_chain() {
    use ark_groth16::Groth16;
    use ark_snark::SNARK;
    use zkvote_circuits::ballot::{
        public_inputs::pack_votes,
        raw::{RawBallotCircuit, RawWitness, Statement},
    };
    let w = World::new(CensusKind::Weighted, 4, 3, 5);
    let mut rng = ChaCha20Rng::seed_from_u64(50);
    let (pk1, vk1) = Groth16::<Bn254>::circuit_specific_setup(
        RawBallotCircuit::for_setup(w.shape, Statement::Version1),
        &mut rng,
    )
    .unwrap();
    let rules = BallotRules::single(3);
    let e = Election::new(
        "v1".into(),
        (0..3).map(|i| format!("o{i}")).collect(),
        "custom".into(),
        rules.clone(),
        CensusRef {
            root: w.census.root(),
            size: w.census.members().len() as u64,
        },
        w.shape,
        digest_hex(&verifying_key_bytes(&w.shape, &vk1)),
        digest_hex(&proving_key_bytes(&w.shape, &pk1)),
    )
    .unwrap();
    let who = 1;
    let (path, census_weight) = w.census.proof_for(&w.ids[who].commitment()).unwrap();
    assert_eq!(census_weight, 11);
    let secret = w.ids[who].secret_scalar();
    let votes = [0u32, 1, 0];
    let r_minus_1 = -Fr::from(1u64);
    let mut public = vec![
        e.id,
        w.census.root(),
        zkvote_circuits::nullifier::nullifier(e.id, secret),
        rules.pack().unwrap(),
        r_minus_1,
    ];
    public.extend(pack_votes(&votes));
    let circuit = |statement| RawBallotCircuit {
        shape: w.shape,
        statement,
        public: Some(public.clone()),
        witness: Some(RawWitness {
            secret,
            path: path.clone(),
            census_weight: Fr::from(census_weight),
        }),
    };
    let proof = Groth16::<Bn254>::prove(&pk1, circuit(Statement::Version1), &mut rng).unwrap();
    assert!(
        Groth16::<Bn254>::verify(&vk1, &public, &proof).unwrap(),
        "the version-1 proof is a real proof of its statement"
    );

    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &vk1, &e);
    let words = calldata_words(&solidity_calldata(&proof, &public));
    assert!(d.verify(&mut chain, &words).0, "verifyProof accepts it");
    assert_eq!(
        d.cast(&mut chain, &words).0,
        Outcome::Revert(custom_error("WeightOutOfRange", fr_word(&r_minus_1))),
        "the ballot box must refuse a weight of r - 1"
    );
    assert_eq!(d.totals(&mut chain, 3), vec![0, 0, 0]);

    // Today's statement: the same values do not satisfy it, and the proof the prover
    // computes anyway does not verify under today's key, off chain or on chain.
    {
        use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
        let cs = ConstraintSystem::<Fr>::new_ref();
        circuit(Statement::Current)
            .generate_constraints(cs.clone())
            .unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
    let forced = Groth16::<Bn254>::prove(&w.pk, circuit(Statement::Current), &mut rng).unwrap();
    assert!(!Groth16::<Bn254>::verify(&w.vk, &public, &forced).unwrap());
    let d2 = deploy_election(&mut chain, &w.vk, &w.election("v2", 3, rules));
    let words = calldata_words(&solidity_calldata(&forced, &public));
    assert!(!d2.verify(&mut chain, &words).0);
}

/// Gas of one ballot: `verifyProof` alone and `BallotBox.cast`, both whole transactions
/// (21,000 base and call data included). Semaphore v4's `validateProof` is ~289k.
#[test]
fn gas_per_ballot() {
    let mut report = Vec::new();
    for (depth, fields) in [(4, 3), (20, 8)] {
        let w = World::new(CensusKind::Plain, depth, fields, 3);
        let e = w.election("gas", 3, BallotRules::single(3));
        let mut chain = Chain::new();
        let d = deploy_election(&mut chain, &w.vk, &e);
        let b = ballot(&w, &e, 4, vec![1, 0, 0], 1, 30);
        let (ok, verify_gas) = d.verify(&mut chain, &b);
        assert!(ok);
        let (outcome, cast_gas) = d.cast(&mut chain, &b);
        assert_eq!(outcome, Outcome::Ok(Vec::new()));
        let b2 = ballot(&w, &e, 2, vec![0, 0, 1], 1, 31);
        let (outcome, cast_gas_2) = d.cast(&mut chain, &b2);
        assert_eq!(outcome, Outcome::Ok(Vec::new()));
        report.push(format!(
            "depth {depth}, {fields} fields ({} public inputs): verifyProof {verify_gas} gas, \
             cast {cast_gas} gas (first ballot), {cast_gas_2} gas (next ballot); \
             deployment {} + {} gas",
            d.n, d.deploy_gas.0, d.deploy_gas.1
        ));
        // A verifier that cost more than Semaphore's would be a regression to look at.
        assert!(verify_gas < 289_000, "verifyProof costs {verify_gas} gas");
        assert!(cast_gas < 400_000, "cast costs {cast_gas} gas");
    }
    for line in report {
        println!("gas: {line}");
    }
}
