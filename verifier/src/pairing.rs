//! A parallel multi-Miller loop over borrowed, already prepared G2 points.
//!
//! `ark_ec`'s `Bn254::multi_miller_loop` takes its G2 points by value and prepares them
//! serially, and splits the pairs into chunks of 4, each paying the 64 `Fq12` squarings
//! of the loop. Here the pairs are split into one chunk per worker (at least
//! [`MIN_CHUNK`] pairs), G2 points are prepared once by the caller (in parallel) and
//! borrowed, so that bisection can reuse them.
//!
//! The result is the same `Fq12` element as `ark_ec`'s (checked in the tests): the loop
//! body is the same, and only the order of exact multiplications in `Fq12` differs. In
//! particular it does not depend on the number of threads.

use ark_bn254::{Bn254, Config, Fq12, G1Affine};
use ark_ec::bn::{BnConfig, G2Prepared, TwistType};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::AffineRepr;
use ark_ff::{CyclotomicMultSubgroup, Field, One};
use rayon::prelude::*;

/// Smallest number of pairs worth one chunk of its own.
const MIN_CHUNK: usize = 8;

/// `f ← f · ℓ_Q(P)`: evaluates one prepared line at `p` (as `ark_ec`'s private `Bn::ell`).
#[inline]
fn ell(f: &mut Fq12, coeffs: &ark_ec::bn::g2::EllCoeff<Config>, p: &G1Affine) {
    let (mut c0, mut c1, mut c2) = *coeffs;
    match <Config as BnConfig>::TWIST_TYPE {
        TwistType::M => {
            c2.mul_assign_by_fp(&p.y);
            c1.mul_assign_by_fp(&p.x);
            f.mul_by_014(&c0, &c1, &c2);
        }
        TwistType::D => {
            c0.mul_assign_by_fp(&p.y);
            c1.mul_assign_by_fp(&p.x);
            f.mul_by_034(&c0, &c1, &c2);
        }
    }
}

/// The Miller loop of one chunk, including the two final Frobenius lines, so that the
/// product over chunks is the Miller loop of all pairs.
fn chunk_loop(pairs: &[(&G1Affine, &G2Prepared<Config>)]) -> Fq12 {
    let ate = <Config as BnConfig>::ATE_LOOP_COUNT;
    let mut f = Fq12::one();
    let mut idx = 0;
    for i in (1..ate.len()).rev() {
        if i != ate.len() - 1 {
            f.square_in_place();
        }
        for (p, q) in pairs {
            ell(&mut f, &q.ell_coeffs[idx], p);
        }
        idx += 1;
        let bit = ate[i - 1];
        if bit == 1 || bit == -1 {
            for (p, q) in pairs {
                ell(&mut f, &q.ell_coeffs[idx], p);
            }
            idx += 1;
        }
    }
    if <Config as BnConfig>::X_IS_NEGATIVE {
        f.cyclotomic_inverse_in_place();
    }
    for _ in 0..2 {
        for (p, q) in pairs {
            ell(&mut f, &q.ell_coeffs[idx], p);
        }
        idx += 1;
    }
    f
}

/// Number of line coefficients of a prepared, finite G2 point: one doubling per loop step,
/// one addition per non-zero digit, two Frobenius additions.
pub fn prepared_len() -> usize {
    let ate = <Config as BnConfig>::ATE_LOOP_COUNT;
    let steps = ate.len() - 1;
    steps + ate[..steps].iter().filter(|&&d| d != 0).count() + 2
}

/// Whether `q` is the prepared point at infinity or has exactly [`prepared_len`]
/// coefficients, so that [`multi_miller_loop`] cannot index out of bounds.
pub fn is_well_formed(q: &G2Prepared<Config>) -> bool {
    q.is_zero() || q.ell_coeffs.len() == prepared_len()
}

/// `∏ MillerLoop(P_i, Q_i)` over `items`, with `pair` giving each item's points. Pairs
/// with a point at infinity contribute 1, as in `ark_ec`. Every `Q_i` must satisfy
/// [`is_well_formed`] (those prepared by `G2Prepared::from` do).
pub fn multi_miller_loop<T, F>(items: &[T], pair: F) -> MillerLoopOutput<Bn254>
where
    T: Sync,
    F: Fn(&T) -> (&G1Affine, &G2Prepared<Config>) + Sync,
{
    let pairs: Vec<(&G1Affine, &G2Prepared<Config>)> = items
        .iter()
        .map(&pair)
        .filter(|(p, q)| !p.is_zero() && !q.is_zero())
        .collect();
    let workers = rayon::current_num_threads().max(1);
    let chunk = pairs.len().div_ceil(workers).max(MIN_CHUNK);
    let f = pairs
        .par_chunks(chunk)
        .map(chunk_loop)
        .reduce(Fq12::one, |a, b| a * b);
    MillerLoopOutput(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G2Affine};
    use ark_ec::pairing::Pairing;
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    /// Same `Fq12` as `ark_ec`'s multi-Miller loop, for any thread count and any number of
    /// pairs (including pairs at infinity).
    #[test]
    fn matches_ark_ec_multi_miller_loop() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for n in [0usize, 1, 3, 9, 40] {
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
            }
        }
    }
}
