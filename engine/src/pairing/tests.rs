//! Tests of the multi-Miller loops: equal to arkworks' multi-Miller loop, the normalized
//! loop also outside the subgroup, and zero denominators reported.

use super::*;
use ark_bn254::Fr;
use ark_ec::pairing::Pairing;
use ark_ec::CurveGroup;
use ark_ff::Zero;
use ark_std::UniformRand;
use rand::SeedableRng;

/// Same `Fq12` as `ark_ec`'s multi-Miller loop, for any thread count and any number of
/// pairs (including pairs at infinity).
#[test]
fn matches_ark_ec_multi_miller_loop() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    // 40 and 70: chunks of several sizes on 1, 2 and 3 threads.
    for n in [0usize, 1, 3, 9, 40, 70] {
        let mut ps: Vec<G1Affine> = (0..n)
            .map(|_| (G1Affine::generator() * Fr::rand(&mut rng)).into_affine())
            .collect();
        let mut qs: Vec<G2Affine> = (0..n)
            .map(|_| (G2Affine::generator() * Fr::rand(&mut rng)).into_affine())
            .collect();
        if n > 2 {
            ps[1] = G1Affine::zero();
            qs[2] = G2Affine::zero();
        }
        let want = Bn254::multi_miller_loop(ps.clone(), qs.clone()).0;
        let prepared: Vec<G2Prepared<Config>> = qs.iter().map(|q| (*q).into()).collect();
        assert!(prepared.iter().all(is_well_formed));
        let pairs: Vec<_> = ps.iter().zip(&prepared).collect();
        for threads in [1, 2, 3] {
            let got = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| multi_miller_loop(&pairs, |(p, q)| (*p, *q)).0);
            assert_eq!(got, want, "n={n} threads={threads}");
            let affine: Vec<_> = ps.iter().zip(&qs).collect();
            let got = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| multi_miller_loop_affine(&affine, |(p, q)| (*p, *q)).0);
            assert_eq!(got, want, "affine n={n} threads={threads}");
            let got = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| multi_miller_loop_normalized(&affine, |(p, q)| (*p, *q)));
            assert_eq!(
                Bn254::final_exponentiation(got),
                Bn254::final_exponentiation(MillerLoopOutput(want)),
                "normalized n={n} threads={threads}"
            );
        }
    }
}

/// A point of the twist `E'(Fq2)` (not necessarily in the prime-order subgroup).
pub(crate) fn random_twist_point(rng: &mut impl rand::Rng) -> G2Affine {
    loop {
        let x = Fq2::rand(rng);
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, rng.gen()) {
            return p;
        }
    }
}

/// The normalised loop agrees with `ark_ec`'s after the final exponentiation also for
/// `Q` outside the prime-order subgroup (the batch may see such points if a caller
/// skips decoding).
#[test]
fn normalized_matches_ark_ec_outside_the_subgroup() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let n = 36;
    let ps: Vec<G1Affine> = (0..n)
        .map(|_| (G1Affine::generator() * Fr::rand(&mut rng)).into_affine())
        .collect();
    let qs: Vec<G2Affine> = (0..n).map(|_| random_twist_point(&mut rng)).collect();
    assert!(qs
        .iter()
        .all(|q| !q.is_in_correct_subgroup_assuming_on_curve()));
    let want = Bn254::final_exponentiation(Bn254::multi_miller_loop(ps.clone(), qs.clone()));
    let pairs: Vec<_> = ps.iter().zip(&qs).collect();
    let got = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| multi_miller_loop_normalized(&pairs, |(p, q)| (*p, *q)));
    assert_eq!(Bn254::final_exponentiation(got), want);
    // The normalised loop itself meets a zero denominator there (and the result above
    // came from the projective fallback), or computes the same value.
    if let Some(f) = chunk_loop_normalized(&pairs) {
        assert_eq!(Bn254::final_exponentiation(MillerLoopOutput(f)), want);
    }
}

/// A zero denominator is reported (and the caller falls back to projective formulas),
/// never silently inverted.
#[test]
fn zero_denominators_are_reported() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut v = vec![Fq2::rand(&mut rng), Fq2::zero(), Fq2::rand(&mut rng)];
    assert!(!batch_invert(&mut v, &mut Vec::new()));
    let mut v: Vec<Fq2> = (0..5).map(|_| Fq2::rand(&mut rng)).collect();
    let want: Vec<Fq2> = v.iter().map(|x| x.inverse().unwrap()).collect();
    let mut w = v.clone();
    assert!(batch_invert(&mut v, &mut Vec::new()));
    assert_eq!(v, want);
    assert!(batch_invert_fq2(&mut w, &mut Vec::new(), &mut Vec::new()));
    assert_eq!(w, want);
    let mut z = vec![Fq2::rand(&mut rng), Fq2::zero()];
    assert!(!batch_invert_fq2(&mut z, &mut Vec::new(), &mut Vec::new()));
    // `T = Q`: the addition step has `x_T − x_Q = 0`.
    let q = (G2Affine::generator() * Fr::rand(&mut rng)).into_affine();
    let p = G1Affine::generator();
    let mut lanes = vec![AffineLane {
        xp: p.x * p.y.inverse().unwrap(),
        yp_inv: p.y.inverse().unwrap(),
        q,
        tx: q.x,
        ty: q.y,
    }];
    let mut f = Fq12::one();
    let (mut den, mut s) = (Vec::new(), (Vec::new(), Vec::new()));
    assert!(!add_all(&mut f, &mut lanes, |q| *q, &mut den, &mut s));
    assert!(!add_all(&mut f, &mut lanes, |q| -*q, &mut den, &mut s));
    assert!(double_all(&mut f, &mut lanes, &mut den, &mut s));
}
