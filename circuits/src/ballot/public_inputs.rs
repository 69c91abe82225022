//! The one public-input contract of the ballot circuit, shared by the circuit, the
//! prover and the verifier.
//!
//! | index | name | meaning |
//! |---|---|---|
//! | 0 | `election_id` | the election's id; also the nullifier's scope |
//! | 1 | `census_root` | LeanIMT root of the census |
//! | 2 | `nullifier` | `Poseidon(election_id, secret)` |
//! | 3 | `rules` | the ballot rules packed as in [`rules_layout`](super::rules_layout) |
//! | 4 | `weight` | the weight spent `w` (1 for a plain census) |
//! | 5 … 5 + ⌈F/7⌉ − 1 | `votes` | the `F` vote values, 7 per input, 32 bits each, field 0 lowest |
//!
//! Why packed: every public input costs one G1 scalar multiplication in a single
//! verification and about 6,200 gas on chain (ecMul + ecAdd + calldata). Packing the
//! rules costs 204 constraints (their bit decomposition, which the circuit needs anyway
//! to bound `max_value`) and packing the votes costs nothing (they are range-checked by
//! the rules), and turns `4 + 8 + F` inputs into `5 + ⌈F/7⌉` (7 instead of 20 at F = 8).

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};

use super::{BallotRules, BallotShape, RulesError, VALUE_BITS, VOTES_PER_INPUT};

/// The public statement of one ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotInstance {
    /// Index 0: the election id (the nullifier's scope).
    #[serde(with = "crate::field::serde_decimal")]
    pub election_id: Fr,
    /// Index 1: the census root.
    #[serde(with = "crate::field::serde_decimal")]
    pub census_root: Fr,
    /// Index 2: the nullifier.
    #[serde(with = "crate::field::serde_decimal")]
    pub nullifier: Fr,
    /// Index 3: the ballot rules (packed).
    pub rules: BallotRules,
    /// Index 4: the weight spent.
    pub weight: u64,
    /// Indices 5…: the vote values, one per circuit field (zero-padded to `F`).
    pub votes: Vec<u32>,
}

impl BallotInstance {
    /// Offset of the election id.
    pub const ELECTION_ID: usize = 0;
    /// Offset of the census root.
    pub const CENSUS_ROOT: usize = 1;
    /// Offset of the nullifier.
    pub const NULLIFIER: usize = 2;
    /// Offset of the packed rules.
    pub const RULES: usize = 3;
    /// Offset of the weight spent.
    pub const WEIGHT: usize = 4;
    /// Offset of the first packed-votes input.
    pub const VOTES: usize = 5;

    /// Number of public inputs of a shape.
    pub fn num_inputs(shape: &BallotShape) -> usize {
        Self::VOTES + shape.vote_inputs()
    }

    /// The public inputs in circuit order (without the leading constant 1).
    pub fn to_field_elements(&self, shape: &BallotShape) -> Result<Vec<Fr>, RulesError> {
        if self.votes.len() != shape.fields {
            return Err(RulesError::WrongFieldCount {
                got: self.votes.len(),
                expected: shape.fields,
            });
        }
        let mut out = vec![
            self.election_id,
            self.census_root,
            self.nullifier,
            self.rules.pack()?,
            Fr::from(self.weight),
        ];
        out.extend(pack_votes(&self.votes));
        debug_assert_eq!(out.len(), Self::num_inputs(shape));
        Ok(out)
    }
}

/// Packs vote values 7 to a field element, 32 bits each, the first value lowest.
pub fn pack_votes(votes: &[u32]) -> Vec<Fr> {
    votes
        .chunks(VOTES_PER_INPUT)
        .map(|chunk| {
            let mut acc = num_bigint::BigUint::default();
            for (k, &v) in chunk.iter().enumerate() {
                acc |= num_bigint::BigUint::from(v) << (k * VALUE_BITS);
            }
            Fr::from(acc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballot::CensusKind;

    #[test]
    fn layout_has_named_offsets_and_packs_votes() {
        let shape = BallotShape::new(20, 8, CensusKind::Plain).unwrap();
        assert_eq!(BallotInstance::num_inputs(&shape), 7);
        let inst = BallotInstance {
            election_id: Fr::from(11u64),
            census_root: Fr::from(22u64),
            nullifier: Fr::from(33u64),
            rules: BallotRules::single(8),
            weight: 1,
            votes: vec![0, 0, 0, 0, 0, 0, 0, 1],
        };
        let x = inst.to_field_elements(&shape).unwrap();
        assert_eq!(x[BallotInstance::ELECTION_ID], Fr::from(11u64));
        assert_eq!(x[BallotInstance::CENSUS_ROOT], Fr::from(22u64));
        assert_eq!(x[BallotInstance::NULLIFIER], Fr::from(33u64));
        assert_eq!(x[BallotInstance::RULES], inst.rules.pack().unwrap());
        assert_eq!(x[BallotInstance::WEIGHT], Fr::from(1u64));
        assert_eq!(x[BallotInstance::VOTES], Fr::from(0u64));
        assert_eq!(x[BallotInstance::VOTES + 1], Fr::from(1u64));
        assert_eq!(pack_votes(&[1, 2])[0], Fr::from(1u64 + (2u64 << 32)));
        let mut short = inst.clone();
        short.votes.pop();
        assert!(short.to_field_elements(&shape).is_err());
    }
}
