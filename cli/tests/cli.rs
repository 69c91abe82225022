//! End-to-end tests of the `zkvote` binary: a small election, and the bad cases a
//! user hits, each with its exit code and a message that says what is wrong.

use std::path::PathBuf;

mod common;
use common::{abc_election, census, fails, json, ok};

struct Election {
    dir: tempfile::TempDir,
}

impl Election {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Three members (alice, bob, carol), a single-choice election on options A, B, C,
/// and one outsider (mallory) with an identity but not in the census.
fn small_election() -> Election {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    census(d, &["alice", "bob", "carol"], &["mallory"]);
    ok(
        d,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    abc_election(d, &["--title", "Test"]);
    Election { dir }
}

#[test]
fn a_small_election_end_to_end_with_every_bad_case() {
    let e = small_election();
    let d = e.dir.path();
    let election = json(&e.path("election.json"));
    assert!(election["id"]
        .as_str()
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_digit()));
    let root = ok(d, &["census", "root", "census.json"]);
    assert!(root.trim().chars().all(|c| c.is_ascii_digit()));

    let vote = |who: &str, choice: &str, out: &str| common::vote(d, who, choice, out);
    std::fs::create_dir(d.join("box")).unwrap();
    vote("alice", "0", "box/1-alice.json");
    vote("bob", "2", "box/2-bob.json");
    vote("carol", "2", "box/3-carol.json");
    let ballot = json(&e.path("box/1-alice.json"));
    for key in ["election_id", "nullifier", "votes", "proof"] {
        assert!(ballot.get(key).is_some(), "ballot has {key}");
    }
    ok(
        d,
        &[
            "verify",
            "--election",
            "election.json",
            "box/1-alice.json",
            "box/2-bob.json",
        ],
    );

    // A second vote by alice: valid on its own, a duplicate in the tally.
    vote("alice", "1", "box/4-alice-again.json");
    // A tampered ballot: bob's proof with carol's choice changed.
    let mut tampered = json(&e.path("box/2-bob.json"));
    tampered["votes"] = serde_json::json!([1, 0, 0]);
    std::fs::write(d.join("box/5-tampered.json"), tampered.to_string()).unwrap();
    fails(
        d,
        &[
            "verify",
            "--election",
            "election.json",
            "box/5-tampered.json",
        ],
        1,
        "REJECTED",
    );

    // A box is an unordered set: alice's two ballots with different votes conflict and
    // neither counts; the tally is written and the exit code says a ballot was rejected.
    fails(
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
        1,
        "conflicting ballots",
    );
    let t = json(&e.path("tally.json"));
    assert_eq!(t["totals"], serde_json::json!([0, 0, 2]));
    assert_eq!(t["counted"].as_array().unwrap().len(), 2);
    let rejected = t["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 3, "{t}");
    for r in &rejected[..2] {
        assert!(r["source"].as_str().unwrap().contains("alice"), "{t}");
        assert!(r["reason"].as_str().unwrap().contains("conflicting"), "{t}");
    }
    assert!(rejected[2]["source"]
        .as_str()
        .unwrap()
        .contains("5-tampered"));
    // Same inputs, same bytes.
    fails(
        d,
        &[
            "tally",
            "--election",
            "election.json",
            "--box",
            "box",
            "--json",
            "--out",
            "tally2.json",
        ],
        1,
        "5-tampered",
    );
    assert_eq!(
        std::fs::read(e.path("tally.json")).unwrap(),
        std::fs::read(e.path("tally2.json")).unwrap()
    );

    // Missing file, malformed JSON.
    fails(
        d,
        &["verify", "--election", "nope.json", "box/1-alice.json"],
        2,
        "nope.json",
    );
    std::fs::write(d.join("broken.json"), "{ not json").unwrap();
    fails(
        d,
        &["verify", "--election", "broken.json", "box/1-alice.json"],
        2,
        "broken.json",
    );
    fails(
        d,
        &["verify", "--election", "election.json", "broken.json"],
        2,
        "broken.json",
    );

    // A ballot for another election on the same census and keys.
    ok(
        d,
        &[
            "election",
            "new",
            "--census",
            "census.json",
            "--options",
            "A,B,C",
            "--mode",
            "single",
            "--title",
            "Other",
            "--depth",
            "4",
            "--fields",
            "3",
            "--out",
            "other.json",
        ],
    );
    fails(
        d,
        &["verify", "--election", "other.json", "box/1-alice.json"],
        1,
        "another election",
    );

    // An identity that is not in the census.
    fails(
        d,
        &[
            "vote",
            "--identity",
            "mallory.json",
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--choice",
            "0",
            "--out",
            "m.json",
        ],
        2,
        "not in the census",
    );
    // A choice out of range.
    fails(
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
            "7",
            "--out",
            "x.json",
        ],
        2,
        "--choice 7",
    );
}

#[test]
fn identity_import_matches_semaphore_and_rejects_bad_keys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // From vectors/semaphore-v4.json (computed by @semaphore-protocol/identity).
    let out = ok(
        d,
        &[
            "identity",
            "import",
            "--private-key",
            "WFKssSwQErLem/uSuKHC7SWsR7EljxtugtE6fIzlqqo=",
        ],
    );
    assert!(out
        .contains("21010099755494657839104772250663829540704999780077053197357999447598269343742"));
    fails(
        d,
        &["identity", "import", "--private-key", "not base64!"],
        2,
        "private-key",
    );
    fails(
        d,
        &["identity", "import", "--private-key", "AAAA"],
        2,
        "private-key",
    );
    fails(d, &["identity", "show", "missing.json"], 2, "missing.json");
}

#[test]
fn election_without_keys_says_how_to_make_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["identity", "new", "--out", "a.json"]);
    let c = json(&d.join("a.json"))["commitment"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(d.join("m.txt"), format!("{c}\n")).unwrap();
    ok(
        d,
        &[
            "census",
            "build",
            "--members",
            "m.txt",
            "--out",
            "census.json",
        ],
    );
    let text = fails(
        d,
        &[
            "election",
            "new",
            "--census",
            "census.json",
            "--options",
            "A,B",
            "--out",
            "e.json",
        ],
        2,
        "zkvote setup --depth 20 --fields 8",
    );
    // Both ways to get keys, with the shape's actual depth and fields.
    assert!(
        text.contains("zkvote setup --from-zkey ballot_final.zkey --depth 20 --fields 8"),
        "{text}"
    );
    assert!(text.contains("single-party"), "{text}");
    std::fs::write(d.join("bad.txt"), "12\n12\n").unwrap();
    fails(
        d,
        &["census", "build", "--members", "bad.txt", "--out", "c.json"],
        2,
        "duplicate",
    );
    std::fs::write(d.join("bad.txt"), "12\nabc\n").unwrap();
    fails(
        d,
        &["census", "build", "--members", "bad.txt", "--out", "c.json"],
        2,
        "line 2",
    );
    fails(d, &["bogus-command"], 2, "unrecognized");
}

/// `setup` never replaces keys an election may be built on, and says how to go on.
#[test]
fn setup_refuses_to_overwrite_keys() {
    let e = small_election();
    let d = e.dir.path();
    let pk = std::fs::read(d.join("keys/ballot-d4-f3-plain.pk")).unwrap();
    let vk = std::fs::read(d.join("keys/ballot-d4-f3-plain.vk")).unwrap();
    let out = fails(
        d,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
        2,
        "already there",
    );
    assert!(
        out.contains("zkvote tables") && out.contains("--out"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(d.join("keys/ballot-d4-f3-plain.pk")).unwrap(),
        pk
    );
    assert_eq!(
        std::fs::read(d.join("keys/ballot-d4-f3-plain.vk")).unwrap(),
        vk
    );
    // The election still works with its keys.
    ok(
        d,
        &[
            "vote",
            "--identity",
            "bob.json",
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--choice",
            "0",
            "--out",
            "b.json",
        ],
    );
    ok(d, &["verify", "--election", "election.json", "b.json"]);
}

/// `tables` makes the voter's proving tables from the election's existing proving key;
/// `vote` uses them; a damaged file, another voter's file, or tables of another key
/// are refused by name (exit 2) before anything is proved, and `--no-tables` proves
/// without them.
#[test]
fn proving_tables() {
    let e = small_election();
    let d = e.dir.path();
    let pk = std::fs::read(d.join("keys/ballot-d4-f3-plain.pk")).unwrap();
    let tables_for = |who: &str| {
        ok(
            d,
            &[
                "tables",
                "--identity",
                who,
                "--election",
                "election.json",
                "--keys",
                "keys",
            ],
        )
    };
    let out = tables_for("alice.json");
    assert!(
        out.contains("proving tables: ") && out.contains("alice.json"),
        "{out}"
    );
    // Made from the existing key, which is unchanged.
    assert_eq!(
        std::fs::read(d.join("keys/ballot-d4-f3-plain.pk")).unwrap(),
        pk
    );
    let vote = |who: &str, out: &str, extra: &[&str]| {
        let who = who.trim_end_matches(".json");
        let mut args = common::vote_args(who, "1", out);
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    fn refs(args: &[String]) -> Vec<&str> {
        args.iter().map(String::as_str).collect()
    }
    let out = ok(d, &refs(&vote("alice.json", "b1.json", &[])));
    assert!(
        out.contains("key and tables loaded") && out.contains("with tables"),
        "{out}"
    );
    ok(d, &["verify", "--election", "election.json", "b1.json"]);

    // Alice's tables are not Bob's: refused before proving, and no ballot written.
    fails(
        d,
        &refs(&vote("bob.json", "b2.json", &[])),
        2,
        "not made with this identity",
    );
    assert!(!d.join("b2.json").exists());
    let out = ok(d, &refs(&vote("bob.json", "b2.json", &["--no-tables"])));
    assert!(!out.contains("tables loaded"), "{out}");
    ok(d, &["verify", "--election", "election.json", "b2.json"]);

    // Any change to her file: one flipped bit in a point.
    let tables = d.join("keys/ballot-d4-f3-plain.tables");
    let good = std::fs::read(&tables).unwrap();
    let mut bad = good.clone();
    let at = bad.len() / 2;
    bad[at] ^= 1;
    std::fs::write(&tables, &bad).unwrap();
    fails(
        d,
        &refs(&vote("alice.json", "b3.json", &[])),
        2,
        "ballot-d4-f3-plain.tables: not made with this identity",
    );
    std::fs::write(&tables, &good[..good.len() / 2]).unwrap();
    fails(
        d,
        &refs(&vote("alice.json", "b3.json", &[])),
        2,
        "ballot-d4-f3-plain.tables",
    );
    assert!(!d.join("b3.json").exists());

    // Her own tables for another setup of the same shape: refused by key digest.
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(d.join("alice.json"), other.path().join("alice.json")).unwrap();
    std::fs::copy(d.join("census.json"), other.path().join("census.json")).unwrap();
    ok(
        other.path(),
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    abc_election(other.path(), &["--title", "Other"]);
    ok(
        other.path(),
        &[
            "tables",
            "--identity",
            "alice.json",
            "--election",
            "election.json",
            "--keys",
            "keys",
        ],
    );
    std::fs::copy(other.path().join("keys/ballot-d4-f3-plain.tables"), &tables).unwrap();
    fails(
        d,
        &refs(&vote("alice.json", "b3.json", &[])),
        2,
        "made for the proving key",
    );
    // Rebuilt, her tables work again.
    tables_for("alice.json");
    ok(d, &refs(&vote("alice.json", "b3.json", &[])));
}
