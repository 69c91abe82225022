//! Groth16 keys: which keys are safe to use, and which QAP reduction a proving key is
//! made for. No file format here: the key files (with their ballot-shape header) are
//! the voting crates' (`zkvote-verifier::keys`, `zkvote-prover::keys`).

use ark_bn254::{Bn254, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr};
use ark_ff::Zero;
use ark_groth16::{ProvingKey, VerifyingKey};

/// How a Groth16 prover maps the R1CS witness to the quotient polynomial `h`: the
/// proving key's `h_query` bases are made for one of them, and a proof made with the
/// other does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QapReduction {
    /// arkworks' default (`LibsnarkReduction`): `h` in coefficient form, `h_query` =
    /// `τ^i·Z(τ)/δ` for `i < n − 1`. Keys from [`ark_groth16`]'s setup.
    Libsnark,
    /// snarkjs/circom: `h` evaluated on the odd powers of the `2n`-th root of unity,
    /// `h_query` = the Lagrange bases there, divided by `δ` (`n` of them). Keys from a
    /// snarkjs `.zkey`.
    Circom,
}

impl QapReduction {
    /// The header byte.
    pub fn to_byte(self) -> u8 {
        match self {
            QapReduction::Libsnark => 0,
            QapReduction::Circom => 1,
        }
    }

    /// From the header byte.
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(QapReduction::Libsnark),
            1 => Some(QapReduction::Circom),
            _ => None,
        }
    }
}

impl std::fmt::Display for QapReduction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QapReduction::Libsnark => "arkworks (libsnark) reduction",
            QapReduction::Circom => "circom (snarkjs) reduction",
        })
    }
}

/// The QAP reduction a proving key is made for, read from its structure: arkworks'
/// setup makes `n − 1` H bases (`τ^i·Z(τ)/δ`, `i < n − 1`, `n` the power-of-two domain
/// size) and a snarkjs zkey makes `n` (Lagrange bases on the odd powers of the `2n`-th
/// root of unity). `n − 1` is a power of two only for `n = 2`, far below any ballot
/// circuit. zkvote's key files also record the reduction and check that the two agree.
pub fn reduction_of(pk: &ProvingKey<Bn254>) -> QapReduction {
    if pk.h_query.len() > 1 && pk.h_query.len().is_power_of_two() {
        QapReduction::Circom
    } else {
        QapReduction::Libsnark
    }
}

/// A weakness that makes a verifying key unusable although every point is valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakKey {
    /// A point of the key is the point at infinity: with `α` or `β` at infinity the
    /// pairing `e(α, β)` is 1, with `γ` or `δ` at infinity a term vanishes, and an `IC`
    /// point at infinity makes its public input free; each lets proofs be forged.
    #[error("{0} is the point at infinity (a key with it lets anyone forge proofs)")]
    Infinity(String),
    /// `γ = δ`: then `(α, β, −L(x))` — made from the key alone — verifies for any
    /// public inputs. snarkjs' phase-2 file before any contribution (`*_0000.zkey`) has
    /// this (both are the G2 generator).
    #[error("gamma equals delta: anyone can forge proofs for any public inputs (is this a phase-2 key without any contribution, such as a *_0000.zkey?)")]
    GammaEqualsDelta,
    /// `δ` is the generator of G2: the phase 2 of the setup had no contribution (snarkjs
    /// starts phase 2 at `δ = 1`), so its toxic waste is public.
    #[error("delta is the generator of G2: the setup's phase 2 has no contribution, so anyone can forge proofs (contribute to the zkey, apply a beacon, and import the final key)")]
    DeltaIsGenerator,
    /// A proving key whose `β` and `δ` in G1 do not match those in G2.
    #[error("beta and delta in G1 do not match beta and delta in G2 (e(β₁, δ₂) ≠ e(δ₁, β₂))")]
    G1G2Mismatch,
    /// Points for which the pairing is not even defined (not on the curve or not in
    /// the subgroup: a key whose points were not validated).
    #[error("beta and delta are not valid curve points (the pairing of them is undefined)")]
    InvalidPoints,
}

/// Checks that a verifying key (whose points were already validated: on the curve, in
/// the subgroup) is not one that lets anyone forge: no point at infinity among `α`,
/// `β`, `γ`, `δ` and the `IC` points, `γ ≠ δ`, and `δ` not the generator of G2.
/// The Solidity generator, the key files, the snarkjs and zkey imports all call it, so
/// that every path agrees on what a valid key is.
pub fn check_verifying_key(vk: &VerifyingKey<Bn254>) -> Result<(), WeakKey> {
    let inf = |what: &str| WeakKey::Infinity(what.to_string());
    if vk.alpha_g1.is_zero() {
        return Err(inf("alpha (G1)"));
    }
    for (p, what) in [
        (&vk.beta_g2, "beta (G2)"),
        (&vk.gamma_g2, "gamma (G2)"),
        (&vk.delta_g2, "delta (G2)"),
    ] {
        if p.is_zero() {
            return Err(inf(what));
        }
    }
    if vk.gamma_abc_g1.is_empty() {
        return Err(inf("IC (the key has no IC points at all)"));
    }
    if let Some(i) = vk.gamma_abc_g1.iter().position(|p| p.is_zero()) {
        return Err(WeakKey::Infinity(format!("IC[{i}] (G1)")));
    }
    if vk.gamma_g2 == vk.delta_g2 {
        return Err(WeakKey::GammaEqualsDelta);
    }
    if vk.delta_g2 == G2Affine::generator() {
        return Err(WeakKey::DeltaIsGenerator);
    }
    Ok(())
}

/// Checks what can be checked of a proving key without its setup's secrets: its
/// verifying key passes [`check_verifying_key`], `β₁` and `δ₁` are not the point at
/// infinity, and `e(β₁, δ₂) = e(δ₁, β₂)` (both are `e(g, h)^{βδ}` for the setup's
/// generators `g`, `h`, which arkworks draws at random). So `δ₁ = t·β₁` where
/// `δ₂ = t·β₂`, and `δ₁` is not at infinity whenever `δ₂` is a valid `δ`: the `r·δ₁` in
/// `A = α + Σ aᵢ·Aᵢ + r·δ₁` makes `A` uniform. (With `δ₁` at infinity `A` would not
/// depend on the randomness and would leak the witness.) That the `A`, `B`, `L`, `H`
/// bases belong to the circuit cannot be checked without the ceremony's transcript
/// (`snarkjs zkey verify`).
pub fn check_proving_key(pk: &ProvingKey<Bn254>) -> Result<(), WeakKey> {
    check_verifying_key(&pk.vk)?;
    for (p, name) in [(pk.beta_g1, "beta (G1)"), (pk.delta_g1, "delta (G1)")] {
        if p.is_zero() {
            return Err(WeakKey::Infinity(name.into()));
        }
    }
    // `multi_pairing` unwraps the final exponentiation, which has no value when the
    // Miller loop gives 0: possible for points that were never validated (a key read on
    // the digest-trusted fast path). Found by the `proving_key_trusted` fuzz target.
    let ml = Bn254::multi_miller_loop([pk.beta_g1, -pk.delta_g1], [pk.vk.delta_g2, pk.vk.beta_g2]);
    match Bn254::final_exponentiation(ml) {
        Some(lhs) if lhs.is_zero() => Ok(()),
        Some(_) => Err(WeakKey::G1G2Mismatch),
        None => Err(WeakKey::InvalidPoints),
    }
}
