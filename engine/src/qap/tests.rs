//! Tests of the QAP witness map: the transforms equal arkworks', and sparse rows equal
//! dense evaluation.

use super::*;
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use ark_std::rand::{rngs::StdRng, SeedableRng};

#[test]
fn transforms_equal_arkworks() {
    let mut rng = StdRng::seed_from_u64(1);
    for n in [2usize, 4, 64, 1 << 11, 1 << 13] {
        let d = Domain::new(n).unwrap();
        let ark = GeneralEvaluationDomain::<Fr>::new(n).unwrap();
        let v: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();

        // Evaluations on H → coefficients, by arkworks and by the DIF + shift table.
        let mut want = v.clone();
        ark.ifft_in_place(&mut want);
        let mut got = v.clone();
        d.inverse_dif(&mut got);
        got.iter_mut()
            .zip(d.shift_table(Fr::one()))
            .for_each(|(x, s)| *x *= s);
        bit_reverse(&mut got);
        assert_eq!(got, want, "inverse, n = {n}");

        // Coefficients → evaluations on a coset.
        let g = Fr::GENERATOR;
        let mut want = v.clone();
        ark.get_coset(g).unwrap().fft_in_place(&mut want);
        let mut got = v.clone();
        bit_reverse(&mut got);
        let pow: Vec<Fr> = {
            let mut p: Vec<Fr> = (0..n as u64).map(|i| g.pow([i])).collect();
            bit_reverse(&mut p);
            p
        };
        got.iter_mut().zip(&pow).for_each(|(x, s)| *x *= s);
        d.forward_dit(&mut got);
        assert_eq!(got, want, "coset forward, n = {n}");
    }
    assert!(Domain::new(3).is_none() && Domain::new(1).is_none());
}

#[test]
fn sparse_rows_equal_dense_evaluation() {
    let mut rng = StdRng::seed_from_u64(2);
    let vals: Vec<Fr> = vec![Fr::one(), -Fr::one(), Fr::from(7u64), Fr::rand(&mut rng)];
    let z: Vec<Fr> = (0..40).map(|_| Fr::rand(&mut rng)).collect();
    let rows: Vec<Vec<(Fr, usize)>> = (0..50)
        .map(|i| {
            (0..(i % 9))
                .map(|j| (vals[(i * j + j) % 4], (i * 7 + j * 13) % 40))
                .collect()
        })
        .collect();
    let m = SparseMatrix::from_rows(&rows).unwrap();
    assert!(m.is_consistent(40) && !m.is_consistent(39));
    let mut out = vec![Fr::zero(); rows.len()];
    m.eval_rows(&z, 0, &mut out);
    for (row, got) in rows.iter().zip(&out) {
        let want: Fr = row.iter().map(|(c, v)| *c * z[*v]).sum();
        assert_eq!(*got, want);
    }
    let mut bad = m.clone();
    bad.groups[0].0 = 99;
    assert!(!bad.is_consistent(40));
    let mut bad = m.clone();
    bad.row_start[3] = u32::MAX;
    assert!(!bad.is_consistent(40));
}
