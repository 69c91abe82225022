//! Single and batched Groth16 verification over BN254.
//!
//! # The batch check
//!
//! A proof `(A_i, B_i, C_i)` for public inputs `x_i` is valid iff
//! `e(A_i, B_i) = e(α, β) · e(L_i, γ) · e(C_i, δ)` with `L_i = IC_0 + Σ_j x_ij·IC_j`.
//! With challenges `r_i` from a merlin transcript over the whole batch
//! (see [`crate::transcript`]), the batch is accepted iff
//!
//! ```text
//! ∏_i e(r_i·A_i, B_i) · e(−(Σ r_i)·α, β) · e(Σ_i r_i·L_i, −γ) · e(Σ_i r_i·C_i, −δ) = 1
//! Σ_i r_i·L_i = (Σ_i r_i)·IC_0 + Σ_j (Σ_i r_i·x_ij)·IC_j      (field work + one MSM of m + 1 points)
//! ```
//!
//! computed as one multi-Miller loop over `n + 3` pairs (chunks in parallel, multiplied
//! together) and one final exponentiation. `r_i = lo_i + λ·hi_i` with 64-bit halves
//! ([`crate::transcript::Challenge`]), so `r_i·A_i` and `Σ r_i·C_i` use G1's
//! endomorphism and 64-bit scalars ([`crate::glv`]), and the lines of the
//! `B_i` are computed inside the Miller loop, in affine coordinates with one shared
//! inversion per step and normalised ([`crate::pairing::multi_miller_loop_normalized`]),
//! rather than prepared and stored.
//!
//! If the batch fails it is split in halves, recursively. The value `v(S)` of the check
//! over a sub-batch `S` (same `r_i`) is multiplicative, `v(S) = v(S_left)·v(S_right)`,
//! so only the left half is recomputed and `v(S_right) = v(S)·v(S_left)⁻¹`. A single
//! failing proof is checked again with [`verify_one`], which gives the exact error.
//!
//! An item's outcome is therefore [`verify_one`]'s outcome, whatever the batch size,
//! split, or thread count, unless an invalid proof hides in a passing sub-batch, which
//! happens with probability at most `2^-128` per transcript (see
//! [`crate::transcript::Challenge`]).

use core::ops::Range;

use ark_bn254::{Bn254, Config, Fr, G1Affine, G1Projective};
use ark_ec::bn::G2Prepared;
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::Zero;
use ark_groth16::{PreparedVerifyingKey, Proof};
use merlin::Transcript;
use rayon::prelude::*;

use crate::decode::check_cheap;
use crate::glv::{msm_challenges, mul_challenges};
use crate::pairing::{is_well_formed, multi_miller_loop, multi_miller_loop_normalized};
use crate::transcript::{labels, vk_digest, BatchTranscript, Challenge};
use crate::Error;

/// Checks the key's shape and returns the number of public inputs it expects.
fn expected_inputs(pvk: &PreparedVerifyingKey<Bn254>) -> Result<usize, Error> {
    let ic = &pvk.vk.gamma_abc_g1;
    if ic.is_empty()
        || !is_well_formed(&pvk.gamma_g2_neg_pc)
        || !is_well_formed(&pvk.delta_g2_neg_pc)
    {
        return Err(Error::MalformedVerifyingKey);
    }
    Ok(ic.len() - 1)
}

fn check_input_count(expected: usize, inputs: &[Fr]) -> Result<(), Error> {
    if inputs.len() != expected {
        return Err(Error::PublicInputCount {
            expected,
            got: inputs.len(),
        });
    }
    Ok(())
}

/// `IC_0·s + Σ_j IC_{j+1}·w_j`.
fn linear_combination_of_ic(
    pvk: &PreparedVerifyingKey<Bn254>,
    s: Fr,
    weights: &[Fr],
) -> G1Projective {
    let ic = &pvk.vk.gamma_abc_g1;
    ic[0] * s + G1Projective::msm_unchecked(&ic[1..], weights)
}

/// Verifies one Groth16 proof.
///
/// `proof` must come from [`crate::decode_proof`] (or another validating decoder):
/// here its points are only checked to be on the curve and not the identity, which fully
/// validates `A` and `C` (cofactor 1) but not `B`'s subgroup membership
/// (see [`crate::validate_proof`]).
pub fn verify_one(
    pvk: &PreparedVerifyingKey<Bn254>,
    proof: &Proof<Bn254>,
    public_inputs: &[Fr],
) -> Result<(), Error> {
    check_input_count(expected_inputs(pvk)?, public_inputs)?;
    check_cheap(proof)?;
    let b = G2Prepared::from(proof.b);
    verify_prepared(pvk, proof, &b, public_inputs)
}

/// [`verify_one`] after the checks, with `B` already prepared.
fn verify_prepared(
    pvk: &PreparedVerifyingKey<Bn254>,
    proof: &Proof<Bn254>,
    b: &G2Prepared<Config>,
    public_inputs: &[Fr],
) -> Result<(), Error> {
    let l = linear_combination_of_ic(pvk, Fr::from(1u64), public_inputs).into_affine();
    let pairs = [
        (&proof.a, b),
        (&l, &pvk.gamma_g2_neg_pc),
        (&proof.c, &pvk.delta_g2_neg_pc),
    ];
    let ml = multi_miller_loop(&pairs, |(p, q)| (*p, *q));
    match Bn254::final_exponentiation(ml) {
        Some(v) if v.0 == pvk.alpha_g1_beta_g2 => Ok(()),
        _ => Err(Error::InvalidProof),
    }
}

/// Verifies many proofs against one key with one random linear combination of their
/// Groth16 equations, and returns one outcome per item, in order.
///
/// See the [module documentation](self) for the check. Items with the wrong number of
/// public inputs or with bad points are rejected on their own before batching and do
/// not enter the transcript. The outcome is deterministic (same items, same outcome)
/// and, for each item, the outcome of [`verify_one`] on it. Runs on the current rayon
/// thread pool.
pub fn batch_verify(
    pvk: &PreparedVerifyingKey<Bn254>,
    items: &[(Proof<Bn254>, Vec<Fr>)],
) -> Vec<Result<(), Error>> {
    let refs: Vec<(&Proof<Bn254>, &[Fr])> = items.iter().map(|(p, x)| (p, x.as_slice())).collect();
    batch_verify_refs(pvk, &refs)
}

/// [`batch_verify`] over borrowed proofs and public inputs.
pub fn batch_verify_refs(
    pvk: &PreparedVerifyingKey<Bn254>,
    items: &[(&Proof<Bn254>, &[Fr])],
) -> Vec<Result<(), Error>> {
    let expected = match expected_inputs(pvk) {
        Ok(m) => m,
        Err(e) => return vec![Err(e); items.len()],
    };
    let mut results: Vec<Result<(), Error>> = items
        .par_iter()
        .map(|(proof, inputs)| {
            check_input_count(expected, inputs)?;
            check_cheap(proof)
        })
        .collect();
    let accepted: Vec<usize> = (0..items.len()).filter(|&i| results[i].is_ok()).collect();
    if accepted.is_empty() {
        return results;
    }

    let challenges = match challenges(pvk, items, &accepted) {
        Ok(r) => r,
        Err(e) => {
            for &i in &accepted {
                results[i] = Err(e.clone());
            }
            return results;
        }
    };
    let batch = Batch::new(pvk, items, &accepted, &challenges, expected);
    let all = 0..batch.entries.len();
    let value = batch.value(all.clone());
    batch.bisect(all, value, &mut results);
    results
}

/// The challenges `r_i` of the accepted items, from the transcript of the whole batch.
fn challenges(
    pvk: &PreparedVerifyingKey<Bn254>,
    items: &[(&Proof<Bn254>, &[Fr])],
    accepted: &[usize],
) -> Result<Vec<Challenge>, Error> {
    let mut t = Transcript::new(labels::PROTOCOL);
    t.domain_sep(accepted.len() as u64);
    t.append_vk_digest(&vk_digest(&pvk.vk)?);
    for &i in accepted {
        let (proof, inputs) = items[i];
        t.append_proof(proof)?;
        t.append_public_inputs(inputs);
    }
    Ok(accepted
        .iter()
        .map(|_| t.challenge(labels::BATCH_CHALLENGE))
        .collect())
}

/// One accepted item, with its challenge applied.
struct Entry<'a> {
    /// Position in the caller's slice.
    index: usize,
    proof: &'a Proof<Bn254>,
    inputs: &'a [Fr],
    challenge: Challenge,
    /// `r_i` as a scalar.
    r: Fr,
    /// `r_i·A_i`.
    ra: G1Affine,
}

struct Batch<'a> {
    pvk: &'a PreparedVerifyingKey<Bn254>,
    beta: G2Prepared<Config>,
    num_inputs: usize,
    entries: Vec<Entry<'a>>,
}

impl<'a> Batch<'a> {
    fn new(
        pvk: &'a PreparedVerifyingKey<Bn254>,
        items: &[(&'a Proof<Bn254>, &'a [Fr])],
        accepted: &[usize],
        challenges: &[Challenge],
        num_inputs: usize,
    ) -> Self {
        let a: Vec<G1Affine> = accepted.iter().map(|&i| items[i].0.a).collect();
        let ra = mul_challenges(&a, challenges);
        let entries = accepted
            .iter()
            .zip(challenges)
            .zip(ra)
            .map(|((&index, &challenge), ra)| Entry {
                index,
                proof: items[index].0,
                inputs: items[index].1,
                challenge,
                r: challenge.scalar(),
                ra,
            })
            .collect();
        Batch {
            pvk,
            beta: G2Prepared::from(pvk.vk.beta_g2),
            num_inputs,
            entries,
        }
    }

    /// The left side of the batch equation over `entries[range]`: the identity of `G_T`
    /// (`PairingOutput::zero()`) iff that sub-batch passes. `None` if the final
    /// exponentiation failed (a zero Miller-loop value), which counts as failing.
    fn value(&self, range: Range<usize>) -> Option<PairingOutput<Bn254>> {
        let entries = &self.entries[range];
        let m = self.num_inputs;
        let (sum_r, weights) = entries
            .par_iter()
            .fold(
                || (Fr::zero(), vec![Fr::zero(); m]),
                |(mut s, mut w), e| {
                    s += e.r;
                    for (wj, xj) in w.iter_mut().zip(e.inputs) {
                        *wj += e.r * xj;
                    }
                    (s, w)
                },
            )
            .reduce(
                || (Fr::zero(), vec![Fr::zero(); m]),
                |(s1, mut w1), (s2, w2)| {
                    for (a, b) in w1.iter_mut().zip(&w2) {
                        *a += b;
                    }
                    (s1 + s2, w1)
                },
            );
        let (l, (c, alpha)) = rayon::join(
            || linear_combination_of_ic(self.pvk, sum_r, &weights),
            || {
                let bases: Vec<G1Affine> = entries.iter().map(|e| e.proof.c).collect();
                let challenges: Vec<Challenge> = entries.iter().map(|e| e.challenge).collect();
                (
                    msm_challenges(&bases, &challenges),
                    -(self.pvk.vk.alpha_g1 * sum_r),
                )
            },
        );
        let fixed = G1Projective::normalize_batch(&[alpha, l, c]);
        let fixed_pairs = [
            (&fixed[0], &self.beta),
            (&fixed[1], &self.pvk.gamma_g2_neg_pc),
            (&fixed[2], &self.pvk.delta_g2_neg_pc),
        ];
        let (ml_items, ml_fixed) = rayon::join(
            || multi_miller_loop_normalized(entries, |e| (&e.ra, &e.proof.b)),
            || multi_miller_loop(&fixed_pairs, |(p, q)| (*p, *q)),
        );
        Bn254::final_exponentiation(ark_ec::pairing::MillerLoopOutput(ml_items.0 * ml_fixed.0))
    }

    /// Records the outcome of every entry of `range`, whose value is `value`.
    fn bisect(
        &self,
        range: Range<usize>,
        value: Option<PairingOutput<Bn254>>,
        results: &mut [Result<(), Error>],
    ) {
        if value.is_some_and(|v| v.is_zero()) {
            return; // All entries keep their `Ok(())` from the pre-checks.
        }
        if range.len() == 1 {
            let e = &self.entries[range.start];
            let b = G2Prepared::from(e.proof.b);
            results[e.index] = verify_prepared(self.pvk, e.proof, &b, e.inputs);
            return;
        }
        let mid = range.start + range.len() / 2;
        let left = self.value(range.start..mid);
        let right = match (value, left) {
            (Some(v), Some(l)) => Some(v - l),
            _ => self.value(mid..range.end),
        };
        self.bisect(range.start..mid, left, results);
        self.bisect(mid..range.end, right, results);
    }
}
