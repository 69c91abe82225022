//! Threshold decryption: partial decryptions with Chaum–Pedersen proofs, their
//! combination by any `t` trustees, and a transcript anyone can re-verify.
//!
//! ```text
//! trustee j, for each ciphertext (A_k, B_k):
//!     D_jk = x_j·A_k    with a DLEQ proof  log_G(Y_j) = log_{A_k}(D_jk)
//!     (transcript: election, H, t, n, j, k, A_k, B_k, then G, Y_j, A_k, D_jk)
//! anyone, with a set S of t trustees whose partials verify (the t smallest indices):
//!     λ_j = Π_{m∈S, m≠j} m/(m − j)              (Lagrange at 0)
//!     M_k = B_k − Σ_{j∈S} λ_j·D_jk = B_k − x·A_k = m_k·G
//!     m_k = log_G(M_k) < bound                  (crate::dlog)
//! ```
//! Since `x_j = F(j)` for one polynomial `F` of degree `t − 1` with `F(0) = x` (the
//! verification keys `Y_j` are checked to follow the commitments `A_k`,
//! [`ElectionKey`]), every set of `t` valid partials gives the same `M_k`. A partial
//! that fails its proof, names an unknown trustee, repeats one, or has the wrong number
//! of shares is excluded with the reason; decryption needs `t` valid ones
//! ([`Error::NotEnoughPartials`]).

use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{Field, One};
use merlin::Transcript;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::dkg::{ElectionKey, SecretShare};
use crate::dlog::DlogTable;
use crate::elgamal::Ciphertext;
use crate::error::{Error, Result};
use crate::format::{invalid, Document};
use crate::group::{
    generator, msm_vartime, mul, mul_g, normalize, serde_point_or_identity, Point, Scalar,
};
use crate::labels::{self, FORMAT_VERSION};
use crate::proofs::{Dleq, DleqProof};
use crate::transcript::{new_transcript, TranscriptProtocol};

/// The largest number of ciphertexts in one decryption.
pub const MAX_CIPHERTEXTS: usize = 1 << 16;

/// `D_jk = x_j·A_k` and its proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionShare {
    /// `D_jk`.
    #[serde(with = "serde_point_or_identity")]
    pub d: Point,
    /// `log_G(Y_j) = log_{A_k}(D_jk)`.
    pub proof: DleqProof,
}

/// Trustee `j`'s partial decryption of a list of ciphertexts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialDecryption {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The trustee `j`.
    pub trustee: u32,
    /// One share per ciphertext, in order.
    pub shares: Vec<DecryptionShare>,
}

impl Document for PartialDecryption {
    const WHAT: &'static str = "partial decryption";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        if self.trustee == 0 {
            return Err(invalid(
                Self::WHAT,
                "trustee",
                "trustees are numbered from 1",
            ));
        }
        if self.shares.len() > MAX_CIPHERTEXTS {
            return Err(invalid(
                Self::WHAT,
                "shares",
                format!("more than {MAX_CIPHERTEXTS}"),
            ));
        }
        Ok(())
    }
}

fn share_transcript(
    election: &str,
    key: &ElectionKey,
    trustee: u32,
    k: usize,
    c: &Ciphertext,
) -> Transcript {
    let mut t = new_transcript(labels::PARTIAL_DECRYPTION);
    t.bind_context(election.as_bytes());
    t.bind_point(&key.public_key);
    t.bind_threshold(key.threshold);
    t.bind_count(u64::from(key.n()));
    t.bind_index(trustee);
    t.bind_other_index(k as u64);
    t.bind_point(&c.a);
    t.bind_point(&c.b);
    t
}

/// Trustee `share.index`'s partial decryption of `ciphertexts` for `election` (the
/// election id, bound to every proof). Refuses a share that does not match its
/// verification key ([`Error::ShareMismatch`]).
pub fn partial_decrypt<R: RngCore + CryptoRng>(
    election: &str,
    key: &ElectionKey,
    share: &SecretShare,
    ciphertexts: &[Ciphertext],
    rng: &mut R,
) -> Result<PartialDecryption> {
    let j = share.index;
    let y = *key.verification_key(j)?;
    let x = share.scalar();
    if mul_g(x).into_affine() != y {
        return Err(Error::ShareMismatch { index: j });
    }
    let ds = normalize(&ciphertexts.iter().map(|c| mul(&c.a, x)).collect::<Vec<_>>());
    let shares = ciphertexts
        .iter()
        .zip(ds)
        .enumerate()
        .map(|(k, (c, d))| {
            let statement = Dleq {
                g1: generator(),
                y1: y,
                g2: c.a,
                y2: d,
            };
            let mut t = share_transcript(election, key, j, k, c);
            DecryptionShare {
                d,
                proof: DleqProof::prove(&mut t, x, &statement, rng),
            }
        })
        .collect();
    Ok(PartialDecryption {
        version: FORMAT_VERSION,
        trustee: j,
        shares,
    })
}

/// Checks a partial decryption of `ciphertexts` for `election` under `key`: a known
/// trustee, one share per ciphertext, every proof. The error names the failing field.
pub fn verify_partial(
    election: &str,
    key: &ElectionKey,
    ciphertexts: &[Ciphertext],
    partial: &PartialDecryption,
) -> Result<()> {
    let what = PartialDecryption::WHAT;
    let j = partial.trustee;
    let y = *key
        .verification_key(j)
        .map_err(|e| invalid(what, "trustee", e.to_string()))?;
    if partial.shares.len() != ciphertexts.len() {
        return Err(invalid(
            what,
            "shares",
            format!(
                "{} shares for {} ciphertexts",
                partial.shares.len(),
                ciphertexts.len()
            ),
        ));
    }
    for (k, (c, s)) in ciphertexts.iter().zip(&partial.shares).enumerate() {
        let statement = Dleq {
            g1: generator(),
            y1: y,
            g2: c.a,
            y2: s.d,
        };
        let mut t = share_transcript(election, key, j, k, c);
        s.proof
            .verify(
                &mut t,
                &statement,
                &format!("trustee {j}'s share of ciphertext {k}"),
            )
            .map_err(|e| invalid(what, format!("shares[{k}].proof"), e.to_string()))?;
    }
    Ok(())
}

/// A partial decryption that was not used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    /// Its position in the list of partials received.
    pub position: usize,
    /// The trustee it names.
    pub trustee: u32,
    /// Why it was excluded (the failing check, naming the field).
    pub reason: String,
}

/// A whole decryption: what was decrypted, every partial received, which were used and
/// which were excluded, and the totals. [`DecryptionTranscript::verify`] recomputes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptionTranscript {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The election id (the context of every proof).
    pub election: String,
    /// The election key and the trustees' verification keys.
    pub key: ElectionKey,
    /// The ciphertexts decrypted (e.g. the weighted sums of every ballot's fields).
    pub ciphertexts: Vec<Ciphertext>,
    /// Every partial decryption received, in the order received.
    pub partials: Vec<PartialDecryption>,
    /// The `t` trustees whose partials were combined (the smallest valid indices).
    pub used: Vec<u32>,
    /// The partials not used because they fail a check.
    pub excluded: Vec<Excluded>,
    /// The decrypted totals, one per ciphertext.
    pub totals: Vec<u64>,
}

impl Document for DecryptionTranscript {
    const WHAT: &'static str = "decryption transcript";

    fn version(&self) -> u32 {
        self.version
    }

    /// The key's rules and the lengths; [`DecryptionTranscript::verify`] does the rest.
    fn validate(&self) -> Result<()> {
        let what = Self::WHAT;
        self.key.validate()?;
        if self.ciphertexts.len() > MAX_CIPHERTEXTS {
            return Err(invalid(
                what,
                "ciphertexts",
                format!("more than {MAX_CIPHERTEXTS}"),
            ));
        }
        if self.totals.len() != self.ciphertexts.len() {
            return Err(invalid(
                what,
                "totals",
                format!(
                    "{} totals for {} ciphertexts",
                    self.totals.len(),
                    self.ciphertexts.len()
                ),
            ));
        }
        if self.used.len() != self.key.threshold as usize {
            return Err(invalid(
                what,
                "used",
                format!(
                    "{} trustees used, the threshold is {}",
                    self.used.len(),
                    self.key.threshold
                ),
            ));
        }
        Ok(())
    }
}

/// Combines the valid partials of `partials` (any order, any number) into the totals:
/// each partial is checked, the failing ones are excluded with their reason, the `t`
/// valid ones of smallest index are combined, and each `M_k` is solved by `dlog`.
pub fn combine(
    election: &str,
    key: &ElectionKey,
    ciphertexts: &[Ciphertext],
    partials: &[PartialDecryption],
    dlog: &DlogTable,
) -> Result<DecryptionTranscript> {
    key.validate()?;
    let mut valid: Vec<(u32, usize)> = Vec::new();
    let mut excluded = Vec::new();
    for (position, p) in partials.iter().enumerate() {
        let check = if p.version != FORMAT_VERSION {
            Err(Error::UnsupportedVersion {
                what: PartialDecryption::WHAT,
                found: p.version,
                supported: FORMAT_VERSION,
            })
        } else if valid.iter().any(|(j, _)| *j == p.trustee) {
            Err(invalid(
                PartialDecryption::WHAT,
                "trustee",
                format!("a second partial decryption of trustee {}", p.trustee),
            ))
        } else {
            verify_partial(election, key, ciphertexts, p)
        };
        match check {
            Ok(()) => valid.push((p.trustee, position)),
            Err(e) => excluded.push(Excluded {
                position,
                trustee: p.trustee,
                reason: e.to_string(),
            }),
        }
    }
    let t = key.threshold as usize;
    if valid.len() < t {
        return Err(Error::NotEnoughPartials {
            valid: valid.len(),
            needed: key.threshold,
            excluded: excluded
                .iter()
                .map(|e| format!("trustee {}: {}", e.trustee, e.reason))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    valid.sort_unstable();
    valid.truncate(t);
    let used: Vec<u32> = valid.iter().map(|(j, _)| *j).collect();
    let lambdas = lagrange_at_zero(&used)?;
    let mut points = Vec::with_capacity(ciphertexts.len());
    for (k, c) in ciphertexts.iter().enumerate() {
        let ds: Vec<Point> = valid
            .iter()
            .map(|(_, pos)| partials[*pos].shares[k].d)
            .collect();
        // Public values: variable time.
        let xa = msm_vartime(&ds, &lambdas);
        points.push(c.b.into_group() - xa);
    }
    let totals = normalize(&points)
        .iter()
        .map(|m| dlog.solve(m))
        .collect::<Result<Vec<u64>>>()?;
    Ok(DecryptionTranscript {
        version: FORMAT_VERSION,
        election: election.to_string(),
        key: key.clone(),
        ciphertexts: ciphertexts.to_vec(),
        partials: partials.to_vec(),
        used,
        excluded,
        totals,
    })
}

impl DecryptionTranscript {
    /// Recomputes everything from the ciphertexts and the partials (every proof, the
    /// exclusions, the combination, the totals) and checks that it is this transcript
    /// ([`Error::DecryptionMismatch`] naming the first field that differs).
    pub fn verify(&self, dlog: &DlogTable) -> Result<()> {
        self.validate()?;
        let expected = combine(
            &self.election,
            &self.key,
            &self.ciphertexts,
            &self.partials,
            dlog,
        )?;
        let differs = if self.used != expected.used {
            Some("used")
        } else if self.excluded != expected.excluded {
            Some("excluded")
        } else if self.totals != expected.totals {
            Some("totals")
        } else if *self != expected {
            Some("version")
        } else {
            None
        };
        match differs {
            Some(field) => Err(Error::DecryptionMismatch(format!(
                "field `{field}` differs from the one the partial decryptions give"
            ))),
            None => Ok(()),
        }
    }

    /// [`Self::verify`], and that the transcript is for `election` under `key` (what the
    /// election file records).
    pub fn verify_for(&self, election: &str, key: &ElectionKey, dlog: &DlogTable) -> Result<()> {
        if self.election != election {
            return Err(Error::DecryptionMismatch(
                "field `election` is another election's id".into(),
            ));
        }
        if self.key != *key {
            return Err(Error::DecryptionMismatch(
                "field `key` is not the election's key".into(),
            ));
        }
        self.verify(dlog)
    }
}

/// The Lagrange coefficients at 0 of the distinct non-zero `indices`:
/// `λ_j = Π_{m≠j} m / (m − j)`, so that `F(0) = Σ_j λ_j·F(j)` for any `F` of degree
/// below `|indices|`.
pub fn lagrange_at_zero(indices: &[u32]) -> Result<Vec<Scalar>> {
    let bad = || Error::Invalid {
        what: "trustee set",
        field: "indices".into(),
        message: format!("indices must be distinct and non-zero: {indices:?}"),
    };
    let mut out = Vec::with_capacity(indices.len());
    for (a, &j) in indices.iter().enumerate() {
        let mut num = Scalar::one();
        let mut den = Scalar::one();
        for (b, &m) in indices.iter().enumerate() {
            if a == b {
                continue;
            }
            if m == j || m == 0 {
                return Err(bad());
            }
            num *= Scalar::from(m);
            den *= Scalar::from(m) - Scalar::from(j);
        }
        out.push(num * den.inverse().ok_or_else(bad)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
