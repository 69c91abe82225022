//! The ballot box as an input: every entry of a directory is judged, the rule for a
//! repeated nullifier reads the ballots and never the file names, and every command
//! follows one exit-code rule (0 all accepted, 1 something rejected, 2 input error).

use std::path::Path;

mod common;
use common::{abc_election, census, fails, json, ok, text, zkvote};

/// alice, bob, carol in a census; keys; a single-choice election on A, B, C.
fn election() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    census(d, &["alice", "bob", "carol"], &[]);
    ok(
        d,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    abc_election(d, &[]);
    dir
}

fn vote(d: &Path, who: &str, choice: &str, out: &str) {
    common::vote(d, who, choice, out);
}

/// `zkvote tally` run in `cwd`; exit code and the `--out` file's bytes.
fn tally_in(cwd: &Path, election: &str, keys: &str, input: &[&str]) -> (Option<i32>, Vec<u8>) {
    let mut args = vec![
        "tally",
        "--election",
        election,
        "--keys",
        keys,
        "--json",
        "--out",
        "tally.json",
    ];
    args.extend_from_slice(input);
    let out = zkvote(cwd, &args);
    let bytes = std::fs::read(cwd.join("tally.json")).unwrap_or_default();
    (out.status.code(), bytes)
}

fn reasons(t: &serde_json::Value) -> Vec<(String, String)> {
    t["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_box_entry_is_an_input_and_the_rule_ignores_file_names() {
    let dir = election();
    let d = dir.path();
    std::fs::create_dir(d.join("box")).unwrap();
    vote(d, "alice", "0", "box/a.json");
    vote(d, "alice", "1", "box/b.json");
    vote(d, "bob", "2", "box/c.json");
    // A valid ballot whatever its name: counted.
    vote(d, "carol", "2", "box/carol.ballot");

    // Two different valid ballots of alice: a conflict, neither counts.
    let (code, first) = tally_in(d, "election.json", "keys", &["--box", "box"]);
    assert_eq!(code, Some(1));
    let t: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(t["totals"], serde_json::json!([0, 0, 2]), "{t}");
    assert_eq!(t["counted"].as_array().unwrap().len(), 2);
    let r = reasons(&t);
    assert_eq!(r.len(), 2, "{t}");
    assert!(r.iter().all(|(_, why)| why.contains("conflicting ballots")));

    // Swap the names of alice's two ballots: same result, byte for byte.
    std::fs::rename(d.join("box/a.json"), d.join("box/tmp")).unwrap();
    std::fs::rename(d.join("box/b.json"), d.join("box/a.json")).unwrap();
    std::fs::rename(d.join("box/tmp"), d.join("box/b.json")).unwrap();
    let (code, swapped) = tally_in(d, "election.json", "keys", &["--box", "box"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        String::from_utf8_lossy(&swapped),
        String::from_utf8_lossy(&first)
    );
    // The same files named on the command line, in another order: the same set.
    let (code, listed) = tally_in(
        d,
        "election.json",
        "keys",
        &["box/c.json", "box/carol.ballot", "box/b.json", "box/a.json"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        String::from_utf8_lossy(&listed),
        String::from_utf8_lossy(&first)
    );

    // A log keeps its order: the first of alice's ballots counts, whichever it is.
    let line = |name: &str| json(&d.join("box").join(name)).to_string();
    let (b, a, c) = (line("b.json"), line("a.json"), line("c.json"));
    std::fs::write(d.join("log1.jsonl"), format!("{a}\n{b}\n{c}\n")).unwrap();
    std::fs::write(d.join("log2.jsonl"), format!("{b}\n{a}\n{c}\n")).unwrap();
    let (code, l1) = tally_in(d, "election.json", "keys", &["--jsonl", "log1.jsonl"]);
    assert_eq!(code, Some(1));
    let l1: serde_json::Value = serde_json::from_slice(&l1).unwrap();
    assert!(reasons(&l1)[0].1.contains("duplicate nullifier"), "{l1}");
    let (_, l2) = tally_in(d, "election.json", "keys", &["--jsonl", "log2.jsonl"]);
    let l2: serde_json::Value = serde_json::from_slice(&l2).unwrap();
    // After the renames, a.json holds alice's vote for B and b.json her vote for A.
    assert_eq!(l1["totals"], serde_json::json!([0, 1, 1]), "{l1}");
    assert_eq!(l2["totals"], serde_json::json!([1, 0, 1]), "{l2}");
}

#[test]
fn copies_count_once_whatever_their_names_and_spelling() {
    let dir = election();
    let d = dir.path();
    std::fs::create_dir(d.join("box")).unwrap();
    vote(d, "alice", "0", "box/alice.json");
    vote(d, "bob", "1", "box/bob.json");
    // The same ballot, spelled differently: compact JSON, upper-case proof hex.
    let mut copy = json(&d.join("box/alice.json"));
    let upper = copy["proof"].as_str().unwrap().to_uppercase();
    copy["proof"] = serde_json::Value::String(upper);
    std::fs::write(d.join("box/0-copy.json"), copy.to_string()).unwrap();

    let (code, first) = tally_in(d, "election.json", "keys", &["--box", "box"]);
    assert_eq!(code, Some(1), "a copy is a rejected input");
    let t: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(t["totals"], serde_json::json!([1, 1, 0]), "{t}");
    let r = reasons(&t);
    assert_eq!(r.len(), 1, "{t}");
    assert!(r[0].1.contains("copy of the ballot from"), "{t}");

    // Swap the names of the original and the copy: the totals and the counted
    // nullifiers do not change.
    std::fs::rename(d.join("box/alice.json"), d.join("box/tmp")).unwrap();
    std::fs::rename(d.join("box/0-copy.json"), d.join("box/alice.json")).unwrap();
    std::fs::rename(d.join("box/tmp"), d.join("box/0-copy.json")).unwrap();
    let (_, swapped) = tally_in(d, "election.json", "keys", &["--box", "box"]);
    let s: serde_json::Value = serde_json::from_slice(&swapped).unwrap();
    assert_eq!(s["totals"], t["totals"]);
    assert_eq!(s["counted"], t["counted"]);
}

#[test]
fn nothing_in_a_box_is_skipped_silently() {
    let dir = election();
    let d = dir.path();
    std::fs::create_dir(d.join("box")).unwrap();
    vote(d, "alice", "0", "box/alice.json");
    std::fs::write(d.join("box/notes.txt"), "not a ballot\n").unwrap();
    std::fs::write(d.join("box/empty.json"), "").unwrap();
    std::fs::write(d.join("box/broken.json"), "{ \"version\": 1").unwrap();
    std::fs::create_dir(d.join("box/sub")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("nowhere.json"), d.join("box/dangling.json")).unwrap();

    let (code, bytes) = tally_in(d, "election.json", "keys", &["--box", "box"]);
    assert_eq!(code, Some(1));
    let t: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let entries = std::fs::read_dir(d.join("box")).unwrap().count();
    assert_eq!(t["ballots"].as_array().unwrap().len(), entries, "{t}");
    assert_eq!(t["totals"], serde_json::json!([1, 0, 0]));
    let r = reasons(&t);
    let why = |name: &str| {
        r.iter()
            .find(|(s, _)| s.ends_with(name))
            .unwrap_or_else(|| panic!("{name} is reported: {t}"))
            .1
            .clone()
    };
    assert!(why("notes.txt").contains("not a valid ballot"));
    assert!(why("empty.json").contains("empty"));
    assert!(why("broken.json").contains("not a valid ballot"));
    assert!(why("sub").contains("a directory"));
    #[cfg(unix)]
    assert!(why("dangling.json").contains("symbolic link"));
    assert_eq!(r.len(), entries - 1);

    // The result does not depend on the order the directory lists its entries: the
    // same box built in the opposite order elsewhere gives the same bytes.
    let other = d.join("other");
    std::fs::create_dir_all(other.join("box")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("nowhere.json"), other.join("box/dangling.json")).unwrap();
    std::fs::create_dir(other.join("box/sub")).unwrap();
    for name in ["broken.json", "empty.json", "notes.txt", "alice.json"] {
        std::fs::copy(d.join("box").join(name), other.join("box").join(name)).unwrap();
    }
    let (code, again) = tally_in(&other, "../election.json", "../keys", &["--box", "box"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&bytes)
    );
}

#[test]
fn exit_codes_follow_one_rule() {
    let dir = election();
    let d = dir.path();
    vote(d, "alice", "0", "a.json");
    vote(d, "bob", "1", "b.json");
    let mut tampered = json(&d.join("b.json"));
    tampered["votes"] = serde_json::json!([1, 0, 0]);
    std::fs::write(d.join("tampered.json"), tampered.to_string()).unwrap();

    // verify: every file reported, then the worst code.
    let args = |files: &[&'static str]| {
        let mut a = vec!["verify", "--election", "election.json"];
        a.extend_from_slice(files);
        a
    };
    let out = fails(
        d,
        &args(&["a.json", "missing.json", "b.json"]),
        2,
        "UNREADABLE missing.json",
    );
    assert!(out.contains("valid     a.json"), "{out}");
    assert!(out.contains("valid     b.json"), "{out}");
    let out = fails(
        d,
        &args(&["a.json", "tampered.json", "missing.json"]),
        2,
        "REJECTED  tampered.json",
    );
    assert!(out.contains("valid     a.json"), "{out}");
    fails(d, &args(&["tampered.json", "b.json"]), 1, "REJECTED");
    ok(d, &args(&["a.json", "b.json"]));
    let mut j = args(&["a.json", "missing.json", "tampered.json"]);
    j.push("--json");
    let out = zkvote(d, &j);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], serde_json::json!(["a.json"]));
    assert_eq!(v["rejected"][0]["file"], "tampered.json");
    assert_eq!(v["unreadable"][0]["file"], "missing.json");
    assert_eq!(v["exit_code"], 2);

    // tally: a rejected ballot exits 1, and the tally is still written.
    let (code, bytes) = tally_in(d, "election.json", "keys", &["a.json", "tampered.json"]);
    assert_eq!(code, Some(1));
    let t: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(t["totals"], serde_json::json!([1, 0, 0]));
    std::fs::remove_file(d.join("tally.json")).unwrap();
    let (code, _) = tally_in(d, "election.json", "keys", &["a.json", "b.json"]);
    assert_eq!(code, Some(0));
    // An input error: exit 2 and nothing written.
    std::fs::remove_file(d.join("tally.json")).unwrap();
    let (code, bytes) = tally_in(d, "election.json", "keys", &["a.json", "missing.json"]);
    assert_eq!(code, Some(2));
    assert!(bytes.is_empty(), "nothing written on an input error");
    let (code, _) = tally_in(d, "election.json", "keys", &["--box", "missing-dir"]);
    assert_eq!(code, Some(2));
}

#[test]
fn census_build_refuses_the_commitment_of_the_secret_zero() {
    use ark_bn254::Fr;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The public key of the secret 0 is the identity point (0, 1).
    let c = zkvote_circuits::poseidon::hash2(Fr::from(0u64), Fr::from(1u64));
    let c = zkvote_circuits::field::fr_to_decimal(&c);
    std::fs::write(d.join("members.txt"), format!("123\n{c}\n")).unwrap();
    let out = fails(
        d,
        &[
            "census",
            "build",
            "--members",
            "members.txt",
            "--out",
            "census.json",
        ],
        2,
        "the commitment of the secret 0",
    );
    assert!(out.contains("members.txt"), "{out}");
    assert!(!d.join("census.json").exists());
    std::fs::write(d.join("members.txt"), "123\n").unwrap();
    ok(
        d,
        &[
            "census",
            "build",
            "--members",
            "members.txt",
            "--out",
            "census.json",
        ],
    );
    fails(d, &["census", "add", "census.json", &c], 2, "secret 0");
    assert_eq!(
        json(&d.join("census.json"))["members"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
