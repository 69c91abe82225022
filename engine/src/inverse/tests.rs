//! [`inverse_fq`] against `ark_ff`'s `inverse` (random, edge and proptest values), the
//! batched divsteps against single ones, `update_de` on extreme matrices, and the
//! constants recomputed.

use super::*;
use crate::pairing::batch_invert;
use ark_ff::{Field, One, UniformRand};
use num_bigint::{BigInt as Int, BigUint};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn p() -> BigUint {
    BigUint::from(<Fq as PrimeField>::MODULUS)
}

/// The value of a [`Signed62`].
fn value(x: &Signed62) -> Int {
    x.iter()
        .rev()
        .fold(Int::from(0), |acc, &l| (acc << 62) + Int::from(l))
}

/// `x ∈ (−2^255, 2^255)` as a [`Signed62`] with limbs `0..4` in `[0, 2^62)`.
fn signed62(x: &Int) -> Signed62 {
    let mut out = [0i64; LIMBS];
    let mut y = x.clone();
    for l in out.iter_mut().take(LIMBS - 1) {
        let low = &y & Int::from(M62);
        *l = i64::try_from(low).unwrap();
        y >>= 62;
    }
    out[LIMBS - 1] = i64::try_from(y).unwrap();
    out
}

/// The element whose Montgomery form is `x mod p`.
fn from_montgomery(x: &BigUint) -> Fq {
    let words = (x % p()).to_u64_digits();
    let mut w = [0u64; 4];
    w[..words.len()].copy_from_slice(&words);
    Fq::new_unchecked(BigInt(w))
}

fn check(a: &Fq) {
    let got = inverse_fq(a);
    assert_eq!(got, a.inverse(), "{a}");
    if let Some(inv) = got {
        assert_eq!(*a * inv, Fq::one(), "{a}");
        // Canonical limbs, as every `Fq` must have.
        assert!(BigUint::from(inv.0) < p());
    }
}

/// The constants against an independent computation.
#[test]
fn constants() {
    let p = p();
    assert_eq!(value(&P), Int::from(p.clone()));
    assert_eq!(P, signed62(&Int::from(p.clone())));
    let r2 = BigUint::from(1u8) << 512u32;
    assert_eq!(value(&R2), Int::from(&r2 % &p));
    assert_eq!(R2, signed62(&Int::from(&r2 % &p)));
    let two62 = BigUint::from(1u8) << 62u32;
    assert_eq!((&p * P_INV_62) % &two62, BigUint::from(1u8));
    assert!(BigUint::from(P_INV_62) < two62);
}

#[test]
fn matches_ark_on_random_elements() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for _ in 0..100_000 {
        check(&Fq::rand(&mut rng));
    }
}

#[test]
fn matches_ark_on_edge_values() {
    let p = p();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    assert_eq!(inverse_fq(&Fq::zero()), None);
    assert_eq!(inverse_fq(&Fq::one()), Some(Fq::one()));
    let mut v: Vec<Fq> = (1..=1000u64).map(Fq::from).collect();
    v.extend((1..=1000u64).map(|s| -Fq::from(s)));
    // `p − 1`, `p − 2`, `(p ± 1)/2`, as integers and as Montgomery forms.
    for x in [&p - 1u8, &p - 2u8, (&p - 1u8) / 2u8, (&p + 1u8) / 2u8] {
        v.push(Fq::from(x.clone()));
        v.push(from_montgomery(&x));
    }
    for k in 0..=253u32 {
        let two_k = BigUint::from(1u8) << k;
        v.push(Fq::from(two_k.clone()));
        v.push(-Fq::from(two_k.clone()));
        v.push(from_montgomery(&two_k));
        // Many trailing zero bits: a random odd multiple of `2^k` below `p`.
        let odd = BigUint::from(rng.gen::<u128>() | 1) << 128u32 | BigUint::from(rng.gen::<u128>());
        let x = (odd % (&p >> k)) << k;
        v.push(Fq::from(x.clone()));
        v.push(from_montgomery(&x));
    }
    // Small Montgomery forms.
    v.extend((1..=1000u64).map(|s| from_montgomery(&BigUint::from(s))));
    for a in &v {
        check(a);
    }
}

/// Single divsteps on `(η, f, g)` as integers, the reference for [`divsteps_62`]:
/// returns the new state and the matrix.
fn divsteps_one_by_one(mut eta: i64, f: &Int, g: &Int, n: u32) -> (i64, Int, Int, [Int; 4]) {
    let (mut f, mut g) = (f.clone(), g.clone());
    let [mut u, mut v, mut q, mut r] = [1, 0, 0, 1].map(Int::from);
    for _ in 0..n {
        let odd = g.bit(0);
        if eta < 0 && odd {
            (eta, f, g) = (-eta - 1, g.clone(), (&g - &f) >> 1);
            (u, v, q, r) = (&q * 2, &r * 2, &q - &u, &r - &v);
        } else if odd {
            (eta, g) = (eta - 1, (&g + &f) >> 1);
            (u, v, q, r) = (&u * 2, &v * 2, &q + &u, &r + &v);
        } else {
            (eta, g) = (eta - 1, g >> 1);
            (u, v) = (&u * 2, &v * 2);
        }
    }
    (eta, f, g, [u, v, q, r])
}

/// The batched divsteps give the matrix of 62 single ones, and applied to the whole
/// `f`, `g` their result.
#[test]
fn divsteps_match_single_steps() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let p = Int::from(p());
    for i in 0..20_000 {
        let f = if i % 2 == 0 {
            p.clone()
        } else {
            Int::from(rng.gen::<u128>() | 1) - Int::from(1u128 << 127)
        };
        // Sparse and dense low bits, both signs.
        let mut g = Int::from(rng.gen::<u128>());
        if i % 3 == 0 {
            g <<= rng.gen_range(0..70u32);
        }
        if i % 5 == 0 {
            g = -g;
        }
        let eta0 = match i % 4 {
            0 => -1,
            1 => rng.gen_range(-5..5),
            2 => rng.gen_range(-200..200),
            _ => rng.gen_range(-2000..2000),
        };
        let (eta1, f1, g1, m) = divsteps_one_by_one(eta0, &f, &g, 62);
        let low = |x: &Int| {
            let m = x & Int::from(u64::MAX);
            u64::try_from(m).unwrap()
        };
        let mut eta = eta0;
        let t = divsteps_62(&mut eta, low(&f), low(&g));
        assert_eq!(eta, eta1);
        assert_eq!([t.u, t.v, t.q, t.r].map(Int::from), m);
        let [u, v, q, r] = m;
        assert!(t.u.unsigned_abs() + t.v.unsigned_abs() <= 1 << 62);
        assert!(t.q.unsigned_abs() + t.r.unsigned_abs() <= 1 << 62);
        assert_eq!((&u * &f + &v * &g) >> 62, f1);
        assert_eq!((&q * &f + &r * &g) >> 62, g1);
    }
}

/// `update_de` on the largest matrices and extreme values: the result is
/// `T·(d, e)/2^62 mod p`, in `(−2p, p)` with limbs `0..4` in `[0, 2^62)` (and the
/// crate's overflow checks, on in release builds, would catch an overflow here).
#[test]
fn update_de_keeps_its_range() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let p = Int::from(p());
    let two62 = 1i64 << 62;
    let mut matrices = vec![
        [two62, 0, 0, two62],
        [-two62, 0, 0, -two62],
        [0, two62, -two62, 0],
        [two62 / 2, -two62 / 2, -two62 / 2, two62 / 2],
        [two62 / 2, two62 / 2, two62 / 2, -two62 / 2],
        [1, 0, 0, 1],
    ];
    for _ in 0..500 {
        let u = rng.gen_range(-two62..=two62);
        let v = (two62 - u.abs()) * if rng.gen() { 1 } else { -1 };
        let q = rng.gen_range(-two62..=two62);
        let r = rng.gen_range(-(two62 - q.abs())..=two62 - q.abs());
        matrices.push([u, v, q, r]);
    }
    let values = [
        -(&p * 2u8) + 1,
        -&p - 1,
        -&p,
        -&p + 1,
        Int::from(-1),
        Int::from(0),
        Int::from(1),
        &p - 1,
    ];
    let half: Int = (&p + 1u8) / 2u8;
    let inv_2_62 = half.modpow(&Int::from(62), &p);
    let modp = |x: Int| ((x % &p) + &p) % &p;
    for [u, v, q, r] in matrices {
        for d0 in &values {
            for e0 in &values {
                let (mut d, mut e) = (signed62(d0), signed62(e0));
                assert_eq!((&value(&d), &value(&e)), (d0, e0));
                update_de(&mut d, &mut e, &Transition { u, v, q, r });
                let want_d = modp((Int::from(u) * d0 + Int::from(v) * e0) * &inv_2_62);
                let want_e = modp((Int::from(q) * d0 + Int::from(r) * e0) * &inv_2_62);
                for (x, want) in [(d, want_d), (e, want_e)] {
                    let got = value(&x);
                    assert!(got > -(&p * 2u8) && got < p, "{u} {v} {q} {r}");
                    assert!(x[..LIMBS - 1].iter().all(|&l| (0..two62).contains(&l)));
                    assert_eq!(modp(got), want);
                }
            }
        }
    }
}

/// `batch_invert` on `Fq` (through [`FastInverse`]) equals element-wise inversion, and
/// reports a zero.
#[test]
fn batch_invert_fq_matches_ark() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for n in [1usize, 2, 16, 64] {
        let v: Vec<Fq> = (0..n).map(|_| Fq::rand(&mut rng)).collect();
        let want: Vec<Fq> = v.iter().map(|x| x.inverse().unwrap()).collect();
        let mut got = v.clone();
        assert!(batch_invert(&mut got, &mut Vec::new()));
        assert_eq!(got, want);
        let mut with_zero = v;
        with_zero[n / 2] = Fq::zero();
        assert!(!batch_invert(&mut with_zero, &mut Vec::new()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any integer mod p.
    #[test]
    fn inverse_of_any_integer(bytes in proptest::array::uniform32(any::<u8>())) {
        let a = Fq::from_le_bytes_mod_order(&bytes);
        let inv = inverse_fq(&a);
        prop_assert_eq!(inv, a.inverse());
        if let Some(inv) = inv {
            prop_assert_eq!(a * inv, Fq::one());
        }
    }

    /// Any Montgomery form (its value reduced mod p).
    #[test]
    fn inverse_of_any_montgomery_form(words in proptest::array::uniform4(any::<u64>())) {
        let a = from_montgomery(&BigUint::from(BigInt(words)));
        let inv = inverse_fq(&a);
        prop_assert_eq!(inv, a.inverse());
        if let Some(inv) = inv {
            prop_assert_eq!(a * inv, Fq::one());
        }
    }
}
