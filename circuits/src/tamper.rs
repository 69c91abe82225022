//! Tests only: tampering with every witness of a satisfied constraint system.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, R1CS_PREDICATE_LABEL};

/// For a satisfied system, the indices of the witness variables that can be changed
/// alone (to `w + 1`; to 2 for a bit, `2w + 3` otherwise) while every constraint still
/// holds: a witness the constraints do not bind. The check evaluates the finalized
/// R1CS matrices on the tampered assignment, so it does not depend on values that
/// arkworks cached for linear combinations during synthesis.
pub(crate) fn free_witnesses(cs: &ConstraintSystemRef<Fr>) -> Vec<usize> {
    assert!(
        cs.is_satisfied().unwrap(),
        "the honest system must be satisfied"
    );
    cs.finalize();
    let matrices = cs.to_matrices().unwrap();
    let m = &matrices[R1CS_PREDICATE_LABEL];
    let (a, b, c) = (&m[0], &m[1], &m[2]);
    let mut z = cs.instance_assignment().unwrap();
    let offset = z.len();
    z.extend(cs.witness_assignment().unwrap());
    // The rows in which each variable occurs, so that a change re-checks only those.
    let mut rows_of = vec![Vec::new(); z.len()];
    for matrix in [a, b, c] {
        for (row, terms) in matrix.iter().enumerate() {
            for &(_, var) in terms {
                rows_of[var].push(row);
            }
        }
    }
    let dot = |m: &Matrix<Fr>, row: usize, z: &[Fr]| {
        m[row]
            .iter()
            .fold(Fr::zero(), |acc, (k, v)| acc + *k * z[*v])
    };
    let holds = |row: usize, z: &[Fr]| dot(a, row, z) * dot(b, row, z) == dot(c, row, z);
    assert!(
        (0..a.len()).all(|r| holds(r, &z)),
        "the finalized matrices hold"
    );
    let mut free = Vec::new();
    for i in 0..z.len() - offset {
        let var = offset + i;
        let honest = z[var];
        let others = [
            honest + Fr::ONE,
            if honest.is_zero() || honest == Fr::ONE {
                Fr::from(2u64)
            } else {
                honest.double() + Fr::from(3u64)
            },
        ];
        for t in others {
            z[var] = t;
            let still = rows_of[var].iter().all(|&r| holds(r, &z));
            z[var] = honest;
            if still {
                free.push(i);
                break;
            }
        }
    }
    free
}
