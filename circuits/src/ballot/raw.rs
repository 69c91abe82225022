//! Tests only (feature `test-circuits`): the ballot circuit over raw field elements.
//!
//! [`BallotCircuit`](super::circuit::BallotCircuit) takes typed values (a `u64` weight,
//! `u32` votes), so it cannot even express a public input such as `w = r − 1`: the
//! hole of circuit version 1 was invisible to every test built on it. [`RawBallotCircuit`]
//! runs the **same synthesis** ([`super::circuit`]) on any field elements, so a test can
//! hand the statement whatever an attacker would, and — with
//! [`Statement::Version1`] — build the old statement to show that the contract and the
//! verifier refuse what it let through.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

pub use super::circuit::Statement;
use super::{
    circuit::{synthesize, Private},
    BallotShape,
};
use crate::census::MerkleProof;

/// The ballot statement over raw field elements; without values it is the circuit for
/// a key of `statement`.
#[derive(Clone, Debug)]
pub struct RawBallotCircuit {
    /// The shape.
    pub shape: BallotShape,
    /// Which statement to build.
    pub statement: Statement,
    /// The public inputs in circuit order, exactly
    /// [`BallotInstance::num_inputs`](super::public_inputs::BallotInstance::num_inputs)
    /// of them (absent in setup).
    pub public: Option<Vec<Fr>>,
    /// The private values (absent in setup).
    pub witness: Option<RawWitness>,
}

/// Private values as field elements.
#[derive(Clone, Debug)]
pub struct RawWitness {
    /// The member's secret scalar.
    pub secret: Fr,
    /// The member's Merkle proof.
    pub path: MerkleProof,
    /// The census weight `W`, any field element (ignored for a plain census).
    pub census_weight: Fr,
}

impl RawBallotCircuit {
    /// The circuit of `statement` for a shape, without values, for key generation.
    pub fn for_setup(shape: BallotShape, statement: Statement) -> Self {
        RawBallotCircuit {
            shape,
            statement,
            public: None,
            witness: None,
        }
    }
}

impl ConstraintSynthesizer<Fr> for RawBallotCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let private = self.witness.as_ref().map(|w| Private {
            secret: w.secret,
            path: &w.path,
            census_weight: w.census_weight,
        });
        synthesize(
            &cs,
            &self.shape,
            self.public.as_deref(),
            private,
            self.statement,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        babyjubjub::derive_public_key,
        ballot::{
            circuit::{BallotCircuit, BallotWitness},
            public_inputs::{pack_votes, BallotInstance},
            BallotRules, CensusKind,
        },
        census::LeanImt,
        nullifier::nullifier,
        poseidon::hash2,
    };
    use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

    /// A weighted census of three members; member 1 (weight `W = 5`) with her path.
    fn member() -> (Fr, Fr, MerkleProof) {
        let secret = Fr::from(123_456_789u64);
        let pk = derive_public_key(&secret).unwrap();
        let leaf = hash2(hash2(pk.x, pk.y), Fr::from(5u64));
        let tree = LeanImt::new(vec![Fr::from(7u64), leaf, Fr::from(9u64)]).unwrap();
        let path = tree.proof(1).unwrap();
        (secret, tree.root().unwrap(), path)
    }

    fn satisfied(c: RawBallotCircuit) -> bool {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).unwrap();
        cs.is_satisfied().unwrap()
    }

    fn public(root: Fr, secret: Fr, rules: &BallotRules, weight: Fr, votes: &[u32]) -> Vec<Fr> {
        let election = Fr::from(42u64);
        let mut p = vec![
            election,
            root,
            nullifier(election, secret),
            rules.pack().unwrap(),
            weight,
        ];
        p.extend(pack_votes(votes));
        p
    }

    #[test]
    fn the_raw_circuit_is_the_typed_circuit() {
        let shape = BallotShape::new(4, 3, CensusKind::Weighted).unwrap();
        let count = |c: &dyn Fn(ConstraintSystemRef<Fr>)| {
            let cs = ConstraintSystem::<Fr>::new_ref();
            cs.set_mode(SynthesisMode::Setup);
            c(cs.clone());
            (
                cs.num_constraints(),
                cs.num_instance_variables(),
                cs.num_witness_variables(),
            )
        };
        let typed = count(&|cs| {
            BallotCircuit::for_setup(shape)
                .generate_constraints(cs)
                .unwrap()
        });
        let raw = count(&|cs| {
            RawBallotCircuit::for_setup(shape, Statement::Current)
                .generate_constraints(cs)
                .unwrap()
        });
        assert_eq!(typed, raw);
        // Version 1 lacks exactly the 65 constraints (and 64 bits) of w ∈ [0, 2⁶⁴).
        let v1 = count(&|cs| {
            RawBallotCircuit::for_setup(shape, Statement::Version1)
                .generate_constraints(cs)
                .unwrap()
        });
        assert_eq!((v1.0 + 65, v1.1, v1.2 + 64), typed);

        // The same honest values satisfy both.
        let (secret, root, path) = member();
        let rules = BallotRules::score(3, 3);
        let votes = [1, 0, 3];
        let typed_ok = {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let instance = BallotInstance {
                election_id: Fr::from(42u64),
                census_root: root,
                nullifier: nullifier(Fr::from(42u64), secret),
                rules: rules.clone(),
                weight: 4,
                votes: votes.to_vec(),
            };
            let witness = BallotWitness {
                secret,
                path: path.clone(),
                census_weight: 5,
            };
            BallotCircuit::new(shape, instance, witness)
                .generate_constraints(cs.clone())
                .unwrap();
            cs.is_satisfied().unwrap()
        };
        let raw_ok = satisfied(RawBallotCircuit {
            shape,
            statement: Statement::Current,
            public: Some(public(root, secret, &rules, Fr::from(4u64), &votes)),
            witness: Some(RawWitness {
                secret,
                path,
                census_weight: Fr::from(5u64),
            }),
        });
        assert!(typed_ok && raw_ok);
    }

    /// The hole of circuit version 1, on the whole circuit: a member of weight 5 claims
    /// `w = r − k`. Version 1's statement is satisfied (this test fails on the old
    /// circuit); today's is not.
    #[test]
    fn the_whole_circuit_refuses_a_weight_of_r_minus_k() {
        let shape = BallotShape::new(4, 3, CensusKind::Weighted).unwrap();
        let (secret, root, path) = member();
        for (rules, votes) in [
            (BallotRules::single(3), [0, 1, 0]),
            (BallotRules::approval(3, 2), [1, 1, 0]),
            (BallotRules::ranked(3), [2, 3, 1]),
            (BallotRules::score(3, 3), [3, 0, 2]),
        ] {
            let run = |statement, weight: Fr, census_weight: Fr| {
                satisfied(RawBallotCircuit {
                    shape,
                    statement,
                    public: Some(public(root, secret, &rules, weight, &votes)),
                    witness: Some(RawWitness {
                        secret,
                        path: path.clone(),
                        census_weight,
                    }),
                })
            };
            let five = Fr::from(5u64);
            assert!(run(Statement::Current, five, five), "{rules:?}");
            for k in [1u64, 2, 6, 1 << 40] {
                let w = -Fr::from(k);
                assert!(
                    run(Statement::Version1, w, five),
                    "version 1 let w = r - {k} through"
                );
                assert!(
                    !run(Statement::Current, w, five),
                    "w = r - {k} accepted for {rules:?}"
                );
            }
            // The largest weight a census leaf can carry is still fine; one past it not.
            let max = Fr::from(u64::MAX);
            assert!(
                !run(
                    Statement::Current,
                    max + Fr::from(1u64),
                    max + Fr::from(1u64)
                ),
                "w = 2^64"
            );
        }
    }
}
