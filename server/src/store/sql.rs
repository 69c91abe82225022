//! The store's SQL: every query as one text for both backends (`$1`-style parameters,
//! which SQLite accepts too), the row types they return, and the conversions from rows
//! to [`super`]'s types.

use super::types::{Election, Entry, RevotePolicy, StoredCheckpoint};
use crate::error::Error;
use crate::log::Hash;

pub(super) const INSERT_ELECTION: &str =
    "INSERT INTO elections (id, bundle, opens_at, closes_at, revote, created) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING";
pub(super) const SELECT_ELECTION: &str =
    "SELECT id, bundle, opens_at, closes_at, revote, created, log_size \
     FROM elections WHERE id = $1";
pub(super) const LOCK_ELECTION_SQLITE: &str =
    "SELECT opens_at, closes_at, revote, log_size FROM elections WHERE id = $1";
pub(super) const LOCK_ELECTION_POSTGRES: &str =
    "SELECT opens_at, closes_at, revote, log_size FROM elections WHERE id = $1 FOR UPDATE";
/// Followed by the election id, `AND nullifier IN (…) GROUP BY nullifier`.
pub(super) const FIRST_WITH_NULLIFIERS: &str =
    "SELECT nullifier, MIN(log_index) FROM entries WHERE election_id = ";
/// Followed by the election id and `AND leaf_hash IN (…)`.
pub(super) const WITH_LEAF_HASHES: &str =
    "SELECT leaf_hash, log_index FROM entries WHERE election_id = ";
/// Followed by the rows (`VALUES (…), (…)`).
pub(super) const INSERT_ENTRIES: &str = "INSERT INTO entries \
     (election_id, log_index, revote, nullifier, ballot, leaf_hash, created) ";
pub(super) const SET_LOG_SIZE: &str = "UPDATE elections SET log_size = $2 WHERE id = $1";
pub(super) const SELECT_ENTRIES: &str =
    "SELECT log_index, nullifier, ballot, leaf_hash, created FROM entries \
     WHERE election_id = $1 AND log_index >= $2 ORDER BY log_index LIMIT $3";
pub(super) const SELECT_ENTRIES_BY_NULLIFIER: &str =
    "SELECT log_index, nullifier, ballot, leaf_hash, created \
     FROM entries WHERE election_id = $1 AND nullifier = $2 ORDER BY log_index";
pub(super) const SELECT_ENTRY_BY_LEAF_HASH: &str =
    "SELECT log_index, nullifier, ballot, leaf_hash, created \
     FROM entries WHERE election_id = $1 AND leaf_hash = $2";
pub(super) const SELECT_LEAF_HASHES: &str = "SELECT leaf_hash FROM entries \
     WHERE election_id = $1 AND log_index >= $2 AND log_index < $3 ORDER BY log_index";
pub(super) const INSERT_CHECKPOINT: &str =
    "INSERT INTO checkpoints (election_id, tree_size, root, note, created) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (election_id, tree_size) DO NOTHING";
pub(super) const SELECT_CHECKPOINT: &str =
    "SELECT tree_size, root, note, created FROM checkpoints \
     WHERE election_id = $1 AND tree_size = $2";
pub(super) const SELECT_LATEST_CHECKPOINT: &str =
    "SELECT tree_size, root, note, created FROM checkpoints \
     WHERE election_id = $1 ORDER BY tree_size DESC LIMIT 1";

pub(super) type ElectionRow = (String, String, i64, i64, String, i64, i64);
pub(super) type LockRow = (i64, i64, String, i64);
pub(super) type EntryRow = (i64, String, Vec<u8>, Vec<u8>, i64);
pub(super) type CheckpointRow = (i64, Vec<u8>, String, i64);

pub(super) fn to_u64(v: i64, what: &str) -> Result<u64, Error> {
    u64::try_from(v).map_err(|_| Error::Corrupt(format!("{what} {v} is negative")))
}

pub(super) fn to_i64(v: u64, what: &str) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::InvalidRange(format!("{what} {v} is past 2^63 - 1")))
}

pub(super) fn to_hash(v: Vec<u8>, what: &str) -> Result<Hash, Error> {
    v.try_into()
        .map_err(|v: Vec<u8>| Error::Corrupt(format!("{what} of {} bytes", v.len())))
}

pub(super) fn election_from_row(r: ElectionRow) -> Result<Election, Error> {
    Ok(Election {
        id: r.0,
        bundle: r.1,
        opens_at: r.2,
        closes_at: r.3,
        revote: RevotePolicy::parse(&r.4)?,
        created: r.5,
        log_size: to_u64(r.6, "log size")?,
    })
}

pub(super) fn entry_from_row(r: EntryRow) -> Result<Entry, Error> {
    Ok(Entry {
        index: to_u64(r.0, "log index")?,
        nullifier: r.1,
        ballot: r.2,
        leaf_hash: to_hash(r.3, "leaf hash")?,
        created: r.4,
    })
}

pub(super) fn checkpoint_from_row(r: CheckpointRow) -> Result<StoredCheckpoint, Error> {
    Ok(StoredCheckpoint {
        size: to_u64(r.0, "checkpoint size")?,
        root: to_hash(r.1, "checkpoint root")?,
        note: r.2,
        created: r.3,
    })
}
