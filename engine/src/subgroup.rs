//! Membership of a twist point in G2, the prime-order subgroup, with one 63-bit scalar
//! multiplication.
//!
//! For `Q` on the twist `E'(Fq2)`, with `x` the BN parameter (`t = 6x² + 1`, `p` and `r`
//! polynomials in `x`) and `ψ` the untwist–Frobenius–twist endomorphism:
//!
//! ```text
//! Q ∈ G2  ⟺  [x + 1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q)
//! ```
//!
//! (M. Scott, "A note on group membership tests for G1, G2 and GT on BLS
//! pairing-friendly curves", eprint 2021/1130, §6, for BN curves; the same test as
//! gnark-crypto's BN254 `IsInSubGroup`). It costs one multiplication by `x` (62 doublings,
//! 23 additions in NAF form), three additions and six Frobenius maps, where
//! ark-bn254's `ψ(Q) = [6x²]Q` (El Housni–Guillevic–Piellard, eprint 2022/352, §4.3)
//! needs a 127-bit multiplication by double-and-add.
//!
//! **Why the test is exact** (checked by the tests of this module, not assumed):
//! `D(Q) = [x+1]Q + ψ([x]Q) + ψ²([x]Q) − ψ³([2x]Q)` is a group endomorphism of `E'(Fq2)`,
//! whose order is `r·h` with `h = 10069 · 5864401 · 1875725156269 · ℓ₄` (`ℓ₄` a 178-bit
//! prime), all five primes distinct. So `E'(Fq2)` is cyclic, each prime `ℓ` has exactly
//! one subgroup of order `ℓ`, `D` maps it into itself, and on it `D` is either zero or
//! injective. The test accepts exactly G2 iff `D` vanishes on G2 and does not vanish on
//! the four subgroups of order dividing `h`: one point of each suffices, and
//! `exact_on_every_prime_order_subgroup` checks those five points.

use ark_bn254::{Config, G2Affine, G2Projective};
use ark_ec::bn::BnConfig;
use ark_ec::AdditiveGroup;
use ark_ff::{Field, Zero};

/// `ψ` on Jacobian coordinates: `(X, Y, Z) ↦ (X̄·c_x, Ȳ·c_y, Z̄)` with `c_x = ξ^((p−1)/3)`,
/// `c_y = ξ^((p−1)/2)`, `ξ = u + 9` (`ark_bn254`'s `TWIST_MUL_BY_Q_X`, `TWIST_MUL_BY_Q_Y`,
/// the constants of ark-bn254's own subgroup check). Conjugation is the Frobenius map of
/// `Fq2`, so `X̄/Z̄² = conj(X/Z²)`.
fn psi(p: &G2Projective) -> G2Projective {
    let mut x = p.x;
    let mut y = p.y;
    let mut z = p.z;
    x.frobenius_map_in_place(1);
    y.frobenius_map_in_place(1);
    z.frobenius_map_in_place(1);
    x *= &<Config as BnConfig>::TWIST_MUL_BY_Q_X;
    y *= &<Config as BnConfig>::TWIST_MUL_BY_Q_Y;
    G2Projective::new_unchecked(x, y, z)
}

/// Non-adjacent form of `k`, least significant digit first.
fn naf(k: u64) -> ([i8; 65], usize) {
    let mut digits = [0i8; 65];
    let mut len = 0;
    let mut k = k as u128;
    while k != 0 {
        if k & 1 == 1 {
            let z = 2 - (k & 3) as i8; // ±1
            if z > 0 {
                k -= 1;
            } else {
                k += 1;
            }
            digits[len] = z;
        }
        k >>= 1;
        len += 1;
    }
    (digits, len)
}

/// `[x]Q`, with `x` ark-bn254's BN parameter (`BnConfig::X`, 63 bits, positive).
fn mul_by_x(q: &G2Affine) -> G2Projective {
    debug_assert!(!<Config as BnConfig>::X_IS_NEGATIVE && <Config as BnConfig>::X.len() == 1);
    let (digits, len) = naf(<Config as BnConfig>::X[0]);
    let neg_q = -*q;
    let mut acc = G2Projective::zero();
    for &d in digits[..len].iter().rev() {
        acc.double_in_place();
        match d {
            1 => acc += q,
            -1 => acc += &neg_q,
            _ => {}
        }
    }
    acc
}

/// Whether `q`, assumed on the twist, is in G2 (the identity is): the test of the
/// [module documentation](self). Same answer as ark-bn254's
/// `is_in_correct_subgroup_assuming_on_curve` for every point of the twist.
pub fn is_in_g2(q: &G2Affine) -> bool {
    let xq = mul_by_x(q);
    let lhs = xq + q + psi(&xq) + psi(&psi(&xq));
    let rhs = psi(&psi(&psi(&xq.double())));
    lhs == rhs
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{g2, Fq2, Fr};
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::{PrimeField, UniformRand};
    use num_bigint::BigUint;
    use rand::{Rng, SeedableRng};

    fn random_twist_point(rng: &mut impl Rng) -> G2Affine {
        loop {
            if let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::rand(rng), rng.gen()) {
                return p;
            }
        }
    }

    fn limbs(n: &BigUint) -> Vec<u64> {
        n.to_u64_digits()
    }

    fn uint(limbs: &[u64]) -> BigUint {
        BigUint::from_slice(
            &limbs
                .iter()
                .flat_map(|l| [*l as u32, (*l >> 32) as u32])
                .collect::<Vec<_>>(),
        )
    }

    /// The factorisation of the cofactor `h` (ark-bn254's `COFACTOR` of G2), computed
    /// with sympy's `factorint`; each factor is checked prime here (Miller–Rabin).
    const H_FACTORS: [&str; 4] = [
        "10069",
        "5864401",
        "1875725156269",
        "197620364512881247228717050342013327560683201906968909",
    ];

    fn probably_prime(n: &BigUint) -> bool {
        let one = BigUint::from(1u32);
        let n1 = n - &one;
        let s = n1.trailing_zeros().unwrap() as usize;
        let d = &n1 >> s;
        [2u32, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
            .iter()
            .all(|&a| {
                let a = BigUint::from(a);
                if &a >= n {
                    return true;
                }
                let mut x = a.modpow(&d, n);
                if x == one || x == n1 {
                    return true;
                }
                for _ in 1..s {
                    x = x.modpow(&BigUint::from(2u32), n);
                    if x == n1 {
                        return true;
                    }
                }
                false
            })
    }

    /// The proof of exactness in the module documentation, point by point.
    #[test]
    fn exact_on_every_prime_order_subgroup() {
        use ark_ec::short_weierstrass::SWCurveConfig;
        let h = uint(<g2::Config as ark_ec::CurveConfig>::COFACTOR);
        let r = uint(Fr::MODULUS.as_ref());
        let factors: Vec<BigUint> = H_FACTORS.iter().map(|f| f.parse().unwrap()).collect();
        assert_eq!(factors.iter().product::<BigUint>(), h);
        assert!(factors.iter().chain([&r]).all(probably_prime));
        let mut sorted = factors.clone();
        sorted.push(r.clone());
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "distinct primes");

        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let order = &r * &h;
        for _ in 0..3 {
            let p = random_twist_point(&mut rng);
            assert!(
                g2::Config::mul_affine(&p, &limbs(&order)).is_zero(),
                "#E' = r·h"
            );
        }
        // G2 itself: D vanishes on its generator.
        assert!(is_in_g2(&G2Affine::generator()));
        // The subgroup of order ℓ for each ℓ | h: a non-zero point is rejected, also
        // when added to a point of G2.
        for l in &factors {
            let t = loop {
                let p = random_twist_point(&mut rng);
                let t = g2::Config::mul_affine(&p, &limbs(&(&order / l))).into_affine();
                if !t.is_zero() {
                    break t;
                }
            };
            assert!(g2::Config::mul_affine(&t, &limbs(l)).is_zero(), "order {l}");
            assert!(!is_in_g2(&t), "order {l}");
            let q = (G2Affine::generator() * Fr::rand(&mut rng)).into_affine();
            let qt = (q + t).into_affine();
            assert!(!is_in_g2(&qt) && !qt.is_in_correct_subgroup_assuming_on_curve());
        }
    }

    /// Same answer as ark-bn254's check, in and outside G2.
    #[test]
    fn agrees_with_ark_bn254() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        for _ in 0..50 {
            let q = (G2Affine::generator() * Fr::rand(&mut rng)).into_affine();
            assert!(is_in_g2(&q));
            let p = random_twist_point(&mut rng);
            assert_eq!(is_in_g2(&p), p.is_in_correct_subgroup_assuming_on_curve());
            assert!(!is_in_g2(&p));
            let cleared = p.clear_cofactor();
            assert!(is_in_g2(&cleared));
        }
        assert!(is_in_g2(&G2Affine::zero()));
    }

    #[test]
    fn naf_of_x() {
        let x = <Config as BnConfig>::X[0];
        let (d, len) = naf(x);
        let sum: i128 = d[..len]
            .iter()
            .enumerate()
            .map(|(j, &z)| (z as i128) << j)
            .sum();
        assert_eq!(sum, x as i128);
        assert_eq!((len, d.iter().filter(|z| **z != 0).count()), (63, 24));
    }
}
