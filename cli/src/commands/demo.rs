//! `zkvote demo`: a whole election on this machine, step by step, with timings.

use std::time::Duration;

use rand::{rngs::OsRng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use zkvote_circuits::{
    ballot::{BallotRules, BallotShape, CensusKind},
    election::{CensusRef, Election, Revote, VotingWindow},
};
use zkvote_prover::{
    census::{Census, Member},
    identity::Identity,
    keys::{constraint_count, proving_key_bytes, setup},
    vote::{prove_ballot, VoteRequest},
};
use zkvote_server::{checkpoint::VerifierKey, client::Client, service::ElectionFiles};
use zkvote_verifier::{
    ballot::Ballot,
    keys::{digest_hex, verifying_key_bytes},
};

use super::{
    ballot_box, fmt_duration, input_error, progress, spinner, tally::print_table, timed, CmdResult,
};
use crate::args::DemoArgs;

fn step(n: usize, what: &str, took: Duration) {
    println!("{n}. {what:<52} {:>9}", fmt_duration(took));
}

/// Runs the demo.
pub fn run(a: DemoArgs) -> CmdResult {
    if a.members == 0 || a.voters == 0 || a.voters > a.members {
        return Err(input_error(
            "--members and --voters must be positive, with voters ≤ members",
        ));
    }
    let shape = BallotShape::new(a.depth, 8, CensusKind::Plain)
        .map_err(|e| input_error(format!("--depth: {e}")))?;
    let mut steps: Vec<(&str, Duration)> = Vec::new();
    println!(
        "zkvote demo: {} members, {} voters, circuit depth {}, {} threads",
        a.members,
        a.voters,
        a.depth,
        rayon::current_num_threads()
    );

    // 1. Identities.
    let pb = spinner(&format!("creating {} identities", a.members));
    let seeds: Vec<[u8; 32]> = (0..a.members)
        .map(|_| {
            let mut s = [0u8; 32];
            rand::RngCore::fill_bytes(&mut OsRng, &mut s);
            s
        })
        .collect();
    let (identities, t) = timed(|| {
        seeds
            .par_iter()
            .map(|s| Identity::random(&mut ChaCha20Rng::from_seed(*s)))
            .collect::<Vec<_>>()
    });
    pb.finish_and_clear();
    step(1, &format!("{} identities created", a.members), t);
    steps.push(("identities", t));

    // 2. Census.
    let members = identities
        .iter()
        .map(|id| Member {
            commitment: id.commitment(),
            weight: 1,
        })
        .collect();
    let (census, t) = timed(|| Census::build(CensusKind::Plain, members));
    let census = census.map_err(|e| input_error(e.to_string()))?;
    if census.depth() > shape.max_depth {
        return Err(input_error(format!(
            "--members {}: the census has depth {}, above --depth {}",
            a.members,
            census.depth(),
            a.depth
        )));
    }
    step(
        2,
        &format!(
            "census built (depth {}, root {}…)",
            census.depth(),
            &zkvote_circuits::field::fr_to_decimal(&census.root())[..12]
        ),
        t,
    );
    steps.push(("census", t));

    // 3. Setup.
    let constraints = constraint_count(shape).map_err(|e| input_error(e.to_string()))?;
    let pb = spinner("trusted setup (single party, demo only)");
    let (keys, t) = timed(|| setup(shape, &mut OsRng));
    pb.finish_and_clear();
    let (pk, vk) = keys.map_err(|e| input_error(e.to_string()))?;
    step(
        3,
        &format!("setup: {constraints} constraints (single party, demo only)"),
        t,
    );
    steps.push(("setup", t));

    // 4. Election.
    let options = vec!["Yes".to_string(), "No".to_string(), "Abstain".to_string()];
    let election = Election::new(
        "Demo proposal".into(),
        options.clone(),
        "single".into(),
        BallotRules::single(3),
        CensusRef {
            root: census.root(),
            size: census.members().len() as u64,
        },
        shape,
        digest_hex(&verifying_key_bytes(&shape, &vk)),
        digest_hex(&proving_key_bytes(&shape, &pk)),
    )
    .and_then(|e| {
        let now = ballot_box::unix_now();
        e.with_schedule(Some(VotingWindow::new(now, now + 3600)?), Revote::First)
    })
    .map_err(|e| input_error(e.to_string()))?;
    println!(
        "4. election \"{}\" ({}), open for an hour",
        election.title,
        options.join(" / ")
    );

    // 5. Voting, in parallel; every ballot is checked under the election's key.
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    let pb = progress(a.voters as u64, "5. proving ballots");
    let vote_seeds: Vec<[u8; 32]> = (0..a.voters)
        .map(|_| {
            let mut s = [0u8; 32];
            rand::RngCore::fill_bytes(&mut OsRng, &mut s);
            s
        })
        .collect();
    let (ballots, t) = timed(|| {
        (0..a.voters)
            .into_par_iter()
            .map(|i| {
                let id = &identities[i];
                let (membership, w) = census.proof_for(&id.commitment())?;
                let mut votes = vec![0u32; 3];
                votes[i % 3] = 1;
                let req = VoteRequest {
                    election: &election,
                    identity: id,
                    membership,
                    census_weight: w,
                    votes,
                    weight: 1,
                };
                let b = prove_ballot(&pk, &pvk, &req, &mut ChaCha20Rng::from_seed(vote_seeds[i]));
                pb.inc(1);
                b
            })
            .collect::<Result<Vec<Ballot>, _>>()
    });
    pb.finish_and_clear();
    let ballots = ballots.map_err(|e| input_error(e.to_string()))?;
    step(
        5,
        &format!(
            "{} ballots proved in parallel ({} per ballot)",
            a.voters,
            fmt_duration(t / a.voters as u32)
        ),
        t,
    );
    steps.push(("proving", t));

    // 6. The ballot box: a real `zkvote serve` box on loopback (SQLite in a temporary
    // directory); every ballot is posted over HTTP, verified on arrival and receipted,
    // and a double vote and a tampered ballot are refused at the door.
    let (membership, w) = census
        .proof_for(&identities[0].commitment())
        .map_err(|e| input_error(e.to_string()))?;
    let second = prove_ballot(
        &pk,
        &pvk,
        &VoteRequest {
            election: &election,
            identity: &identities[0],
            membership,
            census_weight: w,
            votes: vec![0, 0, 1],
            weight: 1,
        },
        &mut OsRng,
    )
    .map_err(|e| input_error(e.to_string()))?;
    let mut tampered = ballots[ballots.len() - 1].clone();
    let hot = tampered.votes.iter().position(|&v| v == 1).unwrap_or(0);
    tampered.votes = vec![0; 3];
    tampered.votes[(hot + 1) % 3] = 1;
    let dir = tempfile::tempdir().map_err(|e| input_error(format!("temporary directory: {e}")))?;
    let files = ElectionFiles {
        election: serde_json::to_vec_pretty(&election).expect("an election serialises"),
        census: serde_json::to_vec(&census.to_file()).expect("a census serialises"),
        verifying_key: verifying_key_bytes(&shape, &vk),
        proving_key: proving_key_bytes(&shape, &pk),
    };
    let pb = spinner("starting the ballot box");
    let (local, t_start) =
        timed(|| ballot_box::start_local_box(&dir.path().join("box.sqlite3"), files));
    pb.finish_and_clear();
    let local = local?;
    step(6, &format!("ballot box on {} (SQLite)", local.url), t_start);
    let client = Client::new(&local.url).map_err(|e| input_error(e.to_string()))?;
    let info = client
        .info(&local.election_id)
        .map_err(|e| input_error(e.to_string()))?;
    let key = VerifierKey::parse(&info.box_key).map_err(|e| input_error(e.to_string()))?;
    let pb = spinner(&format!("casting {} ballots", ballots.len()));
    // Voters are separate threads, not rayon tasks: the box verifies with rayon in this
    // same process, and must not wait for threads that wait for it.
    let (cast, t) = timed(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = ballots
                .iter()
                .map(|b| s.spawn(|| ballot_box::cast(&client, &local.election_id, &key, b)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a voter thread failed".into()))
                })
                .collect::<Vec<_>>()
        })
    });
    pb.finish_and_clear();
    let accepted = cast.iter().filter(|r| r.is_ok()).count();
    if let Some(Err(e)) = cast.iter().find(|r| r.is_err()) {
        return Err(input_error(format!("the box refused a valid ballot: {e}")));
    }
    step(
        7,
        &format!("{accepted} ballots cast over HTTP, each with a checked receipt"),
        t,
    );
    steps.push(("casting", t));
    for (what, b) in [
        ("a second vote of voter 0", &second),
        ("a tampered ballot", &tampered),
    ] {
        match ballot_box::cast(&client, &local.election_id, &key, b) {
            Ok(_) => return Err(input_error(format!("the box accepted {what}"))),
            Err(why) => println!("   refused at the door, {what}: {why}"),
        }
    }

    // 8. Anyone's tally: the whole log downloaded, checked against the signed
    // checkpoint, every ballot verified again here.
    let pb = spinner("tallying from the box");
    let (tallied, t) = timed(|| ballot_box::tally_box(&client, &local.election_id, None));
    pb.finish_and_clear();
    let tallied = tallied?;
    let result = tallied.result;
    step(
        8,
        &format!(
            "tallied from the box ({} entries = the signed log)",
            tallied.checkpoint.size
        ),
        t,
    );
    steps.push(("tally", t));
    drop(local);
    println!();
    print_table(&election.title, &result);
    println!();
    let total: Duration = steps.iter().map(|(_, d)| *d).sum();
    println!("time per step:");
    for (name, d) in &steps {
        println!("  {name:<12} {}", fmt_duration(*d));
    }
    println!("  {:<12} {}", "total", fmt_duration(total));
    Ok(0)
}
