//! Groth16 proving with precomputed tables for the proving key's bases.
//!
//! The proof is the same as arkworks' `Groth16::prove` makes — for the same circuit, key
//! and random `r`, `s` it is equal point for point (tested) — but the five MSMs over the
//! key's bases use [`FixedBaseTable`]s built once per key:
//!
//! ```text
//!   A = α + Σ_i a_i·A_i + r·δ                      (a = [1, public inputs, witness])
//!   B = β + Σ_i a_i·B_i + s·δ   in G2, and in G1 for C
//!   C = Σ_{i witness} a_i·L_i + Σ_j h_j·H_j + s·A + r·B₁ − r·s·δ
//! ```
//!
//! `h` comes from the key's QAP reduction (arkworks' or snarkjs'), as in [`crate::vote`].

use ark_bn254::{g1, g2, Bn254, Fr, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{UniformRand, Zero};
use ark_groth16::{r1cs_to_qap::R1CSToQAP, Proof, ProvingKey};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisError, SynthesisMode,
};
use ark_std::rand::Rng;

use crate::msm::FixedBaseTable;

/// Tables for the five bases of a proving key.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvingTables {
    /// For `pk.a_query`.
    pub a: FixedBaseTable<g1::Config>,
    /// For `pk.b_g1_query`.
    pub b_g1: FixedBaseTable<g1::Config>,
    /// For `pk.b_g2_query`.
    pub b_g2: FixedBaseTable<g2::Config>,
    /// For `pk.h_query`.
    pub h: FixedBaseTable<g1::Config>,
    /// For `pk.l_query`.
    pub l: FixedBaseTable<g1::Config>,
}

impl ProvingTables {
    /// Builds the tables for `pk` (all cores; about twice a proof's time).
    pub fn new(pk: &ProvingKey<Bn254>) -> Self {
        fn g1(bases: &[ark_bn254::G1Affine]) -> FixedBaseTable<g1::Config> {
            FixedBaseTable::new(bases, FixedBaseTable::<g1::Config>::best_window(bases.len()))
        }
        let b_g2 = FixedBaseTable::new(
            &pk.b_g2_query,
            FixedBaseTable::<g2::Config>::best_window(pk.b_g2_query.len()),
        );
        Self {
            a: g1(&pk.a_query),
            b_g1: g1(&pk.b_g1_query),
            b_g2,
            h: g1(&pk.h_query),
            l: g1(&pk.l_query),
        }
    }

    /// Whether the tables have the sizes of `pk`'s bases (a cheap guard; a file's
    /// tables are bound to their key by digest).
    pub fn fits(&self, pk: &ProvingKey<Bn254>) -> bool {
        self.a.len() == pk.a_query.len()
            && self.b_g1.len() == pk.b_g1_query.len()
            && self.b_g2.len() == pk.b_g2_query.len()
            && self.h.len() == pk.h_query.len()
            && self.l.len() == pk.l_query.len()
    }

    /// A proof for `circuit` under `pk` with the QAP reduction `Q`; draws `r` then `s`
    /// from `rng`, as arkworks' `Groth16::prove` does.
    pub fn prove<Q: R1CSToQAP, C: ConstraintSynthesizer<Fr>, R: Rng>(
        &self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
        rng: &mut R,
    ) -> Result<Proof<Bn254>, SynthesisError> {
        let r = Fr::rand(rng);
        let s = Fr::rand(rng);
        self.prove_with(pk, circuit, r, s, Q::witness_map::<Fr, GeneralEvaluationDomain<Fr>>)
    }

    fn prove_with<C: ConstraintSynthesizer<Fr>>(
        &self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
        r: Fr,
        s: Fr,
        witness_map: impl FnOnce(
            ark_relations::gr1cs::ConstraintSystemRef<Fr>,
        ) -> Result<Vec<Fr>, SynthesisError>,
    ) -> Result<Proof<Bn254>, SynthesisError> {
        if !self.fits(pk) {
            return Err(SynthesisError::Unsatisfiable);
        }
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: false,
        });
        circuit.generate_constraints(cs.clone())?;
        cs.finalize();
        let h = witness_map(cs.clone())?;
        let (full, num_inputs) = {
            let b = cs.borrow().ok_or(SynthesisError::MissingCS)?;
            let instance = b.instance_assignment()?;
            let witness = b.witness_assignment()?;
            (
                [instance, witness].concat(),
                instance.len(),
            )
        };
        let aux = &full[num_inputs..];

        let ((g_a, g1_b), ((g2_b, h_acc), l_acc)) = rayon::join(
            || {
                let a = pk.vk.alpha_g1 + self.a.msm(&full) + pk.delta_g1 * r;
                let b = if r.is_zero() {
                    G1Projective::zero()
                } else {
                    pk.beta_g1 + self.b_g1.msm(&full) + pk.delta_g1 * s
                };
                (a, b)
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || pk.vk.beta_g2 + self.b_g2.msm(&full) + pk.vk.delta_g2 * s,
                            || self.h.msm(&h),
                        )
                    },
                    || self.l.msm(aux),
                )
            },
        );
        let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + l_acc + h_acc;
        Ok(Proof {
            a: g_a.into_affine(),
            b: g2_b.into_affine(),
            c: g_c.into_affine(),
        })
    }
}

/// Whether a key has any bases at all (a key of an empty circuit has none to tabulate).
pub fn has_bases(pk: &ProvingKey<Bn254>) -> bool {
    pk.a_query.iter().any(|p| !p.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
    use ark_relations::gr1cs::{LinearCombination, Variable};
    use ark_snark::SNARK;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    /// x·y = z with public z, plus a chain of squarings to make the bases many.
    #[derive(Clone)]
    struct Chain {
        x: Fr,
        y: Fr,
        n: usize,
    }

    impl ConstraintSynthesizer<Fr> for Chain {
        fn generate_constraints(
            self,
            cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>,
        ) -> Result<(), SynthesisError> {
            let z = cs.new_input_variable(|| Ok(self.x * self.y))?;
            let x = cs.new_witness_variable(|| Ok(self.x))?;
            let y = cs.new_witness_variable(|| Ok(self.y))?;
            cs.enforce_r1cs_constraint(
                || LinearCombination::from(x),
                || LinearCombination::from(y),
                || LinearCombination::from(z),
            )?;
            let (mut v, mut val) = (x, self.x);
            for i in 0..self.n {
                let next = val * val + Fr::from(i as u64);
                let w = cs.new_witness_variable(|| Ok(next))?;
                cs.enforce_r1cs_constraint(
                    || LinearCombination::from(v),
                    || LinearCombination::from(v),
                    || LinearCombination::from(w) - (Fr::from(i as u64), Variable::One),
                )?;
                (v, val) = (w, next);
            }
            Ok(())
        }
    }

    #[test]
    fn equals_arkworks_proof() {
        let mut rng = StdRng::seed_from_u64(1);
        let c = Chain { x: Fr::from(3u64), y: Fr::from(5u64), n: 300 };
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(c.clone(), &mut rng).unwrap();
        let tables = ProvingTables::new(&pk);
        let ours = tables
            .prove::<LibsnarkReduction, _, _>(&pk, c.clone(), &mut StdRng::seed_from_u64(9))
            .unwrap();
        let theirs = Groth16::<Bn254>::prove(&pk, c, &mut StdRng::seed_from_u64(9)).unwrap();
        assert!(ours == theirs);
        assert!(Groth16::<Bn254>::verify(&vk, &[Fr::from(15u64)], &ours).unwrap());
    }

    #[test]
    fn tables_for_another_key_are_refused() {
        let mut rng = StdRng::seed_from_u64(2);
        let small = Chain { x: Fr::from(2u64), y: Fr::from(2u64), n: 10 };
        let big = Chain { n: 20, ..small.clone() };
        let (pk_small, _) = Groth16::<Bn254>::circuit_specific_setup(small.clone(), &mut rng).unwrap();
        let (pk_big, _) = Groth16::<Bn254>::circuit_specific_setup(big, &mut rng).unwrap();
        let tables = ProvingTables::new(&pk_big);
        assert!(!tables.fits(&pk_small));
        assert!(tables
            .prove::<LibsnarkReduction, _, _>(&pk_small, small, &mut rng)
            .is_err());
    }
}
