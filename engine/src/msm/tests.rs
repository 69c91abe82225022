//! Tests of the fixed-base MSM: equal to arkworks' MSM on G1 and G2, the scalar path to
//! the vector path, repeated and opposite bases, short and long scalar lists, and the
//! consistency check of tables from parts.

use super::*;
use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::UniformRand;
use ark_std::rand::{rngs::StdRng, SeedableRng};

fn scalars(n: usize, rng: &mut StdRng) -> Vec<Fr> {
    (0..n)
        .map(|i| match i % 7 {
            0 => Fr::zero(),
            1 => Fr::from(1u64),
            2 => -Fr::from(1u64),
            3 => Fr::from(i as u64),
            _ => Fr::rand(rng),
        })
        .collect()
}

#[test]
fn equals_arkworks_msm_g1() {
    let mut rng = StdRng::seed_from_u64(7);
    for (n, c) in [(1, 4), (5, 5), (300, 9), (1000, 13)] {
        let mut bases: Vec<G1Affine> = (0..n).map(|_| G1Affine::rand(&mut rng)).collect();
        if n > 3 {
            bases[2] = G1Affine::zero();
        }
        let s = scalars(n, &mut rng);
        let table = FixedBaseTable::new(&bases, c);
        assert_eq!(
            table.msm(&s),
            G1Projective::msm(&bases, &s).unwrap(),
            "n {n}"
        );
    }
}

#[test]
fn scalar_path_equals_vector_path() {
    let mut rng = StdRng::seed_from_u64(17);
    let n = 3000;
    let bases: Vec<G1Affine> = (0..n).map(|_| G1Affine::rand(&mut rng)).collect();
    let bases2: Vec<G2Affine> = (0..200).map(|_| G2Affine::rand(&mut rng)).collect();
    let s = scalars(n, &mut rng);
    let (t1, t2) = (
        FixedBaseTable::new(&bases, 13),
        FixedBaseTable::new(&bases2, 8),
    );
    let run = |on: bool| {
        set_vector_kernels(on);
        (t1.msm(&s), t2.msm(&s))
    };
    let (vector, scalar) = (run(true), run(false));
    set_vector_kernels(true);
    assert_eq!(vector, scalar);
    assert_eq!(scalar.0, G1Projective::msm(&bases, &s).unwrap());
    assert_eq!(scalar.1, G2Projective::msm(&bases2, &s[..200]).unwrap());
}

#[test]
fn equals_arkworks_msm_g2() {
    let mut rng = StdRng::seed_from_u64(8);
    let bases: Vec<G2Affine> = (0..200).map(|_| G2Affine::rand(&mut rng)).collect();
    let s = scalars(200, &mut rng);
    let table = FixedBaseTable::new(
        &bases,
        FixedBaseTable::<ark_bn254::g2::Config>::best_window(200),
    );
    assert_eq!(table.msm(&s), G2Projective::msm(&bases, &s).unwrap());
}

/// Repeated and opposite bases make buckets meet equal points (doubling) and
/// opposite points (cancellation).
#[test]
fn repeated_and_opposite_bases() {
    let mut rng = StdRng::seed_from_u64(9);
    let p = G1Affine::rand(&mut rng);
    let q = G1Affine::rand(&mut rng);
    let bases = vec![p, p, -p, p, q, -q, q, p, p];
    for s in [
        vec![Fr::from(3u64); 9],
        vec![
            Fr::from(5u64),
            Fr::from(5u64),
            Fr::from(5u64),
            Fr::from(5u64),
            Fr::from(2u64),
            Fr::from(2u64),
            Fr::from(2u64),
            -Fr::from(5u64),
            Fr::from(5u64),
        ],
        (0..9).map(|_| Fr::rand(&mut rng)).collect(),
        vec![Fr::zero(); 9],
    ] {
        for c in [4, 6, 11] {
            let table = FixedBaseTable::new(&bases, c);
            assert_eq!(table.msm(&s), G1Projective::msm(&bases, &s).unwrap());
        }
    }
}

#[test]
fn short_and_long_scalar_lists() {
    let mut rng = StdRng::seed_from_u64(10);
    let bases: Vec<G1Affine> = (0..50).map(|_| G1Affine::rand(&mut rng)).collect();
    let s = scalars(60, &mut rng);
    let table = FixedBaseTable::new(&bases, 8);
    assert_eq!(table.msm(&s), G1Projective::msm_unchecked(&bases, &s[..50]));
    assert_eq!(
        table.msm(&s[..20]),
        G1Projective::msm_unchecked(&bases[..20], &s[..20])
    );
}

#[test]
fn from_parts_checks_consistency() {
    let mut rng = StdRng::seed_from_u64(11);
    let bases: Vec<G1Affine> = (0..10).map(|_| G1Affine::rand(&mut rng)).collect();
    let t = FixedBaseTable::new(&bases, 10);
    let pts: Vec<G1Affine> = (0..t.num_points()).map(|i| t.point(i)).collect();
    let again = FixedBaseTable::from_parts(10, 10, t.indices().to_vec(), pts.clone());
    assert!(again.as_ref() == Some(&t));
    assert!(FixedBaseTable::from_parts(10, 5, t.indices().to_vec(), pts.clone()).is_none());
    assert!(FixedBaseTable::from_parts(11, 10, t.indices().to_vec(), pts.clone()).is_none());
    assert!(FixedBaseTable::from_parts(3, 10, t.indices().to_vec(), pts.clone()).is_none());
    let mut swapped = t.indices().to_vec();
    swapped.swap(0, 1);
    assert!(FixedBaseTable::from_parts(10, 10, swapped, pts).is_none());
    // The same table read from raw bytes, at an offset.
    let mut bytes = vec![7u8; 3];
    t.write_points(&mut bytes);
    let n = t.num_points();
    let shared: SharedBytes = Arc::new(bytes);
    let raw = FixedBaseTable::from_raw(10, 10, t.indices().to_vec(), shared.clone(), 3, n);
    assert!(raw.as_ref() == Some(&t));
    let s: Vec<Fr> = (0..10).map(|_| Fr::rand(&mut rng)).collect();
    assert_eq!(raw.unwrap().msm(&s), t.msm(&s));
    assert!(FixedBaseTable::<g1::Config>::from_raw(
        10,
        10,
        t.indices().to_vec(),
        shared.clone(),
        4,
        n
    )
    .is_none());
    assert!(
        FixedBaseTable::<g1::Config>::from_raw(10, 10, t.indices().to_vec(), shared, 3, n + 1)
            .is_none()
    );
}
