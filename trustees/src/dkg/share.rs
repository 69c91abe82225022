//! Shares encrypted to their recipient, and the public check of a share.
//!
//! ```text
//! dealer i → trustee j:  k ← random   R = k·G   S = k·E_j
//!                        pad = merlin(session, SHARE_PAD, i, j, R, S)  (32 bytes)
//!                        ct  = le32(s_ij) ⊕ pad
//! trustee j:             S = e_j·R,  s_ij = le32⁻¹(ct ⊕ pad)   (refused if ≥ l)
//! ```
//! `S` is the key of this one share: a complaint publishes it with a DLEQ proof that
//! `log_G(E_j) = log_R(S)`, so anyone can decrypt that share (and nothing else) and
//! check it against the dealer's commitments.

use ark_ec::{AffineRepr, CurveGroup};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::DkgParams;
use crate::error::Result;
use crate::group::{
    mul, mul_g, mul_u64, random_nonzero_scalar, scalar_from_le_bytes, serde_hex32, serde_point,
    to_le_bytes, Point, PointProj, Scalar,
};
use crate::labels;
use crate::transcript::TranscriptProtocol;

/// A share `s_ij = f_i(j)` encrypted by dealer `i` to trustee `j`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedShare {
    /// The recipient `j`.
    pub recipient: u32,
    /// `R = k·G`, the ephemeral key.
    #[serde(with = "serde_point")]
    pub ephemeral: Point,
    /// `le32(s_ij) ⊕ pad`, hex.
    #[serde(with = "serde_hex32")]
    pub ciphertext: [u8; 32],
}

fn pad(params: &DkgParams, dealer: u32, recipient: u32, r: &Point, s: &Point) -> [u8; 32] {
    let mut t = params.transcript(labels::SHARE_PAD);
    t.bind_index(dealer);
    t.bind_other_index(u64::from(recipient));
    t.bind_point(r);
    t.bind_point(s);
    let mut out = [0u8; 32];
    t.pad(&mut out);
    out
}

fn xor(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// Encrypts `share` from `dealer` to the trustee `recipient` with key `key`.
pub(crate) fn encrypt_share<R: RngCore + CryptoRng>(
    params: &DkgParams,
    dealer: u32,
    recipient: u32,
    key: &Point,
    share: &Scalar,
    rng: &mut R,
) -> EncryptedShare {
    let k = random_nonzero_scalar(rng);
    let r = mul_g(&k).into_affine();
    let s = mul(key, &k).into_affine();
    let pad = pad(params, dealer, recipient, &r, &s);
    EncryptedShare {
        recipient,
        ephemeral: r,
        ciphertext: xor(&to_le_bytes(share), &pad),
    }
}

/// The share's key `S = e_j·R` for its recipient.
pub(crate) fn share_key(secret: &Scalar, share: &EncryptedShare) -> Point {
    mul(&share.ephemeral, secret).into_affine()
}

/// Decrypts with the share's key `S` (the recipient's, or one published in a
/// complaint); [`crate::Error::NonCanonical`] if the plaintext is not below `l`.
pub(crate) fn decrypt_share(
    params: &DkgParams,
    dealer: u32,
    share: &EncryptedShare,
    key: &Point,
) -> Result<Scalar> {
    let pad = pad(params, dealer, share.recipient, &share.ephemeral, key);
    scalar_from_le_bytes(&xor(&share.ciphertext, &pad))
}

/// `Σ_k j^k·C_k` (Horner; `j` small and public): what `f(j)·G` must be.
pub(crate) fn feldman_eval(commitments: &[Point], j: u32) -> PointProj {
    let mut acc = PointProj::default();
    for c in commitments.iter().rev() {
        acc = mul_u64(&acc, u64::from(j)) + c.into_group();
    }
    acc
}

/// Whether `s·G = Σ_k j^k·C_k`: the Feldman check of a share.
pub(crate) fn share_is_valid(commitments: &[Point], j: u32, s: &Scalar) -> bool {
    mul_g(s) == feldman_eval(commitments, j)
}
