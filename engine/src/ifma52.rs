//! Arithmetic modulo a 254-bit prime on eight lanes with AVX-512 IFMA (52-bit
//! multiply-add), shared by the census's Poseidon kernel (modulo `r`) and the prover's
//! MSM bucket additions (modulo `q`).
//!
//! # Representation
//! A [`Vec8`] holds eight residues, one per 64-bit lane, as five 52-bit limbs:
//! register `k` holds limb `k` of every lane (`x = Σ xₖ·2^{52k}`). Products are
//! Montgomery products for `R = 2^260`, and values are only *partially* reduced: a
//! product `a·b` with `a·b < 2^260·p` comes out below `2p` with no final subtraction,
//! since `(a·b + m·p)/R < a·b/R + p`. For `p < 2^254` this admits for instance
//! `a, b < 4p` (`16p² < 2^260·p`), or three such products summed before one reduction.
//!
//! # Multiplication
//! `vpmadd52luq`/`vpmadd52huq` add the low/high 52 bits of a 52×52-bit product to a
//! 64-bit accumulator. A product is 25 of each into ten accumulators (each receives at
//! most 30 terms below 2⁵², far from overflowing 64 bits), then a Montgomery reduction
//! word by word: `m = t₀·(−p⁻¹) mod 2^52`, `t += m·p`, carry `t₀ >> 52` into `t₁`, five
//! times.
//!
//! # Safety
//! Every function but [`available`], [`split`], [`join`] and [`Modulus::new`] needs
//! AVX-512 F and IFMA: callers check [`available`] first (calling one elsewhere is
//! undefined behaviour, hence `unsafe` outside functions with those features).
//!
//! The tests compare every operation with ark-ff, for both BN254 fields.
#![allow(clippy::missing_safety_doc)] // one contract for all, stated above

use std::arch::x86_64::*;
use std::sync::OnceLock;

use ark_ff::{BigInt, BigInteger};

/// Lanes per register.
pub const LANES: usize = 8;

/// The low 52 bits.
pub const MASK52: u64 = (1 << 52) - 1;

/// Eight residues: register `k` holds limb `k` (52 bits) of every lane.
pub type Vec8 = [__m512i; 5];

/// One value as its five 52-bit limbs; broadcast to all lanes where it is used.
pub type Limbs = [u64; 5];

/// `true` when this CPU has AVX-512 F and IFMA (checked once).
pub fn available() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
    })
}

/// The five 52-bit limbs of a 256-bit integer.
pub fn split(w: &[u64; 4]) -> Limbs {
    [
        w[0] & MASK52,
        ((w[0] >> 52) | (w[1] << 12)) & MASK52,
        ((w[1] >> 40) | (w[2] << 24)) & MASK52,
        ((w[2] >> 28) | (w[3] << 36)) & MASK52,
        w[3] >> 16,
    ]
}

/// The inverse of [`split`] for normalised limbs of a value below `2^256`.
pub fn join(l: &Limbs) -> [u64; 4] {
    [
        l[0] | (l[1] << 52),
        (l[1] >> 12) | (l[2] << 40),
        (l[2] >> 24) | (l[3] << 28),
        (l[3] >> 36) | (l[4] << 16),
    ]
}

/// A modulus `p < 2^254` and the constants its arithmetic needs.
#[derive(Clone, Copy, Debug)]
pub struct Modulus {
    /// `p`.
    pub p: Limbs,
    /// `2p`.
    pub p2: Limbs,
    /// `4p` with every limb but the top one raised by `2^52` (borrowed from the next),
    /// so that `4p − b` is limb-wise non-negative for any normalised `b ≤ 4p`.
    pub p4_padded: Limbs,
    /// `−p⁻¹ mod 2^52`.
    pub p_inv: u64,
}

impl Modulus {
    /// The constants for `p` (odd, below `2^254`).
    pub fn new(p: BigInt<4>) -> Self {
        let mut p2 = p;
        p2.add_with_carry(&p);
        let mut p4 = p2;
        p4.add_with_carry(&p2);
        let l4 = split(&p4.0);
        // p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct bits).
        let p0 = p.0[0];
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        }
        Modulus {
            p: split(&p.0),
            p2: split(&p2.0),
            p4_padded: [
                l4[0] + (1 << 52),
                l4[1] + (1 << 52) - 1,
                l4[2] + (1 << 52) - 1,
                l4[3] + (1 << 52) - 1,
                l4[4] - 1,
            ],
            p_inv: inv.wrapping_neg() & MASK52,
        }
    }
}

/// Broadcasts a constant to all lanes.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn splat(c: &Limbs) -> Vec8 {
    c.map(|x| _mm512_set1_epi64(x as i64))
}

/// Carries so that limbs 0..4 are below 2⁵² (the top limb keeps the excess).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn normalise(mut r: Vec8) -> Vec8 {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    for k in 0..4 {
        r[k + 1] = _mm512_add_epi64(r[k + 1], _mm512_srli_epi64::<52>(r[k]));
        r[k] = _mm512_and_si512(r[k], mask);
    }
    r
}

/// `a + b`, normalised, not reduced.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn add(a: &Vec8, b: &Vec8) -> Vec8 {
    normalise(std::array::from_fn(|k| _mm512_add_epi64(a[k], b[k])))
}

/// `r − m` where it is non-negative, else `r` (for normalised `r` and `m`).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn sub_if_ge(r: &Vec8, m: &Limbs) -> Vec8 {
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
    // Negative top limb: r < m, keep r.
    let neg = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
    std::array::from_fn(|k| _mm512_mask_blend_epi64(neg, d[k], r[k]))
}

/// Accumulates the 104-bit limb products of `a·b` into `t` (unreduced).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn mul_acc(t: &mut [__m512i; 10], a: &Vec8, b: &Vec8) {
    for i in 0..5 {
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a[i], b[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a[i], b[j]);
        }
    }
}

/// Loads eight 256-bit integers (lanes in order) as they are, limbs repacked.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn load_raw(xs: [&[u64; 4]; LANES]) -> Vec8 {
    let mut limbs = [[0u64; LANES]; 5];
    for (l, x) in xs.iter().enumerate() {
        let s = split(x);
        for k in 0..5 {
            limbs[k][l] = s[k];
        }
    }
    // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned load.
    std::array::from_fn(|k| unsafe { _mm512_loadu_si512(limbs[k].as_ptr().cast()) })
}

/// The eight lanes as 256-bit integers (the lanes must be normalised and below 2^256).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
pub fn store_raw(v: &Vec8) -> [[u64; 4]; LANES] {
    let mut limbs = [[0u64; LANES]; 5];
    for k in 0..5 {
        // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned store.
        unsafe { _mm512_storeu_si512(limbs[k].as_mut_ptr().cast(), v[k]) };
    }
    std::array::from_fn(|l| join(&std::array::from_fn(|k| limbs[k][l])))
}

/// A modulus's constants in registers.
#[derive(Clone, Copy)]
pub struct Ctx {
    p: Vec8,
    p1: Limbs,
    p2: Limbs,
    p4_padded: Vec8,
    p_inv: __m512i,
}

impl Ctx {
    /// Loads `m`'s constants.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn new(m: &Modulus) -> Ctx {
        Ctx {
            p: splat(&m.p),
            p1: m.p,
            p2: m.p2,
            p4_padded: splat(&m.p4_padded),
            p_inv: _mm512_set1_epi64(m.p_inv as i64),
        }
    }

    /// Montgomery reduction of ten accumulators: `t/2^260 mod p`, below `2p` when
    /// `t < 2^260·p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn reduce(&self, mut t: [__m512i; 10]) -> Vec8 {
        let zero = _mm512_setzero_si512();
        for i in 0..5 {
            let m = _mm512_madd52lo_epu64(zero, t[i], self.p_inv);
            for j in 0..5 {
                t[i + j] = _mm512_madd52lo_epu64(t[i + j], m, self.p[j]);
                t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], m, self.p[j]);
            }
            // The low 52 bits of t[i] are now zero.
            t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64::<52>(t[i]));
        }
        normalise([t[5], t[6], t[7], t[8], t[9]])
    }

    /// `a·b/2^260 mod p`, below `2p` when `a·b < 2^260·p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn mul(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        let mut t = [_mm512_setzero_si512(); 10];
        mul_acc(&mut t, a, b);
        self.reduce(t)
    }

    /// `a²/2^260 mod p`: the ten cross products once, doubled, plus the squares.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn square(&self, a: &Vec8) -> Vec8 {
        let mut t = [_mm512_setzero_si512(); 10];
        for i in 0..5 {
            for j in i + 1..5 {
                t[i + j] = _mm512_madd52lo_epu64(t[i + j], a[i], a[j]);
                t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a[i], a[j]);
            }
        }
        for x in t.iter_mut() {
            *x = _mm512_add_epi64(*x, *x);
        }
        for i in 0..5 {
            t[2 * i] = _mm512_madd52lo_epu64(t[2 * i], a[i], a[i]);
            t[2 * i + 1] = _mm512_madd52hi_epu64(t[2 * i + 1], a[i], a[i]);
        }
        self.reduce(t)
    }

    /// `Σ aᵢ·bᵢ` with one reduction (at most three terms of values below `4p`).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn dot<const N: usize>(&self, a: [&Vec8; N], b: [&Vec8; N]) -> Vec8 {
        debug_assert!(N <= 3);
        let mut t = [_mm512_setzero_si512(); 10];
        for i in 0..N {
            mul_acc(&mut t, a[i], b[i]);
        }
        self.reduce(t)
    }

    /// `a + b`, below `2p` again for inputs below `2p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn add_mod(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        sub_if_ge(&add(a, b), &self.p2)
    }

    /// `a − b` below `4p`, for `a < 2p` and normalised `b ≤ 4p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn sub(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        let t = normalise(std::array::from_fn(|k| {
            _mm512_sub_epi64(_mm512_add_epi64(a[k], self.p4_padded[k]), b[k])
        }));
        // a + 4p − b < 6p: one conditional 2p brings it below 4p.
        sub_if_ge(&t, &self.p2)
    }

    /// Below `2p` for an input below `4p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn half_reduce(&self, a: &Vec8) -> Vec8 {
        sub_if_ge(a, &self.p2)
    }

    /// Canonical (below `p`) for an input below `2p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub fn canonical(&self, a: &Vec8) -> Vec8 {
        sub_if_ge(a, &self.p1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{PrimeField, UniformRand};
    use rand::SeedableRng;

    #[test]
    fn split_and_join_invert() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        for _ in 0..64 {
            let w = ark_bn254::Fq::rand(&mut rng).0 .0;
            assert_eq!(join(&split(&w)), w);
        }
        let p = ark_bn254::Fr::MODULUS.0;
        assert_eq!(join(&split(&p)), p);
        assert!(split(&p).iter().all(|l| *l <= MASK52));
    }

    /// Every operation on eight lanes against ark-ff: a value whose arkworks integer
    /// is `x·2^256` stands here for `x/16`, so a product of two is `a·b/16`.
    fn check_field<F: PrimeField<BigInt = BigInt<4>>>() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: not tested");
            return;
        }
        let m = Modulus::new(F::MODULUS);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2);
        let mut vals = vec![F::zero(), F::ONE, -F::ONE, F::from(2u64), -F::from(2u64)];
        vals.extend((0..27).map(|_| F::rand(&mut rng)));
        let sixteenth = F::from(16u64).inverse().unwrap();
        for a in vals.chunks_exact(LANES) {
            for b in vals.chunks_exact(LANES) {
                let ints = |v: &[F]| -> [[u64; 4]; LANES] {
                    std::array::from_fn(|l| {
                        // The Montgomery integer arkworks stores.
                        let mut w = [0u64; 4];
                        w.copy_from_slice(&montgomery_limbs(&v[l]));
                        w
                    })
                };
                let (ia, ib) = (ints(a), ints(b));
                let back = |v: [[u64; 4]; LANES]| -> Vec<F> {
                    v.iter().map(|w| from_montgomery_limbs::<F>(w)).collect()
                };
                // SAFETY: checked `available()` above.
                unsafe {
                    let ctx = Ctx::new(&m);
                    let va = load_raw(std::array::from_fn(|l| &ia[l]));
                    let vb = load_raw(std::array::from_fn(|l| &ib[l]));
                    let full = |v: &Vec8| back(store_raw(&ctx.canonical(&ctx.half_reduce(v))));
                    let want = |f: &dyn Fn(F, F) -> F| -> Vec<F> {
                        (0..LANES).map(|l| f(a[l], b[l])).collect()
                    };
                    assert_eq!(back(store_raw(&va)), a.to_vec());
                    assert_eq!(full(&ctx.mul(&va, &vb)), want(&|x, y| x * y * sixteenth));
                    assert_eq!(full(&ctx.square(&va)), want(&|x, _| x * x * sixteenth));
                    assert_eq!(full(&ctx.add_mod(&va, &vb)), want(&|x, y| x + y));
                    assert_eq!(full(&ctx.sub(&va, &vb)), want(&|x, y| x - y));
                    assert_eq!(
                        full(&ctx.mul(&add(&va, &vb), &add(&vb, &va))),
                        want(&|x, y| (x + y).square() * sixteenth)
                    );
                    assert_eq!(
                        full(&ctx.dot([&va, &vb, &va], [&vb, &vb, &va])),
                        want(&|x, y| (x * y + y * y + x * x) * sixteenth)
                    );
                }
            }
        }
    }

    /// arkworks' internal (Montgomery) limbs of `x`: `x·2^256 mod p`.
    fn montgomery_limbs<F: PrimeField<BigInt = BigInt<4>>>(x: &F) -> [u64; 4] {
        let r = F::from(2u64).pow([256]);
        (*x * r).into_bigint().0
    }

    fn from_montgomery_limbs<F: PrimeField<BigInt = BigInt<4>>>(w: &[u64; 4]) -> F {
        let r_inv = F::from(2u64).pow([256]).inverse().unwrap();
        F::from_bigint(BigInt(*w)).unwrap() * r_inv
    }

    #[test]
    fn arithmetic_equals_ark_ff_for_both_fields() {
        check_field::<ark_bn254::Fr>();
        check_field::<ark_bn254::Fq>();
    }
}
