//! Storage of elections, the ballot log and checkpoints, in SQLite or PostgreSQL.
//!
//! # One API, two backends
//! [`Store`] holds either an `SqlitePool` or a `PgPool`. Every query is written once, as
//! a `const` SQL string with `$1`-style parameters (which SQLite accepts too), and the
//! `on_pool!` macro expands each call for both pools, so each query is type-checked
//! against both drivers' `Encode`/`Decode` impls at compile time. `sqlx::Any` would
//! give one code path too, but it decodes through a lowest common denominator (no
//! `BLOB`/`BYTEA` distinction at the type level, values converted at run time) and
//! cannot express the backend-specific locking below; generics over `sqlx::Database`
//! work but need a wall of higher-ranked trait bounds for every function.
//! The queries, their row types and the decoding of rows are in `store/sql.rs`; the
//! types the store takes and returns in `store/types.rs` (re-exported here).
//! The schema is in `migrations/{sqlite,postgres}/`, embedded at build time and applied
//! on open; the two files differ only in the byte type (`BLOB` / `BYTEA`).
//!
//! # Appending without gaps, duplicates or double votes
//! The election's row is the lock for its log. [`Store::append`] runs one transaction:
//! - PostgreSQL: `SELECT … FROM elections WHERE id = $1 FOR UPDATE` blocks every other
//!   appender to that election (any process, any connection) until commit; under READ
//!   COMMITTED each later statement then sees everything committed before the lock
//!   was granted;
//! - SQLite: `BEGIN IMMEDIATE` takes the database's single write lock at the start of
//!   the transaction (other writers wait up to the busy timeout), so the reads that
//!   follow cannot be stale.
//!
//! Holding the lock, it reads `log_size`, gives the entries the indices `log_size,
//! log_size + 1, …`, and writes the new size back: indices are contiguous by
//! construction. The database backs this up on its own: the primary key
//! `(election_id, log_index)` refuses a duplicate index, and for policy `first` a
//! partial unique index on `(election_id, nullifier)` refuses a second use of a
//! nullifier. The entry row carries its election's policy, held equal to the election's
//! by a composite foreign key, so the partial index applies to exactly the elections
//! with policy `first`. `UNIQUE (election_id, leaf_hash)` refuses the same ballot
//! twice, which under policy `last` would let anyone replay a voter's earlier ballot
//! over her later one.
//!
//! Each entry of a batch gets its own [`AppendOutcome`]: a refused entry does not stop
//! the others. The whole batch commits or none of it does.
//!
//! # Durability
//! SQLite is opened in WAL mode with `synchronous = FULL` (the WAL is synced at every
//! commit) and `foreign_keys = ON`; PostgreSQL commits are durable with its default
//! `synchronous_commit = on`. [`Store::append`] returns only after the commit, so an
//! acknowledged append survives a crash of the process or the machine.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::checkpoint::check_election_id;
use crate::error::Error;
use crate::log::{leaf_hash, Hash};

mod sql;
mod types;

use sql::*;
pub use types::{
    AppendOutcome, Election, Entry, NewCheckpoint, NewElection, NewEntry, RevotePolicy,
    StoredCheckpoint,
};

/// The most entries [`Store::entries`] returns at once.
pub const MAX_PAGE: u64 = 1000;
/// The most entries [`Store::append`] takes at once.
pub const MAX_BATCH: usize = 1000;
/// How long a writer waits for SQLite's write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The ballot box's database: SQLite (embedded, the default) or PostgreSQL.
pub struct Store {
    backend: Backend,
}

/// Runs `$body` with `$pool` bound to whichever pool the store has: the same code,
/// compiled once per backend.
macro_rules! on_pool_impl {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}
use on_pool_impl as on_pool;

mod files;
pub use files::{FileInfo, StoredFile, FILE_NAMES};

/// The body of [`Store::append_with`], the same for both backends once the transaction
/// `$tx` of database `$db` holds the election's lock through `$lock_sql`.
///
/// Four statements whatever the batch size: the lock (which reads the log size), the
/// entries already using the batch's nullifiers (policy `first`) and its leaf hashes,
/// one multi-row insert, and the new size; then the checkpoint, if the caller made one.
/// The batch's own repeats are resolved here, in order, exactly as if the entries had
/// been appended one by one.
macro_rules! append_locked {
    ($db:ty, $tx:ident, $lock_sql:expr, $election:expr, $entries:expr, $now:expr, $checkpoint:expr) => {{
        let lock: Option<LockRow> = sqlx::query_as($lock_sql)
            .bind($election)
            .fetch_optional(&mut *$tx)
            .await?;
        let Some((opens_at, closes_at, revote, start)) = lock else {
            return Err(Error::UnknownElection($election.to_owned()));
        };
        if !(opens_at <= $now && $now < closes_at) {
            return Err(Error::ElectionClosed {
                election: $election.to_owned(),
                opens_at,
                closes_at,
                now: $now,
            });
        }
        let policy = RevotePolicy::parse(&revote)?;
        let leaves: Vec<Hash> = $entries.iter().map(|e| leaf_hash(&e.ballot)).collect();
        // What the log holds already: first index of each nullifier, index of each leaf.
        let mut used: HashMap<String, i64> = HashMap::new();
        let mut logged: HashMap<Hash, i64> = HashMap::new();
        if !$entries.is_empty() {
            if policy == RevotePolicy::First {
                let mut q = sqlx::QueryBuilder::<$db>::new(FIRST_WITH_NULLIFIERS);
                q.push_bind($election).push(" AND nullifier IN (");
                let mut list = q.separated(", ");
                for e in $entries {
                    list.push_bind(e.nullifier.as_str());
                }
                q.push(") GROUP BY nullifier");
                let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(&mut *$tx).await?;
                used.extend(rows);
            }
            let mut q = sqlx::QueryBuilder::<$db>::new(WITH_LEAF_HASHES);
            q.push_bind($election).push(" AND leaf_hash IN (");
            let mut list = q.separated(", ");
            for l in &leaves {
                list.push_bind(l.to_vec());
            }
            q.push(")");
            let rows: Vec<(Vec<u8>, i64)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            for (h, i) in rows {
                logged.insert(to_hash(h, "leaf hash")?, i);
            }
        }
        let mut size = start;
        let mut outcomes = Vec::with_capacity($entries.len());
        let mut fresh = Vec::with_capacity($entries.len());
        for (e, leaf) in $entries.iter().zip(&leaves) {
            if policy == RevotePolicy::First {
                if let Some(&i) = used.get(&e.nullifier) {
                    outcomes.push(AppendOutcome::NullifierUsed {
                        index: to_u64(i, "log index")?,
                    });
                    continue;
                }
            }
            if let Some(&i) = logged.get(leaf) {
                outcomes.push(AppendOutcome::DuplicateBallot {
                    index: to_u64(i, "log index")?,
                });
                continue;
            }
            used.insert(e.nullifier.clone(), size);
            logged.insert(*leaf, size);
            outcomes.push(AppendOutcome::Appended {
                index: to_u64(size, "log index")?,
            });
            fresh.push((size, e, leaf));
            size += 1;
        }
        if !fresh.is_empty() {
            let mut q = sqlx::QueryBuilder::<$db>::new(INSERT_ENTRIES);
            q.push_values(&fresh, |mut row, (index, e, leaf)| {
                row.push_bind($election)
                    .push_bind(*index)
                    .push_bind(revote.as_str())
                    .push_bind(e.nullifier.as_str())
                    .push_bind(&e.ballot[..])
                    .push_bind(leaf.to_vec())
                    .push_bind($now);
            });
            q.build().execute(&mut *$tx).await?;
            sqlx::query(SET_LOG_SIZE)
                .bind($election)
                .bind(size)
                .execute(&mut *$tx)
                .await?;
        }
        let new_size = to_u64(size, "log size")?;
        let checkpoint = match ($checkpoint)(to_u64(start, "log size")?, &outcomes[..])? {
            None => None,
            Some(c) => {
                let c: NewCheckpoint = c;
                if c.size > new_size {
                    return Err(Error::InvalidRange(format!(
                        "checkpoint of size {} for a log of {new_size}",
                        c.size
                    )));
                }
                let done = sqlx::query(INSERT_CHECKPOINT)
                    .bind($election)
                    .bind(to_i64(c.size, "size")?)
                    .bind(&c.root[..])
                    .bind(&c.note)
                    .bind($now)
                    .execute(&mut *$tx)
                    .await?
                    .rows_affected();
                if done != 1 {
                    return Err(Error::CheckpointConflict {
                        election: $election.to_owned(),
                        size: c.size,
                    });
                }
                Some(StoredCheckpoint {
                    size: c.size,
                    root: c.root,
                    note: c.note,
                    created: $now,
                })
            }
        };
        $tx.commit().await?;
        Ok((outcomes, checkpoint))
    }};
}

impl Store {
    /// Opens the store at `url`: `sqlite:PATH` (created if missing) or
    /// `postgres://…` / `postgresql://…`, and brings the schema up to date.
    ///
    /// # Errors
    /// [`Error::Database`] if the URL is of neither kind or the database cannot be
    /// reached; [`Error::Migration`].
    pub async fn open(url: &str) -> Result<Self, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(PgConnectOptions::from_str(url)?, 10).await
        } else if url.starts_with("sqlite:") {
            Self::open_sqlite(SqliteConnectOptions::from_str(url)?).await
        } else {
            Err(Error::Database(sqlx::Error::Configuration(
                format!("database URL {url:?} is neither sqlite: nor postgres://").into(),
            )))
        }
    }

    /// Opens an SQLite store with these options, made durable: created if missing,
    /// WAL, `synchronous = FULL`, foreign keys on, a busy timeout of
    /// [`SQLITE_BUSY_TIMEOUT`] (whatever `options` said about these).
    ///
    /// # Errors
    /// [`Error::Database`], [`Error::Migration`].
    pub async fn open_sqlite(options: SqliteConnectOptions) -> Result<Self, Error> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
        })
    }

    /// Opens a PostgreSQL store with these options (e.g. a `search_path`) and at most
    /// `max_connections` connections.
    ///
    /// # Errors
    /// [`Error::Database`], [`Error::Migration`].
    pub async fn open_postgres(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Self, Error> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Store {
            backend: Backend::Postgres(pool),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// Adds an election, with an empty log.
    ///
    /// # Errors
    /// [`Error::BadElectionId`]; [`Error::InvalidElection`] if it does not open before it
    /// closes; [`Error::DuplicateElection`] if the id is taken; [`Error::Database`].
    pub async fn add_election(&self, e: &NewElection, now: i64) -> Result<(), Error> {
        check_election_id(&e.id)?;
        if e.opens_at >= e.closes_at {
            return Err(Error::InvalidElection(format!(
                "opens at {} but closes at {}",
                e.opens_at, e.closes_at
            )));
        }
        let done = on_pool!(self, pool => sqlx::query(INSERT_ELECTION)
            .bind(&e.id)
            .bind(&e.bundle)
            .bind(e.opens_at)
            .bind(e.closes_at)
            .bind(e.revote.as_str())
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        if done == 1 {
            Ok(())
        } else {
            Err(Error::DuplicateElection(e.id.clone()))
        }
    }

    /// The election `id`.
    ///
    /// # Errors
    /// [`Error::UnknownElection`], [`Error::Database`], [`Error::Corrupt`].
    pub async fn election(&self, id: &str) -> Result<Election, Error> {
        let row: Option<ElectionRow> = on_pool!(self, pool => sqlx::query_as(SELECT_ELECTION)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        election_from_row(row.ok_or_else(|| Error::UnknownElection(id.to_owned()))?)
    }

    /// Appends a batch of ballots to the election's log, in one transaction, at time
    /// `now` (Unix seconds). Returns one outcome per entry, in order.
    ///
    /// # Errors
    /// [`Error::UnknownElection`]; [`Error::ElectionClosed`] if `now` is outside the
    /// voting window; [`Error::InvalidRange`] for more than [`MAX_BATCH`] entries;
    /// [`Error::Database`] (then nothing of the batch was written).
    pub async fn append(
        &self,
        election: &str,
        entries: &[NewEntry],
        now: i64,
    ) -> Result<Vec<AppendOutcome>, Error> {
        let (outcomes, _) = self
            .append_with(election, entries, now, |_, _| Ok(None))
            .await?;
        Ok(outcomes)
    }

    /// [`Store::append`], and a checkpoint stored in the same transaction: once the
    /// entries have their indices, `checkpoint(start, outcomes)` is called with the log
    /// size before the batch and the outcomes, and may return a signed checkpoint of the
    /// log as it will be after the commit (or `None`). One commit makes both durable:
    /// the entries are never stored without the checkpoint, nor the checkpoint without
    /// them.
    ///
    /// # Errors
    /// Those of [`Store::append`]; the closure's own error; [`Error::InvalidRange`] if the
    /// checkpoint's size is past the new log size; [`Error::CheckpointConflict`] if a
    /// checkpoint of that size is stored already. On any error nothing is written.
    pub async fn append_with<F>(
        &self,
        election: &str,
        entries: &[NewEntry],
        now: i64,
        checkpoint: F,
    ) -> Result<(Vec<AppendOutcome>, Option<StoredCheckpoint>), Error>
    where
        F: FnOnce(u64, &[AppendOutcome]) -> Result<Option<NewCheckpoint>, Error>,
    {
        if entries.len() > MAX_BATCH {
            return Err(Error::InvalidRange(format!(
                "a batch of {} entries, at most {MAX_BATCH}",
                entries.len()
            )));
        }
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                append_locked!(
                    sqlx::Sqlite,
                    tx,
                    LOCK_ELECTION_SQLITE,
                    election,
                    entries,
                    now,
                    checkpoint
                )
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                append_locked!(
                    sqlx::Postgres,
                    tx,
                    LOCK_ELECTION_POSTGRES,
                    election,
                    entries,
                    now,
                    checkpoint
                )
            }
        }
    }

    /// Up to `limit` (≤ [`MAX_PAGE`]) entries from index `from` on, in log order.
    ///
    /// # Errors
    /// [`Error::InvalidRange`]; [`Error::UnknownElection`]; [`Error::Database`].
    pub async fn entries(
        &self,
        election: &str,
        from: u64,
        limit: u64,
    ) -> Result<Vec<Entry>, Error> {
        if limit > MAX_PAGE {
            return Err(Error::InvalidRange(format!(
                "a page of {limit} entries, at most {MAX_PAGE}"
            )));
        }
        self.election(election).await?;
        let from = to_i64(from, "index")?;
        let rows: Vec<EntryRow> = on_pool!(self, pool => sqlx::query_as(SELECT_ENTRIES)
            .bind(election)
            .bind(from)
            .bind(limit as i64)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(entry_from_row).collect()
    }

    /// The leaf hashes of entries `start..end`, in log order (to build proofs with
    /// [`crate::log`]; a slice of them is a [`crate::log::SubtreeSource`]).
    ///
    /// # Errors
    /// [`Error::InvalidRange`] unless `start ≤ end ≤` the log size;
    /// [`Error::UnknownElection`]; [`Error::Database`]; [`Error::Corrupt`] if the log
    /// has a hole.
    pub async fn leaf_hashes(
        &self,
        election: &str,
        start: u64,
        end: u64,
    ) -> Result<Vec<Hash>, Error> {
        let size = self.election(election).await?.log_size;
        if start > end || end > size {
            return Err(Error::InvalidRange(format!(
                "leaves {start}..{end} of a log of {size}"
            )));
        }
        let rows: Vec<(Vec<u8>,)> = on_pool!(self, pool => sqlx::query_as(SELECT_LEAF_HASHES)
            .bind(election)
            .bind(to_i64(start, "index")?)
            .bind(to_i64(end, "index")?)
            .fetch_all(pool)
            .await?);
        if rows.len() as u64 != end - start {
            return Err(Error::Corrupt(format!(
                "{} leaves found for {start}..{end}",
                rows.len()
            )));
        }
        rows.into_iter()
            .map(|(h,)| to_hash(h, "leaf hash"))
            .collect()
    }

    /// Every entry with this nullifier, in log order (one at most under policy `first`).
    ///
    /// # Errors
    /// [`Error::UnknownElection`]; [`Error::Database`].
    pub async fn entries_by_nullifier(
        &self,
        election: &str,
        nullifier: &str,
    ) -> Result<Vec<Entry>, Error> {
        self.election(election).await?;
        let rows: Vec<EntryRow> = on_pool!(self, pool => sqlx::query_as(SELECT_ENTRIES_BY_NULLIFIER)
            .bind(election)
            .bind(nullifier)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(entry_from_row).collect()
    }

    /// The entry with this leaf hash, if any (to answer "is my ballot in the log?").
    ///
    /// # Errors
    /// [`Error::UnknownElection`]; [`Error::Database`].
    pub async fn entry_by_leaf_hash(
        &self,
        election: &str,
        leaf: &Hash,
    ) -> Result<Option<Entry>, Error> {
        self.election(election).await?;
        let row: Option<EntryRow> = on_pool!(self, pool => sqlx::query_as(SELECT_ENTRY_BY_LEAF_HASH)
            .bind(election)
            .bind(&leaf[..])
            .fetch_optional(pool)
            .await?);
        row.map(entry_from_row).transpose()
    }

    /// Stores a signed checkpoint of the election's log at `size` entries.
    ///
    /// Storing the same checkpoint again is a no-op; the store does not check the note
    /// (the caller signed it), only that `size` is within the log.
    ///
    /// # Errors
    /// [`Error::UnknownElection`]; [`Error::InvalidRange`] if `size` is past the log;
    /// [`Error::CheckpointConflict`] if another checkpoint of this size is stored;
    /// [`Error::Database`].
    pub async fn put_checkpoint(
        &self,
        election: &str,
        size: u64,
        root: &Hash,
        note: &str,
        now: i64,
    ) -> Result<(), Error> {
        let log_size = self.election(election).await?.log_size;
        if size > log_size {
            return Err(Error::InvalidRange(format!(
                "checkpoint of size {size} for a log of {log_size}"
            )));
        }
        let size_i = to_i64(size, "size")?;
        let done = on_pool!(self, pool => sqlx::query(INSERT_CHECKPOINT)
            .bind(election)
            .bind(size_i)
            .bind(&root[..])
            .bind(note)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        if done == 1 {
            return Ok(());
        }
        match self.checkpoint(election, size).await? {
            Some(c) if c.root == *root && c.note == note => Ok(()),
            _ => Err(Error::CheckpointConflict {
                election: election.to_owned(),
                size,
            }),
        }
    }

    /// The checkpoint of size `size`, if stored.
    ///
    /// # Errors
    /// [`Error::Database`], [`Error::Corrupt`].
    pub async fn checkpoint(
        &self,
        election: &str,
        size: u64,
    ) -> Result<Option<StoredCheckpoint>, Error> {
        let size = to_i64(size, "size")?;
        let row: Option<CheckpointRow> = on_pool!(self, pool => sqlx::query_as(SELECT_CHECKPOINT)
            .bind(election)
            .bind(size)
            .fetch_optional(pool)
            .await?);
        row.map(checkpoint_from_row).transpose()
    }

    /// The checkpoint of the largest size, if any.
    ///
    /// # Errors
    /// [`Error::UnknownElection`]; [`Error::Database`], [`Error::Corrupt`].
    pub async fn latest_checkpoint(
        &self,
        election: &str,
    ) -> Result<Option<StoredCheckpoint>, Error> {
        self.election(election).await?;
        let row: Option<CheckpointRow> = on_pool!(self, pool => sqlx::query_as(SELECT_LATEST_CHECKPOINT)
            .bind(election)
            .fetch_optional(pool)
            .await?);
        row.map(checkpoint_from_row).transpose()
    }
}

#[cfg(test)]
mod tests;
