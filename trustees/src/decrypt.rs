//! Threshold decryption (filled in below).

use ark_ff::{Field, One};

use crate::error::{Error, Result};
use crate::group::Scalar;

/// The Lagrange coefficients at 0 of the distinct non-zero `indices`:
/// `λ_j = Π_{m≠j} m / (m − j)`, so that `F(0) = Σ_j λ_j·F(j)` for any `F` of degree
/// below `|indices|`.
pub fn lagrange_at_zero(indices: &[u32]) -> Result<Vec<Scalar>> {
    let mut out = Vec::with_capacity(indices.len());
    for (a, &j) in indices.iter().enumerate() {
        let mut num = Scalar::one();
        let mut den = Scalar::one();
        for (b, &m) in indices.iter().enumerate() {
            if a == b {
                continue;
            }
            if m == j || m == 0 {
                return Err(Error::Invalid {
                    what: "trustee set",
                    field: "indices".into(),
                    message: format!("indices must be distinct and non-zero: {indices:?}"),
                });
            }
            num *= Scalar::from(m);
            den *= Scalar::from(m) - Scalar::from(j);
        }
        let inv = den.inverse().ok_or_else(|| Error::Invalid {
            what: "trustee set",
            field: "indices".into(),
            message: format!("indices must be distinct and non-zero: {indices:?}"),
        })?;
        out.push(num * inv);
    }
    Ok(out)
}
