//! Inversion in BN254's base field `Fq`: arkworks' `Field::inverse` (binary extended
//! Euclid) against the engine's variable-time safegcd
//! (`zkvote_engine::inverse::inverse_fq`), used by the batch verifier's shared
//! inversions. Each iteration inverts the same 1,024 seeded random elements, so the
//! time per inversion is the reported time divided by 1,024.
//!
//! `cargo bench -p zkvote-benches --bench inverse`

use ark_bn254::Fq;
use ark_ff::Field;
use ark_std::UniformRand;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_engine::inverse::inverse_fq;

/// Elements inverted per iteration.
const N: usize = 1_024;

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let xs: Vec<Fq> = (0..N).map(|_| Fq::rand(&mut rng)).collect();
    assert!(xs.iter().all(|x| inverse_fq(x) == x.inverse()));

    let mut g = c.benchmark_group("inverse");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function(BenchmarkId::new("ark", N), |b| {
        b.iter(|| {
            for x in &xs {
                black_box(black_box(x).inverse());
            }
        })
    });
    g.bench_function(BenchmarkId::new("safegcd", N), |b| {
        b.iter(|| {
            for x in &xs {
                black_box(inverse_fq(black_box(x)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
