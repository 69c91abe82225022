//! `zkvote bench`: the headline figures in one table.

use std::time::Duration;

use ark_bn254::Bn254;
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_circuits::{
    ballot::{circuit::BallotCircuit, BallotRules, BallotShape, CensusKind},
    election::{CensusRef, Election},
};
use zkvote_engine::{batch_verify, decode_proof, tables::ProvingTables, verify_one};
use zkvote_prover::{
    census::{Census, Member},
    identity::Identity,
    keys::{constraint_count, setup},
    vote::{build_circuit, VoteRequest},
};

use super::{fmt_duration, input_error, print_json, spinner, timed, CmdResult};
use crate::args::BenchArgs;

/// Runs the benchmark.
pub fn run(a: BenchArgs) -> CmdResult {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let threads = rayon::current_num_threads();
    let mut rows = Vec::new();

    let members: Vec<Member> = (0..a.census.max(2))
        .map(|i| Member {
            commitment: ark_bn254::Fr::from(i as u64 + 1),
            weight: 1,
        })
        .collect();
    let (census_build, t_census) = timed(|| Census::build(CensusKind::Plain, members));
    census_build.map_err(|e| input_error(e.to_string()))?;

    for &depth in &a.depths {
        let shape = BallotShape::new(depth, a.fields, CensusKind::Plain)
            .map_err(|e| input_error(format!("--depth {depth}: {e}")))?;
        let pb = spinner(&format!("depth {depth}: setup"));
        let constraints = constraint_count(shape).map_err(|e| input_error(e.to_string()))?;
        let ((pk, vk), t_setup) = {
            let (k, t) = timed(|| setup(shape, &mut rng));
            (k.map_err(|e| input_error(e.to_string()))?, t)
        };
        let ids: Vec<Identity> = (0..4).map(|_| Identity::random(&mut rng)).collect();
        let census = Census::build(
            CensusKind::Plain,
            ids.iter()
                .map(|i| Member {
                    commitment: i.commitment(),
                    weight: 1,
                })
                .collect(),
        )
        .map_err(|e| input_error(e.to_string()))?;
        let election = Election::new(
            "bench".into(),
            (0..a.fields.min(255))
                .map(|i| format!("option {i}"))
                .collect(),
            "single".into(),
            BallotRules::single(a.fields.min(255) as u8),
            CensusRef {
                root: census.root(),
                size: 4,
            },
            shape,
            "00".repeat(32),
            "00".repeat(32),
        )
        .map_err(|e| input_error(e.to_string()))?;
        let (membership, w) = census
            .proof_for(&ids[0].commitment())
            .map_err(|e| input_error(e.to_string()))?;
        let mut votes = vec![0; election.options.len()];
        votes[0] = 1;
        let req = VoteRequest {
            election: &election,
            identity: &ids[0],
            membership,
            census_weight: w,
            votes,
            weight: 1,
        };
        pb.set_message(format!("depth {depth}: proving"));
        let reps = 3;
        let mut best_all = Duration::MAX;
        let mut proof = None;
        for _ in 0..reps {
            let (circuit, _) = build_circuit(&req).map_err(|e| input_error(e.to_string()))?;
            let (p, t) = timed(|| {
                Groth16::<Bn254>::create_random_proof_with_reduction(circuit, &pk, &mut rng)
            });
            proof = Some(p.map_err(|e| input_error(e.to_string()))?);
            best_all = best_all.min(t);
        }
        let proof = proof.expect("at least one repetition");
        pb.set_message(format!("depth {depth}: proving with tables"));
        let pvk = ark_groth16::prepare_verifying_key(&vk);
        // As `zkvote tables` makes them: with the constraint matrices.
        let (tables, t_tables_build) = timed(|| {
            let tables = ProvingTables::new(&pk);
            tables
                .learn_matrices(&pk, BallotCircuit::for_setup(shape))
                .map(|()| tables)
        });
        let tables = tables.map_err(|e| input_error(e.to_string()))?;
        let mut best_tables = Duration::MAX;
        for _ in 0..reps {
            let (circuit, _) = build_circuit(&req).map_err(|e| input_error(e.to_string()))?;
            let (p, t) = timed(|| {
                tables.prove_checked::<LibsnarkReduction, _, _>(&pk, &pvk, circuit, &mut rng)
            });
            p.map_err(|e| input_error(e.to_string()))?
                .ok_or_else(|| input_error("a proof made with tables did not verify"))?;
            best_tables = best_tables.min(t);
        }
        drop(tables);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .map_err(|e| input_error(e.to_string()))?;
        let (circuit, _) = build_circuit(&req).map_err(|e| input_error(e.to_string()))?;
        let (_, t_one) = timed(|| {
            pool.install(|| {
                Groth16::<Bn254>::create_random_proof_with_reduction(
                    circuit,
                    &pk,
                    &mut ChaCha20Rng::seed_from_u64(1),
                )
            })
        });
        pb.set_message(format!("depth {depth}: verifying"));
        let inputs = zkvote_circuits::ballot::public_inputs::BallotInstance {
            election_id: election.id,
            census_root: census.root(),
            nullifier: zkvote_circuits::nullifier::nullifier(election.id, ids[0].secret_scalar()),
            rules: election.rules.clone(),
            weight: 1,
            votes: election
                .padded_votes(&req.votes)
                .map_err(|e| input_error(e.to_string()))?,
        }
        .to_field_elements(&shape)
        .map_err(|e| input_error(e.to_string()))?;
        let (ok, t_verify) = timed(|| verify_one(&pvk, &proof, &inputs));
        ok.map_err(|e| input_error(format!("the benchmark proof did not verify: {e}")))?;
        let items: Vec<_> = (0..a.batch)
            .map(|_| {
                (
                    Groth16::<Bn254>::rerandomize_proof(&vk, &proof, &mut rng),
                    inputs.clone(),
                )
            })
            .collect();
        let bytes: Vec<Vec<u8>> = items
            .iter()
            .map(|(p, _)| zkvote_verifier::ballot::encode_proof(p))
            .collect();
        let (decoded, t_decode) = timed(|| {
            bytes
                .iter()
                .map(|b| decode_proof(b))
                .collect::<Result<Vec<_>, _>>()
        });
        decoded.map_err(|e| input_error(e.to_string()))?;
        // Best of the repetitions, as for proving (one run is at the mercy of the host).
        let mut t_batch = Duration::MAX;
        for _ in 0..reps {
            let (res, t) = timed(|| batch_verify(&pvk, &items));
            if res.iter().any(|r| r.is_err()) {
                return Err(input_error(
                    "a re-randomised proof failed batch verification",
                ));
            }
            t_batch = t_batch.min(t);
        }
        pb.finish_and_clear();
        rows.push(serde_json::json!({
            "depth": depth,
            "fields": a.fields,
            "constraints": constraints,
            "setup_s": t_setup.as_secs_f64(),
            "prove_all_threads_s": best_all.as_secs_f64(),
            "prove_1_thread_s": t_one.as_secs_f64(),
            "prove_tables_s": best_tables.as_secs_f64(),
            "tables_build_s": t_tables_build.as_secs_f64(),
            "verify_s": t_verify.as_secs_f64(),
            "batch_size": a.batch,
            "batch_verify_s": t_batch.as_secs_f64(),
            "batch_ballots_per_s": a.batch as f64 / t_batch.as_secs_f64(),
            "decode_ballots_per_s": a.batch as f64 / t_decode.as_secs_f64(),
        }));
    }
    let summary = serde_json::json!({
        "threads": threads,
        "census_members": a.census,
        "census_build_s": t_census.as_secs_f64(),
        "shapes": rows,
    });
    if a.json {
        print_json(&summary);
        return Ok(0);
    }
    println!("zkvote bench ({threads} threads)");
    println!(
        "{:>5} {:>6} {:>11} {:>9} {:>12} {:>13} {:>15} {:>9} {:>16}",
        "depth",
        "fields",
        "constraints",
        "setup",
        "prove (all)",
        "prove (1 thr)",
        "prove (tables)",
        "verify",
        "batch verify/s"
    );
    for r in summary["shapes"].as_array().expect("array") {
        let d = |k: &str| Duration::from_secs_f64(r[k].as_f64().unwrap_or(0.0));
        println!(
            "{:>5} {:>6} {:>11} {:>9} {:>12} {:>13} {:>15} {:>9} {:>16.0}",
            r["depth"].as_u64().unwrap_or(0),
            r["fields"].as_u64().unwrap_or(0),
            r["constraints"].as_u64().unwrap_or(0),
            fmt_duration(d("setup_s")),
            fmt_duration(d("prove_all_threads_s")),
            fmt_duration(d("prove_1_thread_s")),
            fmt_duration(d("prove_tables_s")),
            fmt_duration(d("verify_s")),
            r["batch_ballots_per_s"].as_f64().unwrap_or(0.0)
        );
    }
    println!(
        "census build: {} members in {}",
        a.census,
        fmt_duration(t_census)
    );
    Ok(0)
}
