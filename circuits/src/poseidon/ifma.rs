//! Poseidon(2) on eight states at once with AVX-512 IFMA (52-bit multiply-add).
//!
//! # Representation
//! A [`Vec8`] holds eight field elements, one per 64-bit lane, as five 52-bit limbs:
//! register `k` holds limb `k` of every lane (`x = Σ xₖ·2^{52k}`). Elements are kept in
//! Montgomery form for `R = 2^260` (`x` is stored as `x·2^260 mod p`), and only
//! *partially* reduced: every value in a register is below `2p`. This needs no final
//! subtraction in the multiplication: for inputs `a, b < 4p`,
//! `(a·b + m·p) / R < 16p²/R + p < 2p` because `R > 2^8·p` (`p < 2^254`). A sum of
//! three products, as in an MDS row, stays below `2p` too (`3·4p²/R + p < 2p`).
//!
//! # Multiplication
//! `vpmadd52luq`/`vpmadd52huq` add the low/high 52 bits of a 52×52-bit product to a
//! 64-bit accumulator. A product is 25 of each into ten accumulators (each receives at
//! most 30 terms below 2⁵², far from overflowing 64 bits), then a Montgomery reduction
//! word by word: `m = t₀·(−p⁻¹) mod 2^52`, `t += m·p`, carry `t₀ >> 52` into `t₁`, five
//! times. A dot product of three terms accumulates the three products and reduces once.
//!
//! Eight independent hashes run in the lanes, the same instruction stream for all, so
//! this is the census build's kernel; [`super::hash2_pairs`] uses it when the CPU has
//! AVX-512 F and IFMA (checked at run time) and the scalar [`super::Width3`] otherwise.
//! The tests compare every operation with ark-ff and every hash with the textbook
//! permutation.

use std::arch::x86_64::*;
use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::{BigInt, BigInteger, Field, PrimeField};

use super::{Width3, FULL_ROUNDS};

/// Lanes per register.
pub(super) const LANES: usize = 8;

const MASK52: u64 = (1 << 52) - 1;

/// Eight field elements: register `k` holds limb `k` (52 bits) of every lane.
pub(super) type Vec8 = [__m512i; 5];

/// One constant, as its five 52-bit limbs (Montgomery form for `R = 2^260`); broadcast
/// to all lanes where it is used.
type Limbs = [u64; 5];

/// `true` when this CPU runs the IFMA kernel (AVX-512 F and IFMA), checked once.
pub(super) fn available() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
    })
}

/// The modulus, the constants of the conversions and the width-3 Poseidon constants,
/// all as 52-bit limbs.
struct Consts {
    p: Limbs,
    p2: Limbs,
    /// `−p⁻¹ mod 2^52`.
    p_inv: u64,
    /// `2^264 mod p`: multiplying ark's `x·2^256` by it gives `x·2^260`.
    to_rep: Limbs,
    /// `2^256 mod p`: multiplying `x·2^260` by it gives ark's `x·2^256`.
    from_rep: Limbs,
    ark_head: [[Limbs; 3]; FULL_ROUNDS / 2],
    mds: [[Limbs; 3]; 3],
    partial_c0: Vec<Limbs>,
    sparse_row: Vec<[Limbs; 3]>,
    sparse_col: Vec<[Limbs; 2]>,
    final_q: [[Limbs; 2]; 2],
    ark_tail: [[Limbs; 3]; FULL_ROUNDS / 2],
    first_sbox0: Limbs,
}

/// The five 52-bit limbs of a 256-bit integer below `2^260`.
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

impl Consts {
    fn get() -> &'static Consts {
        static CELL: OnceLock<Consts> = OnceLock::new();
        CELL.get_or_init(|| {
            let two = Fr::from(2u64);
            let pow2 = |e: u64| split(&two.pow([e]).into_bigint().0);
            let r260 = two.pow([260]);
            // `x·2^260 mod p`, canonical.
            let rep = |x: &Fr| split(&(*x * r260).into_bigint().0);
            let rep3 = |r: &[Fr; 3]| [rep(&r[0]), rep(&r[1]), rep(&r[2])];
            let p_big = Fr::MODULUS;
            let mut p2_big = p_big;
            p2_big.add_with_carry(&p_big);
            // p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct bits).
            let p0 = p_big.0[0];
            let mut inv = 1u64;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
            }
            debug_assert_eq!(p0.wrapping_mul(inv), 1);
            let w = Width3::get();
            Consts {
                p: split(&p_big.0),
                p2: split(&p2_big.0),
                p_inv: inv.wrapping_neg() & MASK52,
                to_rep: pow2(264),
                from_rep: pow2(256),
                ark_head: std::array::from_fn(|r| rep3(&w.ark_head[r])),
                mds: std::array::from_fn(|i| rep3(&w.mds[i])),
                partial_c0: w.partial_c0.iter().map(rep).collect(),
                sparse_row: w.sparse_row.iter().map(rep3).collect(),
                sparse_col: w
                    .sparse_col
                    .iter()
                    .map(|c| [rep(&c[0]), rep(&c[1])])
                    .collect(),
                final_q: std::array::from_fn(|i| [rep(&w.final_q[i][0]), rep(&w.final_q[i][1])]),
                ark_tail: std::array::from_fn(|r| rep3(&w.ark_tail[r])),
                first_sbox0: rep(&w.first_sbox0),
            }
        })
    }
}

// ---------------------------------------------------------------------------------
// Vector arithmetic. Every function needs AVX-512 F and IFMA; callers check
// [`available`] first.
// ---------------------------------------------------------------------------------

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

/// `a + b` limb by limb, normalised: below `4p` for inputs below `2p`, which a
/// multiplication accepts; use [`Ctx::add_mod`] where the sum is not multiplied next.
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
    // Negative top limb: r < m, keep r.
    let neg = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
    std::array::from_fn(|k| _mm512_mask_blend_epi64(neg, d[k], r[k]))
}

/// Accumulates the 104-bit limb products of `a·b` into `t` (unreduced).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul_acc(t: &mut [__m512i; 10], a: &Vec8, b: &Vec8) {
    for i in 0..5 {
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a[i], b[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a[i], b[j]);
        }
    }
}

/// Montgomery reduction of ten accumulators: `t / 2^260 mod p`, below `2p` when
/// `t < 2^260·p` (true for up to three products of values below `4p`... see module doc).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn reduce(mut t: [__m512i; 10], p: &Vec8, p_inv: __m512i) -> Vec8 {
    let zero = _mm512_setzero_si512();
    for i in 0..5 {
        let m = _mm512_madd52lo_epu64(zero, t[i], p_inv);
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], m, p[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], m, p[j]);
        }
        // The low 52 bits of t[i] are now zero.
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64::<52>(t[i]));
    }
    normalise([t[5], t[6], t[7], t[8], t[9]])
}

/// Modulus and `−p⁻¹` in registers, loaded once per permutation.
#[derive(Clone, Copy)]
struct Ctx {
    p: Vec8,
    p2: Limbs,
    p_inv: __m512i,
}

impl Ctx {
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn new(c: &Consts) -> Ctx {
        Ctx {
            p: splat(&c.p),
            p2: c.p2,
            p_inv: _mm512_set1_epi64(c.p_inv as i64),
        }
    }

    /// `a·b` (Montgomery).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        let mut t = [_mm512_setzero_si512(); 10];
        mul_acc(&mut t, a, b);
        reduce(t, &self.p, self.p_inv)
    }

    /// `a²` (Montgomery): the ten cross products once, doubled, plus the squares.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn square(&self, a: &Vec8) -> Vec8 {
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
        reduce(t, &self.p, self.p_inv)
    }

    /// `Σ aᵢ·bᵢ` over the given terms, one reduction (at most three terms).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn dot<const N: usize>(&self, a: [&Vec8; N], b: [&Vec8; N]) -> Vec8 {
        debug_assert!(N <= 3);
        let mut t = [_mm512_setzero_si512(); 10];
        for i in 0..N {
            mul_acc(&mut t, a[i], b[i]);
        }
        reduce(t, &self.p, self.p_inv)
    }

    /// `a + b`, below `2p` again for inputs below `2p`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn add_mod(&self, a: &Vec8, b: &Vec8) -> Vec8 {
        sub_if_ge(&add(a, b), &self.p2)
    }

    /// `x⁵` as square, square, multiply.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn pow5(&self, x: &Vec8) -> Vec8 {
        let x2 = self.square(x);
        let x4 = self.square(&x2);
        self.mul(&x4, x)
    }
}

/// Loads eight ark-ff elements (lanes in order) into the representation above.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn load(xs: &[Fr; LANES], ctx: &Ctx, c: &Consts) -> Vec8 {
    let mut limbs = [[0u64; LANES]; 5];
    for (l, x) in xs.iter().enumerate() {
        // ark-ff keeps x·2^256 mod p, canonical.
        let s = split(&x.0 .0);
        for k in 0..5 {
            limbs[k][l] = s[k];
        }
    }
    // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned load.
    let v: Vec8 = std::array::from_fn(|k| unsafe { _mm512_loadu_si512(limbs[k].as_ptr().cast()) });
    ctx.mul(&v, &splat(&c.to_rep))
}

/// Stores the eight lanes of `v` as ark-ff elements.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn store(v: &Vec8, ctx: &Ctx, c: &Consts) -> [Fr; LANES] {
    // x·2^256, below 2p, then below p.
    let m = sub_if_ge(&ctx.mul(v, &splat(&c.from_rep)), &c.p);
    let mut limbs = [[0u64; LANES]; 5];
    for k in 0..5 {
        // SAFETY: `limbs[k]` is 8 u64 = 64 bytes; unaligned store.
        unsafe { _mm512_storeu_si512(limbs[k].as_mut_ptr().cast(), m[k]) };
    }
    std::array::from_fn(|l| {
        let w = join(&std::array::from_fn(|k| limbs[k][l]));
        Fr::new_unchecked(BigInt(w))
    })
}

/// One full round; `skip_first_sbox` when `s[0]` already holds its S-box output;
/// `only_first` for the last round, whose other outputs are never read.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn full_round(
    ctx: &Ctx,
    mds: &[[Vec8; 3]; 3],
    s: &mut [Vec8; 3],
    ark: &[Limbs; 3],
    skip_first_sbox: bool,
    only_first: bool,
) {
    let x0 = if skip_first_sbox {
        s[0]
    } else {
        ctx.pow5(&add(&s[0], &splat(&ark[0])))
    };
    let x1 = ctx.pow5(&add(&s[1], &splat(&ark[1])));
    let x2 = ctx.pow5(&add(&s[2], &splat(&ark[2])));
    let rows = if only_first { 1 } else { 3 };
    for i in 0..rows {
        s[i] = ctx.dot([&mds[i][0], &mds[i][1], &mds[i][2]], [&x0, &x1, &x2]);
    }
}

/// Eight circomlib `Poseidon(2)` hashes, `out[l] = Poseidon(left[l], right[l])`.
///
/// # Safety
/// The CPU must have AVX-512 F and IFMA ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma")]
pub(super) unsafe fn hash2_x8(left: &[Fr; LANES], right: &[Fr; LANES]) -> [Fr; LANES] {
    let c = Consts::get();
    let ctx = Ctx::new(c);
    let mds: [[Vec8; 3]; 3] = std::array::from_fn(|i| std::array::from_fn(|j| splat(&c.mds[i][j])));
    let mut s = [
        splat(&c.first_sbox0),
        load(left, &ctx, c),
        load(right, &ctx, c),
    ];
    for (r, ark) in c.ark_head.iter().enumerate() {
        full_round(&ctx, &mds, &mut s, ark, r == 0, false);
    }
    for ((c0, row), col) in c.partial_c0.iter().zip(&c.sparse_row).zip(&c.sparse_col) {
        let x = ctx.pow5(&add(&s[0], &splat(c0)));
        let new0 = ctx.dot(
            [&splat(&row[0]), &splat(&row[1]), &splat(&row[2])],
            [&x, &s[1], &s[2]],
        );
        s[1] = ctx.add_mod(&s[1], &ctx.mul(&splat(&col[0]), &x));
        s[2] = ctx.add_mod(&s[2], &ctx.mul(&splat(&col[1]), &x));
        s[0] = new0;
    }
    let q = &c.final_q;
    let (y1, y2) = (s[1], s[2]);
    s[1] = ctx.dot([&splat(&q[0][0]), &splat(&q[0][1])], [&y1, &y2]);
    s[2] = ctx.dot([&splat(&q[1][0]), &splat(&q[1][1])], [&y1, &y2]);
    let last = c.ark_tail.len() - 1;
    for (r, ark) in c.ark_tail.iter().enumerate() {
        full_round(&ctx, &mds, &mut s, ark, false, r == last);
    }
    store(&s[0], &ctx, c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{UniformRand, Zero};
    use rand::SeedableRng;

    /// Random elements plus the edge values 0, 1, p − 1 (and 2, p − 2), eight at a time.
    fn samples() -> Vec<[Fr; LANES]> {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
        let edge = [
            Fr::zero(),
            Fr::ONE,
            -Fr::ONE,
            Fr::from(2u64),
            -Fr::from(2u64),
        ];
        let mut out: Vec<[Fr; LANES]> = (0..32)
            .map(|_| std::array::from_fn(|_| Fr::rand(&mut rng)))
            .collect();
        // Every edge value against every edge value and against random values.
        for (i, e) in edge.iter().enumerate() {
            out.push(std::array::from_fn(|l| {
                if l < edge.len() {
                    edge[(l + i) % edge.len()]
                } else {
                    *e
                }
            }));
            out.push([*e; LANES]);
        }
        out
    }

    #[test]
    fn split_and_join_invert() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        for _ in 0..64 {
            let w = Fr::rand(&mut rng).0 .0;
            assert_eq!(join(&split(&w)), w);
        }
        let p = Fr::MODULUS.0;
        assert_eq!(join(&split(&p)), p);
        assert!(split(&p).iter().all(|l| *l <= MASK52));
    }

    #[test]
    fn arithmetic_equals_ark_ff() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: kernel not tested");
            return;
        }
        let c = Consts::get();
        let s = samples();
        for a in &s {
            for b in s.iter().step_by(3) {
                // SAFETY: checked `available()` above.
                unsafe {
                    let ctx = Ctx::new(c);
                    let (va, vb) = (load(a, &ctx, c), load(b, &ctx, c));
                    let back = store(&va, &ctx, c);
                    assert_eq!(&back, a);
                    let want = |f: &dyn Fn(Fr, Fr) -> Fr| -> [Fr; LANES] {
                        std::array::from_fn(|l| f(a[l], b[l]))
                    };
                    assert_eq!(store(&ctx.mul(&va, &vb), &ctx, c), want(&|x, y| x * y));
                    assert_eq!(store(&ctx.square(&va), &ctx, c), want(&|x, _| x.square()));
                    assert_eq!(store(&ctx.pow5(&va), &ctx, c), want(&|x, _| x.pow([5])));
                    assert_eq!(store(&ctx.add_mod(&va, &vb), &ctx, c), want(&|x, y| x + y));
                    // A sum below 4p fed to a multiplication.
                    assert_eq!(
                        store(&ctx.mul(&add(&va, &vb), &add(&vb, &va)), &ctx, c),
                        want(&|x, y| (x + y).square())
                    );
                    assert_eq!(
                        store(&ctx.dot([&va, &vb, &va], [&vb, &vb, &va]), &ctx, c),
                        want(&|x, y| x * y + y * y + x * x)
                    );
                }
            }
        }
    }

    #[test]
    fn hashes_equal_textbook_permutation() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: kernel not tested");
            return;
        }
        let s = samples();
        for (l, r) in s.iter().zip(s.iter().rev()) {
            // SAFETY: checked `available()` above.
            let got = unsafe { hash2_x8(l, r) };
            for k in 0..LANES {
                assert_eq!(got[k], super::super::hash_reference(&[l[k], r[k]]).unwrap());
            }
        }
    }
}
