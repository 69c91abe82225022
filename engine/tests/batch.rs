//! Single and batched verification: acceptance, exact isolation of bad proofs,
//! independence from batch size and thread count, determinism.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof};
use merlin::Transcript;
use zkvote_engine::labels;
use zkvote_engine::test_circuit::{fixture, rng, valid_items, NUM_INPUTS};
use zkvote_engine::{
    batch_verify, batch_verify_refs, verify_one, BatchTranscript, Error, PointProblem, ProofElement,
};

type Item = (Proof<Bn254>, Vec<Fr>);

#[derive(Clone, Copy, Debug)]
enum Tamper {
    /// `A ← A + G1`.
    A,
    /// Swap the first two public inputs.
    SwapInputs,
    /// The proof of another statement.
    OtherStatement,
}

const TAMPERS: [Tamper; 3] = [Tamper::A, Tamper::SwapInputs, Tamper::OtherStatement];

fn tamper(items: &mut [Item], i: usize, how: Tamper) {
    match how {
        Tamper::A => {
            let a = (items[i].0.a + G1Affine::generator()).into_affine();
            items[i].0.a = a;
        }
        Tamper::SwapInputs => items[i].1.swap(0, 1),
        Tamper::OtherStatement => {
            let statements = &fixture().statements;
            // valid_items puts statement i % 8 at position i.
            let other = &statements[(i + 1) % statements.len()];
            items[i].0 = other.0.clone();
        }
    }
}

fn expected(pvk: &PreparedVerifyingKey<Bn254>, items: &[Item]) -> Vec<Result<(), Error>> {
    items.iter().map(|(p, x)| verify_one(pvk, p, x)).collect()
}

fn bad_positions(n: usize) -> Vec<Vec<usize>> {
    let mut sets = vec![vec![0], vec![n - 1]];
    if n >= 2 {
        sets.push(vec![0, n - 1]);
    }
    if n >= 7 {
        sets.push(vec![2, 5]);
        sets.push((0..n).filter(|i| i % 3 == 1).collect());
    }
    if n >= 64 {
        sets.push(vec![31, 32]);
        sets.push((0..n).filter(|i| i % 2 == 0).collect());
        sets.push((0..n).collect());
    }
    sets
}

#[test]
fn honest_batches_are_accepted() {
    let f = fixture();
    for n in [1, 2, 7, 64] {
        let items = valid_items(n, n as u64);
        let results = batch_verify(&f.pvk, &items);
        assert_eq!(results.len(), n);
        assert!(results.iter().all(Result::is_ok), "size {n}: {results:?}");
    }
}

#[test]
fn empty_batch_gives_no_results() {
    assert!(batch_verify(&fixture().pvk, &[]).is_empty());
}

#[test]
fn bad_proofs_are_isolated_exactly() {
    let f = fixture();
    for n in [1, 2, 7, 64] {
        for bad in bad_positions(n) {
            for how in TAMPERS {
                let mut items = valid_items(n, 7);
                for &i in &bad {
                    tamper(&mut items, i, how);
                }
                let results = batch_verify(&f.pvk, &items);
                for (i, r) in results.iter().enumerate() {
                    if bad.contains(&i) {
                        assert_eq!(
                            r,
                            &Err(Error::InvalidProof),
                            "n={n} {how:?} bad={bad:?} i={i}"
                        );
                    } else {
                        assert_eq!(r, &Ok(()), "n={n} {how:?} bad={bad:?} i={i}");
                    }
                }
                assert_eq!(results, expected(&f.pvk, &items));
            }
        }
    }
}

/// A mix of every kind of bad item, including ones rejected before batching.
fn mixed_items() -> Vec<Item> {
    let mut items = valid_items(64, 99);
    tamper(&mut items, 3, Tamper::A);
    tamper(&mut items, 17, Tamper::SwapInputs);
    tamper(&mut items, 18, Tamper::OtherStatement);
    tamper(&mut items, 40, Tamper::A);
    items[50].1.pop();
    items[51].0.c = G1Affine::zero();
    items
}

fn check_mixed(results: &[Result<(), Error>]) {
    for (i, r) in results.iter().enumerate() {
        let want = match i {
            3 | 17 | 18 | 40 => Err(Error::InvalidProof),
            50 => Err(Error::PublicInputCount {
                expected: NUM_INPUTS,
                got: NUM_INPUTS - 1,
            }),
            51 => Err(Error::InvalidPoint {
                element: ProofElement::C,
                problem: PointProblem::Identity,
            }),
            _ => Ok(()),
        };
        assert_eq!(r, &want, "item {i}");
    }
}

#[test]
fn outcome_does_not_depend_on_batch_size() {
    let f = fixture();
    let items = mixed_items();
    let whole = batch_verify(&f.pvk, &items);
    check_mixed(&whole);
    for size in [1, 2, 7, 13, 63] {
        let chunked: Vec<_> = items
            .chunks(size)
            .flat_map(|c| batch_verify(&f.pvk, c))
            .collect();
        assert_eq!(chunked, whole, "chunks of {size}");
    }
    assert_eq!(whole, expected(&f.pvk, &items));
}

#[test]
fn outcome_does_not_depend_on_thread_count() {
    let f = fixture();
    let items = mixed_items();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| batch_verify(&f.pvk, &items))
    };
    let one = run(1);
    check_mixed(&one);
    assert_eq!(run(2), one);
    assert_eq!(run(3), one);
}

#[test]
fn same_input_same_output() {
    let f = fixture();
    let items = mixed_items();
    assert_eq!(batch_verify(&f.pvk, &items), batch_verify(&f.pvk, &items));
    let refs: Vec<(&Proof<Bn254>, &[Fr])> = items.iter().map(|(p, x)| (p, x.as_slice())).collect();
    assert_eq!(
        batch_verify_refs(&f.pvk, &refs),
        batch_verify(&f.pvk, &items)
    );
}

#[test]
fn rerandomised_proofs_verify() {
    let f = fixture();
    let (proof, x) = &f.statements[0];
    let mut rng = rng(5);
    let p1 = Groth16::<Bn254>::rerandomize_proof(&f.pk.vk, proof, &mut rng);
    let p2 = Groth16::<Bn254>::rerandomize_proof(&f.pk.vk, &p1, &mut rng);
    assert_ne!(&p1, proof);
    assert_ne!(p1, p2);
    assert_eq!(verify_one(&f.pvk, proof, x), Ok(()));
    assert_eq!(verify_one(&f.pvk, &p1, x), Ok(()));
    assert_eq!(verify_one(&f.pvk, &p2, x), Ok(()));
    let items = vec![(p1, x.clone()), (p2, x.clone())];
    assert_eq!(batch_verify(&f.pvk, &items), vec![Ok(()), Ok(())]);
}

#[test]
fn verify_one_reports_the_problem() {
    let f = fixture();
    let (proof, x) = &f.statements[1];
    assert_eq!(verify_one(&f.pvk, proof, x), Ok(()));
    assert_eq!(
        verify_one(&f.pvk, proof, &x[..NUM_INPUTS - 1]),
        Err(Error::PublicInputCount {
            expected: NUM_INPUTS,
            got: NUM_INPUTS - 1
        })
    );
    let mut longer = x.clone();
    longer.push(Fr::from(0u64));
    assert!(matches!(
        verify_one(&f.pvk, proof, &longer),
        Err(Error::PublicInputCount { got, .. }) if got == NUM_INPUTS + 1
    ));
    let mut y = x.clone();
    y[NUM_INPUTS - 1] += Fr::from(1u64);
    assert_eq!(verify_one(&f.pvk, proof, &y), Err(Error::InvalidProof));

    let mut p = proof.clone();
    p.a = G1Affine::zero();
    assert_eq!(
        verify_one(&f.pvk, &p, x),
        Err(Error::InvalidPoint {
            element: ProofElement::A,
            problem: PointProblem::Identity
        })
    );
    let mut p = proof.clone();
    p.c = G1Affine::new_unchecked(proof.c.x, proof.c.y + ark_bn254::Fq::from(1u64));
    assert_eq!(
        verify_one(&f.pvk, &p, x),
        Err(Error::InvalidPoint {
            element: ProofElement::C,
            problem: PointProblem::NotOnCurve
        })
    );
    // B from another proof: well formed, wrong.
    let mut p = proof.clone();
    p.b = f.statements[2].0.b;
    assert_eq!(verify_one(&f.pvk, &p, x), Err(Error::InvalidProof));
}

#[test]
fn malformed_key_is_reported_for_every_item() {
    let f = fixture();
    let mut pvk = f.pvk.clone();
    pvk.vk.gamma_abc_g1.clear();
    let items = valid_items(3, 1);
    assert_eq!(
        batch_verify(&pvk, &items),
        vec![Err(Error::MalformedVerifyingKey); 3]
    );
    assert_eq!(
        verify_one(&pvk, &items[0].0, &items[0].1),
        Err(Error::MalformedVerifyingKey)
    );
    let mut pvk = f.pvk.clone();
    pvk.delta_g2_neg_pc.ell_coeffs.pop();
    assert_eq!(
        verify_one(&pvk, &items[0].0, &items[0].1),
        Err(Error::MalformedVerifyingKey)
    );
}

/// A batch whose proofs are valid individually but whose errors would cancel in an
/// unweighted sum: `A_0 + G` and `A_1 − G` with the same `B`.
#[test]
fn cancelling_errors_are_caught() {
    let f = fixture();
    let (proof, x) = &f.statements[0];
    let g = G1Projective::from(G1Affine::generator());
    let mut p0 = proof.clone();
    let mut p1 = proof.clone();
    p0.a = (G1Projective::from(proof.a) + g).into_affine();
    p1.a = (G1Projective::from(proof.a) - g).into_affine();
    let items = vec![(p0, x.clone()), (p1, x.clone())];
    assert_eq!(
        batch_verify(&f.pvk, &items),
        vec![Err(Error::InvalidProof), Err(Error::InvalidProof)]
    );
}

#[test]
fn transcript_challenges_are_deterministic_and_bound_to_the_proof() {
    let f = fixture();
    let challenge = |proof: &Proof<Bn254>, x: &[Fr]| {
        let mut t = Transcript::new(labels::PROTOCOL);
        t.domain_sep(1);
        t.append_vk_digest(&zkvote_engine::vk_digest(&f.pvk.vk).unwrap());
        t.append_proof(proof).unwrap();
        t.append_public_inputs(x);
        t.challenge(labels::BATCH_CHALLENGE)
    };
    let (p, x) = &f.statements[0];
    let r = challenge(p, x);
    assert_eq!(r, challenge(p, x));
    assert_ne!(r, challenge(&f.statements[1].0, x));
    assert_ne!(r, challenge(p, &f.statements[1].1));
    assert_ne!(r.lo, r.hi);
    assert_eq!(
        r.scalar(),
        Fr::from(r.lo) + zkvote_engine::glv::LAMBDA * Fr::from(r.hi)
    );
}

mod bounded_bisection {
    //! The budget of bisection: exact outcomes for every mix of valid and invalid
    //! proofs, and a bounded amount of work when most proofs are bad.

    use super::*;
    use proptest::prelude::*;
    use zkvote_engine::groth16::{
        BISECTION_SLACK, SAMPLE, SUB_BATCH_ENTRY_COST, SUB_BATCH_FIXED_COST,
    };
    use zkvote_engine::{batch_verify_refs_with_stats, BatchStats};

    fn run(items: &[Item]) -> (Vec<Result<(), Error>>, BatchStats) {
        let refs: Vec<(&Proof<Bn254>, &[Fr])> =
            items.iter().map(|(p, x)| (p, x.as_slice())).collect();
        batch_verify_refs_with_stats(&fixture().pvk, &refs)
    }

    /// Every proof of a batch of `n` tampered in one of the three ways.
    fn all_invalid(n: usize) -> Vec<Item> {
        let mut items = valid_items(n, 11);
        for i in 0..n {
            tamper(&mut items, i, TAMPERS[i % TAMPERS.len()]);
        }
        items
    }

    /// A batch of bad proofs costs the first batch and one single check per proof:
    /// nothing else, counted in operations, not time. (Unbounded bisection computed a
    /// value at every node: 2n − 1 final exponentiations and ≈ n·log₂n/2 Miller-loop
    /// pairs on top of the single checks.)
    #[test]
    fn all_invalid_batch_costs_the_batch_plus_single_checks() {
        for n in [3usize, 16, 64, 128] {
            let items = all_invalid(n);
            let (results, stats) = run(&items);
            assert!(results.iter().all(|r| r == &Err(Error::InvalidProof)));
            assert_eq!(
                stats,
                BatchStats {
                    sub_batches: 1,
                    sub_batch_proofs: n,
                    single_checks: n,
                },
                "n={n}"
            );
            assert_eq!(stats.final_exponentiations(), n + 1);
            assert_eq!(stats.miller_loop_pairs(), 4 * n + 3);
        }
    }

    /// A box where a third of the proofs are bad, so the sample does not decide:
    /// bisection stays within its budget.
    #[test]
    fn a_third_bad_stays_within_the_budget() {
        let n = 96;
        let mut items = valid_items(n, 15);
        for i in (0..n).filter(|i| i % 3 == 2) {
            tamper(&mut items, i, TAMPERS[i % 3]);
        }
        let (results, stats) = run(&items);
        assert_eq!(results, expected(&fixture().pvk, &items));
        let initial = SUB_BATCH_FIXED_COST + SUB_BATCH_ENTRY_COST * n as u64;
        let bound = initial + (1000 + BISECTION_SLACK) * n as u64 + 1000 * SAMPLE as u64;
        assert!(stats.cost() <= bound, "{stats:?} cost {}", stats.cost());
        assert!(stats.sub_batches > 1, "bisection was tried: {stats:?}");
    }

    /// A box with few bad proofs still bisects: a bad proof costs O(log n) sub-batches,
    /// not a check of every proof.
    #[test]
    fn few_bad_proofs_are_still_found_by_bisection() {
        let n = 128;
        let mut items = valid_items(n, 12);
        tamper(&mut items, 77, Tamper::A);
        tamper(&mut items, 3, Tamper::SwapInputs);
        let (results, stats) = run(&items);
        assert_eq!(results, expected(&fixture().pvk, &items));
        assert!(stats.single_checks <= 4 + SAMPLE, "{stats:?}");
        assert!(stats.sub_batches <= 1 + 2 * 7, "{stats:?}");
        assert!(stats.cost() < 1000 * n as u64 / 2, "{stats:?}");
    }

    /// Half the proofs bad, at random places: exact outcomes, and the same bound.
    #[test]
    fn dense_bad_proofs_stay_within_the_bound() {
        let n = 96;
        let mut items = valid_items(n, 13);
        let mut rng = rng(14);
        for i in 0..n {
            if rand::Rng::gen_bool(&mut rng, 0.5) {
                tamper(&mut items, i, TAMPERS[i % 3]);
            }
        }
        let (results, stats) = run(&items);
        assert_eq!(results, expected(&fixture().pvk, &items));
        let initial = SUB_BATCH_FIXED_COST + SUB_BATCH_ENTRY_COST * n as u64;
        assert!(
            stats.cost() <= initial + (1000 + BISECTION_SLACK) * n as u64 + 1000 * SAMPLE as u64,
            "{stats:?} cost {}",
            stats.cost()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Random batches of valid and invalid proofs (tampered `A`, swapped or changed
        /// inputs, another statement's proof, wrong input count): the batch gives
        /// [`verify_one`]'s verdict on every item, whatever the size and the mix.
        #[test]
        fn batch_verdicts_are_the_single_verdicts(
            n in 1usize..72,
            seed in any::<u64>(),
            kinds in proptest::collection::vec(0u8..6, 72),
        ) {
            let f = fixture();
            let mut items = valid_items(n, seed);
            for (i, k) in kinds.iter().take(n).enumerate() {
                match k {
                    0 => tamper(&mut items, i, Tamper::A),
                    1 => tamper(&mut items, i, Tamper::SwapInputs),
                    2 => tamper(&mut items, i, Tamper::OtherStatement),
                    3 => items[i].1[NUM_INPUTS - 1] += Fr::from(1u64),
                    4 if i % 5 == 0 => { items[i].1.pop(); }
                    _ => {} // valid
                }
            }
            let (results, stats) = run(&items);
            prop_assert_eq!(&results, &expected(&f.pvk, &items));
            prop_assert_eq!(results, batch_verify(&f.pvk, &items));
            let batched = n - items.iter().filter(|(_, x)| x.len() != NUM_INPUTS).count();
            let initial = SUB_BATCH_FIXED_COST + SUB_BATCH_ENTRY_COST * batched as u64;
            let bound = initial
                + (1000 + BISECTION_SLACK) * batched as u64
                + 1000 * SAMPLE.min(batched) as u64;
            prop_assert!(stats.cost() <= bound, "{:?} cost {} bound {}", stats, stats.cost(), bound);
        }
    }
}
