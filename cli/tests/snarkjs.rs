//! `zkvote export` and `zkvote import` against the real snarkjs (pinned in
//! `interop/package.json`): snarkjs verifies an exported ballot and refuses it with a
//! changed public input; zkvote's call data is snarkjs's text byte for byte; zkvote
//! imports what it exported.
//!
//! Uses the pinned snarkjs of `interop/package-lock.json` (installed on first use).

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

mod common;
use common::{abc_election, census, ok, text, zkvote};

fn node_modules() -> PathBuf {
    zkvote_interop::node_modules("interop", ".bin/snarkjs")
}

fn run(dir: &Path, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", program.display()))
}

fn snarkjs_verify(dir: &Path, sj: &str) -> Output {
    let bin = node_modules().join(".bin/snarkjs");
    run(
        dir,
        &bin,
        &[
            "groth16",
            "verify",
            &format!("{sj}/verification_key.json"),
            &format!("{sj}/public.json"),
            &format!("{sj}/proof.json"),
        ],
    )
}

/// Two members, a single-choice election on the small shape, alice's ballot.
fn small_ballot() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    census(d, &["alice", "bob"], &[]);
    ok(
        d,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    abc_election(d, &[]);
    // With tables: snarkjs must accept ballots of the fast prover.
    ok(
        d,
        &[
            "tables",
            "--identity",
            "alice.json",
            "--election",
            "election.json",
        ],
    );
    let out = ok(
        d,
        &[
            "vote",
            "--identity",
            "alice.json",
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--choice",
            "2",
            "--out",
            "ballot.json",
        ],
    );
    assert!(
        out.contains("key and tables loaded") && out.contains("with tables"),
        "{out}"
    );
    dir
}

#[test]
fn snarkjs_verifies_exported_ballots_and_the_call_data_is_its_text() {
    let nm = node_modules();
    let dir = small_ballot();
    let d = dir.path();
    ok(
        d,
        &[
            "export",
            "snarkjs",
            "--election",
            "election.json",
            "--ballot",
            "ballot.json",
            "--out",
            "sj",
        ],
    );

    let out = snarkjs_verify(d, "sj");
    assert!(out.status.success(), "snarkjs refused: {}", text(&out));
    assert!(text(&out).contains("OK"), "{}", text(&out));
    // zkvote reads the files back and verifies them too.
    let import = [
        "import",
        "snarkjs",
        "--vk",
        "sj/verification_key.json",
        "--proof",
        "sj/proof.json",
        "--public",
        "sj/public.json",
    ];
    ok(d, &import);

    // The call data, byte for byte snarkjs's exportSolidityCallData of the same files.
    let ours = ok(
        d,
        &[
            "export",
            "calldata",
            "--election",
            "election.json",
            "--ballot",
            "ballot.json",
        ],
    );
    let script = "const s = require('snarkjs'); const fs = require('fs');
        s.groth16.exportSolidityCallData(
            JSON.parse(fs.readFileSync('sj/proof.json')),
            JSON.parse(fs.readFileSync('sj/public.json'))
        ).then((t) => { process.stdout.write(t + '\\n'); process.exit(0); });";
    let theirs = Command::new("node")
        .current_dir(d)
        .env("NODE_PATH", &nm)
        .args(["-e", script])
        .output()
        .expect("node runs (install Node.js 18 or later)");
    assert!(theirs.status.success(), "node: {}", text(&theirs));
    assert_eq!(ours, String::from_utf8(theirs.stdout).unwrap());

    // A changed public input (the packed votes: option 2 -> option 0): snarkjs refuses,
    // and so does zkvote's import (exit 1).
    let public_path = d.join("sj/public.json");
    let mut public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(&public_path).unwrap()).unwrap();
    assert_eq!(public.len(), 6);
    assert_eq!(public[5], (1u128 << (32 * 2)).to_string());
    public[5] = "1".into();
    std::fs::write(&public_path, serde_json::to_string(&public).unwrap()).unwrap();
    let out = snarkjs_verify(d, "sj");
    assert!(
        !out.status.success() || !text(&out).contains("OK!"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("Invalid proof"), "{}", text(&out));
    let out = zkvote(d, &import);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("REJECTED"), "{}", text(&out));
}

#[test]
fn import_refuses_unusable_files_naming_them() {
    let dir = small_ballot();
    let d = dir.path();
    ok(
        d,
        &[
            "export",
            "snarkjs",
            "--election",
            "election.json",
            "--ballot",
            "ballot.json",
            "--out",
            "sj",
        ],
    );
    let import = |args: &[&str]| {
        let mut a = vec!["import", "snarkjs"];
        a.extend_from_slice(args);
        zkvote(d, &a)
    };
    let proof_path = d.join("sj/proof.json");
    let proof: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&proof_path).unwrap()).unwrap();

    // A point off the curve.
    let mut bad = proof.clone();
    bad["pi_a"][1] = "5".into();
    std::fs::write(d.join("off.json"), bad.to_string()).unwrap();
    let out = import(&[
        "--vk",
        "sj/verification_key.json",
        "--proof",
        "off.json",
        "--public",
        "sj/public.json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("off.json") && text(&out).contains("not on the BN254 G1 curve"));

    // A public input above the field modulus, and one input too few.
    let public_path = d.join("sj/public.json");
    let public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(&public_path).unwrap()).unwrap();
    let mut big = public.clone();
    big[0] = "21888242871839275222246405745257275088548364400416034343698204186575808495617".into();
    std::fs::write(d.join("big.json"), serde_json::to_string(&big).unwrap()).unwrap();
    let out = import(&[
        "--vk",
        "sj/verification_key.json",
        "--proof",
        "sj/proof.json",
        "--public",
        "big.json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("big.json") && text(&out).contains("not below the field modulus"));
    std::fs::write(
        d.join("short.json"),
        serde_json::to_string(&public[..5]).unwrap(),
    )
    .unwrap();
    let out = import(&[
        "--vk",
        "sj/verification_key.json",
        "--proof",
        "sj/proof.json",
        "--public",
        "short.json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("short.json"), "{}", text(&out));

    // Not JSON at all.
    std::fs::write(d.join("junk.json"), "not json").unwrap();
    let out = import(&[
        "--vk",
        "junk.json",
        "--proof",
        "sj/proof.json",
        "--public",
        "sj/public.json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("junk.json"), "{}", text(&out));
}

#[test]
fn export_solidity_writes_both_contracts_and_refuses_a_rejected_ballot() {
    let dir = small_ballot();
    let d = dir.path();
    ok(
        d,
        &[
            "export",
            "solidity",
            "--election",
            "election.json",
            "--out",
            "sol",
        ],
    );
    let verifier = std::fs::read_to_string(d.join("sol/ZkvoteVerifier.sol")).unwrap();
    let ballot_box = std::fs::read_to_string(d.join("sol/ZkvoteBallotBox.sol")).unwrap();
    assert!(verifier.contains("uint256[6] calldata input"));
    let election: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("election.json")).unwrap()).unwrap();
    let id = election["id"].as_str().unwrap();
    assert!(ballot_box.contains(&format!("ELECTION_ID = {id};")));

    // A ballot whose vote was changed is not exported (exit 1), for any format.
    let mut ballot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ballot.json")).unwrap()).unwrap();
    ballot["votes"] = serde_json::json!([1, 0, 0]);
    std::fs::write(d.join("changed.json"), ballot.to_string()).unwrap();
    for args in [
        vec![
            "export",
            "calldata",
            "--election",
            "election.json",
            "--ballot",
            "changed.json",
        ],
        vec![
            "export",
            "snarkjs",
            "--election",
            "election.json",
            "--ballot",
            "changed.json",
            "--out",
            "sj2",
        ],
    ] {
        let out = zkvote(d, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("changed.json"), "{}", text(&out));
    }
    assert!(!d.join("sj2").exists());
    // No keys: an input error that says how to get them.
    let out = zkvote(
        d,
        &[
            "export",
            "solidity",
            "--election",
            "election.json",
            "--keys",
            "nokeys",
            "--out",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nokeys"), "{}", text(&out));
}
