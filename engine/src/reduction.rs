//! The R1CS-to-QAP reduction of circom/snarkjs, for proving keys made by a snarkjs
//! ceremony (arkworks' own is `ark_groth16::r1cs_to_qap::LibsnarkReduction`). The file
//! formats of circom and snarkjs are the `zkvote-interop` crate's; the reduction is
//! here because proving with such a key needs it.

use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{evaluate_constraint, LibsnarkReduction, R1CSToQAP};
use ark_poly::EvaluationDomain;
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, SynthesisError};

/// The R1CS-to-QAP reduction of snarkjs (and of ark-circom), for proving keys from a
/// snarkjs zkey: `n` = domain size, `ω` a primitive `2n`-th root of unity. The prover
/// evaluates `a`, `b` and `c = a∘b` (the circuit is satisfied on the domain) on the
/// odd powers `ω^(2i+1)`, where `Z(x) = xⁿ − 1 = −2`, and sends `hᵢ = aᵢbᵢ − cᵢ`; the
/// key's `h_query` holds the Lagrange bases `L_{2i+1}(τ)/δ` of the `2n` domain (the
/// constant `−2` is folded into them), so that `Σ hᵢ·H_i = h(τ)Z(τ)/δ`.
pub struct CircomReduction;

impl R1CSToQAP for CircomReduction {
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        // The A, B, C polynomials are the same as arkworks' (public inputs as extra
        // rows of A); only h and its bases differ.
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let domain =
            D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        let (ma, mb) = match matrices {
            [a, b, ..] => (a, b),
            _ => return Err(SynthesisError::Unsatisfiable),
        };
        let mut a = vec![F::zero(); n];
        let mut b = vec![F::zero(); n];
        for i in 0..num_constraints {
            a[i] = evaluate_constraint(&ma[i], full_assignment);
            b[i] = evaluate_constraint(&mb[i], full_assignment);
        }
        a[num_constraints..num_constraints + num_inputs]
            .copy_from_slice(&full_assignment[..num_inputs]);
        let mut c: Vec<F> = a.iter().zip(&b).map(|(x, y)| *x * y).collect();
        let omega = D::new(2 * n)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?
            .element(1);
        let coset = domain
            .get_coset(omega)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        for v in [&mut a, &mut b, &mut c] {
            domain.ifft_in_place(v);
            coset.fft_in_place(v);
        }
        Ok(a.iter()
            .zip(&b)
            .zip(&c)
            .map(|((x, y), z)| *x * y - z)
            .collect())
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        // max_power = n − 1; L_j(τ) over the 2n domain = (1/2n)·Σ_k τ^k ω^(−jk), i.e.
        // the inverse FFT of (τ^k)_k; keep the odd j.
        let big = 2 * (max_power + 1);
        let domain = D::new(big).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let mut powers = Vec::with_capacity(big);
        let mut x = delta_inverse;
        for _ in 0..big {
            powers.push(x);
            x *= t;
        }
        domain.ifft_in_place(&mut powers);
        Ok(powers.into_iter().skip(1).step_by(2).collect())
    }
}
