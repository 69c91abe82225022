//! The snarkjs Groth16 JSON layout for verifying keys, proofs and public inputs, so
//! that snarkjs (and the Solidity verifiers built on it) can check zkvote's ballots.
//!
//! | snarkjs | zkvote |
//! |---|---|
//! | `pi_a`, `pi_c`, `vk_alpha_1`, `IC[i]`: `[x, y, "1"]` | affine G1 points |
//! | `pi_b`, `vk_beta_2`, `vk_gamma_2`, `vk_delta_2`: `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` | affine G2 points |
//! | `vk_alphabeta_12` | `e(α, β)` in the Fq12 tower (`c0`, `c1` ∈ Fq6; each `c0, c1, c2` ∈ Fq2) |
//! | `IC[0]` | `gamma_abc_g1[0]`, the constant-one input |
//!
//! Both verify the same equation `e(A, B) = e(α, β)·e(Σ xᵢ·ICᵢ, γ)·e(C, δ)`, so the
//! layouts convert one-to-one. Imports check that every point is on its curve and in
//! the prime-order subgroup, and that it is not the point at infinity.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr};
use ark_ff::PrimeField;
use ark_groth16::{Proof, VerifyingKey};
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use crate::Error;

/// snarkjs `verification_key.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnarkjsVerifyingKey {
    /// Always `groth16`.
    pub protocol: String,
    /// Always `bn128`.
    pub curve: String,
    /// Number of public inputs.
    #[serde(rename = "nPublic")]
    pub n_public: usize,
    /// α ∈ G1.
    pub vk_alpha_1: Vec<String>,
    /// β ∈ G2.
    pub vk_beta_2: Vec<Vec<String>>,
    /// γ ∈ G2.
    pub vk_gamma_2: Vec<Vec<String>>,
    /// δ ∈ G2.
    pub vk_delta_2: Vec<Vec<String>>,
    /// e(α, β).
    pub vk_alphabeta_12: Vec<Vec<Vec<String>>>,
    /// The input bases.
    #[serde(rename = "IC")]
    pub ic: Vec<Vec<String>>,
}

/// snarkjs `proof.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnarkjsProof {
    /// A ∈ G1.
    pub pi_a: Vec<String>,
    /// B ∈ G2.
    pub pi_b: Vec<Vec<String>>,
    /// C ∈ G1.
    pub pi_c: Vec<String>,
    /// Always `groth16`.
    pub protocol: String,
    /// Always `bn128`.
    pub curve: String,
}

fn dec<F: PrimeField>(x: &F) -> String {
    x.into_bigint().to_string()
}

fn g1(p: &G1Affine) -> Vec<String> {
    match p.xy() {
        Some((x, y)) => vec![dec(&x), dec(&y), "1".into()],
        None => vec!["0".into(), "1".into(), "0".into()],
    }
}

fn fq2(x: &Fq2) -> Vec<String> {
    vec![dec(&x.c0), dec(&x.c1)]
}

fn g2(p: &G2Affine) -> Vec<Vec<String>> {
    match p.xy() {
        Some((x, y)) => vec![fq2(&x), fq2(&y), vec!["1".into(), "0".into()]],
        None => vec![
            vec!["0".into(), "0".into()],
            vec!["1".into(), "0".into()],
            vec!["0".into(), "0".into()],
        ],
    }
}

/// The snarkjs form of a verifying key.
pub fn export_verifying_key(vk: &VerifyingKey<Bn254>) -> SnarkjsVerifyingKey {
    let ab = Bn254::pairing(vk.alpha_g1, vk.beta_g2).0;
    let fq6 = |c: &ark_bn254::Fq6| vec![fq2(&c.c0), fq2(&c.c1), fq2(&c.c2)];
    SnarkjsVerifyingKey {
        protocol: "groth16".into(),
        curve: "bn128".into(),
        n_public: vk.gamma_abc_g1.len().saturating_sub(1),
        vk_alpha_1: g1(&vk.alpha_g1),
        vk_beta_2: g2(&vk.beta_g2),
        vk_gamma_2: g2(&vk.gamma_g2),
        vk_delta_2: g2(&vk.delta_g2),
        vk_alphabeta_12: vec![fq6(&ab.c0), fq6(&ab.c1)],
        ic: vk.gamma_abc_g1.iter().map(g1).collect(),
    }
}

/// The snarkjs form of a proof.
pub fn export_proof(proof: &Proof<Bn254>) -> SnarkjsProof {
    SnarkjsProof {
        pi_a: g1(&proof.a),
        pi_b: g2(&proof.b),
        pi_c: g1(&proof.c),
        protocol: "groth16".into(),
        curve: "bn128".into(),
    }
}

/// The snarkjs form of public inputs (`public.json`).
pub fn export_public(inputs: &[Fr]) -> Vec<String> {
    inputs.iter().map(dec).collect()
}

fn bad(what: impl Into<String>) -> Error {
    Error::Snarkjs(what.into())
}

fn parse_base<F: PrimeField>(s: &str, what: &str) -> Result<F, Error> {
    if s.is_empty() || s.len() > 100 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("{what}: {s:?} is not a decimal number")));
    }
    let n = BigUint::parse_bytes(s.as_bytes(), 10)
        .ok_or_else(|| bad(format!("{what}: {s:?} is not a decimal number")))?;
    let m: BigUint = F::MODULUS.into();
    if n >= m {
        return Err(bad(format!("{what}: {s} is not below the field modulus")));
    }
    Ok(F::from(n))
}

fn parse_g1(v: &[String], what: &str) -> Result<G1Affine, Error> {
    if v.len() != 3 || v[2] != "1" {
        return Err(bad(format!("{what}: expected [x, y, \"1\"]")));
    }
    let p = G1Affine::new_unchecked(
        parse_base::<Fq>(&v[0], what)?,
        parse_base::<Fq>(&v[1], what)?,
    );
    if !p.is_on_curve() {
        return Err(bad(format!("{what}: point is not on the BN254 G1 curve")));
    }
    if p.is_zero() {
        return Err(bad(format!("{what}: point at infinity")));
    }
    Ok(p)
}

fn parse_g2(v: &[Vec<String>], what: &str) -> Result<G2Affine, Error> {
    if v.len() != 3 || v.iter().any(|c| c.len() != 2) || v[2] != ["1", "0"] {
        return Err(bad(format!(
            "{what}: expected [[x0, x1], [y0, y1], [\"1\", \"0\"]]"
        )));
    }
    let f = |c: &[String]| -> Result<Fq2, Error> {
        Ok(Fq2::new(parse_base(&c[0], what)?, parse_base(&c[1], what)?))
    };
    let p = G2Affine::new_unchecked(f(&v[0])?, f(&v[1])?);
    if !p.is_on_curve() {
        return Err(bad(format!("{what}: point is not on the BN254 G2 curve")));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(bad(format!("{what}: point is not in the G2 subgroup")));
    }
    if p.is_zero() {
        return Err(bad(format!("{what}: point at infinity")));
    }
    Ok(p)
}

/// Reads a snarkjs verifying key, with curve and subgroup checks, refusing keys that
/// let anyone forge ([`zkvote_engine::keys::check_verifying_key`]).
pub fn import_verifying_key(k: &SnarkjsVerifyingKey) -> Result<VerifyingKey<Bn254>, Error> {
    if k.protocol != "groth16" || k.curve != "bn128" {
        return Err(bad(format!(
            "protocol {:?} on curve {:?}; zkvote reads groth16 on bn128",
            k.protocol, k.curve
        )));
    }
    // `nPublic` is untrusted: `nPublic + 1` overflows for 2^64 - 1 (found by fuzzing).
    if k.n_public.checked_add(1) != Some(k.ic.len()) {
        return Err(bad(format!(
            "nPublic is {} but IC has {} points",
            k.n_public,
            k.ic.len()
        )));
    }
    let vk = VerifyingKey {
        alpha_g1: parse_g1(&k.vk_alpha_1, "vk_alpha_1")?,
        beta_g2: parse_g2(&k.vk_beta_2, "vk_beta_2")?,
        gamma_g2: parse_g2(&k.vk_gamma_2, "vk_gamma_2")?,
        delta_g2: parse_g2(&k.vk_delta_2, "vk_delta_2")?,
        gamma_abc_g1: k
            .ic
            .iter()
            .enumerate()
            .map(|(i, p)| parse_g1(p, &format!("IC[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    zkvote_engine::keys::check_verifying_key(&vk)
        .map_err(|e| bad(format!("refused verifying key: {e}")))?;
    Ok(vk)
}

/// Reads a snarkjs proof, with curve and subgroup checks.
pub fn import_proof(p: &SnarkjsProof) -> Result<Proof<Bn254>, Error> {
    if p.protocol != "groth16" || p.curve != "bn128" {
        return Err(bad(format!(
            "protocol {:?} on curve {:?}; zkvote reads groth16 on bn128",
            p.protocol, p.curve
        )));
    }
    Ok(Proof {
        a: parse_g1(&p.pi_a, "pi_a")?,
        b: parse_g2(&p.pi_b, "pi_b")?,
        c: parse_g1(&p.pi_c, "pi_c")?,
    })
}

/// Reads snarkjs public inputs.
pub fn import_public(v: &[String]) -> Result<Vec<Fr>, Error> {
    v.iter()
        .enumerate()
        .map(|(i, s)| parse_base::<Fr>(s, &format!("public[{i}]")))
        .collect()
}

/// Encodes a proof as Ethereum call data for a snarkjs-style verifier's
/// `verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[n] input)`, byte for byte the
/// text `snarkjs zkey export soliditycalldata` (and `groth16.exportSolidityCallData`)
/// prints: `[a0, a1],[[b01, b00],[b11, b10]],[c0, c1],[x0,x1,…]`, each number as
/// `"0x"` and 64 hex digits, a space after the comma inside a point but none between
/// the inputs. Note the swapped G2 coordinates: the EVM precompile takes `x.c1` before
/// `x.c0`.
pub fn solidity_calldata(proof: &Proof<Bn254>, inputs: &[Fr]) -> String {
    fn h<F: PrimeField>(x: &F) -> String {
        let n: BigUint = x.into_bigint().into();
        format!("\"0x{:0>64}\"", n.to_str_radix(16))
    }
    // The point at infinity is (0, 0) on the EVM.
    let (ax, ay) = proof.a.xy().unwrap_or_default();
    let (bx, by) = proof.b.xy().unwrap_or_default();
    let (cx, cy) = proof.c.xy().unwrap_or_default();
    let inputs: Vec<String> = inputs.iter().map(h).collect();
    format!(
        "[{}, {}],[[{}, {}],[{}, {}]],[{}, {}],[{}]",
        h(&ax),
        h(&ay),
        h(&bx.c1),
        h(&bx.c0),
        h(&by.c1),
        h(&by.c0),
        h(&cx),
        h(&cy),
        inputs.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generators everywhere but δ (a key with δ = γ = the generator lets anyone forge).
    fn generators_key() -> SnarkjsVerifyingKey {
        use ark_ec::CurveGroup;
        export_verifying_key(&VerifyingKey {
            alpha_g1: G1Affine::generator(),
            beta_g2: G2Affine::generator(),
            gamma_g2: G2Affine::generator(),
            delta_g2: (G2Affine::generator() * ark_bn254::Fr::from(7u64)).into_affine(),
            gamma_abc_g1: vec![G1Affine::generator(); 2],
        })
    }

    #[test]
    fn a_key_of_generators_imports() {
        let vk = import_verifying_key(&generators_key()).unwrap();
        assert_eq!(vk.gamma_abc_g1.len(), 2);
    }

    /// `zkvote import snarkjs --vk` refuses what snarkjs exports from an un-contributed
    /// `*_0000.zkey` (γ = δ = the G2 generator), and a δ of the generator alone.
    #[test]
    fn uncontributed_snarkjs_keys_are_refused() {
        let mut k = generators_key();
        k.vk_delta_2 = k.vk_gamma_2.clone();
        let e = import_verifying_key(&k).unwrap_err().to_string();
        assert!(e.contains("gamma equals delta"), "{e}");
        let mut k = generators_key();
        k.vk_gamma_2 = generators_key().vk_delta_2;
        k.vk_delta_2 = export_verifying_key(&VerifyingKey {
            alpha_g1: G1Affine::generator(),
            beta_g2: G2Affine::generator(),
            gamma_g2: G2Affine::generator(),
            delta_g2: G2Affine::generator(),
            gamma_abc_g1: vec![],
        })
        .vk_delta_2;
        let e = import_verifying_key(&k).unwrap_err().to_string();
        assert!(e.contains("delta is the generator"), "{e}");
    }

    /// Regression (fuzz target `snarkjs_vk`): `nPublic` = 2^64 - 1 with no `IC` point
    /// overflowed `nPublic + 1` (a panic with overflow checks, a key with no `IC`
    /// point accepted without them).
    #[test]
    fn n_public_at_the_maximum_is_refused() {
        for ic in [vec![], generators_key().ic] {
            let k = SnarkjsVerifyingKey {
                n_public: usize::MAX,
                ic,
                ..generators_key()
            };
            let e = import_verifying_key(&k).unwrap_err();
            assert!(e.to_string().contains("nPublic"), "{e}");
        }
    }
}
