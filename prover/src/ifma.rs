//! Batched affine additions in G1 on eight lanes with AVX-512 IFMA.
//!
//! The fixed-base MSM ([`crate::msm`]) spends its time adding points into buckets in
//! affine coordinates, in batches that share one inversion. The additions of a batch
//! are independent, so they run here eight at a time in vector registers, with the
//! 52-bit multiply-add instructions (`vpmadd52luq`/`vpmadd52huq`): about six
//! multiplications per addition, each on eight lanes at once.
//!
//! # Representation
//! A [`Vec8`] holds eight `Fq` elements, one per 64-bit lane, as five 52-bit limbs
//! (register `k` holds limb `k` of every lane), in Montgomery form for `R = 2^260` and
//! only partially reduced (below `2p`, or `4p` where noted): a product of `a` and `b`
//! with `a·b < 2^260·p` reduces to below `2p` with no final subtraction.
//!
//! arkworks keeps `x` as the integer `x·2^256 mod p`. The same integer, read with
//! `R = 2^260`, stands for `x/16`; loading and storing is therefore only a repacking
//! of limbs, and the addition formulas are rewritten for coordinates scaled by `1/16`:
//! with `X = x/16`, `Y = y/16` and `μ = λ/4 = (Y₂ − Y₁)/(4·(X₂ − X₁))`,
//!
//! ```text
//!   X₃ = μ² − X₁ − X₂,    Y₃ = 4·μ·(X₁ − X₃) − Y₁,
//! ```
//!
//! which are `x₃/16` and `y₃/16` of the usual `λ` formulas. The tests compare every
//! operation with ark-ff and every batch with arkworks' point addition.

use std::arch::x86_64::*;
use std::sync::OnceLock;

use ark_bn254::{g1, Fq};
use ark_ec::short_weierstrass::Affine;
use ark_ff::{BigInt, BigInteger, Field, PrimeField};

/// Lanes per register.
const LANES: usize = 8;
const MASK52: u64 = (1 << 52) - 1;

/// Eight field elements: register `k` holds limb `k` (52 bits) of every lane.
type Vec8 = [__m512i; 5];
/// One value as five 52-bit limbs.
type Limbs = [u64; 5];

/// `true` when this CPU has AVX-512 F and IFMA (checked once).
pub fn available() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
    })
}

/// The five 52-bit limbs of a 256-bit integer.
fn split(w: &[u64; 4]) -> Limbs {
    [
        w[0] & MASK52,
        ((w[0] >> 52) | (w[1] << 12)) & MASK52,
        ((w[1] >> 40) | (w[2] << 24)) & MASK52,
        ((w[2] >> 28) | (w[3] << 36)) & MASK52,
        w[3] >> 16,
    ]
}

/// The inverse of [`split`] for normalised limbs of a value below `2^256`.
fn join(l: &Limbs) -> [u64; 4] {
    [
        l[0] | (l[1] << 52),
        (l[1] >> 12) | (l[2] << 40),
        (l[2] >> 24) | (l[3] << 28),
        (l[3] >> 36) | (l[4] << 16),
    ]
}

/// `p`, `2p`, and `4p` with every limb but the top one raised by `2^52` (borrowed
/// from the next), so that `4p − b` is limb-wise non-negative for normalised `b < 2^256`.
struct Consts {
    p: Limbs,
    p2: Limbs,
    p4_padded: Limbs,
    /// `−p⁻¹ mod 2^52`.
    p_inv: u64,
}

impl Consts {
    fn get() -> &'static Consts {
        static CELL: OnceLock<Consts> = OnceLock::new();
        CELL.get_or_init(|| {
            let p = Fq::MODULUS;
            let mut p2 = p;
            p2.add_with_carry(&p);
            let mut p4 = p2;
            p4.add_with_carry(&p2);
            let l4 = split(&p4.0);
            let p4_padded = [
                l4[0] + (1 << 52),
                l4[1] + (1 << 52) - 1,
                l4[2] + (1 << 52) - 1,
                l4[3] + (1 << 52) - 1,
                l4[4] - 1,
            ];
            // p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct bits).
            let p0 = p.0[0];
            let mut inv = 1u64;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
            }
            Consts {
                p: split(&p.0),
                p2: split(&p2.0),
                p4_padded,
                p_inv: inv.wrapping_neg() & MASK52,
            }
        })
    }
}

/// Modulus constants in registers.
#[derive(Clone, Copy)]
struct Ctx {
    p: Vec8,
    p2: Limbs,
    p1: Limbs,
    p4_padded: Vec8,
    p_inv: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn splat(c: &Limbs) -> Vec8 {
    c.map(|x| _mm512_set1_epi64(x as i64))
}

/// Carries so that limbs 0..4 are below 2⁵² (the top limb keeps the excess).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn normalise(mut r: Vec8) -> Vec8 {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    for k in 0..4 {
        r[k + 1] = _mm512_add_epi64(r[k + 1], _mm512_srli_epi64::<52>(r[k]));
        r[k] = _mm512_and_si512(r[k], mask);
    }
    r
}

/// `a + b`, normalised (no reduction).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn add(a: &Vec8, b: &Vec8) -> Vec8 {
    normalise(std::array::from_fn(|k| _mm512_add_epi64(a[k], b[k])))
}

/// `r − m` where it is non-negative, else `r` (for normalised `r` and `m`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn sub_if_ge(r: &Vec8, m: &Limbs) -> Vec8 {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let mut d = [_mm512_setzero_si512(); 5];
    let mut borrow = _mm512_setzero_si512();
    for k in 0..5 {
        let x = _mm512_add_epi64(
            _mm512_sub_epi64(r[k], _mm512_set1_epi64(m[k] as i64)),
            borrow,
        );
        borrow = _mm512_srai_epi64::<52>(x);
        d[k] = if k < 4 { _mm512_and_si512(x, mask) } else { x };
    }
    let neg = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
    std::array::from_fn(|k| _mm512_mask_blend_epi64(neg, d[k], r[k]))
}

impl Ctx {
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn new() -> Ctx {
        let c = Consts::get();
        Ctx {
            p: splat(&c.p),
            p2: c.p2,
            p1: c.p,
            p4_padded: splat(&c.p4_padded),
            p_inv: _mm512_set1_epi64(c.p_inv as i64),
        }
    }

    /// `a·b/2^260 mod p`, below `2p` when `a·b < 2^260·p` (e.g. `a < 16p`, `b < 2p`).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        let zero = _mm512_setzero_si512();
        let mut t = [zero; 10];
        for i in 0..5 {
            for j in 0..5 {
                t[i + j] = _mm512_madd52lo_epu64(t[i + j], a[i], b[j]);
                t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a[i], b[j]);
            }
        }
        for i in 0..5 {
            let m = _mm512_madd52lo_epu64(zero, t[i], self.p_inv);
            for j in 0..5 {
                t[i + j] = _mm512_madd52lo_epu64(t[i + j], m, self.p[j]);
                t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], m, self.p[j]);
            }
            t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64::<52>(t[i]));
        }
        normalise([t[5], t[6], t[7], t[8], t[9]])
    }

    /// `a − b` for `a, b < 2p`: below `4p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn sub(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        let t = normalise(std::array::from_fn(|k| {
            _mm512_sub_epi64(_mm512_add_epi64(a[k], self.p4_padded[k]), b[k])
        }));
        // a + 4p − b < 6p: one conditional 2p brings it below 4p.
        sub_if_ge(&t, &self.p2)
    }

    /// Below `2p` for an input below `4p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn half_reduce(&self, a: &Vec8) -> Vec8 {
        sub_if_ge(a, &self.p2)
    }

    /// Canonical (below `p`) for an input below `2p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn canonical(&self, a: &Vec8) -> Vec8 {
        sub_if_ge(a, &self.p1)
    }
}

/// Loads the arkworks representations of eight elements.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn load(xs: [&Fq; LANES]) -> Vec8 {
    let mut limbs = [[0u64; LANES]; 5];
    for (l, x) in xs.iter().enumerate() {
        let s = split(&x.0 .0);
        for k in 0..5 {
            limbs[k][l] = s[k];
        }
    }
    // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned load.
    std::array::from_fn(|k| unsafe { _mm512_loadu_si512(limbs[k].as_ptr().cast()) })
}

/// The eight lanes as arkworks elements (the input must be canonical).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn store(v: &Vec8) -> [Fq; LANES] {
    let mut limbs = [[0u64; LANES]; 5];
    for k in 0..5 {
        // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned store.
        unsafe { _mm512_storeu_si512(limbs[k].as_mut_ptr().cast(), v[k]) };
    }
    std::array::from_fn(|l| Fq::new_unchecked(BigInt(join(&std::array::from_fn(|k| limbs[k][l])))))
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
    let ctx = Ctx::new();
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

/// Bucket `x`, `y` and point `x`, `y` of the additions `8g..8g + 8`; padding lanes
/// add (1, 1) to (0, 1), a non-zero denominator whose result is not used.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn group(
    buckets: &[Affine<g1::Config>],
    adds: &[(usize, Affine<g1::Config>)],
    g: usize,
) -> [Vec8; 4] {
    let (zero, one) = (Fq::from(0u64), Fq::ONE);
    let mut c = [[&zero; LANES], [&one; LANES], [&one; LANES], [&one; LANES]];
    for l in 0..LANES {
        if let Some((k, p)) = adds.get(g * LANES + l) {
            let b = &buckets[*k];
            c[0][l] = &b.x;
            c[1][l] = &b.y;
            c[2][l] = &p.x;
            c[3][l] = &p.y;
        }
    }
    [load(c[0]), load(c[1]), load(c[2]), load(c[3])]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::G1Projective;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn split_and_join_invert() {
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..64 {
            let w = Fq::rand(&mut rng).0 .0;
            assert_eq!(join(&split(&w)), w);
        }
    }

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
    fn field_operations_equal_ark_ff() {
        if !available() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(2);
        let mut edge = vec![Fq::from(0u64), Fq::ONE, -Fq::ONE, Fq::from(2u64)];
        edge.extend((0..12).map(|_| Fq::rand(&mut rng)));
        for a in edge.chunks_exact(LANES) {
            for b in edge.chunks_exact(LANES) {
                let (a8, b8): ([&Fq; LANES], [&Fq; LANES]) = (
                    std::array::from_fn(|l| &a[l]),
                    std::array::from_fn(|l| &b[l]),
                );
                // SAFETY: checked `available()` above.
                unsafe {
                    let ctx = Ctx::new();
                    let (va, vb) = (load(a8), load(b8));
                    let full = |v: &Vec8| store(&ctx.canonical(&ctx.half_reduce(v)));
                    let want_sub: [Fq; LANES] = std::array::from_fn(|l| a[l] - b[l]);
                    assert_eq!(full(&ctx.sub(&va, &vb)), want_sub);
                    // The product of two arkworks integers, read as values/16, is
                    // their arkworks product / 16.
                    let sixteenth = Fq::from(16u64).inverse().unwrap();
                    let want_mul: [Fq; LANES] = std::array::from_fn(|l| a[l] * b[l] * sixteenth);
                    assert_eq!(full(&ctx.mul(&va, &vb)), want_mul);
                }
            }
        }
    }
}
