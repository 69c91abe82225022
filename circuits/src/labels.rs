//! Every domain-separation tag, magic and format version of zkvote, in one place.
//!
//! The voting crates' constants are defined here (and re-exported where they were
//! first named, e.g. [`crate::ballot::CIRCUIT_VERSION`], `zkvote_verifier::keys::VK_MAGIC`);
//! the engine's, which cannot depend on this crate, are defined in
//! [`zkvote_engine::labels`] and listed here too.
//!
//! | const | value | used by | version |
//! |---|---|---|---|
//! | [`ELECTION_ID_TAG`] | `zkvote/election-id/v1` | first field of the SHA-512 that derives an election's id (`circuits::election`) | 1 |
//! | [`ELECTION_VERSION`], [`ELECTION_VERSION_MIN`] | `2`, `1` | `election.json` format and its id derivation (`circuits::election`); version 2 adds the voting window and the revote policy, version 1 files are still read | 2 |
//! | [`CIRCUIT_VERSION`] | `2` (u16 LE) | the ballot statement; recorded in key file headers (`circuits::ballot`, `verifier::keys`) | 2 |
//! | [`VK_MAGIC`], [`PK_MAGIC`] | `ZKVOTEVK`, `ZKVOTEPK` | first bytes of key files (`verifier::keys`, `prover::keys`) | — |
//! | [`KEY_FORMAT_VERSION`] | `3` (u32 LE) | key file header format, after the magic (`verifier::keys`) | 3 |
//! | [`BALLOT_VERSION`] | `1` | `ballot.json` format (`verifier::ballot`) | 1 |
//! | [`CANONICAL_BALLOT_TAG`] | `zkvote/ballot-canonical/v1` | first bytes of the SHA-256 of a ballot's canonical content in unordered boxes (`verifier::tally`) | 1 |
//! | [`TALLY_VERSION`] | `1` | tally JSON format (`verifier::tally`) | 1 |
//! | [`CENSUS_VERSION`] | `1` | census file format (`prover::census`) | 1 |
//! | [`engine::PROTOCOL`], [`engine::VERSION`] | `zkvote.groth16-batch`, `zkvote.groth16-batch.v2` | merlin transcript of batch verification (`engine::transcript`), with the message labels `dom-sep`, `n`, `vk-digest`, `A`, `B`, `C`, `num-inputs`, `x`, `r` | 2 |
//! | [`engine::VK_DIGEST_PROTOCOL`] | `zkvote.groth16-vk-digest.v1` | merlin transcript of the verifying-key digest (`engine::transcript`), labels `vk`, `digest` | 1 |
//! | [`engine::TABLES_MAGIC`], [`engine::TABLES_VERSION`] | `ZKVOTETB`, `3` (u32 LE) | proving-tables file (`engine::tables`) | 3 |
//! | [`engine::TABLES_KEY_CONTEXT`] | `zkvote 2026-12-01 proving tables tag key v1` | BLAKE3 key derivation of a tables file's tag key (`engine::tables`) | 1 |
//!
//! Not zkvote's own, so not here: the byte prefixes of the transparency log (RFC 6962's
//! `0x00` leaf and `0x01` node, `server::log`) and the C2SP signed-note constants
//! (`server::checkpoint`), which the server crate keeps with the standards they come
//! from; and the foreign file versions of circom's `.r1cs` (1), `.wtns` (2) and snarkjs'
//! `.zkey` (1) (`interop::circom`).
//!
//! The values are part of what tests pin (election ids, key digests, saved ballots):
//! change one only with its version, and say so in the table.

/// The engine's labels (merlin transcripts, proving-tables file), defined there.
pub use zkvote_engine::labels as engine;

/// Domain separation tag of the election id.
pub const ELECTION_ID_TAG: &[u8] = b"zkvote/election-id/v1";
/// The version of the election format and of its id derivation.
///
/// | version | change |
/// |---|---|
/// | 1 | first format |
/// | 2 | the voting window (`opens_at`, `closes_at`) and the revote policy (`first`, `last`), committed to by the id |
pub const ELECTION_VERSION: u32 = 2;
/// The oldest election format this build reads (version 1: no window, the first ballot counts).
pub const ELECTION_VERSION_MIN: u32 = 1;

/// Version of the ballot statement (the circuit). Key files record it and zkvote
/// refuses keys made for another version.
///
/// | version | change |
/// |---|---|
/// | 1 | first statement (key files of format versions 1 and 2, which do not record it) |
/// | 2 | weighted census: the weight spent `w` is range-checked, `w ∈ [0, 2⁶⁴)` (version 1 only bound `W − w ∈ [0, 2⁶⁴)`, so `w = r − k` satisfied it and a contract adding `vᵢ·w` could be given ≈ 2²⁵³ votes) |
pub const CIRCUIT_VERSION: u16 = 2;

/// Version of the key file format this build writes and reads.
pub const KEY_FORMAT_VERSION: u32 = 3;
/// Magic bytes of a verifying key file.
pub const VK_MAGIC: &[u8; 8] = b"ZKVOTEVK";
/// Magic bytes of a proving key file.
pub const PK_MAGIC: &[u8; 8] = b"ZKVOTEPK";

/// Version of the ballot format.
pub const BALLOT_VERSION: u32 = 1;
/// Domain separation of the canonical digest of a ballot (a tally of an unordered box).
pub const CANONICAL_BALLOT_TAG: &[u8] = b"zkvote/ballot-canonical/v1";
/// Version of the tally format.
pub const TALLY_VERSION: u32 = 1;

/// Version of the census file format.
pub const CENSUS_VERSION: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes, spelled out once more: a change here changes election ids, key files,
    /// ballots and tallies, and must come with a new version.
    #[test]
    fn labels_are_pinned() {
        assert_eq!(ELECTION_ID_TAG, b"zkvote/election-id/v1");
        assert_eq!(CANONICAL_BALLOT_TAG, b"zkvote/ballot-canonical/v1");
        assert_eq!((VK_MAGIC, PK_MAGIC), (b"ZKVOTEVK", b"ZKVOTEPK"));
        assert_eq!(
            (ELECTION_VERSION, KEY_FORMAT_VERSION, BALLOT_VERSION),
            (2, 3, 1)
        );
        assert_eq!((TALLY_VERSION, CENSUS_VERSION, CIRCUIT_VERSION), (1, 1, 2));
    }
}
