//! zkvote's secret ballots, native side: exponential ElGamal on Baby Jubjub (circom
//! form), a dealer-free threshold key generation for `n` trustees, partial decryptions
//! with Chaum–Pedersen proofs, and totals by a bounded discrete log.
//!
//! | module | what |
//! |---|---|
//! | [`group`] | points and scalars, checked decoding, canonical encodings |
//! | [`elgamal`] | exponential ElGamal `(r·G, m·G + r·H)`, sums and public weights |
//! | [`dlog`] | bounded discrete log (baby-step giant-step) for the totals |
//! | [`transcript`], [`proofs`] | merlin transcripts; Schnorr and Chaum–Pedersen (DLEQ) proofs |
//! | [`keys`] | trustee key pairs with a proof of possession |
//! | [`dkg`] | the Joint-Feldman DKG over files: dealings, complaints, result |
//! | [`decrypt`] | partial decryptions, their checks, threshold combination, the decryption transcript |
//! | [`labels`] | every domain-separation label and format version |
//! | [`format`](mod@format) | the JSON documents: version, checks on load, the failing field named |
//! | [`error`] | the crate's one error type |
//!
//! # A whole election, in order
//! 1. Each trustee: [`keys::TrusteeKeyPair::generate`], then `register(session, index)`.
//! 2. The organizer: [`dkg::DkgParams::new`] with the registrations and `t`.
//! 3. Each trustee: [`dkg::Trustee::deal`] → a [`dkg::Dealing`]; then, with every
//!    dealing, [`dkg::Trustee::complaints`] → its [`dkg::Complaint`]s (usually none).
//! 4. Anyone: [`dkg::DkgTranscript::evaluate`] → [`dkg::DkgResult`] (QUAL, the
//!    [`dkg::ElectionKey`]); each trustee: [`dkg::Trustee::finalize`] → its
//!    [`dkg::SecretShare`] too.
//! 5. Voters: [`elgamal::PublicKey::encrypt`] under the election key; anyone sums with
//!    public weights ([`elgamal::Ciphertext::weighted_sum`]).
//! 6. Each trustee present: [`decrypt::partial_decrypt`]; anyone:
//!    [`decrypt::combine`] with a [`dlog::DlogTable`] → a
//!    [`decrypt::DecryptionTranscript`], which anyone re-checks with `verify_for`.
//!
//! Randomness is always a parameter (`R: RngCore + CryptoRng`); nothing here reads the
//! operating system's generator. Nothing panics on untrusted input.

pub mod decrypt;
pub mod dkg;
pub mod dlog;
pub mod elgamal;
pub mod error;
pub mod format;
pub mod group;
pub mod keys;
pub mod labels;
pub mod proofs;
pub mod transcript;

pub use error::{Error, Result};
