//! A snarkjs setup ceremony for the small test shape (depth 4, 3 fields), end to end:
//! `zkvote circuit export` → snarkjs phase 1 (new, two contributions, beacon, prepare
//! phase 2) and phase 2 (groth16 setup, two contributions, beacon) → `zkvote setup
//! --from-zkey` → `vote`, `verify`, `tally` in zkvote → `snarkjs groth16 verify` of the
//! same ballot with the ceremony's verifying key; a zkey for another shape and a
//! damaged zkey are refused.
//!
//! Needs node; uses the pinned snarkjs of `interop/package-lock.json` (installed on first use).
//! Phase 1 does not depend on the circuit (only on its size), so its result is kept in
//! the target directory and made again only when missing; phase 2 and everything after
//! it run every time.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use zkvote_circuits::election::Election;

mod common;
use common::{abc_election, census, json, ok_text as ok, text, zkvote};
use zkvote_interop::snarkjs::{
    export_proof, export_public, import_verifying_key, SnarkjsVerifyingKey,
};
use zkvote_verifier::ballot::{prepare_ballot, Ballot};

/// The powers-of-tau power of the test shape: 2,833 constraints + 6 public inputs + 1
/// fit in 2^12 rows.
const POWER: u32 = 12;

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(out.status.success(), "{what} failed:\n{}", text(&out));
    text(&out)
}

fn snarkjs_cli() -> PathBuf {
    zkvote_interop::node_modules("interop", "snarkjs/build/cli.cjs").join("snarkjs/build/cli.cjs")
}

fn snarkjs(dir: &Path, args: &[&str]) -> String {
    let t = Instant::now();
    let out = run(
        Command::new("node")
            .arg(snarkjs_cli())
            .args(args)
            .current_dir(dir),
        &format!("snarkjs {}", args.join(" ")),
    );
    eprintln!(
        "snarkjs {} {}: {:.1} s",
        args[0],
        args[1],
        t.elapsed().as_secs_f64()
    );
    out
}

const BEACON: &str = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Phase 1: a new powers of tau, two contributions, a beacon, prepared for phase 2.
/// Kept in the target directory (it depends only on the power and snarkjs).
fn phase1() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ceremony-ptau-{POWER}"));
    let done = dir.join("pot_final.ptau");
    if done.exists() {
        return done;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let power = POWER.to_string();
    snarkjs(&dir, &["powersoftau", "new", "bn128", &power, "pot_0.ptau"]);
    snarkjs(
        &dir,
        &[
            "powersoftau",
            "contribute",
            "pot_0.ptau",
            "pot_1.ptau",
            "--name=first",
            "-e=first contributor's entropy",
        ],
    );
    snarkjs(
        &dir,
        &[
            "powersoftau",
            "contribute",
            "pot_1.ptau",
            "pot_2.ptau",
            "--name=second",
            "-e=second contributor's entropy",
        ],
    );
    snarkjs(
        &dir,
        &[
            "powersoftau",
            "beacon",
            "pot_2.ptau",
            "pot_beacon.ptau",
            BEACON,
            "10",
            "-n=phase 1 beacon",
        ],
    );
    snarkjs(
        &dir,
        &[
            "powersoftau",
            "prepare",
            "phase2",
            "pot_beacon.ptau",
            "pot_prepared.ptau",
        ],
    );
    // Only a complete file gets the final name.
    std::fs::rename(dir.join("pot_prepared.ptau"), &done).unwrap();
    done
}

#[test]
fn a_snarkjs_ceremony_key_proves_ballots_that_zkvote_and_snarkjs_accept() {
    let started = Instant::now();
    snarkjs_cli();
    let ptau = phase1();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(&ptau, d.join("pot_final.ptau")).unwrap();

    // The circuit, in the format snarkjs reads.
    let out = ok(
        d,
        &[
            "circuit", "export", "--depth", "4", "--fields", "3", "--out", ".",
        ],
    );
    assert!(out.contains("2833 constraints"), "{out}");
    assert!(out.contains("2^12 = 4096 rows"), "{out}");
    let r1cs = "ballot-d4-f3-plain.r1cs";
    let info = snarkjs(d, &["r1cs", "info", r1cs]);
    assert!(info.contains("# of Constraints: 2833"), "{info}");
    assert!(info.contains("# of Public Inputs: 6"), "{info}");

    // Phase 2: the circuit-specific setup, two contributions and a beacon.
    snarkjs(
        d,
        &["groth16", "setup", r1cs, "pot_final.ptau", "ballot_0.zkey"],
    );
    snarkjs(
        d,
        &[
            "zkey",
            "contribute",
            "ballot_0.zkey",
            "ballot_1.zkey",
            "--name=first",
            "-e=first phase 2 entropy",
        ],
    );
    snarkjs(
        d,
        &[
            "zkey",
            "contribute",
            "ballot_1.zkey",
            "ballot_2.zkey",
            "--name=second",
            "-e=second phase 2 entropy",
        ],
    );
    snarkjs(
        d,
        &[
            "zkey",
            "beacon",
            "ballot_2.zkey",
            "ballot_final.zkey",
            BEACON,
            "10",
            "-n=phase 2 beacon",
        ],
    );

    // The phase-2 file before any contribution (γ = δ = the G2 generator) lets anyone
    // forge: refused, naming the file, and nothing written.
    let out = zkvote(
        d,
        &[
            "setup",
            "--from-zkey",
            "ballot_0.zkey",
            "--depth",
            "4",
            "--fields",
            "3",
            "--out",
            "uncontributed",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("ballot_0.zkey") && text(&out).contains("gamma equals delta"),
        "{}",
        text(&out)
    );
    assert!(!d.join("uncontributed").exists());

    // Import into zkvote.
    let out = ok(
        d,
        &[
            "setup",
            "--from-zkey",
            "ballot_final.zkey",
            "--depth",
            "4",
            "--fields",
            "3",
            "--out",
            "keys",
        ],
    );
    assert!(out.contains("from the ceremony"), "{out}");
    let pk = std::fs::read(d.join("keys/ballot-d4-f3-plain.pk")).unwrap();
    assert_eq!(&pk[8..12], &3u32.to_le_bytes(), "format version 3");
    assert_eq!(pk[17], 1, "the header records the circom reduction");

    // A zkey for another shape, or a damaged one, is refused.
    for (depth, fields, needle) in [
        ("5", "3", "another circuit"),
        ("4", "8", "public inputs 6, this circuit has 7"),
    ] {
        let out = zkvote(
            d,
            &[
                "setup",
                "--from-zkey",
                "ballot_final.zkey",
                "--depth",
                depth,
                "--fields",
                fields,
                "--out",
                "other",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(needle), "{}", text(&out));
        assert!(!d.join("other").exists());
    }
    let zkey = std::fs::read(d.join("ballot_final.zkey")).unwrap();
    std::fs::write(d.join("cut.zkey"), &zkey[..zkey.len() / 2]).unwrap();
    let out = zkvote(
        d,
        &[
            "setup",
            "--from-zkey",
            "cut.zkey",
            "--depth",
            "4",
            "--fields",
            "3",
            "--out",
            "other",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cut.zkey"), "{}", text(&out));

    // An election with these keys, and ballots. They are proved with each voter's
    // precomputed tables over the ceremony's key (snarkjs' QAP reduction) and must
    // satisfy zkvote and snarkjs alike.
    census(d, &["alice", "bob", "carol"], &[]);
    abc_election(d, &[]);
    std::fs::create_dir(d.join("box")).unwrap();
    for (who, choice) in [("alice", "2"), ("bob", "0"), ("carol", "2")] {
        let out = ok(
            d,
            &[
                "tables",
                "--identity",
                &format!("{who}.json"),
                "--election",
                "election.json",
            ],
        );
        assert!(out.contains("proving tables: "), "{out}");
        let out = common::vote(d, who, choice, &format!("box/{who}.json"));
        assert!(
            out.contains("key and tables loaded") && out.contains("with tables"),
            "{out}"
        );
    }
    ok(
        d,
        &[
            "verify",
            "--election",
            "election.json",
            "box/alice.json",
            "box/bob.json",
            "box/carol.json",
        ],
    );
    ok(
        d,
        &[
            "tally",
            "--election",
            "election.json",
            "--box",
            "box",
            "--json",
            "--out",
            "tally.json",
        ],
    );
    let t = json(&d.join("tally.json"));
    assert_eq!(t["totals"], serde_json::json!([1, 0, 2]), "{t}");
    assert_eq!(t["rejected"].as_array().unwrap().len(), 0, "{t}");

    // The witness of a ballot, checked by snarkjs against the exported circuit.
    ok(
        d,
        &[
            "circuit",
            "witness",
            "--identity",
            "alice.json",
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--choice",
            "2",
            "--out",
            "alice.wtns",
        ],
    );
    let check = snarkjs(d, &["wtns", "check", r1cs, "alice.wtns"]);
    assert!(check.contains("WITNESS IS CORRECT"), "{check}");

    // snarkjs verifies zkvote's ballot with the ceremony's own verifying key, and
    // that key is the one zkvote imported.
    snarkjs(
        d,
        &[
            "zkey",
            "export",
            "verificationkey",
            "ballot_final.zkey",
            "vk.json",
        ],
    );
    let vk: SnarkjsVerifyingKey =
        serde_json::from_str(&std::fs::read_to_string(d.join("vk.json")).unwrap()).unwrap();
    let (_, our_vk, _) =
        zkvote_verifier::keys::read_verifying_key(&d.join("keys/ballot-d4-f3-plain.vk")).unwrap();
    assert_eq!(import_verifying_key(&vk).unwrap(), our_vk);
    let election: Election =
        serde_json::from_str(&std::fs::read_to_string(d.join("election.json")).unwrap()).unwrap();
    let ballot = Ballot::from_json(
        "alice",
        &std::fs::read_to_string(d.join("box/alice.json")).unwrap(),
    )
    .unwrap();
    let prepared = prepare_ballot(&election, &ballot).unwrap();
    let write = |name: &str, v: serde_json::Value| {
        std::fs::write(d.join(name), serde_json::to_string_pretty(&v).unwrap()).unwrap()
    };
    write(
        "proof.json",
        serde_json::to_value(export_proof(&prepared.proof)).unwrap(),
    );
    write(
        "public.json",
        serde_json::to_value(export_public(&prepared.inputs)).unwrap(),
    );
    let out = snarkjs(
        d,
        &["groth16", "verify", "vk.json", "public.json", "proof.json"],
    );
    assert!(out.contains("OK"), "{out}");
    // …and rejects it with another nullifier.
    let mut wrong = prepared.inputs.clone();
    wrong[zkvote_circuits::ballot::public_inputs::BallotInstance::NULLIFIER] +=
        ark_bn254::Fr::from(1u64);
    write(
        "public.json",
        serde_json::to_value(export_public(&wrong)).unwrap(),
    );
    let out = Command::new("node")
        .arg(snarkjs_cli())
        .args(["groth16", "verify", "vk.json", "public.json", "proof.json"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        !out.status.success() || !text(&out).contains("OK!"),
        "{}",
        text(&out)
    );
    eprintln!("ceremony test: {:.1} s", started.elapsed().as_secs_f64());
}
