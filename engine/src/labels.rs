//! Every domain-separation label, magic and format version of the engine, in one place.
//! The voting crates' own are in `zkvote_circuits::labels`, whose table lists these too.
//!
//! | const | value | used by | version |
//! |---|---|---|---|
//! | [`PROTOCOL`] | `zkvote.groth16-batch` | merlin protocol label of batch verification ([`crate::transcript`], [`crate::batch_verify`]) | — |
//! | [`DOMAIN_SEP`] | `dom-sep` | label of the domain-separator message ([`crate::BatchTranscript::domain_sep`]) | — |
//! | [`VERSION`] | `zkvote.groth16-batch.v2` | the batch transcript's version, in the domain-separator message | 2 |
//! | [`BATCH_SIZE`] | `n` | number of proofs in the batch | — |
//! | [`VK_DIGEST`] | `vk-digest` | the verifying key's digest in the batch transcript | — |
//! | [`PROOF_A`], [`PROOF_B`], [`PROOF_C`] | `A`, `B`, `C` | the proof elements | — |
//! | [`PUBLIC_INPUT_COUNT`] | `num-inputs` | number of public inputs of one proof | — |
//! | [`PUBLIC_INPUT`] | `x` | one public input | — |
//! | [`BATCH_CHALLENGE`] | `r` | the batch challenges `r_i` | — |
//! | [`VK_DIGEST_PROTOCOL`] | `zkvote.groth16-vk-digest.v1` | protocol label of the verifying-key digest ([`crate::vk_digest`], its own transcript) | 1 |
//! | [`VK_BYTES`] | `vk` | the uncompressed verifying key in the digest transcript | — |
//! | [`DIGEST`] | `digest` | the digest output | — |
//! | [`TABLES_MAGIC`] | `ZKVOTETB` | first bytes of a proving-tables file ([`crate::tables`]) | — |
//! | [`TABLES_VERSION`] | `3` (u32 LE) | the tables file format, after the magic | 3 |
//! | [`TABLES_KEY_CONTEXT`] | `zkvote 2026-12-01 proving tables tag key v1` | BLAKE3 key-derivation context of [`crate::tables::TablesKey::from_secret`] | 1 |
//!
//! The values are part of what tests pin (batch challenges, verifying-key digests,
//! tables files): change one only with its version, and say so in the table.

/// The merlin protocol label of batch verification.
pub const PROTOCOL: &[u8] = b"zkvote.groth16-batch";
/// Label of the domain-separator message.
pub const DOMAIN_SEP: &[u8] = b"dom-sep";
/// Version of the batch-verification transcript; bump on any change of the messages.
/// (v2: challenges are `lo + λ·hi`, see [`crate::transcript::Challenge`]; v1 used the
/// same 16 bytes as the integer `lo + 2^64·hi`.)
pub const VERSION: &[u8] = b"zkvote.groth16-batch.v2";
/// Label of the number of proofs in the batch.
pub const BATCH_SIZE: &[u8] = b"n";
/// Label of the verifying-key digest.
pub const VK_DIGEST: &[u8] = b"vk-digest";
/// Labels of the three proof elements.
pub const PROOF_A: &[u8] = b"A";
/// Label of `B`.
pub const PROOF_B: &[u8] = b"B";
/// Label of `C`.
pub const PROOF_C: &[u8] = b"C";
/// Label of the number of public inputs of one proof.
pub const PUBLIC_INPUT_COUNT: &[u8] = b"num-inputs";
/// Label of one public input.
pub const PUBLIC_INPUT: &[u8] = b"x";
/// Label of the batch challenges `r_i`.
pub const BATCH_CHALLENGE: &[u8] = b"r";
/// Protocol label of the verifying-key digest (a separate transcript).
pub const VK_DIGEST_PROTOCOL: &[u8] = b"zkvote.groth16-vk-digest.v1";
/// Label of the uncompressed verifying key in the digest transcript.
pub const VK_BYTES: &[u8] = b"vk";
/// Label of the digest output.
pub const DIGEST: &[u8] = b"digest";

/// First bytes of a tables file.
pub const TABLES_MAGIC: &[u8; 8] = b"ZKVOTETB";
/// Version of the tables file format.
pub const TABLES_VERSION: u32 = 3;
/// BLAKE3 key-derivation context of [`TablesKey::from_secret`](crate::tables::TablesKey::from_secret).
pub const TABLES_KEY_CONTEXT: &str = "zkvote 2026-12-01 proving tables tag key v1";

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes, spelled out once more: a change here changes transcripts, digests and
    /// files, and must come with a new version.
    #[test]
    fn labels_are_pinned() {
        assert_eq!(PROTOCOL, b"zkvote.groth16-batch");
        assert_eq!(VERSION, b"zkvote.groth16-batch.v2");
        assert_eq!(VK_DIGEST_PROTOCOL, b"zkvote.groth16-vk-digest.v1");
        assert_eq!(TABLES_MAGIC, b"ZKVOTETB");
        assert_eq!(TABLES_VERSION, 3);
        assert_eq!(
            TABLES_KEY_CONTEXT,
            "zkvote 2026-12-01 proving tables tag key v1"
        );
    }
}
