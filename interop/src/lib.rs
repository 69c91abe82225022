//! # zkvote-interop
//!
//! zkvote in the formats of other tools, so that their users can check its proofs and
//! run its election on chain:
//!
//! | module | what |
//! |---|---|
//! | [`circom`] | the ballot circuit as iden3 `.r1cs`, ballots as `.wtns`, snarkjs Groth16 `.zkey` import (with its key and sample-proof checks) |
//! | [`snarkjs`] | snarkjs' JSON files (verification key, proof, public inputs) and call data |
//! | [`solidity`] | the Solidity verifier and ballot box of an election |
//! | [`repo`], [`node_modules`] | for the tests: the pinned JavaScript tools (snarkjs, solc-js), installed from the committed `package-lock.json` on first use, so that `cargo test --workspace --release` works on a fresh machine |
//!
//! The crate depends on the statement (`zkvote-circuits`) and the engine only, never on
//! the prover or the verifier. The EVM tests (`tests/evm/`) run the contracts on revm.
#![deny(missing_docs)]

pub mod circom;
mod error;
pub mod snarkjs;
pub mod solidity;

pub use error::Error;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

static INSTALL: Mutex<()> = Mutex::new(());

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace")
        .to_path_buf()
}

/// `<repo>/<dir>/node_modules`, after checking that `probe` exists inside it; if it does
/// not, runs `npm ci` in `<repo>/<dir>` first (once per process), and panics with a
/// clear message if that fails.
pub fn node_modules(dir: &str, probe: &str) -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let root = repo().join(dir);
    let nm = root.join("node_modules");
    if !nm.join(probe).exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&root)
            .status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "installing the pinned JavaScript tools failed ({status:?}): run `npm ci --prefix {dir}` \
             at the repository root (needs node and npm)"
        );
        assert!(
            nm.join(probe).exists(),
            "`npm ci` in {} did not install {probe}",
            root.display()
        );
    }
    nm
}
