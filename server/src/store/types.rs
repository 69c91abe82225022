//! What the store takes and returns: elections, log entries, the outcome of appending
//! one, and checkpoints (re-exported by [`super`]).

use crate::error::Error;
use crate::log::Hash;

/// What happens to a second ballot with the same nullifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevotePolicy {
    /// The first ballot counts; later ones are refused at the door.
    First,
    /// Every ballot is logged; the last one counts.
    Last,
}

impl RevotePolicy {
    /// The text stored in the database: `first` or `last`.
    pub fn as_str(self) -> &'static str {
        match self {
            RevotePolicy::First => "first",
            RevotePolicy::Last => "last",
        }
    }

    pub(super) fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "first" => Ok(RevotePolicy::First),
            "last" => Ok(RevotePolicy::Last),
            other => Err(Error::Corrupt(format!("revote policy {other:?}"))),
        }
    }
}

/// An election to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewElection {
    /// The election id (see [`check_election_id`](crate::checkpoint::check_election_id)).
    pub id: String,
    /// The election bundle (JSON), stored as given.
    pub bundle: String,
    /// First second ballots are accepted (Unix seconds).
    pub opens_at: i64,
    /// First second ballots are no longer accepted (Unix seconds).
    pub closes_at: i64,
    /// The revote policy.
    pub revote: RevotePolicy,
}

/// A stored election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// The election id.
    pub id: String,
    /// The election bundle (JSON).
    pub bundle: String,
    /// First second ballots are accepted (Unix seconds).
    pub opens_at: i64,
    /// First second ballots are no longer accepted (Unix seconds).
    pub closes_at: i64,
    /// The revote policy.
    pub revote: RevotePolicy,
    /// When it was added (Unix seconds).
    pub created: i64,
    /// The number of entries in its log.
    pub log_size: u64,
}

/// A ballot to append: the bytes to log and the nullifier the database must check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The ballot's nullifier.
    pub nullifier: String,
    /// The ballot, as it will be served and hashed into the log (leaf data).
    pub ballot: Vec<u8>,
}

/// An entry of an election's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its 0-based position in the log.
    pub index: u64,
    /// The ballot's nullifier.
    pub nullifier: String,
    /// The ballot bytes.
    pub ballot: Vec<u8>,
    /// `leaf_hash(ballot)`, RFC 6962.
    pub leaf_hash: Hash,
    /// When it was appended (Unix seconds).
    pub created: i64,
}

/// What became of one entry of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Logged at this index.
    Appended {
        /// The entry's index.
        index: u64,
    },
    /// Refused (policy `first`): the nullifier is already in the log at this index.
    NullifierUsed {
        /// Index of the entry that used the nullifier first.
        index: u64,
    },
    /// Refused: the same ballot bytes are already in the log at this index.
    DuplicateBallot {
        /// Index of the identical entry.
        index: u64,
    },
}

/// A signed checkpoint to store with an append ([`super::Store::append_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckpoint {
    /// The tree size it signs.
    pub size: u64,
    /// The root it signs.
    pub root: Hash,
    /// The signed note (see [`crate::checkpoint`]).
    pub note: String,
}

/// A stored checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The tree size it signs.
    pub size: u64,
    /// The root it signs.
    pub root: Hash,
    /// The signed note (see [`crate::checkpoint`]).
    pub note: String,
    /// When it was stored (Unix seconds).
    pub created: i64,
}
