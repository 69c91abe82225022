//! zkvote-server: the ballot box (`zkvote serve`).
//!
//! The box takes ballots over HTTP, verifies them on arrival (in batches), keeps per
//! election an append-only log of accepted ballots in the RFC 6962 (Certificate
//! Transparency) shape, signs checkpoints of it, answers with receipts that carry an
//! inclusion proof, and stores everything in SQLite (default, embedded) or PostgreSQL
//! (scale). The log, checkpoint and store modules see ballots as opaque bytes plus the
//! nullifier the database must enforce; [`service`] is where zkvote's checks come in.
//!
//! | module | what |
//! |---|---|
//! | [`log`] | RFC 6962 / 9162 Merkle tree hash, inclusion and consistency proofs and their verifiers |
//! | [`checkpoint`] | signed checkpoints (C2SP signed note, Ed25519): sign, parse strictly, verify; the box's public key string |
//! | [`store`] | elections, their files, the ballot log and checkpoints in SQLite or PostgreSQL (sqlx), appends without gaps or double votes |
//! | [`tree`] | an election's Merkle tree in memory (every complete subtree), O(log n) roots and proofs |
//! | [`service`] | [`BallotBox`](service::BallotBox): registration, verification on arrival in batches, receipts, the running count |
//! | [`api`] | the HTTP API (axum): routes, JSON errors, body limits |
//! | [`page`] | the results page served at `/` |
//! | [`wire`] | the API's JSON bodies, shared with the client |
//! | [`receipt`] | checking a receipt offline, and that a later checkpoint still contains it |
//! | [`client`] | a blocking client of the API, for the CLI |
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
//! | `tokio` | the async runtime sqlx and axum run on |
//! | `axum` 0.8 | the HTTP API (routing, extractors, body limits), on hyper |
//! | `reqwest` 0.12 | the CLI's blocking client (rustls: HTTPS without OpenSSL) |
//! | `serde`, `serde_json`, `hex` | the API's JSON (already the workspace's) |
//! | `zkvote-verifier`, `zkvote-circuits`, `zkvote-engine`, `ark-groth16` | ballot checks and batch verification on arrival |
//! | `thiserror` | [`Error`] |
//!
//! Tests also use `hex`, `proptest`, `rand_chacha` (seeded keys) and `tempfile` (SQLite
//! databases). PostgreSQL tests run when `ZKVOTE_TEST_DATABASE_URL` names a database
//! (each test in a schema of its own); without it they say they were skipped and pass.
#![deny(missing_docs)]

pub mod api;
pub mod checkpoint;
pub mod client;
pub mod error;
pub mod log;
pub mod page;
pub mod receipt;
pub mod service;
pub mod store;
pub mod tree;
pub mod wire;

pub use error::Error;
