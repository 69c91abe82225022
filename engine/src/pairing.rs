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
//!
//! [`multi_miller_loop_normalized`], which the batch uses, keeps the running points in
//! affine coordinates, inverts the denominators of all pairs of a step at once, and
//! divides every line by its constant coefficient: about 25 % fewer `Fq`
//! multiplications per pair. Its value differs from the others by a factor in `Fq2*`,
//! which the final exponentiation removes. Its field arithmetic is `crate::tower`'s,
//! not `ark_ff`'s generic code: the products of `f` by the lines with lazy reduction, the
//! `Fq2` products and sums inlined and branch-free (about 27 % less time per pair than
//! with `ark_ff`'s, measured with `examples/miller_profile.rs`).

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, G1Affine, G2Affine};
use ark_ec::bn::{BnConfig, G2Prepared, TwistType};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, CyclotomicMultSubgroup, Field, MontFp, One};
use rayon::prelude::*;

use crate::inverse::FastInverse;
use crate::tower;

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
    chunked_product(items, pair, G2Prepared::is_zero, chunk_loop)
}

/// `∏ chunk_loop(chunk)` over the pairs of `items` without a point at infinity, split
/// into one chunk per thread (at least [`MIN_CHUNK`] pairs each).
fn chunked_product<'a, T, Q, F, L>(
    items: &'a [T],
    pair: F,
    q_is_zero: fn(&Q) -> bool,
    chunk_loop: L,
) -> MillerLoopOutput<Bn254>
where
    T: Sync,
    Q: Sync + 'a,
    F: Fn(&'a T) -> (&'a G1Affine, &'a Q),
    L: Fn(&[(&'a G1Affine, &'a Q)]) -> Fq12 + Sync + Send,
{
    let pairs: Vec<(&G1Affine, &Q)> = items
        .iter()
        .map(pair)
        .filter(|(p, q)| !p.is_zero() && !q_is_zero(q))
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
    chunked_product(items, pair, G2Affine::is_zero, chunk_loop_affine)
}

/// Replaces every element of `v` by its inverse with one field inversion (Montgomery's
/// trick), using `prefix` as scratch space. Returns `false`, leaving `v` unspecified,
/// if some element is zero. In `Fq` the inversion is
/// [`inverse_fq`](crate::inverse::inverse_fq), variable time: every value inverted here
/// is public (points of proofs and keys, and points computed from them).
pub(crate) fn batch_invert<F: FastInverse>(v: &mut [F], prefix: &mut Vec<F>) -> bool {
    prefix.clear();
    let mut acc = F::one();
    for x in v.iter() {
        prefix.push(acc);
        acc *= x;
    }
    let Some(mut inv) = acc.fast_inverse() else {
        return false;
    };
    for (x, before) in v.iter_mut().zip(prefix.iter()).rev() {
        let x_inv = inv * before;
        inv *= *x;
        *x = x_inv;
    }
    true
}

/// [`batch_invert`] for `Fq2`, through the norms: `d⁻¹ = d̄ / N(d)` with
/// `N(d) = d0² + d1² ∈ Fq`, so the shared work is in `Fq` (7 `Fq` multiplications per
/// element instead of 3 `Fq2` multiplications). `N(d) = 0` only for `d = 0`.
fn batch_invert_fq2(v: &mut [Fq2], norms: &mut Vec<Fq>, prefix: &mut Vec<Fq>) -> bool {
    norms.clear();
    norms.extend(v.iter().map(|d| d.norm()));
    if !batch_invert(norms, prefix) {
        return false;
    }
    for (d, n) in v.iter_mut().zip(norms.iter()) {
        d.conjugate_in_place();
        d.mul_assign_by_fp(n);
    }
    true
}

/// One pair of [`chunk_loop_normalized`]: `P = (x_P, y_P)` as `x_P/y_P` and `1/y_P`,
/// `Q`, and the running point `T` in affine coordinates.
struct AffineLane {
    xp: Fq,
    yp_inv: Fq,
    q: G2Affine,
    tx: Fq2,
    ty: Fq2,
}

impl AffineLane {
    /// `T ← T + S` (`S = T` for a doubling), where `den_inv` is `1/(2y_T)` for a doubling
    /// and `1/(x_T − x_S)` otherwise; multiplies `f` by the line through `T` and `S`
    /// (the tangent for a doubling), evaluated at `P` and divided by its `y_P` term:
    ///
    /// ```text
    /// λ = 3x_T²/(2y_T)  or  (y_T − y_S)/(x_T − x_S)
    /// x' = λ² − x_T − x_S,   y' = λ(x_T − x') − y_T
    /// ℓ(P)/(c·y_P) = 1 − λ·(x_P/y_P)·w + (λ·x_T − y_T)·(1/y_P)·v·w
    /// ```
    ///
    /// This is `ark_ec`'s line for the D-type twist, `(c0·y_P, c3·x_P, c4)` at positions
    /// 0, 3, 4 of `Fq12`, with `(c0, c3, c4) = (−2y_T, 3x_T², 3b' − y_T²)` for a doubling
    /// (`Z = 1`) and `(x_T − x_S, y_S − y_T, (y_T − y_S)x_S − (x_T − x_S)y_S)` for an
    /// addition, divided by `c0·y_P ∈ Fq2`.
    #[inline(always)]
    fn step(&mut self, f: &mut Fq12, sx: &Fq2, lambda: Fq2) {
        let x3 = tower::sub(&tower::sub(&tower::square(&lambda), &self.tx), sx);
        let c4 = tower::sub(&tower::mul(&lambda, &self.tx), &self.ty);
        let y3 = tower::sub(&c4, &tower::mul(&lambda, &x3));
        let mut c3 = -lambda;
        c3.mul_assign_by_fp(&self.xp);
        let mut c4 = c4;
        c4.mul_assign_by_fp(&self.yp_inv);
        tower::mul_by_normalized_line(f, &c3, &c4);
        self.tx = x3;
        self.ty = y3;
    }
}

/// Reused buffers of [`batch_invert_fq2`].
type Scratch = (Vec<Fq>, Vec<Fq>);

/// The doubling step of every lane, with one shared inversion. `false` if some `y_T` is
/// zero (which cannot happen for `Q` in the prime-order subgroup).
fn double_all(
    f: &mut Fq12,
    lanes: &mut [AffineLane],
    den: &mut Vec<Fq2>,
    scratch: &mut Scratch,
) -> bool {
    den.clear();
    den.extend(lanes.iter().map(|l| l.ty.double()));
    if !batch_invert_fq2(den, &mut scratch.0, &mut scratch.1) {
        return false;
    }
    for (l, d) in lanes.iter_mut().zip(den.iter()) {
        let x2 = tower::square(&l.tx);
        let lambda = tower::mul(&tower::add(&tower::double(&x2), &x2), d);
        let tx = l.tx;
        l.step(f, &tx, lambda);
    }
    true
}

/// The addition step `T ← T + S(Q)` of every lane, with one shared inversion. `false` if
/// some `x_T = x_S` (`T = ±S`, which cannot happen for `Q` in the prime-order subgroup).
fn add_all(
    f: &mut Fq12,
    lanes: &mut [AffineLane],
    s: impl Fn(&G2Affine) -> G2Affine,
    den: &mut Vec<Fq2>,
    scratch: &mut Scratch,
) -> bool {
    let points: Vec<G2Affine> = lanes.iter().map(|l| s(&l.q)).collect();
    den.clear();
    den.extend(lanes.iter().zip(&points).map(|(l, p)| l.tx - p.x));
    if !batch_invert_fq2(den, &mut scratch.0, &mut scratch.1) {
        return false;
    }
    for ((l, d), p) in lanes.iter_mut().zip(den.iter()).zip(&points) {
        let lambda = tower::mul(&tower::sub(&l.ty, &p.y), d);
        l.step(f, &p.x, lambda);
    }
    true
}

/// The Miller loop of one chunk with affine running points and normalised lines, or
/// `None` if a denominator is zero (only possible for `Q` outside the subgroup).
fn chunk_loop_normalized(pairs: &[(&G1Affine, &G2Affine)]) -> Option<Fq12> {
    let ate = <Config as BnConfig>::ATE_LOOP_COUNT;
    // `y_P ≠ 0`: G1 has odd prime order, so it has no point of order 2.
    let mut yp_inv: Vec<Fq> = pairs.iter().map(|(p, _)| p.y).collect();
    if !batch_invert(&mut yp_inv, &mut Vec::with_capacity(pairs.len())) {
        return None;
    }
    let mut lanes: Vec<AffineLane> = pairs
        .iter()
        .zip(yp_inv)
        .map(|(&(p, q), yp_inv)| AffineLane {
            xp: p.x * yp_inv,
            yp_inv,
            q: *q,
            tx: q.x,
            ty: q.y,
        })
        .collect();
    let mut den = Vec::with_capacity(lanes.len());
    let mut scratch = (
        Vec::with_capacity(lanes.len()),
        Vec::with_capacity(lanes.len()),
    );
    let mut f = Fq12::one();
    for i in (1..ate.len()).rev() {
        if i != ate.len() - 1 {
            f.square_in_place();
        }
        if !double_all(&mut f, &mut lanes, &mut den, &mut scratch) {
            return None;
        }
        let ok = match ate[i - 1] {
            1 => add_all(&mut f, &mut lanes, |q| *q, &mut den, &mut scratch),
            -1 => add_all(&mut f, &mut lanes, |q| -*q, &mut den, &mut scratch),
            _ => true,
        };
        if !ok {
            return None;
        }
    }
    if <Config as BnConfig>::X_IS_NEGATIVE {
        f.cyclotomic_inverse_in_place();
        for l in lanes.iter_mut() {
            l.ty = -l.ty;
        }
    }
    let ok = add_all(&mut f, &mut lanes, mul_by_char, &mut den, &mut scratch)
        && add_all(
            &mut f,
            &mut lanes,
            |q| -mul_by_char(&mul_by_char(q)),
            &mut den,
            &mut scratch,
        );
    ok.then_some(f)
}

/// `∏ MillerLoop(P_i, Q_i)` over `items` **up to a factor in `Fq2*`**, which the final
/// exponentiation removes: `final_exponentiation` of the result equals that of
/// [`multi_miller_loop_affine`] and of `ark_ec`'s multi-Miller loop (tested).
///
/// The running points `T_i` are kept in affine coordinates, and each doubling or
/// addition step inverts all its denominators (`2y_T` or `x_T − x_Q`, one per pair) with
/// one inversion (Montgomery's trick on the norms, [`batch_invert_fq2`]). Each line is
/// divided by its constant coefficient, an element of `Fq2` (so by a factor that
/// `x^((p¹²−1)/r)` sends to 1, as `p⁶ − 1` divides that exponent), which makes it
/// `1 + (c3 + c4·v)·w` and its product with `f` 36 products of 256-bit integers and 12
/// Montgomery reductions (`tower::mul_by_normalized_line`), where `ark_ec`'s line
/// (`mul_by_034`) takes 13 `Fq2` multiplications, that is 39 Montgomery multiplications.
///
/// A chunk in which some denominator is zero (impossible for `Q_i` in the prime-order
/// subgroup, possible for other points on the twist) is computed with the projective
/// formulas of [`multi_miller_loop_affine`] instead, so the result after the final
/// exponentiation is `ark_ec`'s for every input. Pairs with a point at infinity
/// contribute 1.
pub fn multi_miller_loop_normalized<T, F>(items: &[T], pair: F) -> MillerLoopOutput<Bn254>
where
    T: Sync,
    F: Fn(&T) -> (&G1Affine, &G2Affine) + Sync,
{
    chunked_product(items, pair, G2Affine::is_zero, |c| {
        chunk_loop_normalized(c).unwrap_or_else(|| chunk_loop_affine(c))
    })
}

#[cfg(test)]
mod tests;
