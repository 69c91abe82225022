//! The membership layer: native Poseidon(2) (ours and light-poseidon's), building a
//! census, and one member's proof.
//!
//! `cargo bench -p zkvote-benches --bench membership -- --warm-up-time 1 --measurement-time 5`

use ark_bn254::Fr;
use ark_std::UniformRand;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use light_poseidon::{Poseidon, PoseidonHasher};
use rand::SeedableRng;
use zkvote_circuits::{census::LeanImt, poseidon};

fn members(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| Fr::rand(&mut rng)).collect()
}

fn poseidon2(c: &mut Criterion) {
    let mut g = c.benchmark_group("poseidon2");
    let xs = members(2, 1);
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("zkvote", "hash2"), |b| {
        b.iter(|| poseidon::hash2(std::hint::black_box(xs[0]), std::hint::black_box(xs[1])))
    });
    // Four independent hashes in lockstep, as the census build runs them (per hash).
    let ys = members(8, 2);
    g.throughput(Throughput::Elements(4));
    g.bench_function(BenchmarkId::new("zkvote", "hash2_lanes_4"), |b| {
        b.iter(|| {
            poseidon::hash2_lanes::<4>(
                std::hint::black_box([ys[0], ys[1], ys[2], ys[3]]),
                std::hint::black_box([ys[4], ys[5], ys[6], ys[7]]),
            )
        })
    });
    // The census kernel (eight hashes per AVX-512 IFMA register where the CPU has it),
    // on 4,096 pairs (per hash).
    let pairs = members(2 * 4096, 3);
    let mut out = vec![Fr::from(0u64); 4096];
    g.throughput(Throughput::Elements(4096));
    g.bench_function(BenchmarkId::new("zkvote", "hash2_pairs_4096"), |b| {
        b.iter(|| poseidon::hash2_pairs(std::hint::black_box(&pairs), &mut out))
    });
    g.throughput(Throughput::Elements(1));
    let mut lp = Poseidon::<Fr>::new_circom(2).expect("circom parameters for 2 inputs");
    g.bench_function(BenchmarkId::new("light-poseidon", "hash"), |b| {
        b.iter(|| lp.hash(std::hint::black_box(&xs)).expect("2 inputs"))
    });
    g.finish();
}

fn census_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("census_build");
    for log in [10u32, 16, 20] {
        let n = 1usize << log;
        let leaves = members(n, u64::from(log));
        g.throughput(Throughput::Elements(n as u64));
        if log >= 16 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::new("members", n), &leaves, |b, leaves| {
            b.iter_batched(
                || leaves.clone(),
                |l| LeanImt::new(l).expect("random members are non-zero and distinct"),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn census_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("census_ops");
    let n = 1usize << 16;
    let tree = LeanImt::new(members(n, 7)).expect("valid census");
    let root = tree.root().expect("non-empty");
    // One insert into a fresh clone would time a reallocation of every level; time a
    // run of inserts instead, so that growth is amortised as in a long-lived census.
    let extra = members(1024, 8);
    g.throughput(Throughput::Elements(extra.len() as u64));
    g.bench_function(BenchmarkId::new("insert_1024", n), |b| {
        b.iter_batched(
            || tree.clone(),
            |mut t| {
                for x in &extra {
                    t.insert(*x).expect("new member");
                }
                t // dropped outside the timed loop
            },
            BatchSize::LargeInput,
        )
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("proof", n), |b| {
        b.iter(|| tree.proof(std::hint::black_box(n / 3)).expect("in range"))
    });
    let proof = tree.proof(n / 3).expect("in range");
    g.bench_function(BenchmarkId::new("verify", n), |b| {
        b.iter(|| proof.verify(root).expect("valid"))
    });
    g.finish();
}

criterion_group!(benches, poseidon2, census_build, census_ops);
criterion_main!(benches);
