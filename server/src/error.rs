//! The one error type of the `zkvote-server` crate.

use thiserror::Error;

/// Everything that can go wrong in the log, the checkpoints and the store.
///
/// Variants are grouped by module. Each names the offending value, so that a caller
/// (later: an HTTP handler) can map it to a status and show it unchanged. Bad input
/// (a hostile proof, a forged note, an unknown election) is always one of these,
/// never a panic.
#[derive(Debug, Error)]
pub enum Error {
    // ---- log (RFC 6962 Merkle tree) ----
    /// A leaf index at or past the tree size (every index, for the empty tree).
    #[error("leaf index {index} is not in a tree of {size} leaves")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof was asked for from a larger tree to a smaller one.
    #[error("tree size {old_size} is larger than {new_size}: a log only grows")]
    SizeOrder {
        /// The size of the earlier tree.
        old_size: u64,
        /// The size of the later tree.
        new_size: u64,
    },
    /// A proof with the wrong number of hashes for the sizes and index it claims.
    #[error("proof has {got} hashes, {expected} expected for these sizes")]
    ProofLength {
        /// What the sizes call for.
        expected: usize,
        /// What the proof has.
        got: usize,
    },
    /// The proof, leaf and sizes lead to another root than the one given.
    #[error("the proof does not lead to the given root")]
    RootMismatch,
    /// A source of leaf hashes does not hold the range a prover asked for.
    #[error("leaves {start}..{end} asked for, {available} available")]
    LeavesMissing {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
        /// How many leaves the source holds.
        available: u64,
    },

    // ---- checkpoint (signed note) ----
    /// A box (key) name that is empty, too long, or has a space, a `+` or a non-ASCII or
    /// control character.
    #[error(
        "{0:?} is not a valid box name (1 to 200 printable ASCII characters, no space, no '+')"
    )]
    BadName(String),
    /// An election id that is neither a canonical decimal number nor `0x` and lowercase hex.
    #[error(
        "{0:?} is not an election id (decimal without leading zeros, or 0x and lowercase hex)"
    )]
    BadElectionId(String),
    /// A signed note that does not have the exact canonical form; the message says where.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    /// A verifier key string that is not `name+keyid+base64(0x01 || key)`.
    #[error("malformed verifier key: {0}")]
    MalformedKey(String),
    /// The note carries no signature line with the expected key name and key id.
    #[error("the checkpoint has no signature by {name} (key id {key_id})")]
    NotSignedByKey {
        /// The expected key name.
        name: String,
        /// The expected key id, hex.
        key_id: String,
    },
    /// A signature line of the expected key that does not verify over the note text.
    #[error("the checkpoint's signature by {0} does not verify")]
    BadSignature(String),
    /// A checkpoint signed by a box for a log of another box.
    #[error("the checkpoint is for box {origin:?}, the key is {key:?}'s")]
    OriginMismatch {
        /// Box named in the checkpoint's origin line.
        origin: String,
        /// Name of the verifier key.
        key: String,
    },

    // ---- store ----
    /// No election with this id in the store.
    #[error("unknown election {0}")]
    UnknownElection(String),
    /// An election with this id is already in the store.
    #[error("election {0} already exists")]
    DuplicateElection(String),
    /// An election whose fields do not make sense (window, policy, id).
    #[error("invalid election: {0}")]
    InvalidElection(String),
    /// An append outside the election's voting window.
    #[error("election {election} accepts ballots from {opens_at} to {closes_at}, not at {now}")]
    ElectionClosed {
        /// The election id.
        election: String,
        /// When it opens (Unix seconds).
        opens_at: i64,
        /// When it closes (Unix seconds, exclusive).
        closes_at: i64,
        /// The time of the append.
        now: i64,
    },
    /// A page request past the allowed maximum or with a negative start.
    #[error("invalid range: {0}")]
    InvalidRange(String),
    /// A checkpoint for a size the store already holds another checkpoint for.
    #[error("election {election} already has a different checkpoint of size {size}")]
    CheckpointConflict {
        /// The election id.
        election: String,
        /// The tree size.
        size: u64,
    },
    /// A value read back from the database is not what this crate wrote (a corrupt or
    /// foreign database).
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// The database refused or failed (connection, I/O, constraint not handled above).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The operating system refused a resource (threads).
    #[error("{0}")]
    Io(String),
    /// The schema migrations failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}
