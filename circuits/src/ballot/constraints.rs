//! The rules gadget: the in-circuit twin of [`BallotRules::check`](super::BallotRules::check).
//!
//! Statement, for the public packed rules `R`, packed votes `P_j`, weight spent `w` and
//! the private census weight `W` (the constant 1 for a plain census):
//!
//! - `R = Σ_k r_k·2^k` with `r_k ∈ {0,1}` for `k < 203`; the rule fields are the
//!   slices of [`rules_layout`](super::rules_layout) (`n`, `min`, `max`, `u`, `q`, `c`,
//!   `Tmin`, `Tmax`);
//! - `P_j = Σ_{k<7} v_{7j+k}·2^{32k}`;
//! - active flags `aᵢ ∈ {0,1}`, `a_{i+1}·(1 − aᵢ) = 0`, `Σ aᵢ = n`, and `vᵢ·(1 − aᵢ) = 0`;
//! - `vᵢ − min·aᵢ ∈ [0, 2³²)` and `max·aᵢ − vᵢ ∈ [0, 2³²)` (so every `vᵢ < 2³²`,
//!   which makes the vote packing injective);
//! - if `u`: `(vᵢ − vⱼ)·invᵢⱼ = u·aⱼ` for `i < j`;
//! - `S = S₁ + q·(S₂ − S₁)` with `S₁ = Σ vᵢ`, `S₂ = Σ vᵢ²`; `B = Tmax + c·(w − Tmax)`;
//!   `S − Tmin ∈ [0, 2⁶⁴)` and `B − S ∈ [0, 2⁶⁴)`;
//! - plain census: `w = 1`; weighted: `w ∈ [0, 2⁶⁴)` and `W − w ∈ [0, 2⁶⁴)`.
//!
//! Every range a consumer of the public inputs relies on is enforced here, not left to
//! how a verifier happens to read them: each `vᵢ ∈ [0, 2³²)` (from the bounds above) and
//! `w ∈ [0, 2⁶⁴)` (`w = 1`, or its own 64-bit decomposition), so `S < F·2⁶⁴` never
//! wraps, the vote packing is injective, and a contract that adds `vᵢ·w` to a 256-bit
//! total cannot be handed a field element posing as a weight. (Circuit version 1 only
//! had `W − w ∈ [0, 2⁶⁴)`, which `w = r − k` satisfies: see
//! [`CIRCUIT_VERSION`](super::CIRCUIT_VERSION).)

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, BigInteger, Field, PrimeField, Zero};
use ark_r1cs_std::{
    alloc::AllocVar, boolean::Boolean, eq::EqGadget, fields::fp::FpVar, fields::FieldVar, GR1CSVar,
};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use super::{
    circuit::Statement, rules_layout, BallotShape, CensusKind, COST_BITS, VALUE_BITS,
    VOTES_PER_INPUT,
};

/// Decomposes `x` into `n` witness bits (booleanity enforced) and enforces that they
/// recompose to `x`: a proof that `x ∈ [0, 2ⁿ)`. Costs `n + 1` constraints.
pub fn enforce_bits(
    cs: &ConstraintSystemRef<Fr>,
    x: &FpVar<Fr>,
    n: usize,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let value = x.value().ok();
    let le = value.map(|v| v.into_bigint().to_bits_le());
    let bits = (0..n)
        .map(|k| {
            Boolean::new_witness(cs.clone(), || {
                le.as_ref()
                    .map(|b| b[k])
                    .ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sum = weighted_sum(&bits, 0, n);
    sum.enforce_equal(x)?;
    Ok(bits)
}

/// `Σ_{k<len} bits[off + k]·2^k`, a linear combination.
fn weighted_sum(bits: &[Boolean<Fr>], off: usize, len: usize) -> FpVar<Fr> {
    let mut acc = FpVar::zero();
    let mut pow = Fr::ONE;
    for b in &bits[off..off + len] {
        acc += FpVar::from(b.clone()) * pow;
        pow.double_in_place();
    }
    acc
}

/// The public inputs the rules read, as circuit variables.
pub struct RulesInputs<'a> {
    /// The packed rules `R`.
    pub rules: &'a FpVar<Fr>,
    /// The packed votes `P_j`.
    pub votes_packed: &'a [FpVar<Fr>],
    /// The weight spent `w`.
    pub weight: &'a FpVar<Fr>,
    /// The census weight `W` (private; ignored for a plain census).
    pub census_weight: &'a FpVar<Fr>,
}

/// Enforces the ballot rules for `shape`; see the module documentation.
pub fn enforce_rules(
    cs: &ConstraintSystemRef<Fr>,
    shape: &BallotShape,
    inputs: RulesInputs<'_>,
) -> Result<(), SynthesisError> {
    enforce_rules_of(cs, shape, inputs, Statement::Current)
}

/// [`enforce_rules`] for a statement version (tests may build version 1's).
pub(crate) fn enforce_rules_of(
    cs: &ConstraintSystemRef<Fr>,
    shape: &BallotShape,
    inputs: RulesInputs<'_>,
    statement: Statement,
) -> Result<(), SynthesisError> {
    use rules_layout::*;
    let f = shape.fields;
    let bits = enforce_bits(cs, inputs.rules, BITS)?;
    let slot = |(off, len): (usize, usize)| weighted_sum(&bits, off, len);
    let num_fields = slot(NUM_FIELDS);
    let min = slot(MIN_VALUE);
    let max = slot(MAX_VALUE);
    let unique = FpVar::from(bits[UNIQUE.0].clone());
    let quadratic = FpVar::from(bits[QUADRATIC.0].clone());
    let from_weight = FpVar::from(bits[COST_FROM_WEIGHT.0].clone());
    let min_total = slot(MIN_TOTAL);
    let max_total = slot(MAX_TOTAL);

    // Unpack the votes from the public inputs.
    if inputs.votes_packed.len() != shape.vote_inputs() {
        return Err(SynthesisError::Unsatisfiable);
    }
    let mut votes = Vec::with_capacity(f);
    for (j, packed) in inputs.votes_packed.iter().enumerate() {
        let value = packed.value().ok().map(|p| p.into_bigint().to_bits_le());
        let mut recomposed = FpVar::zero();
        let mut shift = Fr::ONE;
        for k in 0..VOTES_PER_INPUT.min(f - j * VOTES_PER_INPUT) {
            let v = FpVar::new_witness(cs.clone(), || {
                let bits = value.as_ref().ok_or(SynthesisError::AssignmentMissing)?;
                let slice = &bits[k * VALUE_BITS..(k + 1) * VALUE_BITS];
                Ok(
                    Fr::from_bigint(<Fr as PrimeField>::BigInt::from_bits_le(slice))
                        .unwrap_or_default(),
                )
            })?;
            recomposed += &v * shift;
            shift *= Fr::from(1u64 << 32);
            votes.push(v);
        }
        recomposed.enforce_equal(packed)?;
    }

    // Active flags: a prefix of ones of length num_fields.
    let n_value = num_fields.value().ok();
    let active = (0..f)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || {
                n_value
                    .map(|n| Fr::from(i as u64) < n)
                    .ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let active_fp: Vec<FpVar<Fr>> = active.iter().map(|a| FpVar::from(a.clone())).collect();
    let zero = FpVar::zero();
    for i in 1..f {
        active_fp[i].mul_equals(&(FpVar::one() - &active_fp[i - 1]), &zero)?;
    }
    active_fp
        .iter()
        .fold(FpVar::zero(), |acc, a| acc + a)
        .enforce_equal(&num_fields)?;

    for (v, a) in votes.iter().zip(&active_fp) {
        // Unused fields are zero.
        v.mul_equals(&(FpVar::one() - a), &zero)?;
        // min·a ≤ v ≤ max·a.
        enforce_bits(cs, &(v - &min * a), VALUE_BITS)?;
        enforce_bits(cs, &(&max * a - v), VALUE_BITS)?;
    }

    // Unique values among the used fields.
    for j in 1..f {
        let required = &unique * &active_fp[j];
        for i in 0..j {
            let diff = &votes[i] - &votes[j];
            let inv = FpVar::new_witness(cs.clone(), || {
                let r = required.value()?;
                let d = diff.value()?;
                Ok(if r.is_zero() {
                    Fr::zero()
                } else {
                    d.inverse().unwrap_or_default()
                })
            })?;
            diff.mul_equals(&inv, &required)?;
        }
    }

    // Total cost against its bounds.
    let s1 = votes.iter().fold(FpVar::zero(), |acc, v| acc + v);
    let s2 = votes
        .iter()
        .map(|v| v.square())
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .fold(FpVar::zero(), |acc, v| acc + v);
    let total = &s1 + &quadratic * (&s2 - &s1);
    let budget = &max_total + &from_weight * (inputs.weight - &max_total);
    enforce_bits(cs, &(&total - &min_total), COST_BITS)?;
    enforce_bits(cs, &(&budget - &total), COST_BITS)?;

    // Weight spent against the census weight.
    match shape.census {
        CensusKind::Plain => inputs.weight.enforce_equal(&FpVar::one())?,
        CensusKind::Weighted => {
            if statement == Statement::Current {
                enforce_bits(cs, inputs.weight, COST_BITS)?;
            }
            enforce_bits(cs, &(inputs.census_weight - inputs.weight), COST_BITS)?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ballot::{public_inputs::pack_votes, BallotRules};
    use ark_relations::gr1cs::ConstraintSystem;
    use proptest::prelude::*;

    /// Runs the rules gadget alone on raw field inputs; returns (satisfied, constraints).
    fn run_raw(
        shape: &BallotShape,
        rules: Fr,
        votes_packed: &[Fr],
        w: Fr,
        census_w: Fr,
    ) -> (bool, usize) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let r = FpVar::new_input(cs.clone(), || Ok(rules)).unwrap();
        let p: Vec<_> = votes_packed
            .iter()
            .map(|x| FpVar::new_input(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        let wv = FpVar::new_input(cs.clone(), || Ok(w)).unwrap();
        let cw = FpVar::new_witness(cs.clone(), || Ok(census_w)).unwrap();
        enforce_rules(
            &cs,
            shape,
            RulesInputs {
                rules: &r,
                votes_packed: &p,
                weight: &wv,
                census_weight: &cw,
            },
        )
        .unwrap();
        (cs.is_satisfied().unwrap(), cs.num_constraints())
    }

    fn run(shape: &BallotShape, rules: &BallotRules, votes: &[u32], w: u64, cw: u64) -> bool {
        run_raw(
            shape,
            rules.pack().unwrap(),
            &pack_votes(votes),
            Fr::from(w),
            Fr::from(cw),
        )
        .0
    }

    fn agree(shape: &BallotShape, rules: &BallotRules, votes: &[u32], w: u64, cw: u64) {
        let native = rules.check(shape, votes, w, cw);
        let circuit = run(shape, rules, votes, w, cw);
        assert_eq!(
            native.is_ok(),
            circuit,
            "native {native:?} vs circuit {circuit} for {rules:?} {votes:?} w={w} W={cw}"
        );
    }

    /// Constraints of the rules gadget for the default shape (8 fields), plain and weighted.
    pub const RULES_CONSTRAINTS_F8_PLAIN: usize = 950;
    /// See [`RULES_CONSTRAINTS_F8_PLAIN`].
    pub const RULES_CONSTRAINTS_F8_WEIGHTED: usize = 1079;

    #[test]
    fn pinned_constraint_counts() {
        for (kind, expected) in [
            (CensusKind::Plain, RULES_CONSTRAINTS_F8_PLAIN),
            (CensusKind::Weighted, RULES_CONSTRAINTS_F8_WEIGHTED),
        ] {
            let shape = BallotShape::new(20, 8, kind).unwrap();
            let rules = BallotRules::single(8);
            let mut votes = vec![0; 8];
            votes[3] = 1;
            let (ok, n) = run_raw(
                &shape,
                rules.pack().unwrap(),
                &pack_votes(&votes),
                Fr::from(1u64),
                Fr::from(1u64),
            );
            assert!(ok);
            assert_eq!(n, expected, "{kind}");
        }
    }

    #[test]
    fn tampered_inputs_are_unsatisfied() {
        let shape = BallotShape::new(20, 8, CensusKind::Weighted).unwrap();
        let rules = BallotRules::quadratic_weighted(8);
        let votes = [3, 4, 0, 0, 0, 0, 0, 0];
        assert!(run(&shape, &rules, &votes, 25, 30));
        // Each rule broken on its own.
        assert!(!run(&shape, &rules, &votes, 24, 30)); // budget
        assert!(!run(&shape, &rules, &votes, 31, 30)); // w > W
        let p_minus_1 = -Fr::ONE;
        let good = pack_votes(&votes);
        let (ok, _) = run_raw(&shape, p_minus_1, &good, Fr::from(25u64), Fr::from(30u64));
        assert!(!ok, "rules = p - 1");
        let (ok, _) = run_raw(
            &shape,
            rules.pack().unwrap(),
            &[p_minus_1, good[1]],
            Fr::from(25u64),
            Fr::from(30u64),
        );
        assert!(!ok, "packed votes = p - 1");
        let (ok, _) = run_raw(
            &shape,
            rules.pack().unwrap(),
            &good,
            p_minus_1,
            Fr::from(30u64),
        );
        assert!(!ok, "weight = p - 1");
        // Values past num_fields, non-unique ranks, out-of-range scores.
        let s4 = BallotShape::new(3, 4, CensusKind::Plain).unwrap();
        assert!(!run(&s4, &BallotRules::single(3), &[0, 0, 0, 1], 1, 1));
        assert!(!run(&s4, &BallotRules::ranked(4), &[1, 1, 3, 4], 1, 1));
        assert!(run(&s4, &BallotRules::ranked(4), &[2, 1, 3, 4], 1, 1));
        assert!(!run(&s4, &BallotRules::score(4, 5), &[6, 0, 0, 0], 1, 1));
        assert!(!run(&s4, &BallotRules::single(4), &[1, 0, 0, 0], 2, 1));
    }

    /// The hole of circuit version 1: in a weighted census whose rules do not spend the
    /// weight as a budget, `w = r − k` satisfied `W − w ∈ [0, 2⁶⁴)` (as `W + k`), so a
    /// member of weight 5 could claim a weight near the field's size. Every such `w`
    /// must leave the rules unsatisfied, for every preset that does not spend `w`.
    #[test]
    fn weight_beyond_64_bits_is_refused_in_a_weighted_census() {
        let shape = BallotShape::new(20, 8, CensusKind::Weighted).unwrap();
        let mut single = vec![0u32; 8];
        single[2] = 1;
        let presets: [(BallotRules, Vec<u32>); 4] = [
            (BallotRules::single(8), single.clone()),
            (BallotRules::approval(8, 3), single.clone()),
            (BallotRules::ranked(3), vec![1, 2, 3, 0, 0, 0, 0, 0]),
            (BallotRules::score(8, 4), vec![4, 0, 1, 0, 0, 0, 0, 0]),
        ];
        for (rules, votes) in &presets {
            assert!(!rules.cost_from_weight);
            let packed = pack_votes(votes);
            // The honest ballot is accepted, so the refusals below are the weight's.
            let (ok, _) = run_raw(
                &shape,
                rules.pack().unwrap(),
                &packed,
                Fr::from(5u64),
                Fr::from(5u64),
            );
            assert!(ok, "{rules:?}");
            for k in [1u64, 2, 5, 1 << 20] {
                let w = -Fr::from(k); // r − k
                let (ok, _) = run_raw(&shape, rules.pack().unwrap(), &packed, w, Fr::from(5u64));
                assert!(!ok, "w = r - {k} accepted for {rules:?}");
            }
            let (ok, _) = run_raw(
                &shape,
                rules.pack().unwrap(),
                &packed,
                Fr::from(u64::MAX) + Fr::ONE, // 2⁶⁴, with W = 2⁶⁴ + 5 so that W − w fits
                Fr::from(u64::MAX) + Fr::from(6u64),
            );
            assert!(!ok, "w = 2^64 accepted for {rules:?}");
        }
    }

    /// Every witness of the rules gadget is bound: the active flags, the vote slices,
    /// the inverses of the uniqueness check, the range bits of the bounds, the costs
    /// and the weight. Each is changed alone (to `w + 1`, and a bit to 2) and each
    /// change must leave the system unsatisfied. Ballots whose witnesses are all
    /// determined: every field used and distinct (so every inverse is required).
    #[test]
    fn every_rules_witness_is_bound() {
        let cases = [
            (
                CensusKind::Plain,
                BallotRules::ranked(8),
                vec![3u32, 1, 4, 8, 5, 2, 6, 7],
                1u64,
                1u64,
            ),
            (
                CensusKind::Weighted,
                BallotRules {
                    unique_values: true,
                    ..BallotRules::score(8, 9)
                },
                vec![9, 0, 4, 7, 1, 2, 3, 8],
                7,
                12,
            ),
        ];
        for (kind, rules, votes, w, cw) in cases {
            let shape = BallotShape::new(20, 8, kind).unwrap();
            assert!(rules.check(&shape, &votes, w, cw).is_ok(), "{rules:?}");
            let cs = ConstraintSystem::<Fr>::new_ref();
            let r = FpVar::new_input(cs.clone(), || Ok(rules.pack().unwrap())).unwrap();
            let p: Vec<_> = pack_votes(&votes)
                .iter()
                .map(|x| FpVar::new_input(cs.clone(), || Ok(*x)).unwrap())
                .collect();
            let wv = FpVar::new_input(cs.clone(), || Ok(Fr::from(w))).unwrap();
            // As in the ballot circuit: a plain census's weight is the constant 1.
            let cwv = match kind {
                CensusKind::Plain => FpVar::one(),
                CensusKind::Weighted => {
                    FpVar::new_witness(cs.clone(), || Ok(Fr::from(cw))).unwrap()
                }
            };
            enforce_rules(
                &cs,
                &shape,
                RulesInputs {
                    rules: &r,
                    votes_packed: &p,
                    weight: &wv,
                    census_weight: &cwv,
                },
            )
            .unwrap();
            let n = cs.num_witness_variables();
            assert!(n > 400, "{n} witnesses");
            let free = crate::tamper::free_witnesses(&cs);
            assert!(free.is_empty(), "{kind}: free witnesses {free:?} of {n}");
        }
    }

    /// Every preset over an exhaustive grid of small ballots: both outcomes occur
    /// often, and the circuit agrees with the native rules on each.
    #[test]
    fn presets_agree_on_a_grid() {
        let (mut accepted, mut rejected) = (0, 0);
        for kind in [CensusKind::Plain, CensusKind::Weighted] {
            let shape = BallotShape::new(2, 3, kind).unwrap();
            for rules in [
                BallotRules::single(3),
                BallotRules::approval(3, 2),
                BallotRules::ranked(3),
                BallotRules::score(2, 2),
                BallotRules::quadratic(3, 5),
                BallotRules::quadratic_weighted(3),
            ] {
                for code in 0..64u32 {
                    let votes = [code % 4, (code / 4) % 4, code / 16];
                    let (w, cw) = if kind == CensusKind::Plain {
                        (1, 1)
                    } else {
                        (5, 6)
                    };
                    agree(&shape, &rules, &votes, w, cw);
                    if rules.check(&shape, &votes, w, cw).is_ok() {
                        accepted += 1;
                    } else {
                        rejected += 1;
                    }
                }
            }
        }
        assert!(
            accepted > 40 && rejected > 400,
            "{accepted} accepted, {rejected} rejected"
        );
    }

    fn value() -> impl Strategy<Value = u32> {
        prop_oneof![Just(0u32), Just(1), Just(u32::MAX), 0u32..6, any::<u32>()]
    }

    fn cost() -> impl Strategy<Value = u64> {
        prop_oneof![Just(0u64), Just(1), Just(u64::MAX), 0u64..40, any::<u64>()]
    }

    fn raw_rules(f: usize) -> impl Strategy<Value = BallotRules> {
        (
            0u8..=(f as u8 + 1),
            value(),
            value(),
            any::<bool>(),
            1u8..=2,
            cost(),
            cost(),
            any::<bool>(),
        )
            .prop_map(|(n, a, b, u, e, lo, hi, c)| BallotRules {
                num_fields: n,
                min_value: a,
                max_value: b,
                unique_values: u,
                cost_exponent: e,
                min_total_cost: lo,
                max_total_cost: hi,
                cost_from_weight: c,
            })
    }

    fn preset(f: usize) -> impl Strategy<Value = BallotRules> {
        let k = f as u8;
        prop_oneof![
            Just(BallotRules::single(k)),
            (1u8..=k).prop_map(move |m| BallotRules::approval(k, m)),
            Just(BallotRules::ranked(k)),
            (0u32..8).prop_map(move |m| BallotRules::score(k, m)),
            (0u64..60).prop_map(move |c| BallotRules::quadratic(k, c)),
            Just(BallotRules::quadratic_weighted(k)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn circuit_accepts_exactly_what_native_accepts_raw(
            weighted in any::<bool>(),
            rules in raw_rules(4),
            votes in prop::collection::vec(value(), 4),
            w in cost(),
            cw in cost(),
        ) {
            let kind = if weighted { CensusKind::Weighted } else { CensusKind::Plain };
            let shape = BallotShape::new(4, 4, kind).unwrap();
            agree(&shape, &rules, &votes, w, cw);
        }

        #[test]
        fn circuit_accepts_exactly_what_native_accepts_presets(
            weighted in any::<bool>(),
            rules in preset(4),
            votes in prop::collection::vec(0u32..6, 4),
            w in 0u64..60,
            cw in 0u64..60,
        ) {
            let kind = if weighted { CensusKind::Weighted } else { CensusKind::Plain };
            let shape = BallotShape::new(4, 4, kind).unwrap();
            // Zero the unused fields half of the time so that valid ballots are common.
            let mut votes = votes;
            if w % 2 == 0 {
                for v in votes.iter_mut().skip(rules.num_fields as usize) { *v = 0; }
            }
            let w = if kind == CensusKind::Plain && cw % 3 != 0 { 1 } else { w };
            agree(&shape, &rules, &votes, w, cw);
        }
    }
}
