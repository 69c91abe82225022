//! End-to-end tests of how `zkvote` writes files: private keys readable only by their
//! owner, identities and ballots never overwritten, no temporary file left behind.

use std::path::Path;

mod common;
use common::{abc_election, census, fails, ok};

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every file under `dir` whose name marks it as one of the writer's temporary files.
fn temporary_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            found.extend(temporary_files(&entry.path()));
        } else if name.starts_with(".zkvote-") || name.ends_with(".tmp") {
            found.push(entry.path().display().to_string());
        }
    }
    found
}

#[test]
fn identity_files_are_private_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(d, &["identity", "new", "--out", "alice.json"]);
    assert!(out.contains("readable only by you"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("alice.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "identity file mode {mode:o}");
    }
    let before = std::fs::read(d.join("alice.json")).unwrap();

    // Another identity onto the same file: refused (exit 2), the private key kept.
    fails(
        d,
        &["identity", "new", "--out", "alice.json"],
        2,
        "alice.json: already exists",
    );
    fails(
        d,
        &[
            "identity",
            "import",
            "--private-key",
            "WFKssSwQErLem/uSuKHC7SWsR7EljxtugtE6fIzlqqo=",
            "--out",
            "alice.json",
        ],
        2,
        "remove it",
    );
    assert_eq!(std::fs::read(d.join("alice.json")).unwrap(), before);
    // The refused identity is still usable.
    ok(d, &["identity", "show", "alice.json"]);
    assert_eq!(temporary_files(d), Vec::<String>::new());
}

#[test]
fn vote_refuses_to_overwrite_a_ballot() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    census(d, &["alice", "bob"], &[]);
    ok(
        d,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    abc_election(d, &[]);
    let vote = |who: &str, out: &str| common::vote_args(who, "1", out);
    ok(d, &args(&vote("alice", "box/alice.json")));
    let ballot = std::fs::read(d.join("box/alice.json")).unwrap();

    // Bob's ballot onto alice's file: refused (exit 2), alice's ballot kept.
    let text = fails(
        d,
        &args(&vote("bob", "box/alice.json")),
        2,
        "box/alice.json: already exists",
    );
    assert!(text.contains("choose another --out or remove it"), "{text}");
    assert_eq!(std::fs::read(d.join("box/alice.json")).unwrap(), ballot);

    // Any existing file, even one that is not a ballot, is left alone.
    std::fs::write(d.join("box/notes.txt"), b"not a ballot").unwrap();
    fails(d, &args(&vote("bob", "box/notes.txt")), 2, "already exists");
    assert_eq!(
        std::fs::read(d.join("box/notes.txt")).unwrap(),
        b"not a ballot"
    );

    // A new name works, and the box verifies.
    ok(d, &args(&vote("bob", "box/bob.json")));
    ok(
        d,
        &[
            "verify",
            "--election",
            "election.json",
            "box/alice.json",
            "box/bob.json",
        ],
    );
    // Files that may be replaced are: the census (`census add`), the tally.
    for _ in 0..2 {
        ok(
            d,
            &[
                "tally",
                "--election",
                "election.json",
                "box/alice.json",
                "box/bob.json",
                "--out",
                "tally.json",
            ],
        );
    }
    assert_eq!(temporary_files(d), Vec::<String>::new());
}
