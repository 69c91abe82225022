//! The tally: every input ballot counted or rejected with its reason.
//!
//! 1. Each input is parsed and checked against the election ([`prepare_ballot`]);
//!    a failure is that ballot's rejection reason. An input that is not a ballot file at
//!    all (a directory, a dangling link, an empty or oversized file, a file that is not
//!    ballot JSON, whatever its name) is rejected with the reason too: nothing in a box
//!    is skipped silently.
//! 2. The proofs of the remaining ballots are batch-verified ([`zkvote_engine::batch_verify`]),
//!    which isolates exactly the invalid ones whatever the batch size.
//! 3. Where an input carries the time the box logged it (a box downloaded from
//!    `zkvote serve`) and the election has a voting window, a ballot logged outside the
//!    window is rejected. Ballot files carry no time: the window of a tally of files is
//!    whoever collected them's to enforce.
//! 4. Repeated nullifiers are resolved by the box's [`BoxOrder`] and the election's
//!    revote policy ([`Revote`]):
//!    - **a log** (a JSON-lines box), policy `first`: its line order is the order in
//!      which ballots were cast, and the first valid ballot of each nullifier counts;
//!      later ones are rejected as duplicates, naming the ballot that counted.
//!    - **a log**, policy `last`: the member's latest *choice* counts. Ballots of one
//!      nullifier with the same public inputs are one choice, placed where it first
//!      appeared: anyone holding a ballot can re-randomise its proof and append the
//!      copy later, and that must not bring back a choice the member has since
//!      changed. (So a member cannot return to an earlier choice either; the box
//!      refuses such a ballot at the door and says why.) The choice that appeared last
//!      counts, in its first copy; every other ballot is rejected, naming it.
//!    - **an unordered set** (a directory, or files named on the command line): file
//!      names and directory order mean nothing (whoever assembled the box chose them),
//!      so the rule reads only the ballots. Valid ballots with one nullifier and the
//!      same public inputs (the same votes and weight) are one vote, counted once:
//!      copies, or re-randomisations of one proof, which anyone holding the ballot can
//!      make. The one reported as counted is the one whose canonical content (proof
//!      bytes and public inputs) has the smallest SHA-256; the others are rejected as
//!      copies of it. Valid ballots with one nullifier and *different* votes can only
//!      come from the voter herself (they need her secret), and an unordered box does
//!      not say which came last: none of them counts, each is rejected as a conflict.
//!      Picking one by a content hash instead would let whoever assembled the box
//!      choose, since re-randomising a proof changes its hash.
//! 5. Totals: `totals[i] += vᵢ · m` with `m = w` (the weight spent) unless the rules
//!    spend the weight as a budget (`cost_from_weight`), where `m = 1`.
//!
//! The result depends only on the election, the key, the inputs and, for a log, their
//! order: the same inputs give the same JSON, byte for byte. An unordered set is
//! reported in the order of its sources (file names), which changes only the order of
//! the lines, never which ballot counts or the totals.

use std::{
    collections::{BTreeMap, HashMap},
    io::Read,
    path::Path,
};

use ark_bn254::{Bn254, Fr};
use ark_groth16::PreparedVerifyingKey;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkvote_circuits::{
    election::{Election, Revote, WindowPhase},
    field::fr_to_decimal,
    labels::CANONICAL_BALLOT_TAG, // the canonical digest of a ballot (BoxOrder::Unordered)
};

use sha2::{Digest, Sha256};

use crate::{
    ballot::{encode_proof, prepare_ballot, Ballot, PreparedBallot},
    Error,
};

pub use zkvote_circuits::labels::TALLY_VERSION;

/// A ballot file is under 1 KiB; a box entry larger than this is not read.
pub const MAX_BALLOT_FILE_BYTES: u64 = 64 * 1024;

/// What the order of a tally's inputs means, which decides what a repeated nullifier
/// does (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxOrder {
    /// An ordered log (a JSON-lines box): the inputs are in the order the ballots were
    /// cast; the election's revote policy says which ballot of a nullifier counts.
    Log,
    /// An unordered set (a directory, files named on the command line): the rule reads
    /// only the ballots' contents; the result is reported in source-name order.
    Unordered,
}

/// One input of a tally: where it came from and what was read there.
#[derive(Clone, Debug)]
pub struct TallyInput {
    /// A file name, or `FILE:LINE` for a JSON-lines box.
    pub source: String,
    /// The parsed ballot, or why it could not be read.
    pub ballot: Result<Ballot, Error>,
    /// When the box logged it (Unix seconds), if the input came from a box's log.
    pub cast_at: Option<u64>,
}

impl TallyInput {
    /// An input without a logging time (a ballot file).
    pub fn new(source: impl Into<String>, ballot: Result<Ballot, Error>) -> Self {
        TallyInput {
            source: source.into(),
            ballot,
            cast_at: None,
        }
    }
}

/// A rejected ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// Where the ballot came from.
    pub source: String,
    /// Why it does not count.
    pub reason: String,
}

/// The fate of one input ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOutcome {
    /// Where the ballot came from.
    pub source: String,
    /// `counted` or `rejected`.
    pub status: String,
    /// The nullifier, when the ballot could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nullifier: Option<String>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The result of a tally, as written to `tally.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyResult {
    /// Format version, [`TALLY_VERSION`].
    pub version: u32,
    /// The election.
    pub election_id: String,
    /// The options, in order.
    pub options: Vec<String>,
    /// One total per option, in option order.
    pub totals: Vec<u128>,
    /// Nullifiers of the counted ballots: in input order for a log, in increasing
    /// order for an unordered set.
    pub counted: Vec<String>,
    /// The rejected ballots, in input order.
    pub rejected: Vec<Rejected>,
    /// Every input ballot, in input order.
    pub ballots: Vec<BallotOutcome>,
}

/// Tallies `inputs` for `election` with its verifying key; `order` says what the order
/// of `inputs` means.
pub fn tally(
    election: &Election,
    pvk: &PreparedVerifyingKey<Bn254>,
    mut inputs: Vec<TallyInput>,
    order: BoxOrder,
) -> TallyResult {
    if order == BoxOrder::Unordered {
        // Whatever order the caller (or `read_dir`) produced: report by source.
        inputs.sort_by(|a, b| a.source.cmp(&b.source));
    }
    let n = inputs.len();
    let mut verdicts: Vec<Result<(), String>> = Vec::with_capacity(n);
    let mut prepared = Vec::with_capacity(n);
    let mut batch_items = Vec::new();
    let mut batch_index = Vec::new();
    // Decoding dominates this step (the subgroup check of each proof's `B`): run it on
    // every core; `collect` keeps the input order.
    let checked: Vec<Result<PreparedBallot, Error>> = inputs
        .par_iter()
        .map(|input| {
            input
                .ballot
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|b| prepare_ballot(election, b))
        })
        .collect();
    for (i, p) in checked.into_iter().enumerate() {
        match p {
            Ok(p) => {
                batch_items.push((p.proof.clone(), p.inputs.clone()));
                batch_index.push(i);
                verdicts.push(Ok(()));
                prepared.push(Some(p));
            }
            Err(e) => {
                verdicts.push(Err(e.to_string()));
                prepared.push(None);
            }
        }
    }
    for (k, r) in zkvote_engine::batch_verify(pvk, &batch_items)
        .into_iter()
        .enumerate()
    {
        if let Err(e) = r {
            verdicts[batch_index[k]] = Err(e.to_string());
        }
    }
    if let Some(w) = &election.window {
        for (input, verdict) in inputs.iter().zip(verdicts.iter_mut()) {
            let (Some(t), Ok(())) = (input.cast_at, &verdict) else {
                continue;
            };
            let when = match w.phase(t) {
                WindowPhase::Open => continue,
                WindowPhase::NotOpen => "before the voting window opened",
                WindowPhase::Closed => "after the voting window closed",
            };
            *verdict = Err(format!(
                "logged at {t}, {when} (window [{}, {}))",
                w.opens_at, w.closes_at
            ));
        }
    }
    // Which valid ballot of each nullifier counts.
    match (order, election.revote) {
        (BoxOrder::Log, Revote::First) => first_counts(&inputs, &prepared, &mut verdicts),
        (BoxOrder::Log, Revote::Last) => last_counts(&inputs, &prepared, &mut verdicts),
        (BoxOrder::Unordered, _) => by_content(&inputs, &prepared, &mut verdicts),
    }

    let mut totals = vec![0u128; election.options.len()];
    let mut result = TallyResult {
        version: TALLY_VERSION,
        election_id: fr_to_decimal(&election.id),
        options: election.options.clone(),
        totals: Vec::new(),
        counted: Vec::new(),
        rejected: Vec::new(),
        ballots: Vec::with_capacity(n),
    };
    for ((input, verdict), p) in inputs.iter().zip(verdicts).zip(&prepared) {
        let nullifier = input
            .ballot
            .as_ref()
            .ok()
            .map(|b| fr_to_decimal(&b.nullifier));
        match (verdict, p, nullifier) {
            (Ok(()), Some(p), Some(nf)) => {
                let m = if election.rules.cost_from_weight {
                    1
                } else {
                    p.weight as u128
                };
                for (t, &v) in totals.iter_mut().zip(&p.votes) {
                    *t += v as u128 * m;
                }
                result.counted.push(nf.clone());
                result.ballots.push(BallotOutcome {
                    source: input.source.clone(),
                    status: "counted".into(),
                    nullifier: Some(nf),
                    reason: None,
                });
            }
            (verdict, _, nullifier) => {
                // A ballot without a prepared form always has a rejection reason.
                let reason = verdict.err().unwrap_or_default();
                result.rejected.push(Rejected {
                    source: input.source.clone(),
                    reason: reason.clone(),
                });
                result.ballots.push(BallotOutcome {
                    source: input.source.clone(),
                    status: "rejected".into(),
                    nullifier,
                    reason: Some(reason),
                });
            }
        }
    }
    if order == BoxOrder::Unordered {
        // Numeric order: the list does not depend on the sources' names.
        result
            .counted
            .sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    }
    result.totals = totals;
    result
}

/// [`BoxOrder::Log`]: in input order, the first valid ballot of a nullifier counts.
fn first_counts(
    inputs: &[TallyInput],
    prepared: &[Option<PreparedBallot>],
    verdicts: &mut [Result<(), String>],
) {
    let mut first: HashMap<Fr, usize> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        let Some(p) = p else { continue };
        if verdicts[i].is_err() {
            continue;
        }
        if let Some(&j) = first.get(&p.nullifier) {
            verdicts[i] = Err(format!(
                "duplicate nullifier: the ballot from {} already counted",
                inputs[j].source
            ));
        } else {
            first.insert(p.nullifier, i);
        }
    }
}

/// [`BoxOrder::Log`] with [`Revote::Last`]: per nullifier, the choice (public inputs)
/// that first appeared last counts, in its first copy (see the [module
/// documentation](self)).
fn last_counts(
    inputs: &[TallyInput],
    prepared: &[Option<PreparedBallot>],
    verdicts: &mut [Result<(), String>],
) {
    // Nullifier → its valid ballots in input order.
    let mut groups: HashMap<Fr, Vec<usize>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if let (Some(p), Ok(())) = (p, &verdicts[i]) {
            groups.entry(p.nullifier).or_default().push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let statement = |i: usize| &prepared[i].as_ref().expect("grouped ballots").inputs;
        // The first appearance of each member's choice.
        let first_of = |i: usize| {
            *members
                .iter()
                .find(|&&j| statement(j) == statement(i))
                .expect("a member is its own match")
        };
        let keep = members
            .iter()
            .map(|&i| first_of(i))
            .max()
            .expect("a group has members");
        for &i in members {
            if i == keep {
                continue;
            }
            let first = first_of(i);
            verdicts[i] = Err(if first == keep {
                format!(
                    "copy of the ballot from {} (same nullifier and votes), counted once",
                    inputs[keep].source
                )
            } else if first != i {
                format!(
                    "repeats the choice of the ballot from {}, which the later ballot from {} \
                     changed (policy last: a repeated choice keeps its first place)",
                    inputs[first].source, inputs[keep].source
                )
            } else {
                format!(
                    "superseded: the later ballot from {} counts (policy last)",
                    inputs[keep].source
                )
            });
        }
    }
}

/// SHA-256 of a ballot's canonical content: its proof's canonical bytes and its
/// public inputs (which include the nullifier, votes and weight), whatever the JSON
/// spelling of the file.
fn canonical_digest(p: &PreparedBallot) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CANONICAL_BALLOT_TAG);
    h.update(encode_proof(&p.proof));
    for x in &p.inputs {
        h.update(fr_to_decimal(x).as_bytes());
        h.update([0u8]);
    }
    h.finalize().into()
}

/// [`BoxOrder::Unordered`]: one vote per nullifier if its valid ballots agree, none if
/// they conflict (see the [module documentation](self)).
fn by_content(
    inputs: &[TallyInput],
    prepared: &[Option<PreparedBallot>],
    verdicts: &mut [Result<(), String>],
) {
    // Nullifier → its valid ballots, in source order (a BTreeMap: a deterministic walk).
    let mut groups: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if let (Some(p), Ok(())) = (p, &verdicts[i]) {
            groups
                .entry(fr_to_decimal(&p.nullifier).into_bytes())
                .or_default()
                .push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let statement = |i: usize| &prepared[i].as_ref().expect("grouped ballots").inputs;
        let conflict = members
            .iter()
            .any(|&i| statement(i) != statement(members[0]));
        if conflict {
            let sources: Vec<&str> = members.iter().map(|&i| inputs[i].source.as_str()).collect();
            for &i in members {
                verdicts[i] = Err(format!(
                    "conflicting ballots: this nullifier has valid ballots with different \
                     votes ({}); in an unordered box none of them counts",
                    sources.join(", ")
                ));
            }
            continue;
        }
        let digests: Vec<[u8; 32]> = members
            .iter()
            .map(|&i| canonical_digest(prepared[i].as_ref().expect("grouped ballots")))
            .collect();
        let keep = (0..members.len())
            .min_by_key(|&k| (digests[k], k))
            .expect("a group has members");
        for (k, &i) in members.iter().enumerate() {
            if k != keep {
                verdicts[i] = Err(format!(
                    "copy of the ballot from {}: same nullifier and votes (a copy or a \
                     re-randomised proof), counted once",
                    inputs[members[keep]].source
                ));
            }
        }
    }
}

/// Reads a ballot box directory: every entry is an input, whatever its name or kind,
/// in file-name order. An unreadable directory is an error; an entry that cannot be
/// read as a ballot (a subdirectory, a dangling link, a special, empty, oversized or
/// malformed file) is an input rejected with that reason. The box is an unordered set
/// ([`BoxOrder::Unordered`]).
pub fn read_box_dir(dir: &Path) -> Result<Vec<TallyInput>, Error> {
    let io = |e: std::io::Error| Error::Io {
        file: dir.display().to_string(),
        what: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        paths.push(entry.map_err(io)?.path());
    }
    paths.sort();
    Ok(paths.iter().map(|p| read_ballot_file(p)).collect())
}

/// Reads one ballot file as a tally input; what makes it unreadable is its rejection
/// reason. Only regular files (or links to them) of at most [`MAX_BALLOT_FILE_BYTES`]
/// are opened, so a FIFO or a huge file in a box cannot stall the tally.
pub fn read_ballot_file(path: &Path) -> TallyInput {
    let source = path.display().to_string();
    let ballot = read_ballot_text(path, &source).and_then(|text| Ballot::from_json(&source, &text));
    TallyInput::new(source, ballot)
}

fn read_ballot_text(path: &Path, source: &str) -> Result<String, Error> {
    let bad = |what: String| Error::Io {
        file: source.to_string(),
        what,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Err(bad(match std::fs::symlink_metadata(path) {
                Ok(l) if l.file_type().is_symlink() => {
                    format!("not a ballot file: a symbolic link to nothing readable ({e})")
                }
                _ => format!("cannot read: {e}"),
            }))
        }
    };
    if meta.is_dir() {
        return Err(bad("not a ballot file: a directory".into()));
    }
    if !meta.is_file() {
        return Err(bad(
            "not a ballot file: not a regular file (a FIFO, socket or device)".into(),
        ));
    }
    if meta.len() == 0 {
        return Err(bad("not a ballot: the file is empty".into()));
    }
    if meta.len() > MAX_BALLOT_FILE_BYTES {
        return Err(bad(format!(
            "not a ballot: {} bytes, more than any ballot file ({MAX_BALLOT_FILE_BYTES} at most)",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BALLOT_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_BALLOT_FILE_BYTES {
        return Err(bad(format!(
            "not a ballot: more than {MAX_BALLOT_FILE_BYTES} bytes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| bad("not a ballot: the file is not UTF-8 text".into()))
}

/// Reads a JSON-lines ballot box: one ballot per non-blank line, named `FILE:LINE`.
/// The box is a log: its line order is its order ([`BoxOrder::Log`]).
pub fn read_box_jsonl(path: &Path) -> Result<Vec<TallyInput>, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        file: file.clone(),
        what: e.to_string(),
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let source = format!("{file}:{}", i + 1);
            let ballot = Ballot::from_json(&source, line);
            TallyInput::new(source, ballot)
        })
        .collect())
}
