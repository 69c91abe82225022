//! Groth16 verification over BN254: single, batched, the parts of a batch, and decoding.
//!
//! The statement is the engine's toy circuit (`zkvote_engine::test_circuit`) with 20
//! public inputs (338 constraints), and the same with 7 (the default ballot shape's count: depth 20, 8 fields); the cost of
//! verification depends only on the number of public inputs, not on the circuit.
//! Volume comes from re-randomising 8 honest proofs of 8 statements (seeded).
//!
//! `cargo bench -p zkvote-benches --bench batch_verify`
//!
//! The `bisection` group compares batch verification of boxes with many bad proofs
//! with checking every proof alone (both on the same thread pool), and times the
//! pieces the bisection budget's cost model is made of (`bisection_costs`):
//! `cargo bench -p zkvote-benches --bench batch_verify -- bisection`

use ark_bn254::{Bn254, Config, Fq12, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::bn::G2Prepared;
use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use merlin::Transcript;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use zkvote_engine::glv::{msm_challenges, mul_challenges};
use zkvote_engine::labels;
use zkvote_engine::pairing::{
    multi_miller_loop, multi_miller_loop_affine, multi_miller_loop_normalized,
};
use zkvote_engine::test_circuit::{TestFixture, NUM_INPUTS};
use zkvote_engine::{
    batch_verify, batch_verify_refs_with_stats, decode_proof, decode_proof_compressed,
    encode_proof, encode_proof_compressed, verify_one, vk_digest, BatchTranscript, Challenge,
};

/// Public inputs of the default ballot shape.
const BALLOT_INPUTS: usize = 7;

type Item = (Proof<Bn254>, Vec<Fr>);

struct Setup {
    pvk: PreparedVerifyingKey<Bn254>,
    items: Vec<Item>,
}

fn setup(n: usize, num_inputs: usize) -> Setup {
    let TestFixture {
        pk,
        pvk,
        statements,
    } = TestFixture::new(num_inputs, 2024);
    let vk = pk.vk;
    let seeds: Vec<u64> = (0..n as u64).collect();
    let items = seeds
        .par_iter()
        .map(|&i| {
            let mut rng = ChaCha20Rng::seed_from_u64(i);
            let (p, x) = &statements[i as usize % statements.len()];
            (
                Groth16::<Bn254>::rerandomize_proof(&vk, p, &mut rng),
                x.clone(),
            )
        })
        .collect();
    Setup { pvk, items }
}

fn challenges(pvk: &PreparedVerifyingKey<Bn254>, items: &[Item]) -> Vec<Challenge> {
    let mut t = Transcript::new(labels::PROTOCOL);
    t.domain_sep(items.len() as u64);
    t.append_vk_digest(&vk_digest(&pvk.vk).unwrap());
    for (p, x) in items {
        t.append_proof(p).unwrap();
        t.append_public_inputs(x);
    }
    items
        .iter()
        .map(|_| t.challenge(labels::BATCH_CHALLENGE))
        .collect()
}

fn bench(c: &mut Criterion) {
    let big = setup(10_000, NUM_INPUTS);
    let ballot = setup(10_000, BALLOT_INPUTS);
    let pvk = &big.pvk;

    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    let (p, x) = &big.items[0];
    g.bench_function(BenchmarkId::new("single", NUM_INPUTS), |b| {
        b.iter(|| verify_one(pvk, p, x))
    });
    g.finish();

    let mut g = c.benchmark_group("batch_verify");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        let items = &big.items[..n];
        assert!(batch_verify(pvk, items).iter().all(Result::is_ok));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("valid", n), |b| {
            b.iter(|| batch_verify(pvk, items))
        });
    }
    // One bad proof in 1,000: the cost of bisection (about 2·log2(n) sub-batch checks).
    let mut one_bad = big.items[..1_000].to_vec();
    one_bad[500].1.swap(0, 1);
    g.throughput(Throughput::Elements(1_000));
    g.bench_function(BenchmarkId::new("one_bad", 1_000), |b| {
        b.iter(|| batch_verify(pvk, &one_bad))
    });
    // The default ballot shape: 7 public inputs. 32 and 64: the batches a ballot box
    // under 64 concurrent clients sees.
    for n in [32usize, 64, 1_000, 10_000] {
        let items = &ballot.items[..n];
        assert!(batch_verify(&ballot.pvk, items).iter().all(Result::is_ok));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("valid_7_inputs", n), |b| {
            b.iter(|| batch_verify(&ballot.pvk, items))
        });
    }
    g.finish();

    // The parts of a 1,000-proof batch, each as the batch computes it.
    let n = 1_000;
    let items = &big.items[..n];
    let r = challenges(pvk, items);
    let prepared: Vec<G2Prepared<Config>> = items.par_iter().map(|(p, _)| p.b.into()).collect();
    let a: Vec<G1Affine> = items.iter().map(|(p, _)| p.a).collect();
    let ra = mul_challenges(&a, &r);
    let cs: Vec<G1Affine> = items.iter().map(|(p, _)| p.c).collect();
    let pairs: Vec<(&G1Affine, &G2Prepared<Config>)> = ra.iter().zip(&prepared).collect();
    let ml = multi_miller_loop(&pairs, |(p, q)| (*p, *q));
    let mut g = c.benchmark_group("batch_parts");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("transcript", n), |b| {
        b.iter(|| challenges(pvk, items))
    });
    g.bench_function(BenchmarkId::new("prepare_b", n), |b| {
        b.iter(|| {
            items
                .par_iter()
                .map(|(p, _)| G2Prepared::<Config>::from(p.b))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function(BenchmarkId::new("r_times_a", n), |b| {
        b.iter(|| mul_challenges(&a, &r))
    });
    g.bench_function(BenchmarkId::new("miller_loop", n), |b| {
        b.iter(|| multi_miller_loop(&pairs, |(p, q)| (*p, *q)))
    });
    // Projective lines computed inside the loop, equal to `miller_loop`.
    let affine_pairs: Vec<(&G1Affine, &G2Affine)> =
        ra.iter().zip(items.iter().map(|(p, _)| &p.b)).collect();
    assert_eq!(
        multi_miller_loop_affine(&affine_pairs, |(p, q)| (*p, *q)).0,
        ml.0
    );
    g.bench_function(BenchmarkId::new("miller_loop_lines_on_the_fly", n), |b| {
        b.iter(|| multi_miller_loop_affine(&affine_pairs, |(p, q)| (*p, *q)))
    });
    // What the batch runs: affine running points, one inversion per step, normalised
    // lines (equal to the others after the final exponentiation).
    g.bench_function(BenchmarkId::new("miller_loop_normalized", n), |b| {
        b.iter(|| multi_miller_loop_normalized(&affine_pairs, |(p, q)| (*p, *q)))
    });
    g.bench_function(BenchmarkId::new("msm_c_glv", n), |b| {
        b.iter(|| msm_challenges(&cs, &r))
    });
    let r: Vec<Fr> = r.iter().map(Challenge::scalar).collect();
    g.bench_function(BenchmarkId::new("msm_c_full_width", n), |b| {
        use ark_ec::VariableBaseMSM;
        b.iter(|| G1Projective::msm_unchecked(&cs, &r))
    });
    g.bench_function(BenchmarkId::new("input_weights", n), |b| {
        b.iter(|| {
            items
                .par_iter()
                .zip(&r)
                .fold(
                    || vec![Fr::from(0u64); NUM_INPUTS],
                    |mut w, ((_, x), r)| {
                        for (wj, xj) in w.iter_mut().zip(x) {
                            *wj += *r * xj;
                        }
                        w
                    },
                )
                .reduce(
                    || vec![Fr::from(0u64); NUM_INPUTS],
                    |mut a, b| {
                        a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                        a
                    },
                )
        })
    });
    g.finish();

    let mut g = c.benchmark_group("pairing_fixed");
    g.bench_function("final_exponentiation", |b| {
        b.iter(|| Bn254::final_exponentiation(MillerLoopOutput::<Bn254>(ml.0)))
    });
    g.bench_function("fq12_mul", |b| {
        let f: Fq12 = ml.0;
        b.iter(|| f * f)
    });
    g.finish();

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    let proof = &big.items[0].0;
    let unc = encode_proof(proof).unwrap();
    let cmp = encode_proof_compressed(proof).unwrap();
    g.bench_function("uncompressed_validated", |b| b.iter(|| decode_proof(&unc)));
    g.bench_function("compressed_validated", |b| {
        b.iter(|| decode_proof_compressed(&cmp))
    });
    g.finish();
}

/// A bad proof: its first two public inputs swapped, or its `A` moved (alternately).
fn spoil(item: &mut Item, i: usize) {
    if i.is_multiple_of(2) {
        item.1.swap(0, 1);
    } else {
        item.0.a = (item.0.a + G1Affine::generator()).into_affine();
    }
}

/// Boxes of many bad proofs: batch verification (bounded bisection) against checking
/// every proof alone, at the default ballot shape (7 public inputs).
fn bisection(c: &mut Criterion) {
    use rand::Rng;
    let s = setup(128, BALLOT_INPUTS);
    let pvk = &s.pvk;
    let singles = |items: &[Item]| -> Vec<_> {
        items
            .par_iter()
            .map(|(p, x)| verify_one(pvk, p, x))
            .collect()
    };
    let mut g = c.benchmark_group("bisection");
    g.sample_size(10);
    for n in [64usize, 128] {
        let mut all_bad = s.items[..n].to_vec();
        for (i, item) in all_bad.iter_mut().enumerate() {
            spoil(item, i);
        }
        let mut rng = ChaCha20Rng::seed_from_u64(n as u64);
        let mut tenth_bad = s.items[..n].to_vec();
        for (i, item) in tenth_bad.iter_mut().enumerate() {
            if rng.gen_bool(0.1) {
                spoil(item, i);
            }
        }
        for (name, items) in [("all_invalid", &all_bad), ("10pc_invalid", &tenth_bad)] {
            assert_eq!(batch_verify(pvk, items), singles(items));
            let refs: Vec<(&Proof<Bn254>, &[Fr])> =
                items.iter().map(|(p, x)| (p, x.as_slice())).collect();
            let bad = items
                .iter()
                .filter(|(p, x)| verify_one(pvk, p, x).is_err())
                .count();
            eprintln!(
                "{name}/{n}: {bad} bad, {:?}",
                batch_verify_refs_with_stats(pvk, &refs).1
            );
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(BenchmarkId::new(format!("{name}_batch"), n), |b| {
                b.iter(|| batch_verify(pvk, items))
            });
            g.bench_function(BenchmarkId::new(format!("{name}_singles"), n), |b| {
                b.iter(|| singles(items))
            });
        }
    }
    g.finish();

    // The cost model of the budget (engine/src/groth16.rs): a batch value over k valid
    // proofs against k single checks.
    let mut g = c.benchmark_group("bisection_costs");
    g.sample_size(10);
    for k in [1usize, 64] {
        let items = &s.items[..k];
        g.bench_function(BenchmarkId::new("batch_valid", k), |b| {
            b.iter(|| batch_verify(pvk, items))
        });
    }
    g.bench_function(BenchmarkId::new("singles", 64), |b| {
        b.iter(|| singles(&s.items[..64]))
    });
    g.finish();
}

criterion_group!(benches, bench, bisection);
criterion_main!(benches);
