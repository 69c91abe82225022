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
//!
//! [`multi_miller_loop_affine`] takes the G2 points unprepared and computes their line
//! coefficients on the fly, inside the loop (the doubling and addition steps of
//! `ark_ec::bn::g2::G2HomProjective`, reimplemented in [`LineState`] because that type's
//! fields are private). It does the same arithmetic as preparing and then looping, but
//! keeps a 192-byte running point per pair instead of writing and re-reading a
//! 17-kilobyte `G2Prepared` (1,000 proofs: 17 MB, far beyond the caches).

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, G1Affine, G2Affine};
use ark_ec::bn::{BnConfig, G2Prepared, TwistType};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, CyclotomicMultSubgroup, Field, MontFp, One};
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

/// A line's coefficients, as in `ark_ec::bn::g2::EllCoeff`.
type Coeffs = (Fq2, Fq2, Fq2);

/// `1/2` in `Fq`.
const TWO_INV: Fq =
    MontFp!("10944121435919637611123202872628637544348155578648911831344518947322613104292");

/// The running point `T` of one pair, in homogeneous projective coordinates, with the
/// doubling and addition steps that also return the line through `T` (and `Q`):
/// exactly `ark_ec::bn::g2::G2HomProjective::{double_in_place, add_in_place}`
/// (Costello–Lange–Naehrig, eprint 2009/615, eq. 11 and 12, as in Aranha et al.).
#[derive(Clone, Copy)]
struct LineState {
    x: Fq2,
    y: Fq2,
    z: Fq2,
}

impl LineState {
    #[inline(always)]
    fn double(&mut self) -> Coeffs {
        let mut a = self.x * self.y;
        a.mul_assign_by_fp(&TWO_INV);
        let b = self.y.square();
        let c = self.z.square();
        let e = <Config as BnConfig>::G2Config::COEFF_B * (c.double() + c);
        let f = e.double() + e;
        let mut g = b + f;
        g.mul_assign_by_fp(&TWO_INV);
        let h = (self.y + self.z).square() - (b + c);
        let i = e - b;
        let j = self.x.square();
        let e_square = e.square();
        self.x = a * (b - f);
        self.y = g.square() - (e_square.double() + e_square);
        self.z = b * h;
        match <Config as BnConfig>::TWIST_TYPE {
            TwistType::M => (i, j.double() + j, -h),
            TwistType::D => (-h, j.double() + j, i),
        }
    }

    #[inline(always)]
    fn add(&mut self, q: &G2Affine) -> Coeffs {
        let theta = self.y - q.y * self.z;
        let lambda = self.x - q.x * self.z;
        let c = theta.square();
        let d = lambda.square();
        let e = lambda * d;
        let f = self.z * c;
        let g = self.x * d;
        let h = e + f - g.double();
        self.x = lambda * h;
        self.y = theta * (g - h) - e * self.y;
        self.z *= e;
        let j = theta * q.x - lambda * q.y;
        match <Config as BnConfig>::TWIST_TYPE {
            TwistType::M => (j, -theta, lambda),
            TwistType::D => (lambda, -theta, j),
        }
    }
}

/// `π(Q)` on the twist (`ark_ec`'s private `mul_by_char`).
fn mul_by_char(q: &G2Affine) -> G2Affine {
    let mut s = *q;
    s.x.frobenius_map_in_place(1);
    s.x *= &<Config as BnConfig>::TWIST_MUL_BY_Q_X;
    s.y.frobenius_map_in_place(1);
    s.y *= &<Config as BnConfig>::TWIST_MUL_BY_Q_Y;
    s
}

/// One pair of a chunk of [`multi_miller_loop_affine`].
struct Lane<'a> {
    p: &'a G1Affine,
    q: &'a G2Affine,
    neg_q: G2Affine,
    t: LineState,
}

/// [`chunk_loop`] with the lines computed on the fly.
fn chunk_loop_affine(pairs: &[(&G1Affine, &G2Affine)]) -> Fq12 {
    let ate = <Config as BnConfig>::ATE_LOOP_COUNT;
    let mut lanes: Vec<Lane<'_>> = pairs
        .iter()
        .map(|&(p, q)| Lane {
            p,
            q,
            neg_q: -*q,
            t: LineState {
                x: q.x,
                y: q.y,
                z: Fq2::one(),
            },
        })
        .collect();
    let mut f = Fq12::one();
    for i in (1..ate.len()).rev() {
        if i != ate.len() - 1 {
            f.square_in_place();
        }
        for l in lanes.iter_mut() {
            let c = l.t.double();
            ell(&mut f, &c, l.p);
        }
        match ate[i - 1] {
            1 => {
                for l in lanes.iter_mut() {
                    let c = l.t.add(l.q);
                    ell(&mut f, &c, l.p);
                }
            }
            -1 => {
                for l in lanes.iter_mut() {
                    let c = l.t.add(&l.neg_q);
                    ell(&mut f, &c, l.p);
                }
            }
            _ => {}
        }
    }
    if <Config as BnConfig>::X_IS_NEGATIVE {
        f.cyclotomic_inverse_in_place();
    }
    for l in lanes.iter_mut() {
        let q1 = mul_by_char(l.q);
        let mut q2 = mul_by_char(&q1);
        if <Config as BnConfig>::X_IS_NEGATIVE {
            l.t.y = -l.t.y;
        }
        q2.y = -q2.y;
        let c = l.t.add(&q1);
        ell(&mut f, &c, l.p);
        let c = l.t.add(&q2);
        ell(&mut f, &c, l.p);
    }
    f
}

/// `∏ MillerLoop(P_i, Q_i)` over `items` with unprepared `Q_i`, their lines computed
/// inside the loop (see the [module documentation](self)). Same value as
/// [`multi_miller_loop`] and as `ark_ec`'s; pairs with a point at infinity contribute 1.
pub fn multi_miller_loop_affine<T, F>(items: &[T], pair: F) -> MillerLoopOutput<Bn254>
where
    T: Sync,
    F: Fn(&T) -> (&G1Affine, &G2Affine) + Sync,
{
    let pairs: Vec<(&G1Affine, &G2Affine)> = items
        .iter()
        .map(&pair)
        .filter(|(p, q)| !p.is_zero() && !q.is_zero())
        .collect();
    let workers = rayon::current_num_threads().max(1);
    let chunk = pairs.len().div_ceil(workers).max(MIN_CHUNK);
    let f = pairs
        .par_chunks(chunk)
        .map(chunk_loop_affine)
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
                let affine: Vec<_> = ps.iter().zip(&qs).collect();
                let got = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| multi_miller_loop_affine(&affine, |(p, q)| (*p, *q)).0);
                assert_eq!(got, want, "affine n={n} threads={threads}");
            }
        }
    }
}
