//! Every domain-separation label and format version of `zkvote-trustees`, in one place.
//!
//! | const | value | used by |
//! |---|---|---|
//! | [`PROTOCOL`] | `zkvote.trustees.v1` | the name of every merlin transcript of this crate ([`crate::transcript`]) |
//! | [`KEY_POP`] | `trustee-key-pop` | proof of possession of a trustee key ([`crate::keys`]) |
//! | [`DEALING`] | `dkg-dealing` | the dealer's signature over its dealing ([`crate::dkg`]) |
//! | [`CONSTANT_POK`] | `dkg-constant-term` | proof of knowledge of a dealer's constant term `a_i0` ([`crate::dkg`]) |
//! | [`SHARE_PAD`] | `dkg-share-pad` | the key stream that encrypts a share to its recipient ([`crate::dkg`]) |
//! | [`COMPLAINT`] | `dkg-complaint` | the DLEQ proof of a complaint's decryption ([`crate::dkg`]) |
//! | [`PARTIAL_DECRYPTION`] | `partial-decryption` | the Chaum–Pedersen proof of a partial decryption ([`crate::decrypt`]) |
//! | [`FORMAT_VERSION`] | `1` | the `version` of every JSON document of this crate |
//!
//! Messages inside a transcript are labelled by [`crate::transcript::TranscriptProtocol`]
//! (`dom-sep`, `context`, `n`, `t`, `index`, `G`, `Y`, `R`, `c`, …). The values are what
//! old proofs are checked against: change one only with a new version.

/// The name of every transcript of this crate.
pub const PROTOCOL: &[u8] = b"zkvote.trustees.v1";
/// Statement kind: proof of possession of a trustee key.
pub const KEY_POP: &[u8] = b"trustee-key-pop";
/// Statement kind: a dealer's signature over its dealing (Schnorr, by its trustee key).
pub const DEALING: &[u8] = b"dkg-dealing";
/// Statement kind: proof of knowledge of a dealer's constant term.
pub const CONSTANT_POK: &[u8] = b"dkg-constant-term";
/// Key stream of an encrypted share.
pub const SHARE_PAD: &[u8] = b"dkg-share-pad";
/// Statement kind: the DLEQ proof of a complaint (the published decryption key).
pub const COMPLAINT: &[u8] = b"dkg-complaint";
/// Statement kind: the Chaum–Pedersen proof of a partial decryption.
pub const PARTIAL_DECRYPTION: &[u8] = b"partial-decryption";
/// The format version of every JSON document of this crate.
pub const FORMAT_VERSION: u32 = 1;

/// Labels of the messages inside a transcript ([`crate::transcript::TranscriptProtocol`]).
pub mod msg {
    /// The statement kind (one of the constants above).
    pub const DOM_SEP: &[u8] = b"dom-sep";
    /// Caller context: a DKG session or an election id.
    pub const CONTEXT: &[u8] = b"context";
    /// A count or index (`n`, `t`, a trustee, a ciphertext).
    pub const N: &[u8] = b"n";
    /// The threshold.
    pub const T: &[u8] = b"t";
    /// A trustee's index.
    pub const INDEX: &[u8] = b"index";
    /// A second index (the recipient of a share, the accused of a complaint, a ciphertext).
    pub const OTHER: &[u8] = b"other";
    /// A public point bound as context (keys, commitments, ciphertexts).
    pub const POINT: &[u8] = b"point";
    /// Opaque bytes bound as context (an encrypted share).
    pub const BYTES: &[u8] = b"bytes";
    /// A base of a proof's statement.
    pub const BASE: &[u8] = b"G";
    /// The public image of a proof's statement (`Y = x·G`).
    pub const IMAGE: &[u8] = b"Y";
    /// A prover's commitment.
    pub const COMMITMENT: &[u8] = b"R";
    /// The challenge.
    pub const CHALLENGE: &[u8] = b"c";
    /// The witness bytes that hedge the prover's nonce.
    pub const WITNESS: &[u8] = b"witness";
    /// A key stream (the share pad).
    pub const PAD: &[u8] = b"pad";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes once more: a change here invalidates every saved proof.
    #[test]
    fn labels_are_pinned() {
        assert_eq!(PROTOCOL, b"zkvote.trustees.v1");
        assert_eq!(KEY_POP, b"trustee-key-pop");
        assert_eq!(DEALING, b"dkg-dealing");
        assert_eq!(CONSTANT_POK, b"dkg-constant-term");
        assert_eq!(SHARE_PAD, b"dkg-share-pad");
        assert_eq!(COMPLAINT, b"dkg-complaint");
        assert_eq!(PARTIAL_DECRYPTION, b"partial-decryption");
        assert_eq!(FORMAT_VERSION, 1);
        assert_eq!(
            [
                msg::DOM_SEP,
                msg::CONTEXT,
                msg::N,
                msg::T,
                msg::INDEX,
                msg::OTHER,
                msg::POINT
            ],
            [
                &b"dom-sep"[..],
                b"context",
                b"n",
                b"t",
                b"index",
                b"other",
                b"point"
            ]
        );
        assert_eq!(
            [
                msg::BYTES,
                msg::BASE,
                msg::IMAGE,
                msg::COMMITMENT,
                msg::CHALLENGE,
                msg::WITNESS,
                msg::PAD
            ],
            [&b"bytes"[..], b"G", b"Y", b"R", b"c", b"witness", b"pad"]
        );
    }
}
