//! The ballot circuit: synthesis, setup, proving on one thread and on all threads, and
//! single verification, for the shapes of the issue (depth 10, 16, 20, 32; 1 and 8
//! fields).
//!
//! `cargo bench -p zkvote-benches --bench ballot`

use ark_bn254::Bn254;
use ark_groth16::{prepare_verifying_key, Groth16};
use ark_snark::SNARK;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_benches::BallotFixture;
use zkvote_prover::{keys::setup, vote::build_circuit};

const DEPTHS: [usize; 4] = [10, 16, 20, 32];
const FIELDS: [usize; 2] = [1, 8];

fn ballot(c: &mut Criterion) {
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    for fields in FIELDS {
        let mut setup_g = c.benchmark_group(format!("ballot/setup/f{fields}"));
        setup_g.sample_size(10);
        for depth in DEPTHS {
            let f = BallotFixture::new(depth, fields, 1);
            setup_g.bench_with_input(BenchmarkId::new("setup", depth), &f.shape, |b, s| {
                let mut rng = ChaCha20Rng::seed_from_u64(2);
                b.iter(|| setup(*s, &mut rng).expect("setup"))
            });
        }
        setup_g.finish();

        let mut g = c.benchmark_group(format!("ballot/prove/f{fields}"));
        g.sample_size(10);
        for depth in DEPTHS {
            let f = BallotFixture::new(depth, fields, 1);
            let req = f.request();
            let mut rng = ChaCha20Rng::seed_from_u64(3);
            g.bench_function(BenchmarkId::new("all_threads", depth), |b| {
                b.iter_batched(
                    || build_circuit(&req).expect("circuit").0,
                    |circuit| Groth16::<Bn254>::prove(&f.pk, circuit, &mut rng).expect("proof"),
                    criterion::BatchSize::LargeInput,
                )
            });
            g.bench_function(BenchmarkId::new("one_thread", depth), |b| {
                b.iter_batched(
                    || build_circuit(&req).expect("circuit").0,
                    |circuit| {
                        one_thread.install(|| {
                            Groth16::<Bn254>::prove(&f.pk, circuit, &mut rng).expect("proof")
                        })
                    },
                    criterion::BatchSize::LargeInput,
                )
            });
            g.bench_function(BenchmarkId::new("synthesize", depth), |b| {
                b.iter(|| build_circuit(&req).expect("circuit"))
            });
        }
        g.finish();
    }

    let mut g = c.benchmark_group("ballot/verify");
    for fields in FIELDS {
        let f = BallotFixture::new(20, fields, 1);
        let req = f.request();
        let (circuit, _) = build_circuit(&req).expect("circuit");
        let inputs = circuit
            .instance
            .as_ref()
            .expect("instance")
            .to_field_elements(&f.shape)
            .expect("inputs");
        let proof = Groth16::<Bn254>::prove(&f.pk, circuit, &mut ChaCha20Rng::seed_from_u64(4))
            .expect("proof");
        let pvk = prepare_verifying_key(&f.vk);
        g.bench_function(BenchmarkId::new("single", format!("d20-f{fields}")), |b| {
            b.iter(|| zkvote_engine::verify_one(&pvk, &proof, &inputs).expect("valid"))
        });
    }
    g.finish();
}

criterion_group!(benches, ballot);
criterion_main!(benches);
