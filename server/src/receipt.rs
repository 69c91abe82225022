//! Checking a receipt: what a voter runs (through `zkvote receipt check`) to know that
//! her ballot is in the box's log, and stays there.
//!
//! 1. Offline, [`check_receipt`]: the receipt's checkpoint is signed by the box key the
//!    voter trusts (the one the box published with the election, which she kept); its
//!    origin is that box and election; the ballot's leaf hash is `SHA-256(0x00 ‖
//!    ballot)`; the inclusion proof leads from that leaf at `index` to the checkpoint's
//!    root (RFC 9162 §2.1.3.2).
//! 2. Against the box later, [`check_still_included`]: a newer checkpoint, signed by the
//!    same key, and a consistency proof from the receipt's tree to it (§2.1.4.2): the
//!    log has only grown since, so the ballot is still in it. A box that dropped or
//!    replaced the ballot cannot produce this proof.

use crate::checkpoint::{open, Checkpoint, VerifierKey};
use crate::error::Error;
use crate::log::{leaf_hash, verify_consistency, verify_inclusion, Hash};
use crate::wire::{Receipt, RECEIPT_VERSION};

/// Why a receipt or a box's later answer does not check out.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// A receipt of another format version.
    #[error("receipt version {0} (this build reads version {RECEIPT_VERSION})")]
    Version(u32),
    /// The receipt's key is not the key the voter trusts.
    #[error("the receipt is signed by {got}, not by the box key {expected}")]
    OtherKey {
        /// The trusted key.
        expected: String,
        /// The receipt's key.
        got: String,
    },
    /// A field that is not what it claims (hex, hashes, the leaf hash of the ballot).
    #[error("malformed receipt: {0}")]
    Malformed(String),
    /// The checkpoint is for another election.
    #[error("the receipt's checkpoint is for election {got}, the receipt for {expected}")]
    OtherElection {
        /// The receipt's election.
        expected: String,
        /// The checkpoint's election.
        got: String,
    },
    /// The checkpoint's signature, or a proof, does not verify.
    #[error(transparent)]
    Log(#[from] Error),
}

fn parse_hash(s: &str, what: &str) -> Result<Hash, ReceiptError> {
    let ok = s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
    hex::decode(s)
        .ok()
        .filter(|_| ok)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            ReceiptError::Malformed(format!("{what} {s:?} is not 64 lowercase hex digits"))
        })
}

/// Parses a list of lowercase hex hashes (a proof).
pub fn parse_hashes(items: &[String], what: &str) -> Result<Vec<Hash>, ReceiptError> {
    items.iter().map(|s| parse_hash(s, what)).collect()
}

/// Checks a receipt offline against the box key the voter trusts; returns the checkpoint
/// it carries.
///
/// # Errors
/// [`ReceiptError`] naming the first thing that fails.
pub fn check_receipt(receipt: &Receipt, trusted: &VerifierKey) -> Result<Checkpoint, ReceiptError> {
    if receipt.version != RECEIPT_VERSION {
        return Err(ReceiptError::Version(receipt.version));
    }
    if receipt.box_key != trusted.encode() {
        return Err(ReceiptError::OtherKey {
            expected: trusted.encode(),
            got: receipt.box_key.clone(),
        });
    }
    let cp = open(&receipt.checkpoint, trusted)?;
    if cp.election_id != receipt.election_id {
        return Err(ReceiptError::OtherElection {
            expected: receipt.election_id.clone(),
            got: cp.election_id,
        });
    }
    let leaf = parse_hash(&receipt.leaf_hash, "leaf hash")?;
    if leaf_hash(receipt.ballot.as_bytes()) != leaf {
        return Err(ReceiptError::Malformed(
            "the leaf hash is not the hash of the receipt's ballot".into(),
        ));
    }
    let proof = parse_hashes(&receipt.inclusion, "inclusion proof hash")?;
    verify_inclusion(&leaf, receipt.index, cp.size, &proof, &cp.root)?;
    Ok(cp)
}

/// Checks that a later checkpoint (signed by the same key, for the same election)
/// extends the receipt's checkpoint `old`, by the consistency proof `proof`.
///
/// # Errors
/// [`ReceiptError`] naming what fails: the signature, the election, the proof.
pub fn check_still_included(
    old: &Checkpoint,
    later_note: &str,
    proof: &[String],
    trusted: &VerifierKey,
) -> Result<Checkpoint, ReceiptError> {
    let new = open(later_note, trusted)?;
    if new.election_id != old.election_id {
        return Err(ReceiptError::OtherElection {
            expected: old.election_id.clone(),
            got: new.election_id,
        });
    }
    let proof = parse_hashes(proof, "consistency proof hash")?;
    verify_consistency(old.size, new.size, &proof, &old.root, &new.root)?;
    Ok(new)
}
