//! Wall time of a census build and of one Poseidon(2), for quick before/after checks
//! on a shared machine (the criterion bench `membership` is the reference figure).
//!
//! `cargo run --release -p zkvote-circuits --example census_time -- 1000000 3`
//! builds a census of 1,000,000 random members three times and prints each time and
//! the median; it then times `hash2` and `hash2_pairs` on one thread.

use std::time::Instant;

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use zkvote_circuits::{census::LeanImt, poseidon};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1 << 20, |s| s.parse().expect("member count"));
    let runs: usize = args.next().map_or(3, |s| s.parse().expect("run count"));
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(n as u64);
    let leaves: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();

    let mut builds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let l = leaves.clone();
        let t = Instant::now();
        let tree = LeanImt::new(l).expect("random members are non-zero and distinct");
        builds.push(t.elapsed().as_secs_f64());
        std::hint::black_box(tree.root().expect("non-empty"));
    }
    let ms: Vec<String> = builds.iter().map(|s| format!("{:.0}", s * 1e3)).collect();
    println!(
        "census {n} members, {} threads: median {:.0} ms (runs: {} ms)",
        rayon::current_num_threads(),
        median(builds) * 1e3,
        ms.join(", ")
    );

    // One thread: 20,000 chained hash2 calls, median of 5 batches.
    let (mut a, b) = (leaves[0], leaves[1]);
    let batches: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..20_000 {
                a = poseidon::hash2(std::hint::black_box(a), b);
            }
            t.elapsed().as_secs_f64() / 20_000.0
        })
        .collect();
    std::hint::black_box(a);
    println!(
        "hash2, one thread: {:.2} µs per hash",
        median(batches) * 1e6
    );

    // One thread: hash2_pairs (the census kernel) on 4,096 pairs, median of 5 batches.
    let pairs = &leaves[..8192.min(n & !1)];
    let mut out = vec![Fr::from(0u64); pairs.len() / 2];
    let batches: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            poseidon::hash2_pairs(std::hint::black_box(pairs), &mut out);
            t.elapsed().as_secs_f64() / out.len() as f64
        })
        .collect();
    std::hint::black_box(&out);
    println!(
        "hash2_pairs, one thread: {:.2} µs per hash",
        median(batches) * 1e6
    );
}
