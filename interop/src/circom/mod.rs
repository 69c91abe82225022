//! The ballot circuit in the circom/snarkjs file formats, so that a snarkjs setup
//! ceremony (powers of tau, phase 2, beacon) can make its keys:
//!
//! | file | what |
//! |---|---|
//! | `r1cs.rs` | [`R1cs`], [`ballot_r1cs`] and [`r1cs_bytes`]: the iden3 `.r1cs` binary (header, constraints, wire-to-label map) |
//! | `wtns.rs` | [`ballot_witness`] and [`wtns_bytes`]: the iden3 `.wtns` binary (a full assignment of the wires) |
//! | `zkey.rs` | [`import_zkey`]: a snarkjs Groth16 `.zkey` as an arkworks proving key, after checking that its A and B matrices are this circuit's; [`import_ballot_zkey`] also refuses keys that let anyone forge and proves and verifies a sample ballot with the key, which checks what the zkey does not store (matrix C, through the `L` and `H` bases) |
//! | `sample.rs` | [`sample_ballot_circuit`]: the random satisfied ballot that [`import_ballot_zkey`] proves with the key |
//!
//! The R1CS-to-QAP reduction snarkjs' keys are made for is
//! [`zkvote_engine::reduction::CircomReduction`]. Everything here needs only the
//! statement (`zkvote-circuits`) and the engine: a ballot's witness is serialised from a
//! [`BallotCircuit`] that the caller built (the CLI with `zkvote_prover::vote::build_circuit`).
//!
//! Wires are arkworks' variables in arkworks' order: wire 0 is the constant 1, wires
//! `1..=n` are the public inputs in [`BallotInstance`] order (circom public inputs; no
//! public outputs), then the private wires. The formats are those of iden3's `r1csfile`
//! and snarkjs (all integers little-endian; a binary file is a 4-byte magic, a `u32`
//! version, a `u32` section count, then sections `u32 id, u64 length, body`).
//! Field elements are 32-byte little-endian integers in `.r1cs` and `.wtns`; in a
//! `.zkey`, base-field coordinates are in Montgomery form and the matrix coefficients
//! are `c·R² mod r` (`R = 2²⁵⁶`), as ffjavascript writes them.
//!
//! [`BallotCircuit`]: zkvote_circuits::ballot::circuit::BallotCircuit
//! [`BallotInstance`]: zkvote_circuits::ballot::public_inputs::BallotInstance

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_relations::gr1cs::{
    ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisError, SynthesisMode,
};

use crate::Error;

mod r1cs;
mod sample;
#[cfg(test)]
mod tests;
mod wtns;
mod zkey;

pub use r1cs::{ballot_r1cs, r1cs_bytes, R1cs};
pub use sample::sample_ballot_circuit;
pub use wtns::{ballot_witness, wtns_bytes};
pub use zkey::{check_key_proves_sample, import_ballot_zkey, import_zkey};

/// A constraint system set up as arkworks' Groth16 sets up its own (so that the
/// variables, and so the wires, are the same as in its setup and proofs).
fn groth16_cs(mode: SynthesisMode) -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(mode);
    cs
}

fn synthesis(e: SynthesisError) -> Error {
    Error::Synthesis(e.to_string())
}

// ---------------------------------------------------------------------------------
// Writing binary files (`.r1cs`, `.wtns`).

fn put_u32(out: &mut Vec<u8>, x: usize) {
    out.extend_from_slice(&(x as u32).to_le_bytes());
}

fn put_fr(out: &mut Vec<u8>, x: &Fr) {
    out.extend_from_slice(&x.into_bigint().to_bytes_le());
}

fn put_modulus<F: PrimeField>(out: &mut Vec<u8>) {
    put_u32(out, 32);
    out.extend_from_slice(&F::MODULUS.to_bytes_le());
}

/// A binary file: magic, version, then the sections in order (ids from 1).
fn binfile(magic: &[u8; 4], version: u32, sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = magic.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    put_u32(&mut out, sections.len());
    for (k, s) in sections.iter().enumerate() {
        put_u32(&mut out, k + 1);
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s);
    }
    out
}
