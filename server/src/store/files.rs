//! The files of an election that voters fetch from the box, stored with it.

use sha2::{Digest, Sha256};

use super::{on_pool, Backend, NewElection, Store, INSERT_ELECTION};
use crate::checkpoint::check_election_id;
use crate::error::Error;

/// The names a box serves, and nothing else (no paths, no user-chosen names).
pub const FILE_NAMES: [&str; 4] = [
    "election.json",
    "census.json",
    "verifying.key",
    "proving.key",
];

/// One stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// One of [`FILE_NAMES`].
    pub name: String,
    /// Its bytes.
    pub content: Vec<u8>,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

/// A file's name, size and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// One of [`FILE_NAMES`].
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

const INSERT_FILE: &str =
    "INSERT INTO election_files (election_id, name, content, sha256) VALUES ($1, $2, $3, $4)";
const SELECT_FILE: &str =
    "SELECT name, content, sha256 FROM election_files WHERE election_id = $1 AND name = $2";
const SELECT_FILE_INFOS: &str =
    "SELECT name, CAST(length(content) AS BIGINT), sha256 FROM election_files \
     WHERE election_id = $1 ORDER BY name";
const SELECT_ELECTION_IDS: &str = "SELECT id FROM elections ORDER BY created, id";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

macro_rules! add_in_tx {
    ($tx:ident, $e:expr, $files:expr, $now:expr) => {{
        let done = sqlx::query(INSERT_ELECTION)
            .bind(&$e.id)
            .bind(&$e.bundle)
            .bind($e.opens_at)
            .bind($e.closes_at)
            .bind($e.revote.as_str())
            .bind($now)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        if done != 1 {
            return Err(Error::DuplicateElection($e.id.clone()));
        }
        for (name, content) in $files {
            sqlx::query(INSERT_FILE)
                .bind(&$e.id)
                .bind(*name)
                .bind(&content[..])
                .bind(sha256_hex(content))
                .execute(&mut *$tx)
                .await?;
        }
        $tx.commit().await?;
        Ok(())
    }};
}

impl Store {
    /// Adds an election and its files in one transaction: both or neither.
    ///
    /// # Errors
    /// As [`Store::add_election`]; [`Error::InvalidElection`] for a file name not in
    /// [`FILE_NAMES`] or named twice.
    pub async fn add_election_with_files(
        &self,
        e: &NewElection,
        files: &[(&str, Vec<u8>)],
        now: i64,
    ) -> Result<(), Error> {
        check_election_id(&e.id)?;
        if e.opens_at >= e.closes_at {
            return Err(Error::InvalidElection(format!(
                "opens at {} but closes at {}",
                e.opens_at, e.closes_at
            )));
        }
        for (i, (name, _)) in files.iter().enumerate() {
            if !FILE_NAMES.contains(name) || files[..i].iter().any(|(n, _)| n == name) {
                return Err(Error::InvalidElection(format!(
                    "file {name:?} (a box stores each of {FILE_NAMES:?} at most once)"
                )));
            }
        }
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                add_in_tx!(tx, e, files, now)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                add_in_tx!(tx, e, files, now)
            }
        }
    }

    /// The file `name` of an election, if stored.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub async fn file(&self, election: &str, name: &str) -> Result<Option<StoredFile>, Error> {
        let row: Option<(String, Vec<u8>, String)> = on_pool!(self, pool => sqlx::query_as(SELECT_FILE)
                .bind(election)
                .bind(name)
                .fetch_optional(pool)
                .await?);
        Ok(row.map(|(name, content, sha256)| StoredFile {
            name,
            content,
            sha256,
        }))
    }

    /// The names, sizes and digests of an election's files, by name.
    ///
    /// # Errors
    /// [`Error::Database`]; [`Error::Corrupt`].
    pub async fn file_infos(&self, election: &str) -> Result<Vec<FileInfo>, Error> {
        let rows: Vec<(String, i64, String)> = on_pool!(self, pool => sqlx::query_as(SELECT_FILE_INFOS)
                .bind(election)
                .fetch_all(pool)
                .await?);
        rows.into_iter()
            .map(|(name, size, sha256)| {
                Ok(FileInfo {
                    size: super::to_u64(size, "file size")?,
                    name,
                    sha256,
                })
            })
            .collect()
    }

    /// Every election id, oldest first.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub async fn election_ids(&self) -> Result<Vec<String>, Error> {
        let rows: Vec<(String,)> = on_pool!(self, pool => sqlx::query_as(SELECT_ELECTION_IDS)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
