//! Proves the depth-20, 8-field ballot in a loop with the proving tables, for `perf`.
//! `cargo run --release -p zkvote-benches --example prove_profile -- 30`
//! (`NO_VECTOR=1`: without the AVX-512 IFMA bucket kernels, to compare)
use ark_groth16::r1cs_to_qap::LibsnarkReduction;
use ark_std::rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_benches::BallotFixture;
use zkvote_prover::vote::build_circuit;

fn main() {
    if std::env::var_os("NO_VECTOR").is_some() {
        zkvote_engine::msm::set_vector_kernels(false);
    }
    let t0 = std::time::Instant::now();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let tables = zkvote_engine::tables::ProvingTables::new(&f.pk);
    tables
        .learn_matrices(
            &f.pk,
            zkvote_circuits::ballot::circuit::BallotCircuit::for_setup(f.shape),
        )
        .expect("matrices");
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    eprintln!("setup {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    let cpu0 = cpu_seconds();
    let t = std::time::Instant::now();
    for _ in 0..n {
        let (circuit, _) = build_circuit(&req).expect("circuit");
        tables
            .prove::<LibsnarkReduction, _, _>(&f.pk, circuit, &mut rng)
            .expect("proof");
    }
    println!(
        "{:.1} ms per proof, {:.1} ms CPU per proof",
        t.elapsed().as_secs_f64() * 1e3 / n as f64,
        (cpu_seconds() - cpu0) * 1e3 / n as f64
    );
}

/// User + system CPU time of this process (Linux), for timing on a busy machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime, in 1/100 s) are the 12th and 13th after the name.
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (field(11) + field(12)) / 100.0
}
