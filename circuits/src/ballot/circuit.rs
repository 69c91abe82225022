//! The ballot circuit.
//!
//! Statement (public inputs as in [`BallotInstance`]; private: `secret`, the Merkle
//! path, and for a weighted census the weight `W`):
//!
//! 1. `secret < l`, `(Ax, Ay) = secret·Base8`, `c = Poseidon(Ax, Ay)`;
//! 2. `leaf = c` (plain) or `Poseidon(c, W)` (weighted), and the LeanIMT root computed
//!    from `leaf` and a path of private length `≤ max_depth` equals `census_root`;
//! 3. `nullifier = Poseidon(election_id, secret)`;
//! 4. the ballot rules ([`super::constraints`]) hold for the votes, `w` and `W`.

use ark_bn254::Fr;
use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar, fields::FieldVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use super::{
    constraints::{enforce_rules_of, RulesInputs},
    public_inputs::BallotInstance,
    BallotShape, CensusKind,
};
use crate::{
    babyjubjub::constraints::derive_public_key_var,
    census::{
        constraints::{root_var, MerklePathVar},
        MerkleProof,
    },
    nullifier::nullifier_var,
    poseidon::constraints::hash2_var,
};

/// The private part of a ballot statement.
#[derive(Clone, Debug)]
pub struct BallotWitness {
    /// The member's secret scalar.
    pub secret: Fr,
    /// The member's Merkle proof in the census (its leaf is the commitment, or the
    /// weighted leaf).
    pub path: MerkleProof,
    /// The member's census weight (1 for a plain census).
    pub census_weight: u64,
}

/// The ballot circuit for one shape; without instance and witness it is the circuit
/// used for the setup.
#[derive(Clone, Debug)]
pub struct BallotCircuit {
    /// The shape.
    pub shape: BallotShape,
    /// Public inputs (absent in setup).
    pub instance: Option<BallotInstance>,
    /// Private inputs (absent in setup).
    pub witness: Option<BallotWitness>,
}

impl BallotCircuit {
    /// The circuit of a shape, without values, for key generation.
    pub fn for_setup(shape: BallotShape) -> Self {
        BallotCircuit {
            shape,
            instance: None,
            witness: None,
        }
    }

    /// The circuit with all values, for proving.
    pub fn new(shape: BallotShape, instance: BallotInstance, witness: BallotWitness) -> Self {
        BallotCircuit {
            shape,
            instance: Some(instance),
            witness: Some(witness),
        }
    }
}

impl ConstraintSynthesizer<Fr> for BallotCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let shape = self.shape;
        let public = match &self.instance {
            Some(inst) => Some(
                inst.to_field_elements(&shape)
                    .map_err(|_| SynthesisError::Unsatisfiable)?,
            ),
            None => None,
        };
        let private = self.witness.as_ref().map(|w| Private {
            secret: w.secret,
            path: &w.path,
            census_weight: Fr::from(w.census_weight),
        });
        synthesize(&cs, &shape, public.as_deref(), private, Statement::Current)
    }
}

/// Which statement the synthesis builds: today's, or (tests only) an earlier one whose
/// hole a test must still be able to exhibit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statement {
    /// The statement of [`CIRCUIT_VERSION`](super::CIRCUIT_VERSION).
    Current,
    /// Tests only: circuit version 1, whose weighted arm did not range-check the weight
    /// spent `w` (so `w = r − 1` was satisfiable). Only for showing that the contract
    /// and the verifier refuse what that statement let through.
    #[cfg(any(test, feature = "test-circuits"))]
    Version1,
}

/// The private values, as field elements (a raw circuit may give any).
#[derive(Clone, Copy)]
pub(crate) struct Private<'a> {
    pub(crate) secret: Fr,
    pub(crate) path: &'a MerkleProof,
    pub(crate) census_weight: Fr,
}

/// The one synthesis of the ballot statement, shared by [`BallotCircuit`] (typed
/// values) and the tests' raw circuit (any field elements). `public`, when given, holds
/// exactly [`BallotInstance::num_inputs`] elements.
pub(crate) fn synthesize(
    cs: &ConstraintSystemRef<Fr>,
    shape: &BallotShape,
    public: Option<&[Fr]>,
    private: Option<Private<'_>>,
    statement: Statement,
) -> Result<(), SynthesisError> {
    let n = BallotInstance::num_inputs(shape);
    if public.is_some_and(|p| p.len() != n) {
        return Err(SynthesisError::Unsatisfiable);
    }
    let public = (0..n)
        .map(|k| {
            FpVar::new_input(cs.clone(), || {
                public
                    .map(|v| v[k])
                    .ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    // 1. Identity.
    let secret = FpVar::new_witness(cs.clone(), || {
        private
            .map(|w| w.secret)
            .ok_or(SynthesisError::AssignmentMissing)
    })?;
    let pk = derive_public_key_var(&secret)?;
    let commitment = hash2_var(&pk.x, &pk.y)?;

    // 2. Membership.
    let (leaf, census_weight) = match shape.census {
        CensusKind::Plain => (commitment, FpVar::one()),
        CensusKind::Weighted => {
            let w = FpVar::new_witness(cs.clone(), || {
                private
                    .map(|w| w.census_weight)
                    .ok_or(SynthesisError::AssignmentMissing)
            })?;
            (hash2_var(&commitment, &w)?, w)
        }
    };
    let path = MerklePathVar::new_witness(cs.clone(), private.map(|w| w.path), shape.max_depth)?;
    root_var(&leaf, &path)?.enforce_equal(&public[BallotInstance::CENSUS_ROOT])?;

    // 3. Nullifier.
    nullifier_var(&public[BallotInstance::ELECTION_ID], &secret)?
        .enforce_equal(&public[BallotInstance::NULLIFIER])?;

    // 4. Rules.
    enforce_rules_of(
        cs,
        shape,
        RulesInputs {
            rules: &public[BallotInstance::RULES],
            votes_packed: &public[BallotInstance::VOTES..],
            weight: &public[BallotInstance::WEIGHT],
            census_weight: &census_weight,
        },
        statement,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

    /// Constraints of a shape, counted in setup mode (no values).
    pub(crate) fn count(depth: usize, fields: usize, census: CensusKind) -> usize {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        BallotCircuit::for_setup(BallotShape::new(depth, fields, census).unwrap())
            .generate_constraints(cs.clone())
            .unwrap();
        cs.num_constraints()
    }

    /// Constraints of the default shape (depth 20, 8 fields, plain census): inside the
    /// 8,192-row FFT domain with the public inputs.
    pub const D20_F8_PLAIN: usize = 7128;

    #[test]
    fn constraint_counts_are_pinned_and_add_up() {
        use crate::{
            babyjubjub::constraints::DERIVE_PUBLIC_KEY_CONSTRAINTS as PK,
            ballot::constraints::tests::{
                RULES_CONSTRAINTS_F8_PLAIN as RULES_P, RULES_CONSTRAINTS_F8_WEIGHTED as RULES_W,
            },
            census::constraints::root_constraints,
            poseidon::constraints::POSEIDON2_CONSTRAINTS as H,
        };
        // key + commitment + path + nullifier + rules + two equalities (root, nullifier)
        let expected = |d: usize, weighted: bool| {
            PK + H + root_constraints(d) + H + 2 + if weighted { H + RULES_W } else { RULES_P }
        };
        assert_eq!(count(20, 8, CensusKind::Plain), D20_F8_PLAIN);
        assert_eq!(count(20, 8, CensusKind::Plain), expected(20, false));
        assert_eq!(count(20, 8, CensusKind::Weighted), 7497);
        assert_eq!(count(20, 8, CensusKind::Weighted), expected(20, true));
        assert_eq!(count(10, 1, CensusKind::Plain), 4148);
        assert_eq!(count(16, 8, CensusKind::Plain), 6152);
        assert_eq!(count(32, 8, CensusKind::Plain), 10056);
        let inputs = crate::ballot::public_inputs::BallotInstance::num_inputs(
            &BallotShape::new(20, 8, CensusKind::Plain).unwrap(),
        );
        assert!(D20_F8_PLAIN + inputs < 8192);
    }
}
