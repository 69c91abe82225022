//! The Poseidon gadget: circomlib `Poseidon(n)` in R1CS.
//!
//! Statement: `out = Poseidon_n(in_1, …, in_n)` with the permutation of
//! [`super`], in the same optimised form as the native code (the same
//! [`PoseidonParams`]), so the native and in-circuit computations follow one
//! schedule. Only S-boxes cost constraints (`x², x⁴, x⁵`: three each); the linear
//! layers are free. Constants fold: the first full round's `state[0]` is the
//! constant `(0 + c₀)⁵`, so Poseidon(2) costs `3·(3·8 − 1) + 3·57 = 240`
//! constraints, as circomlib.

// Index loops mirror the round and MDS-matrix formulas of the Poseidon paper.
#![allow(clippy::needless_range_loop)]

use ark_bn254::Fr;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::gr1cs::SynthesisError;

use super::{params, PoseidonParams, FULL_ROUNDS};
use crate::Error;

/// Constraints of one `Poseidon(1)`.
pub const POSEIDON1_CONSTRAINTS: usize = 213;
/// Constraints of one `Poseidon(2)` (circomlib: 240).
pub const POSEIDON2_CONSTRAINTS: usize = 240;
/// Constraints of one `Poseidon(16)`, the widest (`t = 17`, `R_P = 68`).
pub const POSEIDON16_CONSTRAINTS: usize = 609;

fn pow5(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// `Σ row[j]·vars[j]`: a linear combination, no constraint.
fn dot(row: &[Fr], vars: &[FpVar<Fr>]) -> FpVar<Fr> {
    row.iter()
        .zip(vars)
        .fold(FpVar::zero(), |acc, (m, v)| acc + v * *m)
}

fn full_round(
    p: &PoseidonParams,
    state: &mut [FpVar<Fr>],
    ark: &[Fr],
) -> Result<(), SynthesisError> {
    let sboxed = state
        .iter()
        .zip(ark)
        .map(|(s, c)| pow5(&(s + *c)))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, s) in state.iter_mut().enumerate() {
        *s = dot(&p.mds[i], &sboxed);
    }
    Ok(())
}

fn permute(p: &PoseidonParams, state: &mut [FpVar<Fr>]) -> Result<(), SynthesisError> {
    let t = p.width;
    for ark in &p.ark[..FULL_ROUNDS / 2] {
        full_round(p, state, ark)?;
    }
    for r in 0..p.partial_rounds {
        let s = pow5(&(&state[0] + p.partial_c0[r]))?;
        let row = &p.sparse_row[r];
        let mut acc = &s * row[0];
        for j in 1..t {
            acc += &state[j] * row[j];
        }
        for i in 1..t {
            state[i] += &s * p.sparse_col[r][i];
        }
        state[0] = acc;
    }
    let old = state[1..].to_vec();
    for i in 1..t {
        state[i] = dot(&p.final_q[i - 1], &old);
    }
    for ark in &p.ark_tail {
        full_round(p, state, ark)?;
    }
    Ok(())
}

/// In-circuit circomlib `Poseidon(n)` of `inputs` (`n = inputs.len()`, `1..=MAX_INPUTS`).
///
/// An unsupported arity is a programming error of the circuit author and is reported as
/// [`SynthesisError::Unsatisfiable`] after a debug assertion.
pub fn hash_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let p = params(inputs.len()).map_err(|e: Error| {
        debug_assert!(false, "{e}");
        SynthesisError::Unsatisfiable
    })?;
    let mut state = Vec::with_capacity(p.width);
    state.push(FpVar::zero());
    state.extend(inputs.iter().cloned());
    permute(p, &mut state)?;
    Ok(state.swap_remove(0))
}

/// In-circuit `Poseidon(2)`.
pub fn hash2_var(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    hash_var(&[a.clone(), b.clone()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poseidon;
    use ark_ff::UniformRand;
    use ark_r1cs_std::{alloc::AllocVar, GR1CSVar};
    use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
    use rand::SeedableRng;

    /// Every internal witness of Poseidon(2) (the S-box outputs of full and partial
    /// rounds) is bound: changing any one alone leaves the system unsatisfied.
    #[test]
    fn every_poseidon_witness_is_bound() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(44);
        let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let cs = ConstraintSystem::<Fr>::new_ref();
        let v = alloc(&cs, &[a, b]);
        let out = hash2_var(&v[0], &v[1]).unwrap();
        let public = FpVar::new_input(cs.clone(), || Ok(poseidon::hash2(a, b))).unwrap();
        ark_r1cs_std::eq::EqGadget::enforce_equal(&out, &public).unwrap();
        let n = cs.num_witness_variables();
        assert!(n > 200, "{n} witnesses");
        let free = crate::tamper::free_witnesses(&cs);
        assert!(free.is_empty(), "free witnesses {free:?} of {n}");
    }

    fn alloc(cs: &ConstraintSystemRef<Fr>, xs: &[Fr]) -> Vec<FpVar<Fr>> {
        xs.iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect()
    }

    #[test]
    fn gadget_equals_native_and_counts_are_pinned() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        for n in 1..=poseidon::MAX_INPUTS {
            let xs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let cs = ConstraintSystem::<Fr>::new_ref();
            let vars = alloc(&cs, &xs);
            let out = hash_var(&vars).unwrap();
            assert_eq!(
                out.value().unwrap(),
                poseidon::hash(&xs).unwrap(),
                "n = {n}"
            );
            assert!(cs.is_satisfied().unwrap());
            let p = poseidon::params(n).unwrap();
            // 3 constraints per S-box, minus the constant first S-box on state[0].
            let expected = 3 * ((FULL_ROUNDS * p.width - 1) + p.partial_rounds);
            assert_eq!(cs.num_constraints(), expected, "n = {n}");
            match n {
                1 => assert_eq!(cs.num_constraints(), POSEIDON1_CONSTRAINTS),
                2 => assert_eq!(cs.num_constraints(), POSEIDON2_CONSTRAINTS),
                16 => assert_eq!(cs.num_constraints(), POSEIDON16_CONSTRAINTS),
                _ => {}
            }
        }
    }

    #[test]
    fn tampered_output_is_unsatisfied() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
        let xs = [Fr::rand(&mut rng), Fr::rand(&mut rng)];
        let cs = ConstraintSystem::<Fr>::new_ref();
        let vars = alloc(&cs, &xs);
        let out = hash2_var(&vars[0], &vars[1]).unwrap();
        let claimed = FpVar::new_input(cs.clone(), || {
            Ok(poseidon::hash2(xs[0], xs[1]) + Fr::from(1u64))
        })
        .unwrap();
        use ark_r1cs_std::eq::EqGadget;
        out.enforce_equal(&claimed).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }

    /// The widths light-poseidon lacks (13 to 16 inputs): the gadget's output, bound to
    /// a public input, is satisfied by the native hash and by nothing else.
    #[test]
    fn wide_gadget_binds_native_output() {
        use ark_r1cs_std::eq::EqGadget;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        for n in [13, 16] {
            let xs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let native = poseidon::hash(&xs).unwrap();
            for (claim, ok) in [(native, true), (native + Fr::from(1u64), false)] {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let vars = alloc(&cs, &xs);
                let out = hash_var(&vars).unwrap();
                assert_eq!(out.value().unwrap(), native, "n = {n}");
                let claimed = FpVar::new_input(cs.clone(), || Ok(claim)).unwrap();
                out.enforce_equal(&claimed).unwrap();
                assert_eq!(cs.is_satisfied().unwrap(), ok, "n = {n}, claim ok: {ok}");
            }
        }
    }

    #[test]
    fn gadget_equals_shared_vectors() {
        for case in crate::test_vectors::vectors().poseidon {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let vars = alloc(&cs, &case.inputs);
            assert_eq!(hash_var(&vars).unwrap().value().unwrap(), case.output);
            assert!(cs.is_satisfied().unwrap());
        }
    }
}
