//! The ballot circuit end to end: proving, verification, and every way a ballot must
//! fail. Small shapes keep it fast; the default shape is pinned separately.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{prepare_verifying_key, Groth16};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_circuits::{
    ballot::{
        circuit::{BallotCircuit, BallotWitness},
        public_inputs::BallotInstance,
        BallotRules, CensusKind,
    },
    election::Election,
    nullifier::nullifier,
};
use zkvote_prover::vote::{build_circuit, prove_ballot, prove_ballots};
use zkvote_test_support::World;
use zkvote_verifier::{
    ballot::{verify_ballot, Ballot},
    keys::{digest_hex, verifying_key_bytes},
    tally::{tally, BoxOrder, TallyInput, TallyResult},
    Error,
};

#[test]
fn plain_ballots_prove_verify_and_tally() {
    let w = World::new(CensusKind::Plain, 4, 3, 1);
    let e = w.election("X", 3, BallotRules::single(3));
    let other = w.election("Y", 3, BallotRules::single(3));
    let pvk = prepare_verifying_key(&w.vk);
    let mut rng = ChaCha20Rng::seed_from_u64(2);

    let b0 = prove_ballot(&w.pk, &w.pvk, &w.request(&e, 0, vec![0, 1, 0], 1), &mut rng).unwrap();
    verify_ballot(&e, &pvk, &b0).unwrap();
    assert_eq!(b0.nullifier, nullifier(e.id, w.ids[0].secret_scalar()));

    // A proof for election X is no ballot for election Y.
    assert!(matches!(
        verify_ballot(&other, &pvk, &b0),
        Err(Error::WrongElection { .. })
    ));
    let mut moved = b0.clone();
    moved.election_id = other.id;
    assert!(verify_ballot(&other, &pvk, &moved).is_err());

    // A changed vote, nullifier or weight is rejected.
    let mut changed = b0.clone();
    changed.votes = vec![1, 0, 0];
    assert!(matches!(
        verify_ballot(&e, &pvk, &changed),
        Err(Error::Engine(zkvote_engine::Error::InvalidProof))
    ));
    let mut changed = b0.clone();
    changed.nullifier += Fr::from(1u64);
    assert!(matches!(
        verify_ballot(&e, &pvk, &changed),
        Err(Error::Engine(zkvote_engine::Error::InvalidProof))
    ));
    let mut changed = b0.clone();
    changed.votes = vec![1, 1, 0];
    assert!(matches!(
        verify_ballot(&e, &pvk, &changed),
        Err(Error::Rules(_))
    ));

    // A batch of ballots, a double vote, a re-randomised copy, a tampered one.
    let reqs: Vec<_> = (1..5)
        .map(|i| w.request(&e, i, vec![(i % 2) as u32, 0, ((i + 1) % 2) as u32], 1))
        .collect();
    let mut ballots: Vec<Ballot> = prove_ballots(&w.pk, &w.pvk, &reqs, &mut rng)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    ballots.insert(0, b0.clone());
    let again = prove_ballot(&w.pk, &w.pvk, &w.request(&e, 0, vec![0, 0, 1], 1), &mut rng).unwrap();
    let proof = zkvote_engine::decode_proof(&hex::decode(&b0.proof).unwrap()).unwrap();
    let rerand = Groth16::<Bn254>::rerandomize_proof(&w.vk, &proof, &mut rng);
    let mut copy = b0.clone();
    copy.proof = hex::encode(zkvote_verifier::ballot::encode_proof(&rerand));
    assert_ne!(copy.proof, b0.proof);
    verify_ballot(&e, &pvk, &copy).unwrap();
    let mut inputs: Vec<TallyInput> = ballots
        .iter()
        .enumerate()
        .map(|(i, b)| TallyInput::new(format!("b{i}"), Ok(b.clone())))
        .collect();
    inputs.push(TallyInput::new("again", Ok(again)));
    inputs.push(TallyInput::new("copy", Ok(copy)));
    inputs.push(TallyInput::new("changed", Ok(changed)));
    inputs.push(TallyInput::new(
        "garbage",
        Ballot::from_json("garbage", "{\"version\": 1}"),
    ));
    let result = tally(&e, &pvk, inputs.clone(), BoxOrder::Log);
    assert_eq!(result.counted.len(), 5);
    assert_eq!(result.totals, vec![2, 1, 2]);
    let reasons: Vec<(&str, &str)> = result
        .rejected
        .iter()
        .map(|r| (r.source.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].0 == "again" && reasons[0].1.contains("duplicate"));
    assert!(reasons[1].0 == "copy" && reasons[1].1.contains("duplicate"));
    assert_eq!(reasons[2].0, "changed");
    assert_eq!(reasons[3].0, "garbage");
    assert_eq!(result.ballots.len(), 9);

    // The same box as an unordered set: member 0's ballots (b0, its re-randomised copy,
    // and `again` with other votes) conflict, and none of them counts.
    let unordered = tally(&e, &pvk, inputs.clone(), BoxOrder::Unordered);
    assert_eq!(unordered.counted.len(), 4);
    let conflict: Vec<&str> = unordered
        .rejected
        .iter()
        .filter(|r| r.reason.contains("conflicting"))
        .map(|r| r.source.as_str())
        .collect();
    assert_eq!(conflict, ["again", "b0", "copy"]);
    // Without `again`, the re-randomised copy is the same vote: counted once.
    let no_again: Vec<TallyInput> = inputs
        .iter()
        .filter(|i| i.source != "again")
        .cloned()
        .collect();
    let u = tally(&e, &pvk, no_again.clone(), BoxOrder::Unordered);
    assert_eq!(u.totals, result.totals);
    assert_eq!(u.counted.len(), 5);
    let copies = u
        .rejected
        .iter()
        .filter(|r| r.reason.contains("copy of the ballot"))
        .count();
    assert_eq!(copies, 1, "{:?}", u.rejected);
    // Swapping the names of b0 and its copy counts the same content, now under the
    // other name: the choice reads the ballots, not the names.
    let swapped: Vec<TallyInput> = no_again
        .into_iter()
        .rev()
        .map(|mut i| {
            i.source = match i.source.as_str() {
                "b0" => "copy".into(),
                "copy" => "b0".into(),
                s => s.into(),
            };
            i
        })
        .collect();
    let v = tally(&e, &pvk, swapped, BoxOrder::Unordered);
    assert_eq!(v.totals, u.totals);
    assert_eq!(v.counted, u.counted);
    let kept = |r: &TallyResult| {
        r.ballots
            .iter()
            .find(|b| (b.source == "b0" || b.source == "copy") && b.status == "counted")
            .map(|b| b.source.clone())
            .unwrap()
    };
    assert_ne!(kept(&u), kept(&v));
}

#[test]
fn weighted_quadratic_ballots() {
    let w = World::new(CensusKind::Weighted, 4, 3, 3);
    let e = w.election("Q", 3, BallotRules::quadratic_weighted(3));
    let pvk = prepare_verifying_key(&w.vk);
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    // Member 2 has weight 12: 2² + 2² + 2² = 12 ≤ w = 12.
    let b = prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&e, 2, vec![2, 2, 2], 12),
        &mut rng,
    )
    .unwrap();
    verify_ballot(&e, &pvk, &b).unwrap();
    // Spending less than the census weight hides it: w = 11 < 12 is fine for Σ = 9.
    let b = prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&e, 2, vec![1, 2, 2], 11),
        &mut rng,
    )
    .unwrap();
    verify_ballot(&e, &pvk, &b).unwrap();
    // Claiming more weight than the census gives is refused before proving …
    assert!(prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&e, 2, vec![2, 2, 2], 13),
        &mut rng
    )
    .is_err());
    // … and unprovable if forced into the circuit.
    let req = w.request(&e, 2, vec![2, 2, 2], 12);
    let (mut circuit, _) = build_circuit(&req).unwrap();
    circuit.instance.as_mut().unwrap().weight = 13;
    let cs = ConstraintSystem::<Fr>::new_ref();
    circuit.generate_constraints(cs.clone()).unwrap();
    assert!(!cs.is_satisfied().unwrap());
}

/// Builds a satisfied circuit for member 0, then breaks one part of the witness or
/// statement at a time: each must leave the system unsatisfied.
#[test]
fn tampered_witnesses_are_unsatisfied() {
    let w = World::new(CensusKind::Plain, 4, 3, 5);
    let e = w.election("T", 3, BallotRules::ranked(3));
    let req = w.request(&e, 1, vec![3, 1, 2], 1);
    let (good, _) = build_circuit(&req).unwrap();
    let check = |c: BallotCircuit| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).unwrap();
        cs.is_satisfied().unwrap()
    };
    assert!(check(good.clone()));
    type Tamper = Box<dyn Fn(&mut BallotInstance, &mut BallotWitness)>;
    let cases: Vec<(&str, Tamper)> = vec![
        ("secret", Box::new(|_, w| w.secret += Fr::from(1u64))),
        (
            "sibling",
            Box::new(|_, w| w.path.siblings[0] += Fr::from(1u64)),
        ),
        ("index", Box::new(|_, w| w.path.index ^= 1)),
        ("root", Box::new(|i, _| i.census_root += Fr::from(1u64))),
        ("nullifier", Box::new(|i, _| i.nullifier += Fr::from(1u64))),
        ("scope", Box::new(|i, _| i.election_id += Fr::from(1u64))),
        ("unique", Box::new(|i, _| i.votes = vec![1, 1, 2])),
        ("range", Box::new(|i, _| i.votes = vec![4, 1, 2])),
        ("total", Box::new(|i, _| i.votes = vec![3, 1, 3])),
        ("weight", Box::new(|i, _| i.weight = 2)),
    ];
    for (name, tamper) in cases {
        let mut c = good.clone();
        tamper(c.instance.as_mut().unwrap(), c.witness.as_mut().unwrap());
        assert!(!check(c), "tampered {name} still satisfies the circuit");
    }
}

/// The verifying key of a fixed-seed setup and a ballot saved when this test was
/// written: any change to the circuit, the setup or the encodings shows here, and old
/// ballots must keep verifying. Regenerate with `ZKVOTE_REGENERATE=1` only for a
/// deliberate, versioned change of the statement.
#[test]
fn verifying_key_digest_and_saved_ballot_are_pinned() {
    let w = World::new(CensusKind::Plain, 4, 3, 2026);
    let vk_digest = digest_hex(&verifying_key_bytes(&w.shape, &w.vk));
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (election_path, ballot_path) = (
        data.join("saved-election.json"),
        data.join("saved-ballot.json"),
    );
    if std::env::var_os("ZKVOTE_REGENERATE").is_some() {
        let e = w.election("pinned", 3, BallotRules::ranked(3));
        let b = prove_ballot(
            &w.pk,
            &w.pvk,
            &w.request(&e, 3, vec![2, 3, 1], 1),
            &mut ChaCha20Rng::seed_from_u64(7),
        )
        .unwrap();
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(&election_path, serde_json::to_string_pretty(&e).unwrap()).unwrap();
        std::fs::write(&ballot_path, serde_json::to_string_pretty(&b).unwrap()).unwrap();
        eprintln!("regenerated; vk digest {vk_digest}");
    }
    assert_eq!(vk_digest, PINNED_VK_DIGEST);
    // The weighted circuit, which circuit version 2 changed (the weight's range check).
    let weighted = World::new(CensusKind::Weighted, 4, 3, 2026);
    assert_eq!(
        digest_hex(&verifying_key_bytes(&weighted.shape, &weighted.vk)),
        PINNED_WEIGHTED_VK_DIGEST
    );
    let e: Election =
        serde_json::from_str(&std::fs::read_to_string(&election_path).unwrap()).unwrap();
    let b: Ballot = serde_json::from_str(&std::fs::read_to_string(&ballot_path).unwrap()).unwrap();
    e.validate().unwrap();
    assert_eq!(e.verifying_key_digest, vk_digest);
    verify_ballot(&e, &prepare_verifying_key(&w.vk), &b).unwrap();
}

/// SHA-256 of the verifying key file of shape (depth 4, 3 fields, plain) from the
/// ChaCha20 seed 2026 (circuit version 2, key format 3).
const PINNED_VK_DIGEST: &str = "79e2320895fe0fb58cbe874e915812cf7f304d28a43c3c8aa856a456697b9950";
/// The same for the weighted census (depth 4, 3 fields).
const PINNED_WEIGHTED_VK_DIGEST: &str =
    "afbf3995d5f3cf4950fb4cee17265fede8f46afeb3f790d4a66a94d7cac7976c";

/// Every kind of bad ballot in one box: each rejected with its own reason, none aborts
/// the tally, and the good ballots still count.
#[test]
fn bad_ballots_are_rejected_with_reasons_and_never_abort_a_tally() {
    use ark_bn254::{Fq2, G2Affine};
    use ark_ff::{One, UniformRand};
    use ark_serialize::CanonicalSerialize;

    let w = World::new(CensusKind::Plain, 4, 3, 11);
    let e = w.election("bad", 3, BallotRules::approval(3, 2));
    let other = w.election("other", 3, BallotRules::approval(3, 2));
    let pvk = prepare_verifying_key(&w.vk);
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let good = prove_ballot(&w.pk, &w.pvk, &w.request(&e, 0, vec![1, 0, 1], 1), &mut rng).unwrap();
    let good2 = prove_ballot(&w.pk, &w.pvk, &w.request(&e, 1, vec![0, 1, 0], 1), &mut rng).unwrap();
    let foreign = prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&other, 2, vec![0, 1, 0], 1),
        &mut rng,
    )
    .unwrap();
    let proof_bytes = hex::decode(&good.proof).unwrap();

    let mut off_curve = proof_bytes.clone();
    off_curve[40] ^= 1; // A's y coordinate
                        // A point on the G2 curve outside the prime-order subgroup, in place of B.
    let mut x = Fq2::rand(&mut rng);
    let b = loop {
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, true) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                break p;
            }
        }
        x += Fq2::one();
    };
    assert!(b.is_on_curve());
    let mut b_bytes = Vec::new();
    b.serialize_uncompressed(&mut b_bytes).unwrap();
    let mut outside = proof_bytes.clone();
    outside[64..192].copy_from_slice(&b_bytes);

    let with_proof = |bytes: &[u8]| {
        let mut b = good.clone();
        b.proof = hex::encode(bytes);
        Ok(b)
    };
    let json = serde_json::to_string(&good).unwrap();
    let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    let cases: Vec<(&str, Result<Ballot, Error>, &str)> = vec![
        ("good", Ok(good.clone()), ""),
        (
            "not-hex",
            {
                let mut b = good.clone();
                b.proof = "zz".into();
                Ok(b)
            },
            "not hex",
        ),
        ("short", with_proof(&proof_bytes[..200]), "bytes"),
        ("off-curve", with_proof(&off_curve), "curve"),
        ("outside-subgroup", with_proof(&outside), "subgroup"),
        (
            "two-values",
            {
                let mut b = good.clone();
                b.votes.pop();
                Ok(b)
            },
            "vote values",
        ),
        (
            "value-too-big",
            Ballot::from_json(
                "value-too-big",
                &json.replace("\"votes\":[1,0,1]", "\"votes\":[1,0,4294967296]"),
            ),
            "u32",
        ),
        (
            "nullifier-r",
            Ballot::from_json(
                "nullifier-r",
                &json.replace(&zkvote_circuits::field::fr_to_decimal(&good.nullifier), r),
            ),
            "modulus",
        ),
        (
            "version-9",
            {
                let mut b = good.clone();
                b.version = 9;
                Ok(b)
            },
            "version 9",
        ),
        ("foreign", Ok(foreign), "another election"),
        (
            "rules",
            {
                let mut b = good.clone();
                b.votes = vec![1, 1, 1];
                Ok(b)
            },
            "above the budget",
        ),
        ("good2", Ok(good2), ""),
    ];
    let expect: Vec<(&str, &str)> = cases.iter().map(|(s, _, r)| (*s, *r)).collect();
    let inputs = cases
        .into_iter()
        .map(|(s, b, _)| TallyInput::new(s, b))
        .collect();
    let result = tally(&e, &pvk, inputs, BoxOrder::Log);
    assert_eq!(result.totals, vec![1, 1, 1]);
    assert_eq!(result.counted.len(), 2);
    assert_eq!(result.ballots.len(), expect.len());
    for (outcome, (source, needle)) in result.ballots.iter().zip(expect) {
        assert_eq!(outcome.source, source);
        if needle.is_empty() {
            assert_eq!(outcome.status, "counted", "{source}: {outcome:?}");
        } else {
            let reason = outcome.reason.as_deref().unwrap_or_default();
            assert_eq!(outcome.status, "rejected", "{source}");
            assert!(
                reason.contains(needle),
                "{source}: {reason:?} lacks {needle:?}"
            );
        }
    }
}

/// Ballots proved with precomputed tables are the ballots the standard prover makes
/// (same seed, same bytes) and they verify; tables of another key give an error, never
/// a ballot, and never a second try with the standard prover (whether it happened
/// would depend on the witness).
#[test]
fn tables_make_the_same_ballots_and_foreign_tables_an_error() {
    use zkvote_engine::tables::ProvingTables;
    use zkvote_prover::vote::{prove_ballot_with, prove_ballots_with, ProvedWith};
    let w = World::new(CensusKind::Weighted, 4, 3, 5);
    let e = w.election("T", 3, BallotRules::quadratic(3, 30));
    let tables = ProvingTables::new(&w.pk);
    let req = w.request(&e, 1, vec![3, 1, 1], 11);
    let plain = prove_ballot(&w.pk, &w.pvk, &req, &mut ChaCha20Rng::seed_from_u64(4)).unwrap();
    let (fast, with) = prove_ballot_with(
        &w.pk,
        &w.pvk,
        Some(&tables),
        &req,
        &mut ChaCha20Rng::seed_from_u64(4),
    )
    .unwrap();
    assert_eq!(with, ProvedWith::Tables);
    assert_eq!(fast, plain);
    verify_ballot(&e, &w.pvk, &fast).unwrap();

    let reqs: Vec<_> = (0..4)
        .map(|i| w.request(&e, i, vec![1, 1, 1], 10))
        .collect();
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    for b in prove_ballots_with(&w.pk, &w.pvk, Some(&tables), &reqs, &mut rng) {
        verify_ballot(&e, &w.pvk, &b.unwrap()).unwrap();
    }

    // Tables of another key with the same sizes (another setup of the same shape).
    let other = World::new(CensusKind::Weighted, 4, 3, 6);
    let foreign = ProvingTables::new(&other.pk);
    assert!(foreign.fits(&w.pk));
    let err = prove_ballot_with(&w.pk, &w.pvk, Some(&foreign), &req, &mut rng).unwrap_err();
    assert!(
        matches!(
            err,
            zkvote_prover::Error::ProofCheck {
                with: "with the proving tables",
                ..
            }
        ),
        "{err}"
    );
}

/// `vote` never returns a ballot it has not verified under the election's verifying
/// key: a proving key of another setup, the wrong verifying key, a proving key with
/// δ₁ at infinity (its `A` would not depend on the randomness) or with a changed base
/// are each refused, with the standard prover and with tables.
#[test]
fn ballots_are_checked_against_the_election_key_before_they_exist() {
    use ark_ec::{AffineRepr, CurveGroup};
    use zkvote_engine::tables::ProvingTables;
    use zkvote_prover::{vote::prove_ballot_with, Error as ProverError};
    let w = World::new(CensusKind::Plain, 4, 3, 21);
    let e = w.election("E", 3, BallotRules::single(3));
    let req = w.request(&e, 0, vec![0, 1, 0], 1);
    let mut rng = ChaCha20Rng::seed_from_u64(22);
    prove_ballot(&w.pk, &w.pvk, &req, &mut rng).unwrap();

    // Another setup's proving key: its embedded verifying key is not the election's.
    let other = World::new(CensusKind::Plain, 4, 3, 23);
    let err = prove_ballot(&other.pk, &w.pvk, &req, &mut rng).unwrap_err();
    assert!(err.to_string().contains("another verifying key"), "{err}");
    // The right proving key with another verifying key than the election's.
    let err = prove_ballot(&w.pk, &other.pvk, &req, &mut rng).unwrap_err();
    assert!(err.to_string().contains("not the election's"), "{err}");

    // δ₁ at infinity, everything else the election's.
    let mut no_delta = w.pk.clone();
    no_delta.delta_g1 = ark_bn254::G1Affine::zero();
    let err = prove_ballot(&no_delta, &w.pvk, &req, &mut rng).unwrap_err();
    assert!(
        err.to_string()
            .contains("delta (G1) is the point at infinity"),
        "{err}"
    );
    // δ₁ another point (A would be randomised by something that does not cancel).
    let mut bad_delta = w.pk.clone();
    bad_delta.delta_g1 = (bad_delta.delta_g1 + bad_delta.delta_g1).into_affine();
    let err = prove_ballot(&bad_delta, &w.pvk, &req, &mut rng).unwrap_err();
    assert!(err.to_string().contains("do not match"), "{err}");

    // One A base changed: the proof fails its check under the election's key, with and
    // without tables, and no ballot comes out.
    let mut bad_base = w.pk.clone();
    bad_base.a_query[7] = (bad_base.a_query[7] + bad_base.a_query[8]).into_affine();
    for tables in [None, Some(ProvingTables::new(&bad_base))] {
        let err =
            prove_ballot_with(&bad_base, &w.pvk, tables.as_ref(), &req, &mut rng).unwrap_err();
        assert!(matches!(err, ProverError::ProofCheck { .. }), "{err}");
    }
}

/// Policy `last` in a log: the latest choice counts; a re-randomised copy of an older
/// ballot appended after a change does not bring the old choice back; a ballot logged
/// outside the window is rejected.
#[test]
fn policy_last_counts_the_latest_choice_and_the_window_is_enforced() {
    use zkvote_circuits::election::{Revote, VotingWindow};
    let w = World::new(CensusKind::Plain, 4, 3, 7);
    let window = VotingWindow::new(1_000, 2_000).unwrap();
    let e = w
        .election("last", 3, BallotRules::single(3))
        .with_schedule(Some(window), Revote::Last)
        .unwrap();
    let pvk = prepare_verifying_key(&w.vk);
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let mut prove = |who: usize, votes: Vec<u32>| {
        prove_ballot(&w.pk, &w.pvk, &w.request(&e, who, votes, 1), &mut rng).unwrap()
    };
    let a = prove(0, vec![1, 0, 0]);
    let b = prove(0, vec![0, 1, 0]);
    let c = prove(1, vec![0, 0, 1]);
    let late = prove(2, vec![1, 0, 0]);
    let early = prove(3, vec![1, 0, 0]);
    let proof = zkvote_engine::decode_proof(&hex::decode(&a.proof).unwrap()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let rerand = Groth16::<Bn254>::rerandomize_proof(&w.vk, &proof, &mut rng);
    let mut a_copy = a.clone();
    a_copy.proof = hex::encode(zkvote_verifier::ballot::encode_proof(&rerand));
    verify_ballot(&e, &pvk, &a_copy).unwrap();

    let at = |source: &str, b: &Ballot, t: u64| TallyInput {
        source: source.into(),
        ballot: Ok(b.clone()),
        cast_at: Some(t),
    };
    let inputs = vec![
        at("a", &a, 1_000),
        at("c", &c, 1_100),
        at("b", &b, 1_200),
        at("a-copy", &a_copy, 1_300),
        at("late", &late, 2_000),
        at("early", &early, 999),
        at("b-again", &b, 1_999),
    ];
    let result = tally(&e, &pvk, inputs.clone(), BoxOrder::Log);
    let status: Vec<(&str, &str, &str)> = result
        .ballots
        .iter()
        .map(|o| {
            (
                o.source.as_str(),
                o.status.as_str(),
                o.reason.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(result.totals, vec![0, 1, 1], "{status:#?}");
    assert_eq!(status[0].1, "rejected");
    assert!(status[0].2.contains("superseded: the later ballot from b"));
    assert_eq!(status[1].1, "counted");
    assert_eq!(status[2].1, "counted");
    assert!(status[3]
        .2
        .contains("repeats the choice of the ballot from a"));
    assert!(status[4].2.contains("after the voting window closed"));
    assert!(status[5].2.contains("before the voting window opened"));
    assert!(status[6].2.contains("copy of the ballot from b"));
    assert_eq!(result.rejected.len(), 5);

    // The same ballots under policy `first`: the first choice counts.
    let first = w
        .election("last", 3, BallotRules::single(3))
        .with_schedule(Some(window), Revote::First)
        .unwrap();
    // Another election id, so prove again under `first`.
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    let a = prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&first, 0, vec![1, 0, 0], 1),
        &mut rng,
    )
    .unwrap();
    let b = prove_ballot(
        &w.pk,
        &w.pvk,
        &w.request(&first, 0, vec![0, 1, 0], 1),
        &mut rng,
    )
    .unwrap();
    let result = tally(
        &first,
        &pvk,
        vec![at("a", &a, 1_000), at("b", &b, 1_001)],
        BoxOrder::Log,
    );
    assert_eq!(result.totals, vec![1, 0, 0]);
    assert!(result.rejected[0].reason.contains("duplicate nullifier"));

    // Without times (ballot files), the window cannot be and is not applied.
    let untimed: Vec<TallyInput> = inputs
        .into_iter()
        .map(|i| TallyInput { cast_at: None, ..i })
        .filter(|i| i.source == "late")
        .collect();
    assert_eq!(tally(&e, &pvk, untimed, BoxOrder::Log).counted.len(), 1);
}
