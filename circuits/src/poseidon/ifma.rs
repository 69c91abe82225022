//! Poseidon(2) on eight states at once with AVX-512 IFMA (52-bit multiply-add).
//!
//! The arithmetic is [`zkvote_engine::ifma52`]'s, modulo `r`, with elements in Montgomery form
//! for `R = 2^260` (`x` is stored as `x·2^260 mod p`, converted on load and store), so
//! that the round constants are ordinary Montgomery constants. Values stay below `2p`;
//! a sum of three products, as in an MDS row, reduces once (`3·4p²/R + p < 2p`).
//!
//! Eight independent hashes run in the lanes, the same instruction stream for all, so
//! this is the census build's kernel; [`super::hash2_pairs`] uses it when the CPU has
//! AVX-512 F and IFMA (checked at run time) and the scalar [`super::Width3`] otherwise.
//! The tests compare every operation with ark-ff and every hash with the textbook
//! permutation.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::{BigInt, Field, PrimeField};

use super::{Width3, FULL_ROUNDS};

use zkvote_engine::ifma52::{
    add, load_raw, splat, split, store_raw, sub_if_ge, Ctx, Limbs, Modulus, Vec8,
};
pub(super) use zkvote_engine::ifma52::{available, LANES};

/// The modulus, the constants of the conversions and the width-3 Poseidon constants,
/// all as 52-bit limbs.
struct Consts {
    modulus: Modulus,
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
            let w = Width3::get();
            Consts {
                modulus: Modulus::new(Fr::MODULUS),
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

/// `x⁵` as square, square, multiply.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn pow5(ctx: &Ctx, x: &Vec8) -> Vec8 {
    let x2 = ctx.square(x);
    let x4 = ctx.square(&x2);
    ctx.mul(&x4, x)
}

/// Loads eight ark-ff elements (lanes in order) into the representation above.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn load(xs: &[Fr; LANES], ctx: &Ctx, c: &Consts) -> Vec8 {
    // ark-ff keeps x·2^256 mod p; times 2^264 / 2^260 gives x·2^260.
    let v = load_raw(std::array::from_fn(|l| &xs[l].0 .0));
    ctx.mul(&v, &splat(&c.to_rep))
}

/// Stores the eight lanes of `v` as ark-ff elements.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn store(v: &Vec8, ctx: &Ctx, c: &Consts) -> [Fr; LANES] {
    // x·2^256, below 2p, then below p.
    let m = sub_if_ge(&ctx.mul(v, &splat(&c.from_rep)), &c.modulus.p);
    store_raw(&m).map(|w| Fr::new_unchecked(BigInt(w)))
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
        pow5(ctx, &add(&s[0], &splat(&ark[0])))
    };
    let x1 = pow5(ctx, &add(&s[1], &splat(&ark[1])));
    let x2 = pow5(ctx, &add(&s[2], &splat(&ark[2])));
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
    let ctx = Ctx::new(&c.modulus);
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
        let x = pow5(&ctx, &add(&s[0], &splat(c0)));
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
                    let ctx = Ctx::new(&c.modulus);
                    let (va, vb) = (load(a, &ctx, c), load(b, &ctx, c));
                    let back = store(&va, &ctx, c);
                    assert_eq!(&back, a);
                    let want = |f: &dyn Fn(Fr, Fr) -> Fr| -> [Fr; LANES] {
                        std::array::from_fn(|l| f(a[l], b[l]))
                    };
                    assert_eq!(store(&ctx.mul(&va, &vb), &ctx, c), want(&|x, y| x * y));
                    assert_eq!(store(&ctx.square(&va), &ctx, c), want(&|x, _| x.square()));
                    assert_eq!(store(&pow5(&ctx, &va), &ctx, c), want(&|x, _| x.pow([5])));
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
