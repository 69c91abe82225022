//! `Fq2` and `Fq12` arithmetic of the Miller loop, specialised for BN254.
//!
//! The loop of [`crate::pairing::multi_miller_loop_normalized`] spends most of its time
//! multiplying the accumulator `f ∈ Fq12` by normalised lines. `ark_ff`'s generic
//! extension fields build that product from full `Fq2` multiplications, each reducing
//! every `Fq` product, and add and subtract with data-dependent branches. Here:
//!
//! - [`mul_by_normalized_line`] computes the six `Fq2` coefficients of `f·L·w` as sums of
//!   two `Fq2` products accumulated as 512-bit integers and reduced once (lazy reduction):
//!   36 integer products and 12 Montgomery reductions instead of 30 Montgomery
//!   multiplications;
//! - [`mul`] is Karatsuba's three integer products with two reductions, [`square`] two
//!   `Fq` products, both inlined;
//! - additions and subtractions are branch-free (select by mask): on the random-looking
//!   values of the loop the processor cannot predict ark-ff's branches.
//!
//! Every function equals its `ark_ff` twin (tested, also on the largest limb values).
//!
//! `Fq2 = Fq[u]/(u² + 1)`, `Fq6 = Fq2[v]/(v³ − ξ)` with `ξ = 9 + u`, and
//! `Fq12 = Fq6[w]/(w² − v)`. Elements are in Montgomery form, limbs in `[0, p)`.

use ark_bn254::{Fq, Fq12, Fq2, FqConfig};
use ark_ff::{BigInt, MontConfig, PrimeField};

/// An `Fq` element's Montgomery-form limbs, least significant first.
type Limbs = [u64; 4];

/// The modulus `p` (below `2^254`).
const P: Limbs = <Fq as PrimeField>::MODULUS.0;

/// `a − b` on 256-bit integers, and the borrow (0 or 1).
#[inline(always)]
fn sub_limbs(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut r = [0u64; 4];
    let mut borrow = 0u64;
    for i in 0..4 {
        let t = (a[i] as u128).wrapping_sub(b[i] as u128 + borrow as u128);
        r[i] = t as u64;
        borrow = (t >> 127) as u64;
    }
    (r, borrow)
}

/// `a + b` on 256-bit integers (no carry out: both are below `2^255` here).
#[inline(always)]
fn add_limbs(a: &Limbs, b: &Limbs) -> Limbs {
    let mut r = [0u64; 4];
    let mut carry = 0u64;
    for i in 0..4 {
        let t = a[i] as u128 + b[i] as u128 + carry as u128;
        r[i] = t as u64;
        carry = (t >> 64) as u64;
    }
    r
}

/// `mask ? a : b` for `mask` all ones or all zeros.
#[inline(always)]
fn select(mask: u64, a: &Limbs, b: &Limbs) -> Limbs {
    [
        (a[0] & mask) | (b[0] & !mask),
        (a[1] & mask) | (b[1] & !mask),
        (a[2] & mask) | (b[2] & !mask),
        (a[3] & mask) | (b[3] & !mask),
    ]
}

/// `a + b` in `Fq` without a data-dependent branch (`ark_ff`'s addition and subtraction
/// branch on their operands, which the processor mispredicts half of the time on the
/// random-looking values of the Miller loop).
#[inline(always)]
pub(crate) fn add_fq(a: &Fq, b: &Fq) -> Fq {
    let s = add_limbs(&a.0 .0, &b.0 .0);
    let (d, borrow) = sub_limbs(&s, &P);
    Fq::new_unchecked(BigInt::new(select(0u64.wrapping_sub(borrow), &s, &d)))
}

/// `a − b` in `Fq` without a data-dependent branch.
#[inline(always)]
pub(crate) fn sub_fq(a: &Fq, b: &Fq) -> Fq {
    let (d, borrow) = sub_limbs(&a.0 .0, &b.0 .0);
    let m = 0u64.wrapping_sub(borrow);
    let p = [P[0] & m, P[1] & m, P[2] & m, P[3] & m];
    Fq::new_unchecked(BigInt::new(add_limbs(&d, &p)))
}

/// `a + b` in `Fq2`.
#[inline(always)]
pub(crate) fn add(a: &Fq2, b: &Fq2) -> Fq2 {
    Fq2::new(add_fq(&a.c0, &b.c0), add_fq(&a.c1, &b.c1))
}

/// `a − b` in `Fq2`.
#[inline(always)]
pub(crate) fn sub(a: &Fq2, b: &Fq2) -> Fq2 {
    Fq2::new(sub_fq(&a.c0, &b.c0), sub_fq(&a.c1, &b.c1))
}

/// `2a` in `Fq2`.
#[inline(always)]
pub(crate) fn double(a: &Fq2) -> Fq2 {
    add(a, a)
}

/// `a·b` in `Fq2`: Karatsuba's three products of 256-bit integers, `(a0·b0 − a1·b1) +
/// ((a0 + a1)(b0 + b1) − a0·b0 − a1·b1)·u`, and two Montgomery reductions (the real part
/// offset by `2p²` to stay non-negative; both parts below `4p² < p·2^256`).
#[inline(always)]
pub(crate) fn mul(a: &Fq2, b: &Fq2) -> Fq2 {
    let (a, b) = (Kara::new(a), Kara::new(b));
    let v0 = mul_wide(&a.x0, &b.x0);
    let v1 = mul_wide(&a.x1, &b.x1);
    let s = mul_wide(&a.sum, &b.sum);
    let re = sub_wide(&add_wide(&v0, &TWO_P_SQUARED), &v1);
    let im = sub_wide(&s, &add_wide(&v0, &v1));
    Fq2::new(redc(&re), redc(&im))
}

/// `a²` in `Fq2`: `(a0 + a1)(a0 − a1) + 2·a0·a1·u`, two `Fq` products.
#[inline(always)]
pub(crate) fn square(a: &Fq2) -> Fq2 {
    let c0 = add_fq(&a.c0, &a.c1) * sub_fq(&a.c0, &a.c1);
    let c1 = a.c0 * a.c1;
    Fq2::new(c0, add_fq(&c1, &c1))
}

/// `ξ·a = (9·a0 − a1) + (9·a1 + a0)·u` (additions only).
#[inline(always)]
fn mul_by_xi(a: Fq2) -> Fq2 {
    let a2 = double(&a);
    let a4 = double(&a2);
    let a8 = double(&a4);
    let a9 = add(&a8, &a);
    Fq2::new(sub_fq(&a9.c0, &a.c1), add_fq(&a9.c1, &a.c0))
}

/// A 512-bit integer, least significant limb first.
type Wide = [u64; 8];

/// `a·b` as a 512-bit integer (no reduction).
#[inline(always)]
fn mul_wide(a: &Limbs, b: &Limbs) -> Wide {
    let mut t = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u64;
        for j in 0..4 {
            let x = t[i + j] as u128 + (a[i] as u128) * (b[j] as u128) + carry as u128;
            t[i + j] = x as u64;
            carry = (x >> 64) as u64;
        }
        t[i + 4] = carry;
    }
    t
}

/// `a + b` on 512-bit integers (no carry out: the sums below stay under `2^512`).
#[inline(always)]
fn add_wide(a: &Wide, b: &Wide) -> Wide {
    let mut r = [0u64; 8];
    let mut carry = 0u64;
    for i in 0..8 {
        let x = a[i] as u128 + b[i] as u128 + carry as u128;
        r[i] = x as u64;
        carry = (x >> 64) as u64;
    }
    r
}

/// `a − b` on 512-bit integers, for `a ≥ b`.
#[inline(always)]
fn sub_wide(a: &Wide, b: &Wide) -> Wide {
    let mut r = [0u64; 8];
    let mut borrow = 0u64;
    for i in 0..8 {
        let x = (a[i] as u128).wrapping_sub(b[i] as u128 + borrow as u128);
        r[i] = x as u64;
        borrow = (x >> 127) as u64;
    }
    r
}

/// `−p⁻¹ mod 2^64`.
const INV: u64 = <FqConfig as MontConfig<4>>::INV;

/// Montgomery reduction: `t·2^-256 mod p`, fully reduced, for `t < p·2^256`.
///
/// Adds `k_i·p·2^(64i)` for `i = 0..4` so that the low 256 bits vanish; the high half is
/// then below `(t + 2^256·p)/2^256 < 2p`, and one conditional subtraction ends in `[0, p)`.
#[inline(always)]
fn redc(t: &Wide) -> Fq {
    let mut t = *t;
    let mut hi = 0u64;
    for i in 0..4 {
        let k = t[i].wrapping_mul(INV);
        let mut carry = 0u64;
        for j in 0..4 {
            let x = t[i + j] as u128 + (k as u128) * (P[j] as u128) + carry as u128;
            t[i + j] = x as u64;
            carry = (x >> 64) as u64;
        }
        let x = t[i + 4] as u128 + carry as u128 + hi as u128;
        t[i + 4] = x as u64;
        hi = (x >> 64) as u64;
    }
    let r = [t[4], t[5], t[6], t[7]];
    let (d, borrow) = sub_limbs(&r, &P);
    Fq::new_unchecked(BigInt::new(select(0u64.wrapping_sub(borrow), &r, &d)))
}

/// `2p²`, which keeps the real part of a lazy sum of products non-negative.
const TWO_P_SQUARED: Wide = two_p_squared();

const fn two_p_squared() -> Wide {
    let mut t = [0u64; 8];
    let mut i = 0;
    while i < 4 {
        let mut carry = 0u64;
        let mut j = 0;
        while j < 4 {
            let x = t[i + j] as u128 + (P[i] as u128) * (P[j] as u128) + carry as u128;
            t[i + j] = x as u64;
            carry = (x >> 64) as u64;
            j += 1;
        }
        t[i + 4] = carry;
        i += 1;
    }
    // Double (p² < 2^508, no carry out).
    let mut r = [0u64; 8];
    let mut k = 7;
    while k > 0 {
        r[k] = (t[k] << 1) | (t[k - 1] >> 63);
        k -= 1;
    }
    r[0] = t[0] << 1;
    r
}

/// An `Fq2` element `x0 + x1·u` as limbs, with `x0 + x1` (not reduced, below `2p`) for
/// Karatsuba.
#[derive(Clone, Copy)]
struct Kara {
    x0: Limbs,
    x1: Limbs,
    sum: Limbs,
}

impl Kara {
    #[inline(always)]
    fn new(x: &Fq2) -> Self {
        let x0 = x.c0.0 .0;
        let x1 = x.c1.0 .0;
        Kara {
            x0,
            x1,
            sum: add_limbs(&x0, &x1),
        }
    }
}

/// `a·b + c·d` in `Fq2` with two Montgomery reductions instead of six (lazy reduction):
/// with `A = a0·b0 + c0·d0`, `B = a1·b1 + c1·d1` and `C = (a0 + a1)(b0 + b1) + (c0 + c1)(d0 + d1)`
/// as 512-bit integers, the result is `(A − B) + (C − A − B)·u`. Every operand is below
/// `p` (sums below `2p`), so `0 ≤ C − A − B = a0·b1 + a1·b0 + c0·d1 + c1·d0 < 4p²` and
/// `0 < A − B + 2p² < 4p²`, both below `p·2^256` (`p < 2^254`) as [`redc`] requires.
#[inline(always)]
fn sum_of_two_products(a: &Kara, b: &Kara, c: &Kara, d: &Kara) -> Fq2 {
    let aa = add_wide(&mul_wide(&a.x0, &b.x0), &mul_wide(&c.x0, &d.x0));
    let bb = add_wide(&mul_wide(&a.x1, &b.x1), &mul_wide(&c.x1, &d.x1));
    let cc = add_wide(&mul_wide(&a.sum, &b.sum), &mul_wide(&c.sum, &d.sum));
    let re = sub_wide(&add_wide(&aa, &TWO_P_SQUARED), &bb);
    let im = sub_wide(&cc, &add_wide(&aa, &bb));
    Fq2::new(redc(&re), redc(&im))
}

/// `f ← f·(1 + (c3 + c4·v)·w)`, a line normalised so that its constant coefficient is 1.
///
/// With `f = (a0 + a1·v + a2·v²) + (b0 + b1·v + b2·v²)·w` and `L = c3 + c4·v`,
/// `f·(1 + L·w) = (f0 + v·f1·L) + (f1 + f0·L)·w` (as `w² = v`, `v³ = ξ`):
///
/// ```text
/// a0 += b2·ξc3 + b1·ξc4      b0 += a0·c3 + a2·ξc4
/// a1 += b0·c3  + b2·ξc4      b1 += a1·c3 + a0·c4
/// a2 += b1·c3  + b0·c4       b2 += a2·c3 + a1·c4
/// ```
///
/// six sums of two `Fq2` products, each with Karatsuba's three `Fq` products per `Fq2`
/// product and two reductions ([`sum_of_two_products`]): 36 products of 256-bit integers
/// and 12 Montgomery reductions, where ten `Fq2` multiplications would take 30 Montgomery
/// multiplications (each a product and a reduction). `ark_ff`'s `mul_by_034` with
/// `c0 = 1` would take thirteen `Fq2` multiplications.
#[inline(always)]
pub(crate) fn mul_by_normalized_line(f: &mut Fq12, c3: &Fq2, c4: &Fq2) {
    let l3 = Kara::new(c3);
    let l4 = Kara::new(c4);
    let l3x = Kara::new(&mul_by_xi(*c3));
    let l4x = Kara::new(&mul_by_xi(*c4));
    let [a0, a1, a2] = [&f.c0.c0, &f.c0.c1, &f.c0.c2].map(Kara::new);
    let [b0, b1, b2] = [&f.c1.c0, &f.c1.c1, &f.c1.c2].map(Kara::new);
    f.c0.c0 = add(&f.c0.c0, &sum_of_two_products(&b2, &l3x, &b1, &l4x));
    f.c0.c1 = add(&f.c0.c1, &sum_of_two_products(&b0, &l3, &b2, &l4x));
    f.c0.c2 = add(&f.c0.c2, &sum_of_two_products(&b1, &l3, &b0, &l4));
    f.c1.c0 = add(&f.c1.c0, &sum_of_two_products(&a0, &l3, &a2, &l4x));
    f.c1.c1 = add(&f.c1.c1, &sum_of_two_products(&a1, &l3, &a0, &l4));
    f.c1.c2 = add(&f.c1.c2, &sum_of_two_products(&a2, &l3, &a1, &l4));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fq6, Fq6Config};
    use ark_ff::fields::Fp6Config;
    use ark_ff::{AdditiveGroup, Field, One, UniformRand, Zero};
    use rand::SeedableRng;

    /// Random elements, plus the edge cases 0, 1, −1, −3, elements with a zero half, and the
    /// element whose limbs are those of `p − 1`.
    fn samples(rng: &mut impl rand::Rng) -> Vec<Fq2> {
        let mut v: Vec<Fq2> = (0..40).map(|_| Fq2::rand(rng)).collect();
        v.extend([Fq2::zero(), Fq2::one(), -Fq2::one()]);
        v.push(Fq2::new(Fq2::rand(rng).c0, Default::default()));
        v.push(Fq2::new(Default::default(), Fq2::rand(rng).c1));
        // The largest limbs (`p − 1` as an integer), which maximise the lazy sums.
        let top = Fq::new_unchecked(BigInt::new([P[0] - 1, P[1], P[2], P[3]]));
        v.extend([
            Fq2::new(top, top),
            Fq2::new(top, Fq::zero()),
            -Fq2::one() - Fq2::one().double(),
        ]);
        v
    }

    #[test]
    fn fq2_products_match_ark_ff() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let v = samples(&mut rng);
        for a in &v {
            assert_eq!(square(a), a.square());
            assert_eq!(mul_by_xi(*a), *a * Fq6Config::NONRESIDUE);
            assert_eq!(double(a), a.double());
            for b in &v {
                assert_eq!(mul(a, b), *a * b);
                assert_eq!(add(a, b), *a + b);
                assert_eq!(sub(a, b), *a - b);
            }
        }
    }

    /// The constants against an independent computation.
    #[test]
    fn constants() {
        let p = num_bigint::BigUint::from(<Fq as PrimeField>::MODULUS);
        let mut want = [0u64; 8];
        for (w, d) in want.iter_mut().zip((&p * &p * 2u32).to_u64_digits()) {
            *w = d;
        }
        assert_eq!(TWO_P_SQUARED, want);
        assert_eq!(P[0].wrapping_mul(INV), u64::MAX);
        // `redc(x·2^256) = x` and `redc(1)` is `1/2^256`, that is `Fq::from(1)`'s limbs
        // give back 1 when reduced once more.
        let x = Fq::from(123_456_789u64);
        let mut wide = [0u64; 8];
        wide[4..].copy_from_slice(&x.0 .0);
        assert_eq!(redc(&wide), x);
    }

    #[test]
    fn sparse_products_match_ark_ff() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(12);
        let v = samples(&mut rng);
        for (i, c3) in v.iter().enumerate() {
            let c4 = &v[(i * 7 + 3) % v.len()];
            let (a, b) = (&v[(i * 3 + 1) % v.len()], &v[(i * 5 + 2) % v.len()]);
            assert_eq!(
                sum_of_two_products(&Kara::new(c3), &Kara::new(c4), &Kara::new(a), &Kara::new(b)),
                *c3 * c4 + *a * b
            );

            let f = if i == 0 {
                Fq12::one()
            } else {
                Fq12::rand(&mut rng)
            };
            let mut want = f;
            want.mul_by_034(&Fq2::one(), c3, c4);
            let mut got = f;
            mul_by_normalized_line(&mut got, c3, c4);
            assert_eq!(got, want);
            // The same line as a dense `Fq12`: `1 + c3·w + c4·v·w`.
            let line = Fq12::new(Fq6::one(), Fq6::new(*c3, *c4, Fq2::zero()));
            assert_eq!(got, f * line);
        }
    }
}
