//! The JSON the box speaks: request and response bodies of the HTTP API (`docs/box-api.yaml`),
//! shared by the server and the CLI's client so that the two cannot drift apart.

use serde::{Deserialize, Serialize};
use zkvote_circuits::election::{Election, Revote};

/// The version of the receipt format.
pub const RECEIPT_VERSION: u32 = 1;

/// An error body: a stable code a program can branch on and a message a person can read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable code: `malformed`, `invalid_ballot`, `wrong_election`, `not_open`,
    /// `closed`, `nullifier_used`, `duplicate_ballot`, `repeated_choice`, `not_found`,
    /// `too_large`, `unavailable`.
    pub error: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

/// A file of an election, as listed in [`ElectionInfo`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// `election.json`, `census.json`, `verifying.key` or `proving.key`.
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// What `GET /v1/elections/{id}` returns: everything a voter or an auditor needs to know
/// about an election hosted by the box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionInfo {
    /// The election (its id commits to everything in it, the window included).
    pub election: Election,
    /// The box's name (the origin of its checkpoints).
    pub box_name: String,
    /// The box's public key, a C2SP verifier-key string: checkpoints are signed with it.
    pub box_key: String,
    /// The files a voter fetches.
    pub files: Vec<FileEntry>,
    /// The number of ballots in the log.
    pub log_size: u64,
    /// `not_open`, `open` or `closed`, by the box's clock.
    pub phase: String,
    /// The box's clock (Unix seconds) when it answered.
    pub now: u64,
}

/// A short line per election, for `GET /v1/elections`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionSummary {
    /// The election id (decimal).
    pub id: String,
    /// Its title.
    pub title: String,
    /// `not_open`, `open` or `closed`.
    pub phase: String,
    /// The number of ballots in the log.
    pub log_size: u64,
}

/// The proof, kept by the voter, that the box logged her ballot.
///
/// Check it with [`crate::receipt::check_receipt`] (offline: the checkpoint's signature
/// and the inclusion proof) and against the box's later checkpoints (consistency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Format version, [`RECEIPT_VERSION`].
    pub version: u32,
    /// The box's public key (verifier-key string) that signed `checkpoint`.
    pub box_key: String,
    /// The election id (decimal).
    pub election_id: String,
    /// The ballot's position in the log.
    pub index: u64,
    /// The ballot exactly as logged (canonical JSON): the leaf's data.
    pub ballot: String,
    /// `SHA-256(0x00 ‖ ballot)`, lowercase hex.
    pub leaf_hash: String,
    /// A signed checkpoint of a log that contains the ballot.
    pub checkpoint: String,
    /// The inclusion proof of the leaf in that checkpoint's tree, lowercase hex hashes.
    pub inclusion: Vec<String>,
}

/// One entry of the log, for `GET /v1/elections/{id}/entries`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryOut {
    /// Its position in the log.
    pub index: u64,
    /// When the box logged it (Unix seconds): the only time the box keeps.
    pub logged_at: u64,
    /// The ballot exactly as logged (canonical JSON): the leaf's data.
    pub ballot: String,
}

/// A page of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntriesPage {
    /// The entries from `start` on, in log order.
    pub entries: Vec<EntryOut>,
    /// The size of the log when the page was read.
    pub log_size: u64,
}

/// A consistency proof between two tree sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyOut {
    /// The earlier size.
    pub from: u64,
    /// The later size.
    pub to: u64,
    /// RFC 9162 §2.1.4 proof, lowercase hex hashes.
    pub proof: Vec<String>,
}

/// The box's own running count (`GET /v1/elections/{id}/results`). Anyone can check it
/// with `zkvote tally --from URL`, which trusts none of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsOut {
    /// The election id (decimal).
    pub election_id: String,
    /// The election's title.
    pub title: String,
    /// The options.
    pub options: Vec<String>,
    /// One total per option.
    pub totals: Vec<u128>,
    /// The number of ballots that count.
    pub counted: u64,
    /// The number of ballots in the log (a revote under policy `last` is logged too).
    pub log_size: u64,
    /// The revote policy.
    pub revote: Revote,
    /// `not_open`, `open` or `closed`.
    pub phase: String,
    /// Opening time (Unix seconds).
    pub opens_at: u64,
    /// Closing time (Unix seconds, exclusive).
    pub closes_at: u64,
    /// The latest signed checkpoint (it covers `checkpoint_size` entries).
    pub checkpoint: String,
    /// The size the checkpoint signs.
    pub checkpoint_size: u64,
}
