//! A trustee's side of the DKG: deal, check the shares received and complain, finish.
//!
//! Nothing a trustee must keep between rounds but its key pair: its own share is in
//! its dealing, encrypted to itself, so [`Trustee::finalize`] needs only the transcript.

use ark_ec::CurveGroup;
use ark_ff::Zero;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::share::{decrypt_share, encrypt_share, share_is_valid, share_key};
use super::{Complaint, Dealing, DkgParams, DkgResult, DkgTranscript};
use crate::error::{Error, Result};
use crate::format::{invalid, Document};
use crate::group::{generator, mul_g, random_nonzero_scalar, serde_scalar, Scalar};
use crate::keys::TrusteeKeyPair;
use crate::labels::FORMAT_VERSION;
use crate::proofs::{Dleq, DleqProof, SchnorrProof};

/// Trustee `index` of a DKG, holding its key pair.
#[derive(Debug)]
pub struct Trustee<'a> {
    params: &'a DkgParams,
    index: u32,
    key: &'a TrusteeKeyPair,
}

/// A trustee's secret share `x_j` of the election key, the outcome of the DKG. Keep it
/// private. `Debug` shows the index only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretShare {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The DKG session.
    pub session: String,
    /// The trustee `j`.
    pub index: u32,
    /// `x_j`.
    #[serde(with = "serde_scalar")]
    share: Scalar,
}

/// Wipes the share (best effort, as [`crate::keys::TrusteeKeyPair`]).
impl Drop for SecretShare {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.share);
    }
}

impl std::fmt::Debug for SecretShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretShare")
            .field("session", &self.session)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl SecretShare {
    /// `x_j`.
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.share
    }

    /// A share from its parts (tests of other crates build wrong ones on purpose).
    pub fn from_parts(session: &str, index: u32, share: Scalar) -> SecretShare {
        SecretShare {
            version: FORMAT_VERSION,
            session: session.into(),
            index,
            share,
        }
    }
}

impl Document for SecretShare {
    const WHAT: &'static str = "secret share";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        if self.index == 0 {
            return Err(invalid(Self::WHAT, "index", "trustees are numbered from 1"));
        }
        Ok(())
    }
}

impl<'a> Trustee<'a> {
    /// Trustee `index` of `params`, whose registered key must be `key`'s.
    pub fn new(params: &'a DkgParams, index: u32, key: &'a TrusteeKeyPair) -> Result<Trustee<'a>> {
        params.validate()?;
        if *params.key(index)? != key.public_key() {
            return Err(invalid(
                DkgParams::WHAT,
                format!("trustees[{}].key", index - 1),
                "is not this trustee's key",
            ));
        }
        Ok(Trustee { params, index, key })
    }

    /// Round 1: a random polynomial of degree `t − 1`, its commitments, the proof of its
    /// constant term, a share for every trustee (itself included) encrypted to its key,
    /// and the signature over all of it.
    pub fn deal<R: RngCore + CryptoRng>(&self, rng: &mut R) -> Dealing {
        let t = self.params.threshold as usize;
        let mut coefficients: Vec<Scalar> = (0..t).map(|_| random_nonzero_scalar(rng)).collect();
        let dealing = self.deal_polynomial(&coefficients, rng);
        coefficients.iter_mut().for_each(zeroize::Zeroize::zeroize);
        dealing
    }

    /// [`Self::deal`] with a given polynomial (tests make bad dealings with it).
    pub(crate) fn deal_polynomial<R: RngCore + CryptoRng>(
        &self,
        coefficients: &[Scalar],
        rng: &mut R,
    ) -> Dealing {
        let params = self.params;
        let commitments =
            crate::group::normalize(&coefficients.iter().map(mul_g).collect::<Vec<_>>());
        let constant_proof = SchnorrProof::prove(
            &mut Dealing::constant_transcript(params, self.index, &commitments),
            &coefficients[0],
            &commitments[0],
            rng,
        );
        let shares = params
            .trustees
            .iter()
            .map(|r| {
                let s = eval(coefficients, r.index);
                encrypt_share(params, self.index, r.index, &r.key, &s, rng)
            })
            .collect();
        let mut dealing = Dealing {
            version: FORMAT_VERSION,
            dealer: self.index,
            commitments,
            constant_proof,
            shares,
            signature: SchnorrProof {
                c: Scalar::zero(),
                s: Scalar::zero(),
            },
        };
        self.sign(&mut dealing, rng);
        dealing
    }

    /// Signs `dealing` (again) with this trustee's key.
    pub(crate) fn sign<R: RngCore + CryptoRng>(&self, dealing: &mut Dealing, rng: &mut R) {
        dealing.signature = SchnorrProof::prove(
            &mut dealing.signature_transcript(self.params),
            self.key.secret(),
            &self.key.public_key(),
            rng,
        );
    }

    /// Round 2: decrypts this trustee's share of every other dealing that passes the
    /// public checks and returns a complaint for each share that is bad. (Dealings that
    /// fail the public checks disqualify their dealer without a complaint.)
    pub fn complaints<R: RngCore + CryptoRng>(
        &self,
        dealings: &[Dealing],
        rng: &mut R,
    ) -> Vec<Complaint> {
        let mut out = Vec::new();
        for d in dealings {
            if d.dealer == self.index || d.check(self.params).is_err() {
                continue;
            }
            let Some(share) = d.shares.get(self.index as usize - 1) else {
                continue;
            };
            let s_key = share_key(self.key.secret(), share);
            let good = matches!(
                decrypt_share(self.params, d.dealer, share, &s_key),
                Ok(s) if share_is_valid(&d.commitments, self.index, &s)
            );
            if !good {
                out.push(self.complain(d, &s_key, rng));
            }
        }
        out
    }

    /// A complaint about `dealing`'s share for this trustee, opening it with `s_key`.
    pub(crate) fn complain<R: RngCore + CryptoRng>(
        &self,
        dealing: &Dealing,
        s_key: &crate::group::Point,
        rng: &mut R,
    ) -> Complaint {
        let share = &dealing.shares[self.index as usize - 1];
        let statement = Dleq {
            g1: generator(),
            y1: self.key.public_key(),
            g2: share.ephemeral,
            y2: *s_key,
        };
        let mut t = Complaint::transcript(self.params, self.index, dealing.dealer, share);
        Complaint {
            version: FORMAT_VERSION,
            complainer: self.index,
            accused: dealing.dealer,
            share_key: *s_key,
            proof: DleqProof::prove(&mut t, self.key.secret(), &statement, rng),
        }
    }

    /// The end: the public result of `transcript` and this trustee's secret share
    /// `x_j = Σ_{i∈QUAL} s_ij`, checked against its verification key `Y_j`
    /// ([`Error::ShareMismatch`] if a qualified dealer's share is bad: this trustee
    /// should have complained). Refuses a transcript without this trustee's own
    /// dealing, or with another one than `own`, when given.
    pub fn finalize(
        &self,
        transcript: &DkgTranscript,
        own: Option<&Dealing>,
    ) -> Result<(DkgResult, SecretShare)> {
        if transcript.params != *self.params {
            return Err(invalid(
                DkgTranscript::WHAT,
                "params",
                "are not this trustee's DKG parameters",
            ));
        }
        if let Some(own) = own {
            if transcript.dealing(self.index) != Some(own) {
                return Err(invalid(
                    DkgTranscript::WHAT,
                    "dealings",
                    format!(
                        "trustee {}'s own dealing is missing or replaced",
                        self.index
                    ),
                ));
            }
        }
        let result = transcript.evaluate()?;
        let mut x = Scalar::zero();
        for i in &result.qualified {
            let share = transcript
                .dealing(*i)
                .and_then(|d| d.shares.get(self.index as usize - 1).map(|s| (d, s)));
            let Some((d, share)) = share else {
                return Err(Error::ShareMismatch { index: self.index });
            };
            let s_key = share_key(self.key.secret(), share);
            match decrypt_share(self.params, *i, share, &s_key) {
                Ok(s) if share_is_valid(&d.commitments, self.index, &s) => x += s,
                _ => return Err(Error::ShareMismatch { index: self.index }),
            }
        }
        if mul_g(&x).into_affine() != *result.key.verification_key(self.index)? {
            return Err(Error::ShareMismatch { index: self.index });
        }
        let share = SecretShare::from_parts(&self.params.session, self.index, x);
        Ok((result, share))
    }
}

/// `f(j) = Σ_k a_k·j^k` (Horner).
fn eval(coefficients: &[Scalar], j: u32) -> Scalar {
    let j = Scalar::from(j);
    coefficients
        .iter()
        .rev()
        .fold(Scalar::zero(), |acc, a| acc * j + a)
}
