//! The external reference vectors (`vectors/semaphore-v4.json`, computed by the
//! Semaphore v4 JS packages; `vectors/gen.mjs` makes more). Test support only.

use ark_bn254::Fr;
use serde::Deserialize;

use crate::field::{serde_decimal, serde_decimal_vec};

/// The whole vector file.
#[derive(Debug, Deserialize)]
pub struct Vectors {
    /// circomlib Poseidon hashes.
    pub poseidon: Vec<PoseidonCase>,
    /// Semaphore identities.
    pub identities: Vec<IdentityCase>,
    /// Semaphore groups (LeanIMT) with proofs.
    pub groups: Vec<GroupCase>,
    /// Nullifiers.
    pub nullifiers: Vec<NullifierCase>,
}

/// One Poseidon hash.
#[derive(Debug, Deserialize)]
pub struct PoseidonCase {
    /// Inputs.
    #[serde(with = "serde_decimal_vec")]
    pub inputs: Vec<Fr>,
    /// Output.
    #[serde(with = "serde_decimal")]
    pub output: Fr,
}

/// One identity.
#[derive(Debug, Deserialize)]
pub struct IdentityCase {
    /// Exported private key (base64 of 32 bytes).
    pub private_key_base64: String,
    /// Secret scalar.
    #[serde(with = "serde_decimal")]
    pub secret_scalar: Fr,
    /// Public key, circom-form Baby Jubjub.
    #[serde(with = "serde_decimal_vec")]
    pub public_key: Vec<Fr>,
    /// Commitment.
    #[serde(with = "serde_decimal")]
    pub commitment: Fr,
}

/// One group.
#[derive(Debug, Deserialize)]
pub struct GroupCase {
    /// Members in order.
    #[serde(with = "serde_decimal_vec")]
    pub members: Vec<Fr>,
    /// Root.
    #[serde(with = "serde_decimal")]
    pub root: Fr,
    /// Depth.
    pub depth: usize,
    /// Proofs.
    pub proofs: Vec<ProofCase>,
}

/// One Merkle proof as zk-kit returns it.
#[derive(Debug, Deserialize)]
pub struct ProofCase {
    /// Leaf index in the group.
    pub index: usize,
    /// Leaf.
    #[serde(with = "serde_decimal")]
    pub leaf: Fr,
    /// Compacted path index (bit i: the node is a right child at the i-th hashed level).
    pub proof_index: u64,
    /// Siblings of the hashed levels.
    #[serde(with = "serde_decimal_vec")]
    pub siblings: Vec<Fr>,
    /// Root.
    #[serde(with = "serde_decimal")]
    pub root: Fr,
}

/// One nullifier.
#[derive(Debug, Deserialize)]
pub struct NullifierCase {
    /// Secret scalar.
    #[serde(with = "serde_decimal")]
    pub secret_scalar: Fr,
    /// Scope.
    #[serde(with = "serde_decimal")]
    pub scope: Fr,
    /// Nullifier.
    #[serde(with = "serde_decimal")]
    pub nullifier: Fr,
}

/// Loads `vectors/semaphore-v4.json` from the repository.
pub fn vectors() -> Vectors {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/semaphore-v4.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}
