//! Exponential ElGamal on Baby Jubjub.
//!
//! ```text
//! key:         H = x·G                      (x shared by the trustees, see crate::dkg)
//! encrypt:     Enc_H(m; r) = (A, B) = (r·G, m·G + r·H)        r ← random, r ≠ 0
//! decrypt:     M = B − x·A = m·G,  then m = log_G(M) by crate::dlog (m small)
//! add:         (A1, B1) + (A2, B2) = Enc_H(m1 + m2; r1 + r2)
//! scale by w:  w·(A, B) = Enc_H(w·m; w·r)                      (w a public weight)
//! ```
//! Messages and weights are integers modulo `l`; the sum of a tally is recovered only if
//! it is below the discrete-log bound ([`crate::dlog`]).
//!
//! The identity is a valid ciphertext component here: the sum of no ciphertexts is
//! `(O, O)`, the encryption of 0 with randomness 0. A single ballot's ciphertext with
//! `A = O` reveals its message; the ballot statement (later) rules it out, and
//! [`Ciphertext::check_fresh`] refuses it for callers that take ciphertexts one by one.

use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::Zero;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::group::{
    check_not_identity, msm_vartime, mul, mul_g, normalize, random_nonzero_scalar,
    serde_point_or_identity, Point, PointProj, Scalar,
};

/// An exponential ElGamal ciphertext `(A, B) = (r·G, m·G + r·H)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ciphertext {
    /// `A = r·G`.
    #[serde(with = "serde_point_or_identity")]
    pub a: Point,
    /// `B = m·G + r·H`.
    #[serde(with = "serde_point_or_identity")]
    pub b: Point,
}

/// The election key `H`, checked: in the subgroup (by its decoder) and not the identity,
/// under which a ciphertext would show `m·G` in the clear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(Point);

impl PublicKey {
    /// `H`, refusing the identity ([`crate::Error::IdentityPoint`]). The caller has decoded `h`
    /// with a subgroup check ([`crate::group::point_from_coords`]).
    pub fn new(h: Point) -> Result<PublicKey> {
        check_not_identity(&h)?;
        Ok(PublicKey(h))
    }

    /// The point `H`.
    pub fn point(&self) -> &Point {
        &self.0
    }

    /// `Enc_H(m; r)` with fresh randomness `r` from `rng`.
    pub fn encrypt<R: RngCore + CryptoRng>(&self, m: &Scalar, rng: &mut R) -> Ciphertext {
        let r = random_nonzero_scalar(rng);
        self.encrypt_with_randomness(m, &r)
    }

    /// `Enc_H(m; r)` with the caller's randomness (the ballot prover needs `r` as a
    /// witness). `r` must be uniformly random, secret and never reused.
    pub fn encrypt_with_randomness(&self, m: &Scalar, r: &Scalar) -> Ciphertext {
        let a = mul_g(r);
        let b = mul_g(m) + mul(&self.0, r);
        let ab = normalize(&[a, b]);
        Ciphertext { a: ab[0], b: ab[1] }
    }
}

impl Ciphertext {
    /// `(O, O)`: the encryption of 0 with randomness 0, the sum of no ciphertexts.
    pub fn zero() -> Ciphertext {
        Ciphertext {
            a: Point::zero(),
            b: Point::zero(),
        }
    }

    /// Refuses a ciphertext with `A = O`, which does not hide its message.
    pub fn check_fresh(&self) -> Result<()> {
        check_not_identity(&self.a)
    }

    /// The homomorphic sum: an encryption of `m1 + m2`.
    pub fn add(&self, other: &Ciphertext) -> Ciphertext {
        let ab = normalize(&[self.a + other.a, self.b + other.b]);
        Ciphertext { a: ab[0], b: ab[1] }
    }

    /// Scaling by a public weight `w`: an encryption of `w·m`.
    pub fn scale(&self, w: &Scalar) -> Ciphertext {
        // Public data and a public weight: variable time.
        let ab = normalize(&[msm_vartime(&[self.a], &[*w]), msm_vartime(&[self.b], &[*w])]);
        Ciphertext { a: ab[0], b: ab[1] }
    }

    /// `Σ wᵢ·ctᵢ`: an encryption of `Σ wᵢ·mᵢ` (two multi-scalar multiplications).
    pub fn weighted_sum(items: &[(Ciphertext, Scalar)]) -> Ciphertext {
        let a: Vec<Point> = items.iter().map(|(c, _)| c.a).collect();
        let b: Vec<Point> = items.iter().map(|(c, _)| c.b).collect();
        let w: Vec<Scalar> = items.iter().map(|(_, w)| *w).collect();
        let ab = normalize(&[msm_vartime(&a, &w), msm_vartime(&b, &w)]);
        Ciphertext { a: ab[0], b: ab[1] }
    }

    /// `Σ ctᵢ` (all weights 1).
    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Ciphertext>) -> Ciphertext {
        let (mut a, mut b) = (PointProj::zero(), PointProj::zero());
        for c in items {
            a += c.a;
            b += c.b;
        }
        let ab = normalize(&[a, b]);
        Ciphertext { a: ab[0], b: ab[1] }
    }

    /// `M = B − x·A = m·G` with the whole secret key (tests, and the single-key case);
    /// the trustees decrypt without ever forming `x` ([`crate::decrypt`]).
    pub fn decrypt_to_point(&self, x: &Scalar) -> Point {
        (self.b.into_group() - mul(&self.a, x)).into_affine()
    }
}

/// Decodes a ciphertext from its two points, refusing [`crate::Error::NotOnCurve`] and
/// [`crate::Error::NotInSubgroup`] (the identity is allowed, see the module docs).
pub fn ciphertext_from_coords(
    a: (crate::group::Base, crate::group::Base),
    b: (crate::group::Base, crate::group::Base),
) -> Result<Ciphertext> {
    Ok(Ciphertext {
        a: crate::group::point_from_coords(a.0, a.1)?,
        b: crate::group::point_from_coords(b.0, b.1)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::group::{generator, hostile};
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn key(seed: u64) -> (Scalar, PublicKey) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let x = random_nonzero_scalar(&mut rng);
        (x, PublicKey::new(mul_g(&x).into_affine()).unwrap())
    }

    fn m_g(m: u64) -> Point {
        mul_g(&Scalar::from(m)).into_affine()
    }

    #[test]
    fn encrypts_and_decrypts() {
        let (x, pk) = key(1);
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let c = pk.encrypt(&Scalar::from(42u64), &mut rng);
        assert_eq!(c.decrypt_to_point(&x), m_g(42));
        c.check_fresh().unwrap();
        // Fresh randomness: two encryptions of one message differ.
        assert_ne!(c, pk.encrypt(&Scalar::from(42u64), &mut rng));
        // Deterministic with the caller's randomness.
        let r = Scalar::from(7u64);
        let c1 = pk.encrypt_with_randomness(&Scalar::from(3u64), &r);
        assert_eq!(c1, pk.encrypt_with_randomness(&Scalar::from(3u64), &r));
        assert_eq!(c1.a, m_g(7));
        // The wrong key does not decrypt.
        let (y, _) = key(3);
        assert_ne!(c.decrypt_to_point(&y), m_g(42));
    }

    #[test]
    fn refuses_the_identity_key_and_unfresh_ciphertexts() {
        assert_eq!(PublicKey::new(Point::zero()), Err(Error::IdentityPoint));
        assert_eq!(Ciphertext::zero().check_fresh(), Err(Error::IdentityPoint));
        let g = generator();
        let bad = hostile::order_two();
        assert_eq!(
            ciphertext_from_coords((g.x, g.y), (bad.x, bad.y)),
            Err(Error::NotInSubgroup)
        );
        let off = hostile::full_order();
        assert_eq!(
            ciphertext_from_coords((off.x, off.y), (g.x, g.y)),
            Err(Error::NotInSubgroup)
        );
        assert_eq!(
            ciphertext_from_coords((g.x, g.x), (g.x, g.y)),
            Err(Error::NotOnCurve)
        );
    }

    #[test]
    fn sum_of_nothing_is_an_encryption_of_zero() {
        let (x, _) = key(4);
        let z = Ciphertext::sum([]);
        assert_eq!(z, Ciphertext::zero());
        assert_eq!(z.decrypt_to_point(&x), Point::zero());
        assert_eq!(Ciphertext::weighted_sum(&[]), Ciphertext::zero());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn homomorphism(ms in proptest::collection::vec((0u64..1 << 20, 0u64..1 << 16), 1..6), seed in any::<u64>()) {
            let (x, pk) = key(seed);
            let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 1);
            let cts: Vec<Ciphertext> = ms.iter().map(|(m, _)| pk.encrypt(&Scalar::from(*m), &mut rng)).collect();
            let total: u64 = ms.iter().map(|(m, _)| m).sum();
            let weighted: u64 = ms.iter().map(|(m, w)| m * w).sum();
            // Sum, pairwise add, scale, weighted sum.
            prop_assert_eq!(Ciphertext::sum(&cts).decrypt_to_point(&x), m_g(total));
            let folded = cts.iter().fold(Ciphertext::zero(), |acc, c| acc.add(c));
            prop_assert_eq!(folded.decrypt_to_point(&x), m_g(total));
            let (m0, w0) = ms[0];
            prop_assert_eq!(cts[0].scale(&Scalar::from(w0)).decrypt_to_point(&x), m_g(m0 * w0));
            let items: Vec<(Ciphertext, Scalar)> = cts.iter().zip(&ms).map(|(c, (_, w))| (*c, Scalar::from(*w))).collect();
            prop_assert_eq!(Ciphertext::weighted_sum(&items).decrypt_to_point(&x), m_g(weighted));
            // The JSON form round-trips.
            let json = serde_json::to_string(&cts[0]).unwrap();
            prop_assert_eq!(serde_json::from_str::<Ciphertext>(&json).unwrap(), cts[0]);
        }
    }
}
