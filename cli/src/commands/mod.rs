//! The commands, and the few helpers they share for reading and writing files.
//!
//! # Exit codes: one rule for every command
//!
//! - **0**: the command did its work and everything it checked was accepted.
//! - **1** ([`EXIT_REJECTED`]): the command did its work and reported everything, but
//!   something was rejected: an invalid ballot, a rejected proof, a failed check.
//!   `verify` reports every file first; `tally` writes its result (and `--out` file) and
//!   exits 1 if any ballot was rejected, duplicates and conflicts included; `export` and
//!   `import snarkjs` print why the ballot or proof was refused and write nothing.
//! - **2** ([`EXIT_INPUT`]): usage or input error: an argument, or a file that cannot be
//!   read or parsed (missing, malformed, for another shape); the message names the file
//!   and the problem, and nothing is written. `verify` still reports every other file
//!   before exiting 2. In a ballot box, though, the entries are the data being judged:
//!   an entry that is not a ballot is a rejected ballot (1), and only a box, election or
//!   key that cannot be read is an input error.
//!
//! Refusals of the organiser's own inputs (`census build` with a duplicate or unsafe
//! commitment, `vote` with a choice the rules forbid, `election new` with impossible
//! rules) are input errors (2): nothing was judged. `demo` and `bench` exit 0 when they
//! ran, although the demo shows its box refusing two ballots on purpose.

mod ballot_box;
mod bench;
mod census;
mod circuit;
mod demo;
mod election;
mod export;
mod identity;
mod keys;
mod tally;
mod trustee;
mod vote;

use std::{
    io::IsTerminal,
    path::Path,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressStyle};
use serde::{de::DeserializeOwned, Serialize};
pub use zkvote_verifier::fs::{Access, IfExists};

use crate::args::Command;

/// Exit code: done and everything reported, but a ballot, proof or check was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: usage or input error (nothing written).
pub const EXIT_INPUT: u8 = 2;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// 1 (rejected) or 2 (input).
    pub code: u8,
    /// What went wrong, naming the file.
    pub message: String,
}

/// An input error (exit code 2).
pub fn input_error(message: impl Into<String>) -> CliError {
    CliError {
        code: EXIT_INPUT,
        message: message.into(),
    }
}

/// Result of a command: the exit code on success.
pub type CmdResult = Result<u8, CliError>;

/// Runs one command.
pub fn run(command: Command) -> CmdResult {
    match command {
        Command::Identity(c) => identity::run(c),
        Command::Census(c) => census::run(c),
        Command::Election(c) => election::run(c),
        Command::Setup(a) => keys::setup(a),
        Command::Tables(a) => keys::tables(a),
        Command::Circuit(c) => circuit::run(c),
        Command::Vote(a) => vote::run(a),
        Command::Verify(a) => tally::verify(a),
        Command::Tally(a) => tally::tally(a),
        Command::Demo(a) => demo::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Export(c) => export::run(c),
        Command::Import(c) => export::import(c),
        Command::Serve(a) => ballot_box::serve(a),
        Command::Box(c) => ballot_box::box_cmd(c),
        Command::Fetch(a) => ballot_box::fetch(a),
        Command::Receipt(c) => ballot_box::receipt(c),
        Command::Trustee(c) => trustee::run(c),
    }
}

/// Reads a file to a string; errors name the file.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| input_error(format!("{}: cannot read: {e}", path.display())))
}

/// Reads and parses a JSON file; errors name the file and say what is wrong.
pub fn read_json<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T, CliError> {
    let text = read_text(path)?;
    serde_json::from_str(&text)
        .map_err(|e| input_error(format!("{}: not a valid {what} file: {e}", path.display())))
}

/// Writes a value as pretty JSON (with a final newline), replacing the file if it exists
/// (atomically: see [`write_file`]).
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), CliError> {
    write_json_as(path, value, IfExists::Replace, Access::Public)
}

/// Writes a value as pretty JSON (with a final newline) with the given policy for an
/// existing file and the given access.
pub fn write_json_as<T: Serialize>(
    path: &Path,
    value: &T,
    if_exists: IfExists,
    access: Access,
) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).expect("our types serialise");
    text.push('\n');
    write_file(path, text.as_bytes(), if_exists, access)
}

/// Writes a file through a temporary file renamed into place, so that another zkvote
/// process never reads a half-written or rewritten file (`zkvote_verifier::fs`).
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    if_exists: IfExists,
    access: Access,
) -> Result<(), CliError> {
    zkvote_verifier::fs::write_file(path, bytes, if_exists, access)
        .map_err(|e| input_error(e.to_string()))
}

/// Refuses an output file that already exists (before a long computation; the final
/// write refuses it again, race-free).
pub fn refuse_existing(path: &Path, what: &str) -> Result<(), CliError> {
    if path.symlink_metadata().is_ok() {
        return Err(input_error(format!(
            "{}: already exists; zkvote does not overwrite {what}: choose another --out or remove it",
            path.display()
        )));
    }
    Ok(())
}

/// Prints a value as pretty JSON to stdout.
pub fn print_json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("our types serialise")
    );
}

/// A spinner for a long step, hidden when stdout is not a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    let pb = if std::io::stdout().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
    );
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

/// A progress bar over `n` items, hidden when stdout is not a terminal.
pub fn progress(n: u64, message: &str) -> ProgressBar {
    let pb = if std::io::stdout().is_terminal() {
        ProgressBar::new(n)
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// Formats a duration for people.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}
