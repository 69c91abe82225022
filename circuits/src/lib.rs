//! # zkvote-circuits
//!
//! The statement a zkvote ballot proves, as native code and as R1CS gadgets side by side:
//! each primitive keeps its native implementation in `mod.rs` and its gadget in
//! `constraints.rs` (feature `r1cs`, on by default), and every gadget is tested against
//! its native twin.
//!
//! | module | what |
//! |---|---|
//! | [`poseidon`] | circomlib Poseidon over the BN254 scalar field |
//! | [`babyjubjub`] | Baby Jubjub in circomlib form, fixed-base multiplication by Base8 |
//! | [`census`] | zk-kit's LeanIMT with Poseidon(2): the Semaphore v4 group tree |
//! | [`nullifier`] | `Poseidon(scope, secret)` |
//! | [`ballot`] | the ballot rules (native), the public-input layout (`public_inputs`), the ballot circuit (`circuit`) and its rules gadget (`constraints`); `raw`, feature `test-circuits`: the circuit over raw field elements, for tests |
//! | [`election`] | the election definition (`election.json`) and its id |
//! | [`field`] | decimal (de)serialisation of field elements |
//! | [`labels`] | every domain-separation tag, magic and format version of zkvote, with its table |
//! | `test_vectors` | feature `test-vectors`: the loader of `vectors/semaphore-v4.json`, for tests |
//!
//! Errors are one enum, [`Error`]; the rules' are [`ballot::RulesError`].
#![deny(missing_docs)]

pub mod babyjubjub;
pub mod ballot;
pub mod census;
pub mod election;
mod error;
pub mod field;
pub mod labels;
pub mod nullifier;
pub mod poseidon;
#[cfg(test)]
pub(crate) mod tamper;
#[cfg(any(test, feature = "test-vectors"))]
pub mod test_vectors;

pub use ark_bn254::Fr;
pub use error::Error;
