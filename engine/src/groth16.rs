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
//! so only the left half is recomputed and `v(S_right) = v(S)·v(S_left)⁻¹`. A failing
//! sub-batch of one or two proofs is checked proof by proof with [`verify_one`]'s check,
//! which gives the exact error.
//!
//! # What a box of bad proofs costs
//!
//! Unbounded bisection of a batch where every proof is bad computes a sub-batch value at
//! every node of the tree: about `n·log₂n/2` Miller-loop pairs and `n` final
//! exponentiations on top of the `n` single checks, several times the cost of checking
//! every proof alone. Two rules bound it:
//!
//! 1. When the whole batch fails, [`SAMPLE`] proofs spread over it are checked alone
//!    first. A bad proof needs its own check in the end anyway, so this costs at most
//!    the sample's valid proofs. If at least half of the sample is bad, every other
//!    proof is checked alone too: a box of bad proofs costs the first batch plus `n`
//!    single checks, nothing more.
//! 2. Otherwise bisection works on a budget, counted in units of one single check with
//!    the cost model [`SUB_BATCH_FIXED_COST`] + `k·`[`SUB_BATCH_ENTRY_COST`] for a
//!    sub-batch of `k` proofs (measured, see the constants):
//!
//!    ```text
//!    sub-batch work spent  ≤  ε·n + (proofs already shown valid by a passing sub-batch)
//!    ```
//!
//!    with `ε` = [`BISECTION_SLACK`]. A failing sub-batch whose left half would
//!    overspend is checked proof by proof instead (in parallel). Since at most `n − R`
//!    proofs (plus the sample) are checked alone when `R` were shown valid in passing
//!    sub-batches, the whole call costs at most the first batch (what a box of valid
//!    proofs costs, ≈ 10 % of `n` single checks) plus `(1 + ε)·n + SAMPLE` single
//!    checks, whatever the input. A box with few bad proofs earns budget with every
//!    passing half and bisects as before.
//!
//! [`batch_verify_refs_with_stats`] returns the work done, for tests and benches.
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
use crate::labels;
use crate::pairing::{is_well_formed, multi_miller_loop, multi_miller_loop_normalized};
use crate::transcript::{vk_digest, BatchTranscript, Challenge};
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

/// Cost of computing one sub-batch value beyond its proofs (three fixed Miller-loop
/// pairs, the final exponentiation, `Σ r_i·L_i` and `(Σ r_i)·α`), in thousandths of one
/// single check ([`verify_one`], run in parallel over the proofs like the batch).
///
/// From `cargo bench -p zkvote-benches --bench batch_verify -- bisection_costs` (a
/// batch of 1 and of 64 valid proofs against 64 single checks, 7 public inputs) on the
/// 2-core development machine, 2026-12-01, and the quiet-machine figures of
/// BENCHMARKS.md (≈ 0.1 ms per proof in a large batch, ≈ 0.9 ms per single check on two
/// cores): a sub-batch value costs about 1.2–2 single checks plus 0.09–0.2 per proof,
/// depending on the load. Only the speed of a failing batch depends on these numbers,
/// never an outcome.
pub const SUB_BATCH_FIXED_COST: u64 = 1500;
/// Cost of one more proof in a sub-batch value (its Miller-loop pair and its term of
/// `Σ r_i·C_i`), in thousandths of one single check (see [`SUB_BATCH_FIXED_COST`]).
/// With [`BISECTION_SLACK`] = 0.1, the first split of a failing batch fits in the
/// budget from about 30 proofs on.
pub const SUB_BATCH_ENTRY_COST: u64 = 100;
/// `ε`, in thousandths: bisection may spend `ε·n` single checks' worth of batch work
/// beyond what passing sub-batches have saved (see the [module documentation](self)).
pub const BISECTION_SLACK: u64 = 100;
/// How many proofs of a failing batch are checked alone first: if half of them are bad,
/// the rest is checked alone too, without bisection.
pub const SAMPLE: usize = 8;
/// One single check, the unit of the costs above.
const SINGLE_CHECK_COST: u64 = 1000;

/// The work one batch verification did, for tests and benchmarks
/// ([`batch_verify_refs_with_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Batch values computed: the whole batch and every sub-batch (one final
    /// exponentiation and three fixed Miller-loop pairs each).
    pub sub_batches: usize,
    /// The proofs of those values, summed (one Miller-loop pair each).
    pub sub_batch_proofs: usize,
    /// Proofs checked alone (three Miller-loop pairs and one final exponentiation each).
    pub single_checks: usize,
}

impl BatchStats {
    /// Miller-loop pairs computed.
    pub fn miller_loop_pairs(&self) -> usize {
        self.sub_batch_proofs + 3 * self.sub_batches + 3 * self.single_checks
    }

    /// Final exponentiations computed.
    pub fn final_exponentiations(&self) -> usize {
        self.sub_batches + self.single_checks
    }

    /// The cost of the work in thousandths of a single check, with the cost model of
    /// [`SUB_BATCH_FIXED_COST`] and [`SUB_BATCH_ENTRY_COST`].
    pub fn cost(&self) -> u64 {
        self.sub_batches as u64 * SUB_BATCH_FIXED_COST
            + self.sub_batch_proofs as u64 * SUB_BATCH_ENTRY_COST
            + self.single_checks as u64 * SINGLE_CHECK_COST
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
    batch_verify_refs_with_stats(pvk, items).0
}

/// [`batch_verify_refs`], also returning the work it did.
pub fn batch_verify_refs_with_stats(
    pvk: &PreparedVerifyingKey<Bn254>,
    items: &[(&Proof<Bn254>, &[Fr])],
) -> (Vec<Result<(), Error>>, BatchStats) {
    let expected = match expected_inputs(pvk) {
        Ok(m) => m,
        Err(e) => return (vec![Err(e); items.len()], BatchStats::default()),
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
        return (results, BatchStats::default());
    }

    let challenges = match challenges(pvk, items, &accepted) {
        Ok(r) => r,
        Err(e) => {
            for &i in &accepted {
                results[i] = Err(e.clone());
            }
            return (results, BatchStats::default());
        }
    };
    let batch = Batch::new(pvk, items, &accepted, &challenges, expected);
    let n = batch.entries.len();
    let mut work = Work::new(n);
    let all = 0..n;
    // The whole batch is what a box of valid proofs costs: outside the budget.
    work.stats.sub_batches = 1;
    work.stats.sub_batch_proofs = n;
    let value = batch.value(all.clone());
    if !passes(&value) && batch.mostly_bad(&mut results, &mut work) {
        batch.check_alone(all, &mut results, &mut work);
    } else {
        batch.bisect(all, value, &mut results, &mut work);
    }
    (results, work.stats)
}

/// Whether a sub-batch value is the identity of `G_T`: the sub-batch passes.
fn passes(value: &Option<PairingOutput<Bn254>>) -> bool {
    value.is_some_and(|v| v.is_zero())
}

/// The budget of one bisection (see the [module documentation](self)).
struct Work {
    stats: BatchStats,
    /// Cost of the sub-batch values computed so far (the whole batch excluded), in
    /// thousandths of a single check.
    spent: u64,
    /// What bisection may spend: `ε·n` plus one single check per proof shown valid by a
    /// passing sub-batch.
    allowance: u64,
    /// Entries already checked alone.
    checked: Vec<bool>,
}

impl Work {
    fn new(n: usize) -> Self {
        Work {
            stats: BatchStats::default(),
            spent: 0,
            allowance: BISECTION_SLACK * n as u64,
            checked: vec![false; n],
        }
    }

    fn cost_of(k: usize) -> u64 {
        SUB_BATCH_FIXED_COST + SUB_BATCH_ENTRY_COST * k as u64
    }

    fn can_afford(&self, k: usize) -> bool {
        self.spent + Self::cost_of(k) <= self.allowance
    }

    /// Records a batch value over `k` proofs.
    fn charge(&mut self, k: usize) {
        self.spent += Self::cost_of(k);
        self.stats.sub_batches += 1;
        self.stats.sub_batch_proofs += k;
    }

    /// Records `k` proofs shown valid by a passing sub-batch.
    fn earn(&mut self, k: usize) {
        self.allowance += SINGLE_CHECK_COST * k as u64;
    }
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

    /// Records the outcome of every entry of `range`, whose value is `value` (`None`:
    /// unknown or failing).
    fn bisect(
        &self,
        range: Range<usize>,
        value: Option<PairingOutput<Bn254>>,
        results: &mut [Result<(), Error>],
        work: &mut Work,
    ) {
        if passes(&value) {
            return; // All entries keep their `Ok(())` from the pre-checks.
        }
        let half = range.len() / 2;
        if range.len() <= 2 || !work.can_afford(half) {
            self.check_alone(range, results, work);
            return;
        }
        let mid = range.start + half;
        work.charge(half);
        let left = self.value(range.start..mid);
        let right = match (value, left) {
            (Some(v), Some(l)) => Some(v - l),
            _ if work.can_afford(range.end - mid) => {
                work.charge(range.end - mid);
                self.value(mid..range.end)
            }
            _ => None,
        };
        // Earn what a passing half saves before spending on the other one.
        for (k, v) in [(half, &left), (range.end - mid, &right)] {
            if passes(v) {
                work.earn(k);
            }
        }
        self.bisect(range.start..mid, left, results, work);
        self.bisect(mid..range.end, right, results, work);
    }

    /// Checks every entry of `range` on its own, in parallel: [`verify_one`]'s outcome.
    /// Checks a sample of [`SAMPLE`] proofs spread over a failing batch on their own
    /// (a bad proof needs its own check in the end anyway, so only the sample's valid
    /// proofs are extra work) and says whether at least half of them are bad.
    fn mostly_bad(&self, results: &mut [Result<(), Error>], work: &mut Work) -> bool {
        let n = self.entries.len();
        let s = SAMPLE.min(n);
        let picks: Vec<usize> = (0..s).map(|j| j * n / s).collect();
        let outcomes = self.check_entries(&picks, work);
        let bad = outcomes.iter().filter(|(_, r)| r.is_err()).count();
        for (i, r) in outcomes {
            results[i] = r;
        }
        2 * bad >= s
    }

    /// Checks every entry of `range` on its own, in parallel: [`verify_one`]'s outcome.
    /// Entries already checked alone (the sample) are not checked again.
    fn check_alone(&self, range: Range<usize>, results: &mut [Result<(), Error>], work: &mut Work) {
        let todo: Vec<usize> = range.filter(|&k| !work.checked[k]).collect();
        for (i, r) in self.check_entries(&todo, work) {
            results[i] = r;
        }
    }

    /// [`verify_one`]'s outcome for the entries `which`, in parallel, with the caller's
    /// index of each.
    fn check_entries(&self, which: &[usize], work: &mut Work) -> Vec<(usize, Result<(), Error>)> {
        work.stats.single_checks += which.len();
        for &k in which {
            work.checked[k] = true;
        }
        which
            .par_iter()
            .map(|&k| {
                let e = &self.entries[k];
                let b = G2Prepared::from(e.proof.b);
                (e.index, verify_prepared(self.pvk, e.proof, &b, e.inputs))
            })
            .collect()
    }
}
