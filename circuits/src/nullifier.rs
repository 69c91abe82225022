//! The Semaphore v4 nullifier: `nullifier = Poseidon(scope, secret)`, with `scope` the
//! election id and `secret` the identity's secret scalar.
//!
//! One member gets one nullifier per scope, so two ballots of hers in one election
//! share it, while nullifiers of different scopes cannot be linked without the secret.
//! The order of the inputs is Semaphore's (`Poseidon2([scope, secret])` in
//! `semaphore.circom`), checked against `vectors/semaphore-v4.json`.

use ark_bn254::Fr;

use crate::poseidon::hash2;

/// `Poseidon(scope, secret)`.
pub fn nullifier(scope: Fr, secret: Fr) -> Fr {
    hash2(scope, secret)
}

/// In-circuit `nullifier = Poseidon(scope, secret)`: 240 constraints
/// ([`crate::poseidon::constraints::POSEIDON2_CONSTRAINTS`]).
#[cfg(feature = "r1cs")]
pub fn nullifier_var(
    scope: &ark_r1cs_std::fields::fp::FpVar<Fr>,
    secret: &ark_r1cs_std::fields::fp::FpVar<Fr>,
) -> Result<ark_r1cs_std::fields::fp::FpVar<Fr>, ark_relations::gr1cs::SynthesisError> {
    crate::poseidon::constraints::hash2_var(scope, secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_vectors::vectors;

    #[test]
    fn equals_semaphore_nullifiers() {
        let v = vectors();
        assert!(!v.nullifiers.is_empty());
        for case in &v.nullifiers {
            assert_eq!(nullifier(case.scope, case.secret_scalar), case.nullifier);
            // The order matters: the swapped hash is a different value.
            assert_ne!(nullifier(case.secret_scalar, case.scope), case.nullifier);
        }
    }

    #[cfg(feature = "r1cs")]
    #[test]
    fn gadget_equals_vectors_and_tampered_secret_fails() {
        use crate::poseidon::constraints::POSEIDON2_CONSTRAINTS;
        use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar, GR1CSVar};
        use ark_relations::gr1cs::ConstraintSystem;

        for case in vectors().nullifiers {
            for (secret, honest) in [
                (case.secret_scalar, true),
                (case.secret_scalar + Fr::from(1u64), false),
            ] {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let scope = FpVar::new_input(cs.clone(), || Ok(case.scope)).unwrap();
                let public = FpVar::new_input(cs.clone(), || Ok(case.nullifier)).unwrap();
                let secret = FpVar::new_witness(cs.clone(), || Ok(secret)).unwrap();
                let n = nullifier_var(&scope, &secret).unwrap();
                assert_eq!(n.value().unwrap() == case.nullifier, honest);
                n.enforce_equal(&public).unwrap();
                assert_eq!(cs.is_satisfied().unwrap(), honest);
                assert_eq!(cs.num_constraints(), POSEIDON2_CONSTRAINTS + 1);
            }
        }
    }
}
