//! Runs only the batch's multi-Miller loop, on one thread, for `perf record` (a profiling
//! aid, not a benchmark).
//!
//! `cargo run --release -p zkvote-engine --example miller_profile -- [N] [ROUNDS]`
//! (`WHAT=ra` in the environment: `r_i·A_i`, [`mul_challenges`], instead.)

use std::time::Instant;

use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_std::UniformRand;
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_engine::glv::mul_challenges;
use zkvote_engine::pairing::multi_miller_loop_normalized;
use zkvote_engine::Challenge;

/// This thread's CPU time in nanoseconds (Linux).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let rounds = args.get(1).copied().unwrap_or(5);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let ps: Vec<G1Affine> = (0..n)
        .map(|_| (G1Affine::generator() * Fr::rand(&mut rng)).into_affine())
        .collect();
    let qs: Vec<G2Affine> = (0..n)
        .map(|_| (G2Affine::generator() * Fr::rand(&mut rng)).into_affine())
        .collect();
    let pairs: Vec<(&G1Affine, &G2Affine)> = ps.iter().zip(&qs).collect();
    // One worker, this thread: the loop runs here, and this thread's CPU time measures it
    // (wall time is noisy on a shared machine).
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .unwrap();
    let challenges: Vec<Challenge> = (0..n)
        .map(|_| Challenge {
            lo: rng.gen(),
            hi: rng.gen(),
        })
        .collect();
    let what = std::env::var("WHAT").unwrap_or_default();
    for _ in 0..rounds {
        let s = Instant::now();
        let c = cpu_ns();
        if what == "ra" {
            let ra = mul_challenges(&ps, &challenges);
            let _ = std::hint::black_box(ra);
            let cpu = (cpu_ns() - c) as f64 / 1e3 / n as f64;
            let wall = s.elapsed().as_secs_f64() * 1e6 / n as f64;
            println!("{cpu:.2} µs/point CPU ({wall:.2} wall, r_i·A_i)");
            continue;
        }
        let f = multi_miller_loop_normalized(&pairs, |(p, q)| (*p, *q));
        let _ = std::hint::black_box(f);
        let cpu = (cpu_ns() - c) as f64 / 1e3 / n as f64;
        let wall = s.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!("{cpu:.2} µs/pair CPU ({wall:.2} wall)");
    }
}
