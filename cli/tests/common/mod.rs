//! What the end-to-end tests share: running the binary, its output, and a census of
//! fresh identities.
#![allow(dead_code)] // each test binary uses its own subset

use std::{
    path::Path,
    process::{Command, Output},
};

/// Runs `zkvote args` in `dir`.
pub fn zkvote(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkvote"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Standard output then standard error.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `zkvote args`, which must succeed; its standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = zkvote(dir, args);
    assert!(
        out.status.success(),
        "zkvote {args:?} failed: {}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `zkvote args`, which must succeed; its standard output and error.
pub fn ok_text(dir: &Path, args: &[&str]) -> String {
    let out = zkvote(dir, args);
    assert!(
        out.status.success(),
        "zkvote {args:?} failed: {}",
        text(&out)
    );
    text(&out)
}

/// Runs `zkvote args`, which must exit with `code` and say `needle`; all it said.
pub fn fails(dir: &Path, args: &[&str], code: i32, needle: &str) -> String {
    let out = zkvote(dir, args);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(code), "zkvote {args:?}: {text}");
    assert!(
        text.contains(needle),
        "zkvote {args:?}: expected {needle:?} in {text}"
    );
    text
}

/// A JSON file's value.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A new identity `<name>.json` in `dir` for every name, and `census.json` (from
/// `members.txt`) of the `members` among them.
pub fn census(dir: &Path, members: &[&str], outsiders: &[&str]) {
    let mut list = String::new();
    for name in members.iter().chain(outsiders) {
        ok(dir, &["identity", "new", "--out", &format!("{name}.json")]);
        if members.contains(name) {
            let id = json(&dir.join(format!("{name}.json")));
            list.push_str(id["commitment"].as_str().unwrap());
            list.push('\n');
        }
    }
    std::fs::write(dir.join("members.txt"), list).unwrap();
    ok(
        dir,
        &[
            "census",
            "build",
            "--members",
            "members.txt",
            "--out",
            "census.json",
        ],
    );
}

/// `election.json`: a single-choice election on options A, B, C over `census.json`, for
/// the small test shape (depth 4, 3 fields), with `extra` arguments.
pub fn abc_election(dir: &Path, extra: &[&str]) {
    let mut args = vec![
        "election",
        "new",
        "--census",
        "census.json",
        "--options",
        "A,B,C",
        "--mode",
        "single",
        "--depth",
        "4",
        "--fields",
        "3",
        "--out",
        "election.json",
    ];
    args.extend_from_slice(extra);
    ok(dir, &args);
}

/// The arguments of `zkvote vote` for `<who>.json` on `census.json` and
/// `election.json` with `--choice choice`, writing `out`.
pub fn vote_args(who: &str, choice: &str, out: &str) -> Vec<String> {
    [
        "vote",
        "--identity",
        &format!("{who}.json"),
        "--census",
        "census.json",
        "--election",
        "election.json",
        "--choice",
        choice,
        "--out",
        out,
    ]
    .map(String::from)
    .to_vec()
}

/// Runs `zkvote vote` (see [`vote_args`]), which must succeed; its output.
pub fn vote(dir: &Path, who: &str, choice: &str, out: &str) -> String {
    let args = vote_args(who, choice, out);
    ok(dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
}
