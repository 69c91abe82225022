//! Variable-time inversion in BN254's base field `Fq`: Bernstein and Yang's "safegcd"
//! with batches of 62 divsteps, for the shared inversions of the verifier's affine steps
//! ([`crate::pairing`], [`crate::glv`]).
//!
//! `ark_ff`'s `Field::inverse` (a binary extended Euclid on 256-bit integers) costs
//! about 250 `Fq` multiplications, [`inverse_fq`] about 60 (`BENCHMARKS.md`, "Field
//! inversion").
//!
//! # Variable time: public values only
//!
//! The number of iterations and the branches taken depend on the value inverted. The
//! engine inverts only public values (coordinates of proof points, of verifying-key
//! points and of points computed from them), so this leaks nothing; do not use it on
//! secrets.
//!
//! # The algorithm
//!
//! Bernstein and Yang, "Fast constant-time gcd computation and modular inversion"
//! (TCHES 2019), in the variable-time form described in libsecp256k1's
//! `doc/safegcd_implementation.md`. A *divstep* maps `(η, f, g)`, `f` odd, to
//!
//! ```text
//! η < 0 and g odd:  (−η − 1, g, (g − f)/2)
//! η ≥ 0 and g odd:  (η − 1,  f, (g + f)/2)
//! g even:           (η − 1,  f, g/2)
//! ```
//!
//! (`η = −δ` of the paper). From `(−1, p, x)` with `0 < x < p` repeated divsteps reach
//! `g = 0` and `f = ±gcd(p, x) = ±1`. The first 62 divsteps depend only on the low 62
//! bits of `f` and `g`, so they are computed on one machine word each
//! (`divsteps_62`) as a transition matrix `T = [[u, v], [q, r]]` with
//! `2^62·(f', g') = T·(f, g)` and `|u| + |v| ≤ 2^62`, `|q| + |r| ≤ 2^62`, which is then
//! applied to the whole `f`, `g` (`update_fg`). Alongside, `(d, e)` start at
//! `(0, c)` and get the same matrix modulo `p` (`update_de`), so that
//! `d·x ≡ c·f` and `e·x ≡ c·g (mod p)` throughout, and at the end `c/x = ±d`.
//!
//! In the variable-time form a run of even `g` is done in one shift (trailing zeros),
//! and a run of up to 6 divsteps that add `f` without swapping (possible while
//! `η ≥ 0`) in one addition `g + w·f`, `w = −g/f mod 2^k`. The loop stops as soon as
//! `g = 0`, and `f` and `g` lose a limb as soon as both fit in one fewer.
//!
//! # Montgomery form, in and out
//!
//! `Fq` stores `a` as `x = a·R mod p`, `R = 2^256`. [`inverse_fq`] inverts `x` itself and
//! starts with `c = R² mod p`, so the result is `d = R²/(a·R) = a⁻¹·R`: the Montgomery
//! form of `a⁻¹`, with no conversion in or out. Inverting the canonical integer instead
//! would cost a Montgomery reduction (`into_bigint`) and a multiplication by `R²`
//! (`from_bigint`), ≈ 30 ns or 2–3 % of the inversion, for nothing. (`ark_ff`'s
//! `inverse` does the same with its own starting value.)
//!
//! # Representation
//!
//! Integers of up to 310 bits as five *signed 62-bit limbs* `Σ l_i·2^(62i)`, limbs
//! `0..4` in `[0, 2^62)` and the top one signed, so the sign of the value is that of
//! the top limb. `f`, `g` stay in `[−p, p]`; `d`, `e` in `(−2p, p)`.

use ark_bn254::{Fq, Fq2, FqConfig};
use ark_ff::{BigInt, Field, MontConfig, PrimeField, Zero};

/// Limbs of a [`Signed62`].
const LIMBS: usize = 5;

/// `2^62 − 1`.
const M62: u64 = (1 << 62) - 1;

/// `Σ l_i·2^(62i)`: limbs `0..4` in `[0, 2^62)`, the top one signed (a sign extension
/// of `l_3` when the value is small).
type Signed62 = [i64; LIMBS];

/// The 256-bit integer `x` (least significant word first) as a [`Signed62`].
const fn from_words(x: &[u64; 4]) -> Signed62 {
    [
        (x[0] & M62) as i64,
        ((x[0] >> 62 | x[1] << 2) & M62) as i64,
        ((x[1] >> 60 | x[2] << 4) & M62) as i64,
        ((x[2] >> 58 | x[3] << 6) & M62) as i64,
        (x[3] >> 56) as i64,
    ]
}

/// A [`Signed62`] in `[0, 2^256)` with limbs `0..4` in `[0, 2^62)` as 64-bit words.
fn to_words(x: &Signed62) -> [u64; 4] {
    let l = x.map(|l| l as u64);
    [
        l[0] | l[1] << 62,
        l[1] >> 2 | l[2] << 60,
        l[2] >> 4 | l[3] << 58,
        l[3] >> 6 | l[4] << 56,
    ]
}

/// `a⁻¹ mod 2^62` for odd `a`: Newton's `y ← y·(2 − a·y)` doubles the number of correct
/// low bits, and `y = a` is right mod 8 (`a² ≡ 1 mod 8`); 3 · 2^5 ≥ 62.
const fn inverse_mod_2_62(a: u64) -> u64 {
    let mut y = a;
    let mut i = 0;
    while i < 5 {
        y = y.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(y)));
        i += 1;
    }
    y & M62
}

/// The modulus `p` (ark-bn254's `Fq::MODULUS`).
const P: Signed62 = from_words(&<Fq as PrimeField>::MODULUS.0);

/// `p⁻¹ mod 2^62`.
const P_INV_62: u64 = inverse_mod_2_62(P[0] as u64);

/// `R² mod p`, `R = 2^256` (ark-ff's `MontConfig::R2` of `Fq`): the starting `e`, which
/// makes the result the Montgomery form of the inverse.
const R2: Signed62 = from_words(&<FqConfig as MontConfig<4>>::R2.0);

/// `2^62` times the transition matrix of 62 divsteps:
/// `2^62·f' = u·f + v·g`, `2^62·g' = q·f + r·g`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Transition {
    u: i64,
    v: i64,
    q: i64,
    r: i64,
}

/// 62 divsteps from `η` and the low 62 bits of `f` (odd) and `g`; updates `η` and
/// returns the transition matrix.
///
/// After `n` of them the rows `(u, v)` and `(q, r)` have `|u| + |v| ≤ 2^n` (each divstep
/// at most doubles them), so every entry fits an `i64` and every product below is exact.
fn divsteps_62(eta: &mut i64, f: u64, g: u64) -> Transition {
    let (mut u, mut v, mut q, mut r) = (1i64, 0i64, 0i64, 1i64);
    let (mut f, mut g, mut h) = (f, g, *eta);
    // Divsteps still to do; only the low `left` bits of `f` and `g` are meaningful.
    let mut left = 62u32;
    loop {
        // `z` divsteps with `g` even: `g ← g/2`, written as doubling the `f` row.
        let z = g.trailing_zeros().min(left);
        g >>= z;
        u <<= z;
        v <<= z;
        h -= i64::from(z);
        left -= z;
        if left == 0 {
            break;
        }
        // `g` is odd. With `η < 0` the divstep swaps: `(f, g) ← (g, −f)`, `η ← −η`,
        // followed (as below) by `g ← g + f` and the halving.
        if h < 0 {
            h = -h;
            (f, g) = (g, f.wrapping_neg());
            (u, v, q, r) = (q, r, -u, -v);
        }
        // `η ≥ 0`: the next `η + 1` divsteps never swap; each one with `g` odd adds `f`
        // before halving. `k` of them add `w·f` for the `w < 2^k` that makes
        // `g + w·f ≡ 0 (mod 2^k)`, `w = −g/f`; `f·(f² − 2)` is `−1/f mod 2^6` (one Newton
        // step from `1/f ≡ f mod 8`), hence `k ≤ 6`. The `k` halvings are the next shift.
        let k = (h + 1).min(i64::from(left)).min(6) as u32;
        let w = g
            .wrapping_mul(f)
            .wrapping_mul(f.wrapping_mul(f).wrapping_sub(2))
            & ((1 << k) - 1);
        g = g.wrapping_add(w.wrapping_mul(f));
        // `w < 2^k`: fits an `i64`, and `(q, r)` is the `g` row after those `k` steps.
        q += w as i64 * u;
        r += w as i64 * v;
    }
    *eta = h;
    Transition { u, v, q, r }
}

/// `(d, e) ← T·(d, e)/2^62 mod p`, keeping both in `(−2p, p)`.
///
/// With `d̃ = d + p·[d < 0]` and `ẽ = e + p·[e < 0]`, both in `(−p, p)`, the new `d` is
/// `(u·d̃ + v·ẽ − m·p)/2^62` for the `m ∈ [0, 2^62)` that makes the numerator divisible
/// by `2^62`; the numerator is in `(−2^63·p, 2^62·p)`, so the quotient is in `(−2p, p)`.
/// Likewise for `e` with `(q, r)`.
fn update_de(d: &mut Signed62, e: &mut Signed62, t: &Transition) {
    let Transition { u, v, q, r } = *t;
    let (d_neg, e_neg) = (d[LIMBS - 1] >> 63, e[LIMBS - 1] >> 63);
    // Multiples of `p` to add: first `p·[d < 0]`, `p·[e < 0]`, ...
    let mut md = (u & d_neg) + (v & e_neg);
    let mut me = (q & d_neg) + (r & e_neg);
    let mut cd = mul(u, d[0]) + mul(v, e[0]);
    let mut ce = mul(q, d[0]) + mul(r, e[0]);
    // ... then `−m`, with `m ≡ cd/p + md (mod 2^62)` so that `cd + md·p ≡ 0`.
    md -= (P_INV_62.wrapping_mul(cd as u64).wrapping_add(md as u64) & M62) as i64;
    me -= (P_INV_62.wrapping_mul(ce as u64).wrapping_add(me as u64) & M62) as i64;
    cd += mul(md, P[0]);
    ce += mul(me, P[0]);
    debug_assert!(cd as u64 & M62 == 0 && ce as u64 & M62 == 0);
    cd >>= 62;
    ce >>= 62;
    for i in 1..LIMBS {
        cd += mul(u, d[i]) + mul(v, e[i]) + mul(md, P[i]);
        ce += mul(q, d[i]) + mul(r, e[i]) + mul(me, P[i]);
        d[i - 1] = (cd as u64 & M62) as i64;
        e[i - 1] = (ce as u64 & M62) as i64;
        cd >>= 62;
        ce >>= 62;
    }
    d[LIMBS - 1] = cd as i64;
    e[LIMBS - 1] = ce as i64;
}

/// `(f, g) ← T·(f, g)/2^62` on their low `len` limbs (the others are unused); exact,
/// since `T` is the matrix of divsteps from these `f`, `g`.
fn update_fg(len: usize, f: &mut Signed62, g: &mut Signed62, t: &Transition) {
    let Transition { u, v, q, r } = *t;
    let mut cf = mul(u, f[0]) + mul(v, g[0]);
    let mut cg = mul(q, f[0]) + mul(r, g[0]);
    debug_assert!(cf as u64 & M62 == 0 && cg as u64 & M62 == 0);
    cf >>= 62;
    cg >>= 62;
    for i in 1..len {
        cf += mul(u, f[i]) + mul(v, g[i]);
        cg += mul(q, f[i]) + mul(r, g[i]);
        f[i - 1] = (cf as u64 & M62) as i64;
        g[i - 1] = (cg as u64 & M62) as i64;
        cf >>= 62;
        cg >>= 62;
    }
    f[len - 1] = cf as i64;
    g[len - 1] = cg as i64;
}

/// The full product of two `i64`.
#[inline(always)]
fn mul(a: i64, b: i64) -> i128 {
    i128::from(a) * i128::from(b)
}

/// Moves the carries of limbs `0..4` up, leaving them in `[0, 2^62)`.
fn propagate_carries(x: &mut Signed62) {
    for i in 0..LIMBS - 1 {
        let c = x[i] >> 62;
        x[i] &= M62 as i64;
        x[i + 1] += c;
    }
}

/// `±d mod p` in `[0, p)`, for `d ∈ (−2p, p)`, as 64-bit words.
fn reduce(mut d: Signed62, negate: bool) -> [u64; 4] {
    if negate {
        for l in &mut d {
            *l = -*l;
        }
        propagate_carries(&mut d);
    }
    // Now in `(−2p, 2p)`.
    while d[LIMBS - 1] < 0 {
        for (l, p) in d.iter_mut().zip(P) {
            *l += p;
        }
        propagate_carries(&mut d);
    }
    let mut s = d;
    for (l, p) in s.iter_mut().zip(P) {
        *l -= p;
    }
    propagate_carries(&mut s);
    if s[LIMBS - 1] >= 0 {
        d = s;
    }
    to_words(&d)
}

/// `1/a` in `Fq`, or `None` for zero. Equal to `ark_ff`'s `Field::inverse`, about four
/// times faster; **variable time** (see the [module documentation](self)): public values
/// only.
pub fn inverse_fq(a: &Fq) -> Option<Fq> {
    if a.is_zero() {
        return None;
    }
    let (mut f, mut g) = (P, from_words(&a.0 .0));
    let (mut d, mut e) = ([0i64; LIMBS], R2);
    let mut eta = -1i64;
    let mut len = LIMBS;
    loop {
        let t = divsteps_62(&mut eta, f[0] as u64, g[0] as u64);
        update_de(&mut d, &mut e, &t);
        update_fg(len, &mut f, &mut g, &t);
        if g[0] == 0 && g[1..len].iter().all(|&l| l == 0) {
            break;
        }
        // Drop the top limb when it is only the sign of `f` and of `g`.
        let (ft, gt) = (f[len - 1], g[len - 1]);
        if len > 1 && ((ft ^ (ft >> 63)) | (gt ^ (gt >> 63))) == 0 {
            f[len - 2] |= ft << 62;
            g[len - 2] |= gt << 62;
            len -= 1;
        }
    }
    // `f = ±1`, and `d·x ≡ R²·f (mod p)`.
    Some(Fq::new_unchecked(BigInt(reduce(d, f[len - 1] < 0))))
}

/// A field with the inversion used by [`crate::pairing::batch_invert`]: [`inverse_fq`]
/// for `Fq`, `Field::inverse` for the others.
pub(crate) trait FastInverse: Field {
    /// `1/self`, or `None` for zero. Variable time: public values only.
    #[inline]
    fn fast_inverse(&self) -> Option<Self> {
        self.inverse()
    }
}

impl FastInverse for Fq {
    #[inline]
    fn fast_inverse(&self) -> Option<Self> {
        inverse_fq(self)
    }
}

/// `Field::inverse` (the tests' `batch_invert` over `Fq2`).
impl FastInverse for Fq2 {}

#[cfg(test)]
mod tests;
