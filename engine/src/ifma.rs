//! Batched affine additions in G1 on eight lanes with AVX-512 IFMA.
//!
//! The fixed-base MSM ([`crate::msm`]) spends its time adding points into buckets in
//! affine coordinates, in batches that share one inversion. The additions of a batch
//! are independent, so they run here eight at a time in vector registers, with the
//! 52-bit multiply-add instructions (`vpmadd52luq`/`vpmadd52huq`): about six
//! multiplications per addition, each on eight lanes at once.
//!
//! # Representation
//! The arithmetic is [`crate::ifma52`]'s modulo `q`: eight lanes of five
//! 52-bit limbs, Montgomery products for `R = 2^260`, values partially reduced (the
//! bounds are in the comments). arkworks keeps `x` as the integer `x·2^256 mod p`. The same integer, read with
//! `R = 2^260`, stands for `x/16`; loading and storing is therefore only a repacking
//! of limbs, and the addition formulas are rewritten for coordinates scaled by `1/16`:
//! with `X = x/16`, `Y = y/16` and `μ = λ/4 = (Y₂ − Y₁)/(4·(X₂ − X₁))`,
//!
//! ```text
//!   X₃ = μ² − X₁ − X₂,    Y₃ = 4·μ·(X₁ − X₃) − Y₁,
//! ```
//!
//! which are `x₃/16` and `y₃/16` of the usual `λ` formulas. In G2 the same formulas run
//! over `Fq2 = Fq[u]/(u² + 1)`, and `1/D = D̄/N(D)`, so the shared inversion is of the
//! norms, in `Fq`. The tests compare every batch with arkworks' point addition.

use std::sync::OnceLock;

use crate::ifma52::{add, load_raw, splat, split, store_raw, Ctx, Modulus, Vec8, LANES};
use ark_bn254::{g1, g2, Fq, Fq2};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{BigInt, Field, PrimeField};

pub use crate::ifma52::available;

fn modulus() -> &'static Modulus {
    static M: OnceLock<Modulus> = OnceLock::new();
    M.get_or_init(|| Modulus::new(Fq::MODULUS))
}

/// Loads the arkworks integers of eight elements.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn load(xs: [&Fq; LANES]) -> Vec8 {
    load_raw(xs.map(|x| &x.0 .0))
}

/// The eight lanes as arkworks elements (the lanes must be canonical).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn store(v: &Vec8) -> [Fq; LANES] {
    store_raw(v).map(|w| Fq::new_unchecked(BigInt(w)))
}

/// `buckets[k] += p` for every `(k, p)` in `adds`, where all `k` are distinct, and
/// each bucket and its point are non-zero with different `x` (the caller handles the
/// other cases). `scratch` is reused between calls.
///
/// # Safety
/// The CPU must have AVX-512 F and IFMA ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma")]
pub unsafe fn add_batch(
    buckets: &mut [Affine<g1::Config>],
    adds: &[(usize, Affine<g1::Config>)],
    scratch: &mut Vec<[Vec8; 2]>,
) {
    if adds.is_empty() {
        return;
    }
    let ctx = Ctx::new(modulus());
    let groups = adds.len().div_ceil(LANES);
    let one = Fq::ONE;
    scratch.clear();
    // Forward: denominators D = 4·(X₂ − X₁) (below 12p) and, per lane, the running
    // product of those before them (below 2p; any non-zero start works).
    let mut acc = splat(&split(&one.0 .0));
    for g in 0..groups {
        let [x1, _, x2, _] = group(buckets, adds, g);
        let d = ctx.sub(&x2, &x1);
        let d4 = add(&add(&d, &d), &add(&d, &d));
        scratch.push([acc, d4]);
        acc = ctx.mul(&d4, &acc);
    }
    // Invert the eight lane products with one field inversion. arkworks reads the
    // integer of a value v here as 16·v; 1/v here is arkworks' (16·v)⁻¹·256.
    let mut inv = store(&ctx.canonical(&acc));
    ark_ff::batch_inversion(&mut inv);
    let k256 = Fq::from(256u64);
    for x in inv.iter_mut() {
        *x *= k256;
    }
    let mut inv_acc = load(std::array::from_fn(|l| &inv[l]));
    // Backward: 1/D per group, then the sums (bounds in the comments).
    for g in (0..groups).rev() {
        let [prefix, d4] = scratch[g];
        let inv_d = ctx.mul(&inv_acc, &prefix); // < 2p
        inv_acc = ctx.mul(&d4, &inv_acc);
        let [x1, y1, x2, y2] = group(buckets, adds, g); // < p
        let mu = ctx.mul(&ctx.sub(&y2, &y1), &inv_d); // < 2p
        let x12 = add(&x1, &x2); // < 2p
        let x3 = ctx.canonical(&ctx.half_reduce(&ctx.sub(&ctx.mul(&mu, &mu), &x12)));
        let mu4 = add(&add(&mu, &mu), &add(&mu, &mu)); // < 8p
        let t4 = ctx.mul(&mu4, &ctx.sub(&x1, &x3)); // 4·μ·(X₁ − X₃) < 2p
        let y3 = ctx.canonical(&ctx.half_reduce(&ctx.sub(&t4, &y1)));
        let (xs, ys) = (store(&x3), store(&y3));
        for l in 0..LANES {
            if let Some((k, _)) = adds.get(g * LANES + l) {
                buckets[*k] = Affine::new_unchecked(xs[l], ys[l]);
            }
        }
    }
}

/// Bucket `x`, `y` and point `x`, `y` of the additions `8g..8g + 8`, lane by lane;
/// padding lanes add (1, 1) to (0, 1), a non-zero denominator whose result is not used.
#[allow(clippy::needless_range_loop)] // one index into four arrays
fn coords<'a, P: SWCurveConfig>(
    buckets: &'a [Affine<P>],
    adds: &'a [(usize, Affine<P>)],
    g: usize,
    zero: &'a P::BaseField,
    one: &'a P::BaseField,
) -> [[&'a P::BaseField; LANES]; 4] {
    let mut c = [[zero; LANES], [one; LANES], [one; LANES], [one; LANES]];
    for l in 0..LANES {
        if let Some((k, p)) = adds.get(g * LANES + l) {
            let b = &buckets[*k];
            c[0][l] = &b.x;
            c[1][l] = &b.y;
            c[2][l] = &p.x;
            c[3][l] = &p.y;
        }
    }
    c
}

/// [`coords`] of a G1 batch, loaded.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn group(
    buckets: &[Affine<g1::Config>],
    adds: &[(usize, Affine<g1::Config>)],
    g: usize,
) -> [Vec8; 4] {
    let (zero, one) = (Fq::from(0u64), Fq::ONE);
    let c = coords(buckets, adds, g, &zero, &one);
    [load(c[0]), load(c[1]), load(c[2]), load(c[3])]
}

/// An `Fq2` element `c0 + c1·u` (`u² = −1`) on eight lanes.
type V2 = [Vec8; 2];

/// `a − b` below `2p` per component (inputs below `2p`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn sub2(ctx: &Ctx, a: &V2, b: &V2) -> V2 {
    [
        ctx.half_reduce(&ctx.sub(&a[0], &b[0])),
        ctx.half_reduce(&ctx.sub(&a[1], &b[1])),
    ]
}

/// `a·b` by Karatsuba, below `2p` per component (inputs below `2p`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul2(ctx: &Ctx, a: &V2, b: &V2) -> V2 {
    let t0 = ctx.mul(&a[0], &b[0]);
    let t1 = ctx.mul(&a[1], &b[1]);
    let t2 = ctx.mul(&add(&a[0], &a[1]), &add(&b[0], &b[1]));
    [
        ctx.half_reduce(&ctx.sub(&t0, &t1)),
        ctx.half_reduce(&ctx.sub(&t2, &add(&t0, &t1))),
    ]
}

/// `a²`, below `2p` per component (input below `2p`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn square2(ctx: &Ctx, a: &V2) -> V2 {
    [
        ctx.mul(&add(&a[0], &a[1]), &ctx.sub(&a[0], &a[1])),
        ctx.mul(&add(&a[0], &a[0]), &a[1]),
    ]
}

/// `4·a`, below `2p` (input below `2p`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn times4(ctx: &Ctx, a: &Vec8) -> Vec8 {
    let a2 = ctx.half_reduce(&add(a, a));
    ctx.half_reduce(&add(&a2, &a2))
}

/// [`coords`] of a G2 batch, loaded component by component.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn group2(
    buckets: &[Affine<g2::Config>],
    adds: &[(usize, Affine<g2::Config>)],
    g: usize,
) -> [V2; 4] {
    let (zero, one) = (Fq2::from(0u64), Fq2::ONE);
    let c = coords(buckets, adds, g, &zero, &one);
    let v2 = |c: [&Fq2; LANES]| -> V2 {
        [
            load(std::array::from_fn(|l| &c[l].c0)),
            load(std::array::from_fn(|l| &c[l].c1)),
        ]
    };
    [v2(c[0]), v2(c[1]), v2(c[2]), v2(c[3])]
}

/// [`add_batch`] in G2: the same formulas over `Fq2`, with `1/D = D̄/N(D)` so that
/// the shared inversion is of the norms, in `Fq`.
///
/// # Safety
/// The CPU must have AVX-512 F and IFMA ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma")]
pub unsafe fn add_batch_g2(
    buckets: &mut [Affine<g2::Config>],
    adds: &[(usize, Affine<g2::Config>)],
    scratch: &mut Vec<[Vec8; 4]>,
) {
    if adds.is_empty() {
        return;
    }
    let ctx = Ctx::new(modulus());
    let groups = adds.len().div_ceil(LANES);
    scratch.clear();
    // Forward: D = 4·(X₂ − X₁), its norm N = D₀² + D₁², running products of N.
    let mut acc = splat(&split(&Fq::ONE.0 .0));
    for g in 0..groups {
        let [x1, _, x2, _] = group2(buckets, adds, g);
        let d = sub2(&ctx, &x2, &x1);
        let d4 = [times4(&ctx, &d[0]), times4(&ctx, &d[1])];
        let n = ctx.half_reduce(&add(&ctx.mul(&d4[0], &d4[0]), &ctx.mul(&d4[1], &d4[1])));
        scratch.push([acc, n, d4[0], d4[1]]);
        acc = ctx.mul(&n, &acc);
    }
    let mut inv = store(&ctx.canonical(&acc));
    ark_ff::batch_inversion(&mut inv);
    let k256 = Fq::from(256u64);
    for x in inv.iter_mut() {
        *x *= k256;
    }
    let mut inv_acc = load(std::array::from_fn(|l| &inv[l]));
    let zero = splat(&[0; 5]);
    for g in (0..groups).rev() {
        let [prefix, n, d0, d1] = scratch[g];
        let inv_n = ctx.mul(&inv_acc, &prefix);
        inv_acc = ctx.mul(&n, &inv_acc);
        // 1/D = (D₀ − D₁·u)/N.
        let inv_d = [
            ctx.mul(&d0, &inv_n),
            ctx.half_reduce(&ctx.sub(&zero, &ctx.mul(&d1, &inv_n))),
        ];
        let [x1, y1, x2, y2] = group2(buckets, adds, g);
        let mu = mul2(&ctx, &sub2(&ctx, &y2, &y1), &inv_d);
        let sq = square2(&ctx, &mu);
        let x3 =
            [0, 1].map(|i| ctx.canonical(&ctx.half_reduce(&ctx.sub(&sq[i], &add(&x1[i], &x2[i])))));
        let mu4 = [times4(&ctx, &mu[0]), times4(&ctx, &mu[1])];
        let t4 = mul2(&ctx, &mu4, &sub2(&ctx, &x1, &x3));
        let y3 = [0, 1].map(|i| ctx.canonical(&ctx.half_reduce(&ctx.sub(&t4[i], &y1[i]))));
        let (x0s, x1s, y0s, y1s) = (store(&x3[0]), store(&x3[1]), store(&y3[0]), store(&y3[1]));
        for l in 0..LANES {
            if let Some((k, _)) = adds.get(g * LANES + l) {
                buckets[*k] =
                    Affine::new_unchecked(Fq2::new(x0s[l], x1s[l]), Fq2::new(y0s[l], y1s[l]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::G1Projective;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn batches_equal_arkworks_additions() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: kernel not tested");
            return;
        }
        let mut rng = StdRng::seed_from_u64(1);
        let g = G1Projective::generator();
        for n in [1usize, 7, 8, 9, 64, 203] {
            let mut buckets: Vec<_> = (0..n + 5)
                .map(|_| (g * ark_bn254::Fr::rand(&mut rng)).into_affine())
                .collect();
            let adds: Vec<_> = (0..n)
                .map(|i| (i + 5, (g * ark_bn254::Fr::rand(&mut rng)).into_affine()))
                .collect();
            let want: Vec<_> = buckets
                .iter()
                .enumerate()
                .map(|(k, b)| match adds.iter().find(|(j, _)| *j == k) {
                    Some((_, p)) => (*b + *p).into_affine(),
                    None => *b,
                })
                .collect();
            let mut scratch = Vec::new();
            // SAFETY: checked `available()` above.
            unsafe { add_batch(&mut buckets, &adds, &mut scratch) };
            assert_eq!(buckets, want, "n = {n}");
            assert!(buckets.iter().all(|p| p.is_on_curve()));
        }
    }

    #[test]
    fn g2_batches_equal_arkworks_additions() {
        if !available() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(3);
        let g = ark_bn254::G2Projective::generator();
        for n in [1usize, 8, 9, 100] {
            let mut buckets: Vec<_> = (0..n + 3)
                .map(|_| (g * ark_bn254::Fr::rand(&mut rng)).into_affine())
                .collect();
            let adds: Vec<_> = (0..n)
                .map(|i| (i + 3, (g * ark_bn254::Fr::rand(&mut rng)).into_affine()))
                .collect();
            let want: Vec<_> = buckets
                .iter()
                .enumerate()
                .map(|(k, b)| match adds.iter().find(|(j, _)| *j == k) {
                    Some((_, p)) => (*b + *p).into_affine(),
                    None => *b,
                })
                .collect();
            // SAFETY: checked `available()` above.
            unsafe { add_batch_g2(&mut buckets, &adds, &mut Vec::new()) };
            assert_eq!(buckets, want, "n = {n}");
        }
    }
}
