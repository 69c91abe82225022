//! zkvote's side of the peer comparison (benches/peers/run.sh): proves and verifies one
//! ballot statement `REPS` times in this process (after a warm-up) and prints one JSON
//! line; with `--input-out FILE` it also writes the same statement as the circom peer
//! circuit's input (same identity, census path, election id and votes).
//!
//! Usage: peer_zkvote --depth D --fields F --reps R [--input-out FILE]

use std::time::Instant;

use ark_bn254::Bn254;
use ark_groth16::{prepare_verifying_key, r1cs_to_qap::LibsnarkReduction, Groth16};
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_benches::BallotFixture;
use zkvote_circuits::field::fr_to_decimal;
use zkvote_engine::tables::ProvingTables;
use zkvote_prover::{keys::constraint_count, vote::build_circuit};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: usize| -> usize {
        arg(&args, name)
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} takes a number, not {v:?}"))
            })
            .unwrap_or(default)
    };
    let (depth, fields, reps) = (num("--depth", 20), num("--fields", 8), num("--reps", 5));
    let f = BallotFixture::new(depth, fields, 1);
    let req = f.request();
    if let Some(path) = arg(&args, "--input-out") {
        let mut siblings: Vec<String> = req.membership.siblings.iter().map(fr_to_decimal).collect();
        siblings.resize(depth, "0".into());
        let input = serde_json::json!({
            "secret": fr_to_decimal(&f.ids[0].secret_scalar()),
            "merkleProofLength": req.membership.siblings.len().to_string(),
            "merkleProofIndex": req.membership.index.to_string(),
            "merkleProofSiblings": siblings,
            "scope": fr_to_decimal(&f.election.id),
            "votes": req.votes.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        });
        std::fs::write(&path, input.to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let pvk = prepare_verifying_key(&f.vk);
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    // Precomputed tables are loaded once per process, like the keys (`zkvote tables`).
    let tables = ProvingTables::new(&f.pk);
    tables
        .learn_matrices(
            &f.pk,
            zkvote_circuits::ballot::circuit::BallotCircuit::for_setup(f.shape),
        )
        .expect("matrices");
    let (mut prove_ms, mut verify_ms, mut tables_ms) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..=reps {
        let t0 = Instant::now();
        let (circuit, _) = build_circuit(&req).expect("a valid ballot");
        let inputs = circuit
            .instance
            .as_ref()
            .expect("instance")
            .to_field_elements(&f.shape)
            .expect("inputs");
        let proof = Groth16::<Bn254>::prove(&f.pk, circuit, &mut rng).expect("proof");
        let t1 = Instant::now();
        zkvote_engine::verify_one(&pvk, &proof, &inputs).expect("zkvote rejected its own proof");
        let t2 = Instant::now();
        // The fast path, as `zkvote vote` runs it: witness, proof with tables, and
        // the check of that proof against the key.
        let t3 = Instant::now();
        let (circuit, _) = build_circuit(&req).expect("a valid ballot");
        let fast = tables
            .prove_checked::<LibsnarkReduction, _, _>(&f.pk, &pvk, circuit, &mut rng)
            .expect("proof")
            .expect("the tables' proof verifies");
        let t4 = Instant::now();
        zkvote_engine::verify_one(&pvk, &fast, &inputs).expect("zkvote rejected its own proof");
        if i > 0 {
            prove_ms.push((t1 - t0).as_secs_f64() * 1e3);
            verify_ms.push((t2 - t1).as_secs_f64() * 1e3);
            tables_ms.push((t4 - t3).as_secs_f64() * 1e3);
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "constraints": constraint_count(f.shape).expect("count"),
            "threads": rayon::current_num_threads(),
            "prove_ms": prove_ms,
            "prove_tables_ms": tables_ms,
            "verify_ms": verify_ms,
        })
    );
}
