//! The ballot box killed with SIGKILL under load, ten times, and restarted: every
//! acknowledged ballot is in the log at the index its receipt names, every checkpoint
//! is consistent with the next, no member is counted twice, and the box's count is the
//! tally of its log. Ballots come from the benchmark-only simulator (a trapdoor setup),
//! so that hundreds of distinct valid ballots exist before the load starts.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkvote_benches::sim::{SimulatedElection, SIMULATED_PROVING_KEY};
use zkvote_circuits::ballot::{BallotShape, CensusKind};
use zkvote_circuits::election::{Revote, VotingWindow};
use zkvote_server::checkpoint::{open, VerifierKey};
use zkvote_server::client::Client;
use zkvote_server::receipt::{check_receipt, check_still_included};
use zkvote_server::wire::Receipt;

mod common;
use common::ok;

// The child is returned to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn serve(dir: &Path) -> (Child, String) {
    let ready = dir.join("ready");
    let _ = std::fs::remove_file(&ready);
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkvote"))
        .current_dir(dir)
        .args([
            "serve",
            "--data",
            "box",
            "--listen",
            "127.0.0.1:0",
            "--ready-file",
            "ready",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            if text.ends_with('\n') {
                return (child, text.trim().to_owned());
            }
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the box did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn kill_9_under_load_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let shape = BallotShape::new(20, 8, CensusKind::Plain).unwrap();
    let sim = SimulatedElection::new(
        shape,
        VotingWindow::new(now - 60, now + 3600).unwrap(),
        Revote::First,
        &mut rng,
    );
    std::fs::create_dir_all(d.join("keys")).unwrap();
    std::fs::write(
        d.join("keys/ballot-d20-f8-plain.vk"),
        sim.verifying_key_file(),
    )
    .unwrap();
    std::fs::write(d.join("keys/ballot-d20-f8-plain.pk"), SIMULATED_PROVING_KEY).unwrap();
    std::fs::write(
        d.join("election.json"),
        serde_json::to_vec(&sim.election).unwrap(),
    )
    .unwrap();
    std::fs::write(
        d.join("census.json"),
        serde_json::to_vec(&sim.census.to_file()).unwrap(),
    )
    .unwrap();
    ok(
        d,
        &[
            "box",
            "add",
            "--data",
            "box",
            "--election",
            "election.json",
            "--census",
            "census.json",
            "--keys",
            "keys",
        ],
    );
    let id = zkvote_circuits::field::fr_to_decimal(&sim.election.id);

    // 1,500 distinct members, and each of the first 100 once more with another choice
    // (a double vote the box must refuse, even across a crash).
    let mut ballots: Vec<Vec<u8>> = (0..1500)
        .map(|i| serde_json::to_vec(&sim.ballot(i, &mut rng)).unwrap())
        .collect();
    for i in 0..100 {
        let mut again: zkvote_verifier::ballot::Ballot =
            serde_json::from_slice(&ballots[i]).unwrap();
        let other = sim.ballot(i + 1, &mut rng);
        again.votes = other.votes.clone();
        again.proof = {
            // Same nullifier, other votes, a proof of that statement.
            let padded = sim.election.padded_votes(&again.votes).unwrap();
            let inst = zkvote_circuits::ballot::public_inputs::BallotInstance {
                election_id: sim.election.id,
                census_root: sim.election.census.root,
                nullifier: again.nullifier,
                rules: sim.election.rules.clone(),
                weight: 1,
                votes: padded,
            };
            let p = sim.forge(&inst.to_field_elements(&shape).unwrap(), &mut rng);
            hex::encode(zkvote_verifier::ballot::encode_proof(&p))
        };
        ballots.push(serde_json::to_vec(&again).unwrap());
    }
    let ballots = Arc::new(ballots);
    let next = Arc::new(AtomicUsize::new(0));
    let acked: Arc<Mutex<Vec<Receipt>>> = Arc::new(Mutex::new(Vec::new()));
    let mut kills = 0;
    let mut key: Option<VerifierKey> = None;
    while kills < 10 {
        let (mut child, url) = serve(d);
        let c = Client::new(&url).unwrap();
        let published = VerifierKey::parse(&c.info(&id).unwrap().box_key).unwrap();
        assert_eq!(
            key.get_or_insert(published.clone()),
            &published,
            "the key survives restarts"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..16)
            .map(|_| {
                let (ballots, next, acked, stop, url, id) = (
                    ballots.clone(),
                    next.clone(),
                    acked.clone(),
                    stop.clone(),
                    url.clone(),
                    id.clone(),
                );
                std::thread::spawn(move || {
                    let c = Client::new(&url).unwrap();
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed) % ballots.len();
                        if let Ok(r) = c.submit(&id, &ballots[i]) {
                            acked.lock().unwrap().push(r);
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..600)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        stop.store(true, Ordering::Relaxed);
        for t in clients {
            t.join().unwrap();
        }
    }

    // After the last crash: everything acknowledged is there, consistently.
    let (mut child, url) = serve(d);
    let c = Client::new(&url).unwrap();
    let key = key.unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 100,
        "only {} ballots acknowledged under load",
        acked.len()
    );
    let latest = c.latest_checkpoint(&id).unwrap();
    let head = open(&latest, &key).unwrap();
    let mut sizes = std::collections::BTreeMap::new();
    for r in &acked {
        let cp = check_receipt(r, &key).unwrap();
        let proof = c.consistency(&id, cp.size, head.size).unwrap();
        check_still_included(&cp, &latest, &proof.proof, &key).unwrap();
        sizes.insert(cp.size, r.checkpoint.clone());
    }
    // Checkpoints seen by clients, each consistent with the next.
    let notes: Vec<_> = sizes.values().collect();
    for pair in notes.windows(2) {
        let a = open(pair[0], &key).unwrap();
        let b = open(pair[1], &key).unwrap();
        let proof = c.consistency(&id, a.size, b.size).unwrap();
        check_still_included(&a, pair[1], &proof.proof, &key).unwrap();
    }
    // The log: contiguous, one ballot per member, as many as acknowledged or more
    // (a ballot committed just before a crash may have lost its answer, never its place).
    let mut entries = Vec::new();
    while (entries.len() as u64) < head.size {
        let page = c.entries(&id, entries.len() as u64, 1000).unwrap();
        assert!(!page.entries.is_empty());
        entries.extend(page.entries);
    }
    let mut nullifiers = std::collections::HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.index, i as u64);
        let b: zkvote_verifier::ballot::Ballot = serde_json::from_str(&e.ballot).unwrap();
        assert!(
            nullifiers.insert(b.nullifier),
            "a member twice in the log, at entry {i}"
        );
    }
    let acked_indices: std::collections::HashSet<u64> = acked.iter().map(|r| r.index).collect();
    assert_eq!(
        acked_indices.len(),
        acked.len(),
        "two receipts for one entry"
    );
    for r in &acked {
        assert_eq!(entries[r.index as usize].ballot, r.ballot);
    }
    // The box's count is the count of its log.
    let out = ok(d, &["tally", "--from", &url, "--json"]);
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["counted"].as_array().unwrap().len(), entries.len());
    eprintln!(
        "10 kills under load: {} acknowledged, {} in the log, all receipts consistent with the final checkpoint",
        acked.len(),
        entries.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
