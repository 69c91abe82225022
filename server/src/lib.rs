//! zkvote-server: the foundation of the ballot box (`zkvote serve`, issue #14).
//!
//! The box keeps, per election, an append-only log of accepted ballots in the RFC 6962
//! (Certificate Transparency) shape, signs checkpoints of it, and stores everything in
//! SQLite (default, embedded) or PostgreSQL (scale). This crate holds the pure pieces;
//! the HTTP layer and the zkvote ballot checks come later and sit on top. Ballots are
//! opaque bytes here, plus the nullifier the database must enforce.
//!
//! | module | what |
//! |---|---|
//! | [`log`] | RFC 6962 / 9162 Merkle tree hash, inclusion and consistency proofs and their verifiers |
//! | [`checkpoint`] | signed checkpoints (C2SP signed note, Ed25519): sign, parse strictly, verify; the box's public key string |
//! | [`store`] | elections, the ballot log and checkpoints in SQLite or PostgreSQL (sqlx), appends without gaps or double votes |
//! | [`error`] | [`Error`], the crate's one error type |
//!
//! # Dependencies and why
//! | crate | for |
//! |---|---|
//! | `sha2` | SHA-256 of the Merkle tree and of C2SP key ids (already the workspace's) |
//! | `base64` | the root and signature lines of checkpoints, the vkey string (already the workspace's) |
//! | `ed25519-dalek` 2 | checkpoint signatures (`verify_strict`); key generation from a caller's RNG |
//! | `rand` | the `RngCore + CryptoRng` bound of key generation (rand 0.8, as ed25519-dalek 2) |
//! | `sqlx` 0.8 | SQLite and PostgreSQL drivers, pools, embedded migrations (`migrate!`); no compile-time query checking, so no database is needed to build |
//! | `tokio` | the async runtime sqlx runs on (and, later, axum) |
//! | `thiserror` | [`Error`] |
//!
//! Tests also use `hex`, `proptest`, `rand_chacha` (seeded keys) and `tempfile` (SQLite
//! databases). PostgreSQL tests run when `ZKVOTE_TEST_DATABASE_URL` names a database
//! (each test in a schema of its own); without it they say they were skipped and pass.
#![deny(missing_docs)]

pub mod checkpoint;
pub mod error;
pub mod log;
pub mod store;

pub use error::Error;
