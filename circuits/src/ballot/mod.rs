//! Ballot rules: the native side of what a ballot must obey.
//!
//! The rules generalise the Vocdoni ballot protocol. With `F` vote fields
//! `v₀ … v_{F−1}`, census weight `W` and weight spent `w`, a ballot is valid when
//!
//! 1. `num_fields ≤ F` and `vᵢ = 0` for `i ≥ num_fields`;
//! 2. `min_value ≤ vᵢ ≤ max_value` for `i < num_fields`;
//! 3. if `unique_values`, the `vᵢ` with `i < num_fields` are pairwise distinct;
//! 4. `min_total_cost ≤ S ≤ B` where `S = Σ vᵢ^e`, `e = cost_exponent ∈ {1, 2}`, and
//!    the budget `B` is `w` when `cost_from_weight`, else `max_total_cost`;
//! 5. `w ≤ W` (weighted census), or `w = 1` (plain census, where `W = 1`).
//!
//! Values are `u32`, costs and weights `u64` (so `S < F·2⁶⁴` never overflows a `u128`
//! and never wraps in the field). [`BallotRules::check`] is the exact native twin of
//! the rules gadget in [`constraints`]: a property test asserts that the circuit is
//! satisfied exactly when `check` accepts.

#[cfg(feature = "r1cs")]
pub mod circuit;
#[cfg(feature = "r1cs")]
pub mod constraints;
pub mod public_inputs;
#[cfg(all(feature = "r1cs", any(test, feature = "test-circuits")))]
pub mod raw;

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Bits of a vote value.
pub const VALUE_BITS: usize = 32;
/// Bits of a cost total, a budget and a weight.
pub const COST_BITS: usize = 64;
/// Vote values packed into one public input (`7 · 32 = 224 < 253` bits).
pub const VOTES_PER_INPUT: usize = 7;
/// Largest number of vote fields of a circuit shape.
pub const MAX_FIELDS: usize = 64;

pub use crate::labels::CIRCUIT_VERSION;

/// Bit offsets of the packed rules public input, least significant first.
pub mod rules_layout {
    /// `num_fields`, 8 bits.
    pub const NUM_FIELDS: (usize, usize) = (0, 8);
    /// `min_value`, 32 bits.
    pub const MIN_VALUE: (usize, usize) = (8, 32);
    /// `max_value`, 32 bits.
    pub const MAX_VALUE: (usize, usize) = (40, 32);
    /// `unique_values`, 1 bit.
    pub const UNIQUE: (usize, usize) = (72, 1);
    /// `cost_exponent == 2`, 1 bit.
    pub const QUADRATIC: (usize, usize) = (73, 1);
    /// `cost_from_weight`, 1 bit.
    pub const COST_FROM_WEIGHT: (usize, usize) = (74, 1);
    /// `min_total_cost`, 64 bits.
    pub const MIN_TOTAL: (usize, usize) = (75, 64);
    /// `max_total_cost`, 64 bits.
    pub const MAX_TOTAL: (usize, usize) = (139, 64);
    /// Total bits used.
    pub const BITS: usize = 203;
}

/// The census kind of a circuit shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CensusKind {
    /// Leaves are identity commitments; every member has weight 1.
    Plain,
    /// Leaves are `Poseidon(commitment, weight)`.
    Weighted,
}

impl std::fmt::Display for CensusKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CensusKind::Plain => "plain",
            CensusKind::Weighted => "weighted",
        })
    }
}

/// A circuit shape: one trusted setup serves every election of the same shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BallotShape {
    /// Maximum census depth (`1..=32`); the path length is private and at most this.
    pub max_depth: usize,
    /// Number of vote fields `F` (`1..=MAX_FIELDS`).
    pub fields: usize,
    /// Plain or weighted census.
    pub census: CensusKind,
}

impl BallotShape {
    /// A shape, checked.
    pub fn new(max_depth: usize, fields: usize, census: CensusKind) -> Result<Self, RulesError> {
        if !(1..=32).contains(&max_depth) {
            return Err(RulesError::BadShape(format!(
                "maximum depth {max_depth} is outside 1..=32"
            )));
        }
        if !(1..=MAX_FIELDS).contains(&fields) {
            return Err(RulesError::BadShape(format!(
                "{fields} vote fields is outside 1..={MAX_FIELDS}"
            )));
        }
        Ok(BallotShape {
            max_depth,
            fields,
            census,
        })
    }

    /// Number of public inputs holding the packed votes.
    pub fn vote_inputs(&self) -> usize {
        self.fields.div_ceil(VOTES_PER_INPUT)
    }
}

impl std::fmt::Display for BallotShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "depth {}, {} fields, {} census",
            self.max_depth, self.fields, self.census
        )
    }
}

/// The rules of an election's ballots. See the module documentation for their meaning.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotRules {
    /// Number of vote fields used (the options); the others must be 0.
    pub num_fields: u8,
    /// Smallest value of a used field.
    pub min_value: u32,
    /// Largest value of a used field.
    pub max_value: u32,
    /// Whether the used fields must be pairwise distinct.
    pub unique_values: bool,
    /// 1 (linear cost) or 2 (quadratic cost).
    pub cost_exponent: u8,
    /// Smallest total cost.
    pub min_total_cost: u64,
    /// Largest total cost, unless `cost_from_weight`.
    pub max_total_cost: u64,
    /// Whether the budget is the weight spent `w` instead of `max_total_cost`.
    pub cost_from_weight: bool,
}

/// Why a set of rules, a shape or a ballot is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RulesError {
    /// Rules that no circuit can express or that are self-contradictory.
    #[error("invalid ballot rules: {0}")]
    BadRules(String),
    /// A circuit shape out of range.
    #[error("invalid circuit shape: {0}")]
    BadShape(String),
    /// A preset name that does not exist.
    #[error("unknown ballot mode {0:?} (expected single, approval, ranked, score or quadratic)")]
    UnknownPreset(String),
    /// A ballot with the wrong number of vote fields.
    #[error("ballot has {got} vote values, expected {expected}")]
    WrongFieldCount {
        /// Values given.
        got: usize,
        /// Values expected.
        expected: usize,
    },
    /// A ballot that breaks the rules; the text says which rule.
    #[error("ballot breaks the rules: {0}")]
    Violation(String),
}

fn violation(s: impl Into<String>) -> RulesError {
    RulesError::Violation(s.into())
}

impl BallotRules {
    /// One of `k` options: exactly one field is 1.
    pub fn single(k: u8) -> Self {
        BallotRules {
            num_fields: k,
            min_value: 0,
            max_value: 1,
            unique_values: false,
            cost_exponent: 1,
            min_total_cost: 1,
            max_total_cost: 1,
            cost_from_weight: false,
        }
    }

    /// Approval: any subset of the `k` options with at least one and at most `max_choices`.
    pub fn approval(k: u8, max_choices: u8) -> Self {
        BallotRules {
            max_total_cost: max_choices.min(k) as u64,
            ..Self::single(k)
        }
    }

    /// Ranked: the fields are the ranks `1..=k` of the options, a permutation.
    pub fn ranked(k: u8) -> Self {
        let k64 = k as u64;
        BallotRules {
            num_fields: k,
            min_value: 1,
            max_value: k as u32,
            unique_values: true,
            cost_exponent: 1,
            min_total_cost: k64 * (k64 + 1) / 2,
            max_total_cost: k64 * (k64 + 1) / 2,
            cost_from_weight: false,
        }
    }

    /// Score: each option gets `0..=max_score`.
    pub fn score(k: u8, max_score: u32) -> Self {
        BallotRules {
            num_fields: k,
            min_value: 0,
            max_value: max_score,
            unique_values: false,
            cost_exponent: 1,
            min_total_cost: 0,
            max_total_cost: k as u64 * max_score as u64,
            cost_from_weight: false,
        }
    }

    /// Quadratic voting: `Σ vᵢ² ≤ credits`.
    pub fn quadratic(k: u8, credits: u64) -> Self {
        let max = (credits as f64).sqrt() as u64;
        let max = (max.saturating_sub(2)..=max + 2)
            .filter(|m| m.checked_mul(*m).is_some_and(|sq| sq <= credits))
            .max()
            .unwrap_or(0)
            .min(u32::MAX as u64) as u32;
        BallotRules {
            num_fields: k,
            min_value: 0,
            max_value: max,
            unique_values: false,
            cost_exponent: 2,
            min_total_cost: 0,
            max_total_cost: credits,
            cost_from_weight: false,
        }
    }

    /// Quadratic voting with the census weight as the budget: `Σ vᵢ² ≤ w ≤ W`.
    pub fn quadratic_weighted(k: u8) -> Self {
        BallotRules {
            max_value: u32::MAX,
            max_total_cost: u64::MAX,
            cost_from_weight: true,
            ..Self::quadratic(k, 0)
        }
    }

    /// The preset named `mode` (`single`, `approval`, `ranked`, `score`, `quadratic`)
    /// for `k` options; `param` is the approval limit, the maximum score or the
    /// quadratic credits (`None` for the defaults: `k`, 10 and `k²·…` credits 100). For a
    /// weighted census, quadratic voting spends the weight.
    pub fn preset(
        mode: &str,
        k: u8,
        param: Option<u64>,
        census: CensusKind,
    ) -> Result<Self, RulesError> {
        let narrow = |p: u64, what: &str, max: u64| -> Result<u64, RulesError> {
            if p > max {
                Err(RulesError::BadRules(format!("{what} {p} is above {max}")))
            } else {
                Ok(p)
            }
        };
        let rules = match mode {
            "single" => Self::single(k),
            "approval" => Self::approval(
                k,
                narrow(param.unwrap_or(k as u64), "approval limit", u8::MAX as u64)? as u8,
            ),
            "ranked" => Self::ranked(k),
            "score" => Self::score(
                k,
                narrow(param.unwrap_or(10), "maximum score", u32::MAX as u64)? as u32,
            ),
            "quadratic" if census == CensusKind::Weighted && param.is_none() => {
                Self::quadratic_weighted(k)
            }
            "quadratic" => Self::quadratic(k, param.unwrap_or(100)),
            other => return Err(RulesError::UnknownPreset(other.to_string())),
        };
        Ok(rules)
    }

    /// Checks that the rules are meaningful for a shape: `1 ≤ num_fields ≤ F`,
    /// `cost_exponent ∈ {1, 2}`, `min_value ≤ max_value`, `min_total_cost ≤
    /// max_total_cost` (unless the budget is the weight), and that a weight budget is
    /// only used with a weighted census.
    pub fn validate(&self, shape: &BallotShape) -> Result<(), RulesError> {
        let bad = |s: String| Err(RulesError::BadRules(s));
        if self.num_fields == 0 {
            return bad("num_fields must be at least 1".into());
        }
        if self.num_fields as usize > shape.fields {
            return bad(format!(
                "{} options do not fit a circuit with {} vote fields",
                self.num_fields, shape.fields
            ));
        }
        if !(1..=2).contains(&self.cost_exponent) {
            return bad(format!(
                "cost_exponent must be 1 or 2, not {}",
                self.cost_exponent
            ));
        }
        if self.min_value > self.max_value {
            return bad(format!(
                "min_value {} is above max_value {}",
                self.min_value, self.max_value
            ));
        }
        if !self.cost_from_weight && self.min_total_cost > self.max_total_cost {
            return bad(format!(
                "min_total_cost {} is above max_total_cost {}",
                self.min_total_cost, self.max_total_cost
            ));
        }
        if self.cost_from_weight && shape.census == CensusKind::Plain {
            return bad("cost_from_weight needs a weighted census".into());
        }
        Ok(())
    }

    /// The rules packed into one field element (the `rules` public input), with the
    /// layout of [`rules_layout`]. Fails only for a `cost_exponent` outside `{1, 2}`.
    pub fn pack(&self) -> Result<Fr, RulesError> {
        use rules_layout::*;
        if !(1..=2).contains(&self.cost_exponent) {
            return Err(RulesError::BadRules(format!(
                "cost_exponent must be 1 or 2, not {}",
                self.cost_exponent
            )));
        }
        let mut acc = num_bigint::BigUint::default();
        let mut put = |(off, _bits): (usize, usize), v: u64| {
            acc |= num_bigint::BigUint::from(v) << off;
        };
        put(NUM_FIELDS, self.num_fields as u64);
        put(MIN_VALUE, self.min_value as u64);
        put(MAX_VALUE, self.max_value as u64);
        put(UNIQUE, self.unique_values as u64);
        put(QUADRATIC, (self.cost_exponent == 2) as u64);
        put(COST_FROM_WEIGHT, self.cost_from_weight as u64);
        put(MIN_TOTAL, self.min_total_cost);
        put(MAX_TOTAL, self.max_total_cost);
        Ok(Fr::from(acc))
    }

    /// The exact native twin of the rules gadget: accepts `votes` (all `F` fields,
    /// zero-padded), weight spent `w` and census weight `W` (1 for a plain census)
    /// exactly when the circuit is satisfiable with them.
    pub fn check(
        &self,
        shape: &BallotShape,
        votes: &[u32],
        weight_spent: u64,
        census_weight: u64,
    ) -> Result<(), RulesError> {
        if votes.len() != shape.fields {
            return Err(RulesError::WrongFieldCount {
                got: votes.len(),
                expected: shape.fields,
            });
        }
        if !(1..=2).contains(&self.cost_exponent) {
            return Err(violation(format!(
                "cost_exponent {} is not 1 or 2",
                self.cost_exponent
            )));
        }
        let n = self.num_fields as usize;
        if n > shape.fields {
            return Err(violation(format!(
                "num_fields {n} exceeds the {} fields of the circuit",
                shape.fields
            )));
        }
        if let Some(i) = (n..votes.len()).find(|&i| votes[i] != 0) {
            return Err(violation(format!(
                "field {i} is past num_fields {n} but holds {}",
                votes[i]
            )));
        }
        for (i, &v) in votes[..n].iter().enumerate() {
            if v < self.min_value || v > self.max_value {
                return Err(violation(format!(
                    "field {i} holds {v}, outside {}..={}",
                    self.min_value, self.max_value
                )));
            }
        }
        if self.unique_values {
            for j in 0..n {
                if let Some(i) = (0..j).find(|&i| votes[i] == votes[j]) {
                    return Err(violation(format!(
                        "fields {i} and {j} both hold {} but values must be unique",
                        votes[j]
                    )));
                }
            }
        }
        let total: u128 = votes
            .iter()
            .map(|&v| (v as u128).pow(self.cost_exponent as u32))
            .sum();
        let budget = if self.cost_from_weight {
            weight_spent
        } else {
            self.max_total_cost
        };
        if total < self.min_total_cost as u128 {
            return Err(violation(format!(
                "total cost {total} is below the minimum {}",
                self.min_total_cost
            )));
        }
        if total > budget as u128 {
            return Err(violation(format!(
                "total cost {total} is above the budget {budget}"
            )));
        }
        match shape.census {
            CensusKind::Plain if weight_spent != 1 => Err(violation(format!(
                "a plain census spends weight 1, not {weight_spent}"
            ))),
            CensusKind::Weighted if weight_spent > census_weight => Err(violation(format!(
                "weight spent {weight_spent} is above the census weight"
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(f: usize) -> BallotShape {
        BallotShape::new(4, f, CensusKind::Plain).unwrap()
    }

    #[test]
    fn presets_accept_their_typical_ballots() {
        let s = shape(4);
        BallotRules::single(3)
            .check(&s, &[0, 1, 0, 0], 1, 1)
            .unwrap();
        assert!(BallotRules::single(3)
            .check(&s, &[1, 1, 0, 0], 1, 1)
            .is_err());
        assert!(BallotRules::single(3)
            .check(&s, &[0, 0, 0, 0], 1, 1)
            .is_err());
        assert!(BallotRules::single(3)
            .check(&s, &[0, 0, 0, 1], 1, 1)
            .is_err());
        BallotRules::approval(4, 2)
            .check(&s, &[1, 0, 0, 1], 1, 1)
            .unwrap();
        assert!(BallotRules::approval(4, 2)
            .check(&s, &[1, 1, 0, 1], 1, 1)
            .is_err());
        BallotRules::ranked(4)
            .check(&s, &[2, 4, 1, 3], 1, 1)
            .unwrap();
        assert!(BallotRules::ranked(4)
            .check(&s, &[2, 2, 1, 3], 1, 1)
            .is_err());
        BallotRules::score(4, 5)
            .check(&s, &[5, 0, 3, 5], 1, 1)
            .unwrap();
        assert!(BallotRules::score(4, 5)
            .check(&s, &[6, 0, 3, 5], 1, 1)
            .is_err());
        let q = BallotRules::quadratic(4, 100);
        assert_eq!(q.max_value, 10);
        q.check(&s, &[6, 8, 0, 0], 1, 1).unwrap();
        assert!(q.check(&s, &[6, 8, 1, 0], 1, 1).is_err());
        let ws = BallotShape::new(4, 4, CensusKind::Weighted).unwrap();
        let qw = BallotRules::quadratic_weighted(4);
        qw.validate(&ws).unwrap();
        qw.check(&ws, &[3, 4, 0, 0], 25, 30).unwrap();
        assert!(qw.check(&ws, &[3, 4, 0, 0], 24, 30).is_err());
        assert!(qw.check(&ws, &[3, 4, 0, 0], 31, 30).is_err());
        assert!(qw.validate(&s).is_err());
    }

    #[test]
    fn quadratic_max_value_is_the_integer_square_root() {
        for c in [0u64, 1, 3, 4, 99, 100, 101, u64::MAX] {
            let m = BallotRules::quadratic(2, c).max_value as u128;
            assert!(m * m <= c as u128 && (m + 1) * (m + 1) > c as u128 || m == u32::MAX as u128);
        }
    }

    #[test]
    fn validation_and_shape_errors() {
        let s = shape(2);
        assert!(BallotRules::single(3).validate(&s).is_err());
        assert!(BallotRules::single(0).validate(&s).is_err());
        let mut r = BallotRules::single(2);
        r.cost_exponent = 3;
        assert!(r.validate(&s).is_err() && r.pack().is_err());
        assert!(BallotShape::new(0, 1, CensusKind::Plain).is_err());
        assert!(BallotShape::new(33, 1, CensusKind::Plain).is_err());
        assert!(BallotShape::new(3, 65, CensusKind::Plain).is_err());
        assert!(matches!(
            BallotRules::preset("borda", 3, None, CensusKind::Plain),
            Err(RulesError::UnknownPreset(_))
        ));
        assert!(matches!(
            BallotRules::single(2).check(&s, &[1], 1, 1),
            Err(RulesError::WrongFieldCount { .. })
        ));
    }

    #[test]
    fn packing_is_injective_on_fields() {
        let a = BallotRules::score(3, 7);
        let mut b = a.clone();
        b.min_value = 1;
        assert_ne!(a.pack().unwrap(), b.pack().unwrap());
        let mut c = a.clone();
        c.max_total_cost = u64::MAX;
        assert_ne!(a.pack().unwrap(), c.pack().unwrap());
    }
}
