//! Proves the depth-20, 8-field ballot in a loop with the proving tables, for `perf`.
//! `cargo run --release -p zkvote-benches --example prove_profile -- 30`
use ark_groth16::r1cs_to_qap::LibsnarkReduction;
use ark_std::rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_benches::BallotFixture;
use zkvote_prover::vote::build_circuit;

fn main() {
    let t0 = std::time::Instant::now();
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let tables = zkvote_prover::tables::ProvingTables::new(&f.pk);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    eprintln!("setup {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let (circuit, _) = build_circuit(&req).expect("circuit");
        tables
            .prove::<LibsnarkReduction, _, _>(&f.pk, circuit, &mut rng)
            .expect("proof");
    }
    println!("{:.1} ms per proof", t.elapsed().as_secs_f64() * 1e3 / n as f64);
}
