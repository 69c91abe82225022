//! A dealer-free threshold key generation for `n` trustees, any `t` of whom can
//! decrypt: Joint-Feldman (Pedersen's DKG) in a non-interactive form that runs on files.
//!
//! # The protocol
//! Every message is public; private data travels encrypted inside it. Indices are
//! `1..=n`; `E_j` is trustee `j`'s registered key ([`crate::keys`]).
//! ```text
//! setup     DkgParams: session, t, the trustees' keys with proofs of possession
//!
//! round 1   trustee i picks f_i(z) = a_i0 + a_i1·z + … + a_i,t−1·z^(t−1)   (aᵢₖ random)
//!           and publishes a Dealing:
//!             C_ik = a_ik·G                  (Feldman commitments, k < t)
//!             PoK of a_i0 for C_i0           (Schnorr, bound to session, i and every C_ik)
//!             Enc_{E_j}(s_ij = f_i(j))       for every j = 1..=n, itself included (share.rs)
//!             a signature by e_i over all of it (Schnorr PoK of e_i, bound to the content)
//!
//! round 2   trustee j decrypts s_ij from every dealing and checks
//!             s_ij·G = Σ_k j^k·C_ik                               (Feldman)
//!           and for each one that fails publishes a Complaint: the share's key
//!           S = e_j·R_ij with a DLEQ proof log_G(E_j) = log_{R_ij}(S).
//!
//! result    anyone, from the transcript (params, dealings, complaints):
//!           a dealer is disqualified if its dealing is missing or malformed (a wrong
//!           count, a bad proof or signature), or if a complaint against it is justified:
//!           the DLEQ proof holds and the share it opens is not below l or fails the
//!           Feldman check. A complaint whose proof fails, or that opens a valid share,
//!           is refused (and changes nothing). QUAL = the dealers not disqualified.
//!             A_k = Σ_{i∈QUAL} C_ik        H = A_0 (the election key)
//!             Y_j = Σ_k j^k·A_k            (trustee j's verification key, every j)
//!           trustee j's secret share is x_j = Σ_{i∈QUAL} s_ij, and x_j·G = Y_j.
//! ```
//! The election's secret `x = Σ_{i∈QUAL} a_i0` with `H = x·G` is never formed; `x_j =
//! F(j)` for `F = Σ_{i∈QUAL} f_i`, of degree `t − 1`, so any `t` shares determine it.
//!
//! # What is guaranteed, and what is not
//! - Anyone can recompute the result from the transcript ([`DkgResult::verify`]);
//!   misbehaving dealers and refused complaints are named by index.
//! - The DKG fails ([`crate::Error::DkgFailed`]) if fewer than `t` dealers qualify, so a
//!   result always includes at least one honest dealer when at most `t − 1` cheat.
//! - Every trustee `1..=n` holds a share, disqualified dealers too (their partial
//!   decryptions are checked like anyone's).
//! - Everyone must use the same transcript (a bulletin board, or a ballot box). A
//!   dealer who signs two different dealings equivocates; a transcript with two dealings
//!   of one dealer is refused. A trustee checks that its own dealing is in it.
//! - Joint-Feldman lets a rushing adversary bias the distribution of `H` (Gennaro,
//!   Jarecki, Krawczyk, Rabin 1999). For ElGamal encryption this bias does not break
//!   security (Gennaro et al., "Secure applications of Pedersen's distributed key
//!   generation protocol", 2003); the Schnorr proof of each `a_i0` prevents choosing a
//!   `C_i0` as a function of the others' without knowing its log.

pub mod share;
mod trustee;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, BTreeSet};

use ark_ec::AffineRepr;
use merlin::Transcript;
use serde::{Deserialize, Serialize};

pub use share::EncryptedShare;
pub use trustee::{SecretShare, Trustee};

use crate::error::{Error, Result};
use crate::format::{invalid, Document};
use crate::group::{
    generator, normalize, serde_point, serde_points, to_le_bytes, Point, PointProj,
};
use crate::keys::TrusteePublicKey;
use crate::labels::{self, FORMAT_VERSION};
use crate::proofs::{Dleq, DleqProof, SchnorrProof};
use crate::transcript::{new_transcript, TranscriptProtocol};

/// The largest number of trustees.
pub const MAX_TRUSTEES: u32 = 255;
/// The longest session name, in bytes.
pub const MAX_SESSION_LEN: usize = 256;

/// The DKG's parameters: a session name, the threshold, the trustees' keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DkgParams {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// A name unique to this key generation (e.g. `dao.example/proposal-7`), bound to
    /// every proof, so that no message of another session is accepted in this one.
    pub session: String,
    /// `t`: any `t` trustees can decrypt, `t − 1` cannot. `1 ≤ t ≤ n`.
    pub threshold: u32,
    /// The trustees, by index `1..=n` in order, each with its proof of possession.
    pub trustees: Vec<TrusteePublicKey>,
}

impl DkgParams {
    /// Parameters for `trustees` (their registrations for `session`), checked.
    pub fn new(
        session: &str,
        threshold: u32,
        trustees: Vec<TrusteePublicKey>,
    ) -> Result<DkgParams> {
        let p = DkgParams {
            version: FORMAT_VERSION,
            session: session.to_string(),
            threshold,
            trustees,
        };
        p.validate()?;
        Ok(p)
    }

    /// `n`, the number of trustees.
    pub fn n(&self) -> u32 {
        // validate() bounds it by MAX_TRUSTEES.
        u32::try_from(self.trustees.len()).unwrap_or(u32::MAX)
    }

    /// Trustee `index`'s key.
    pub fn key(&self, index: u32) -> Result<&Point> {
        let i = index
            .checked_sub(1)
            .ok_or(Error::UnknownTrustee { index, n: self.n() })?;
        self.trustees
            .get(i as usize)
            .map(|t| &t.key)
            .ok_or(Error::UnknownTrustee { index, n: self.n() })
    }

    /// A transcript of `kind` bound to the whole session: its name, `n`, `t` and every
    /// trustee's key.
    pub(crate) fn transcript(&self, kind: &'static [u8]) -> Transcript {
        let mut t = new_transcript(kind);
        t.bind_context(self.session.as_bytes());
        t.bind_count(u64::from(self.n()));
        t.bind_threshold(self.threshold);
        for trustee in &self.trustees {
            t.bind_point(&trustee.key);
        }
        t
    }
}

impl Document for DkgParams {
    const WHAT: &'static str = "dkg parameters";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        let what = Self::WHAT;
        if self.session.is_empty() || self.session.len() > MAX_SESSION_LEN {
            return Err(invalid(
                what,
                "session",
                format!("must be 1 to {MAX_SESSION_LEN} bytes"),
            ));
        }
        let n = self.trustees.len();
        if n == 0 || n > MAX_TRUSTEES as usize {
            return Err(invalid(
                what,
                "trustees",
                format!("{n} trustees; 1 to {MAX_TRUSTEES} are supported"),
            ));
        }
        if self.threshold == 0 || self.threshold as usize > n {
            return Err(invalid(
                what,
                "threshold",
                format!(
                    "{} is out of range for {n} trustees (1 ≤ t ≤ n)",
                    self.threshold
                ),
            ));
        }
        let mut keys = BTreeMap::new();
        for (k, t) in self.trustees.iter().enumerate() {
            let expected = k as u32 + 1;
            if t.index != expected {
                let message = match self.trustees[..k].iter().position(|o| o.index == t.index) {
                    Some(m) => format!("duplicate index {} (also trustees[{m}])", t.index),
                    None => format!(
                        "{} where {expected} is expected: trustees are listed by index 1..=n",
                        t.index
                    ),
                };
                return Err(invalid(what, format!("trustees[{k}].index"), message));
            }
            if let Some(m) = keys.insert(crate::group::point_bytes(&t.key), k) {
                return Err(invalid(
                    what,
                    format!("trustees[{k}].key"),
                    format!("the same key as trustees[{m}]"),
                ));
            }
            t.verify(&self.session)
                .map_err(|e| invalid(what, format!("trustees[{k}].proof"), e.to_string()))?;
        }
        Ok(())
    }
}

/// Round 1: a dealer's commitments, proof and encrypted shares, signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dealing {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The dealer `i`.
    pub dealer: u32,
    /// `C_ik = a_ik·G` for `k = 0..t`.
    #[serde(with = "serde_points")]
    pub commitments: Vec<Point>,
    /// Proof of knowledge of `a_i0`.
    pub constant_proof: SchnorrProof,
    /// `s_ij` encrypted to each trustee `j = 1..=n`, in order.
    pub shares: Vec<EncryptedShare>,
    /// Proof of knowledge of `e_i` over everything above (the dealer's signature).
    pub signature: SchnorrProof,
}

impl Dealing {
    fn constant_transcript(params: &DkgParams, dealer: u32, commitments: &[Point]) -> Transcript {
        let mut t = params.transcript(labels::CONSTANT_POK);
        t.bind_index(dealer);
        for c in commitments {
            t.bind_point(c);
        }
        t
    }

    fn signature_transcript(&self, params: &DkgParams) -> Transcript {
        let mut t = params.transcript(labels::DEALING);
        t.bind_index(self.dealer);
        for c in &self.commitments {
            t.bind_point(c);
        }
        t.bind_bytes(&to_le_bytes(&self.constant_proof.c));
        t.bind_bytes(&to_le_bytes(&self.constant_proof.s));
        for s in &self.shares {
            t.bind_other_index(u64::from(s.recipient));
            t.bind_point(&s.ephemeral);
            t.bind_bytes(&s.ciphertext);
        }
        t
    }

    /// The public checks of a dealing: the dealer is a trustee, `t` commitments, one
    /// share for each trustee in order, the proof of `a_i0` and the dealer's signature.
    /// The error names the failing field.
    pub fn check(&self, params: &DkgParams) -> Result<()> {
        let what = Self::WHAT;
        let key = params
            .key(self.dealer)
            .map_err(|e| invalid(what, "dealer", e.to_string()))?;
        if self.commitments.len() != params.threshold as usize {
            return Err(invalid(
                what,
                "commitments",
                format!(
                    "{} commitments, the threshold is {}",
                    self.commitments.len(),
                    params.threshold
                ),
            ));
        }
        if self.shares.len() != params.trustees.len() {
            return Err(invalid(
                what,
                "shares",
                format!(
                    "{} shares for {} trustees",
                    self.shares.len(),
                    params.trustees.len()
                ),
            ));
        }
        for (k, s) in self.shares.iter().enumerate() {
            if s.recipient != k as u32 + 1 {
                return Err(invalid(
                    what,
                    format!("shares[{k}].recipient"),
                    format!(
                        "{} where {} is expected (shares are listed by recipient 1..=n)",
                        s.recipient,
                        k + 1
                    ),
                ));
            }
        }
        self.constant_proof
            .verify(
                &mut Self::constant_transcript(params, self.dealer, &self.commitments),
                &self.commitments[0],
                "the proof of the constant term",
            )
            .map_err(|e| invalid(what, "constant_proof", e.to_string()))?;
        self.signature
            .verify(
                &mut self.signature_transcript(params),
                key,
                "the dealer's signature",
            )
            .map_err(|e| invalid(what, "signature", e.to_string()))?;
        Ok(())
    }
}

impl Document for Dealing {
    const WHAT: &'static str = "dealing";

    fn version(&self) -> u32 {
        self.version
    }

    /// The structure only; [`Dealing::check`] needs the parameters.
    fn validate(&self) -> Result<()> {
        if self.commitments.is_empty() {
            return Err(invalid(Self::WHAT, "commitments", "no commitment"));
        }
        Ok(())
    }
}

/// Round 2: trustee `complainer` shows that the share `accused` sent it is bad, by
/// publishing that share's key `S` with a DLEQ proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The trustee complaining (the share's recipient `j`).
    pub complainer: u32,
    /// The dealer `i` of the bad share.
    pub accused: u32,
    /// `S = e_j·R_ij`, the key of that one share.
    #[serde(with = "serde_point")]
    pub share_key: Point,
    /// `log_G(E_j) = log_{R_ij}(S)`.
    pub proof: DleqProof,
}

impl Complaint {
    pub(crate) fn transcript(
        params: &DkgParams,
        complainer: u32,
        accused: u32,
        share: &EncryptedShare,
    ) -> Transcript {
        let mut t = params.transcript(labels::COMPLAINT);
        t.bind_index(complainer);
        t.bind_other_index(u64::from(accused));
        t.bind_bytes(&share.ciphertext);
        t
    }
}

impl Document for Complaint {
    const WHAT: &'static str = "complaint";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        if self.complainer == self.accused {
            return Err(invalid(
                Self::WHAT,
                "accused",
                "a trustee cannot complain about itself",
            ));
        }
        Ok(())
    }
}

/// Everything public of a DKG: what [`DkgTranscript::evaluate`] computes the result from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DkgTranscript {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The parameters.
    pub params: DkgParams,
    /// The dealings received (at most one per dealer, any order).
    pub dealings: Vec<Dealing>,
    /// The complaints received (at most one per complainer and accused, any order).
    pub complaints: Vec<Complaint>,
}

/// Why a dealer is not in QUAL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Disqualification {
    /// No dealing from this trustee.
    MissingDealing,
    /// Its dealing fails a public check.
    InvalidDealing {
        /// Which check, naming the field.
        detail: String,
    },
    /// A complaint against it is justified (the first one, in transcript order).
    JustifiedComplaint {
        /// Who complained.
        complainer: u32,
        /// What the opened share showed.
        detail: String,
    },
}

/// A dealer not in QUAL, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disqualified {
    /// The dealer.
    pub trustee: u32,
    /// Why.
    pub reason: Disqualification,
}

/// What became of a complaint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ComplaintOutcome {
    /// The share is bad: the accused is disqualified.
    Justified {
        /// What the opened share showed.
        detail: String,
    },
    /// The complaint does not hold (its proof fails, or the share is good); it changes
    /// nothing.
    Refused {
        /// Why.
        detail: String,
    },
    /// The accused is disqualified for a public reason already; not examined.
    Moot,
}

/// A complaint of the transcript and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRecord {
    /// The complainer.
    pub complainer: u32,
    /// The accused.
    pub accused: u32,
    /// The outcome.
    pub outcome: ComplaintOutcome,
}

/// The public key material of a threshold key: what an election records and what
/// partial decryptions are checked against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionKey {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// `t`.
    pub threshold: u32,
    /// `H = A_0`, the key ballots are encrypted under.
    #[serde(with = "serde_point")]
    pub public_key: Point,
    /// `A_k = Σ_{i∈QUAL} C_ik`, `k = 0..t`: the commitments to the shared polynomial.
    #[serde(with = "serde_points")]
    pub commitments: Vec<Point>,
    /// `Y_j = Σ_k j^k·A_k` for `j = 1..=n`: trustee `j`'s verification key.
    #[serde(with = "serde_points")]
    pub verification_keys: Vec<Point>,
}

impl ElectionKey {
    /// The key of the polynomial commitments `A_0..A_{t−1}` for `n` trustees.
    pub fn from_commitments(commitments: Vec<Point>, n: u32) -> Result<ElectionKey> {
        let ys: Vec<PointProj> = (1..=n)
            .map(|j| share::feldman_eval(&commitments, j))
            .collect();
        let key = ElectionKey {
            version: FORMAT_VERSION,
            threshold: u32::try_from(commitments.len()).unwrap_or(u32::MAX),
            public_key: commitments.first().copied().unwrap_or_default(),
            commitments,
            verification_keys: normalize(&ys),
        };
        key.validate()?;
        Ok(key)
    }

    /// `n`, the number of trustees.
    pub fn n(&self) -> u32 {
        u32::try_from(self.verification_keys.len()).unwrap_or(u32::MAX)
    }

    /// Trustee `index`'s verification key `Y_index`.
    pub fn verification_key(&self, index: u32) -> Result<&Point> {
        index
            .checked_sub(1)
            .and_then(|i| self.verification_keys.get(i as usize))
            .ok_or(Error::UnknownTrustee { index, n: self.n() })
    }

    /// The ElGamal public key `H`.
    pub fn elgamal(&self) -> Result<crate::elgamal::PublicKey> {
        crate::elgamal::PublicKey::new(self.public_key)
    }
}

impl Document for ElectionKey {
    const WHAT: &'static str = "election key";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        let what = Self::WHAT;
        let n = self.verification_keys.len();
        if n == 0 || n > MAX_TRUSTEES as usize {
            return Err(invalid(
                what,
                "verification_keys",
                format!("{n} keys; 1 to {MAX_TRUSTEES} trustees are supported"),
            ));
        }
        if self.threshold == 0 || self.threshold as usize > n {
            return Err(invalid(
                what,
                "threshold",
                format!(
                    "{} is out of range for {n} trustees (1 ≤ t ≤ n)",
                    self.threshold
                ),
            ));
        }
        if self.commitments.len() != self.threshold as usize {
            return Err(invalid(
                what,
                "commitments",
                format!(
                    "{} commitments for threshold {}",
                    self.commitments.len(),
                    self.threshold
                ),
            ));
        }
        if self.public_key != self.commitments[0] {
            return Err(invalid(what, "public_key", "is not commitments[0]"));
        }
        crate::group::check_not_identity(&self.public_key)
            .map_err(|e| invalid(what, "public_key", e.to_string()))?;
        for (k, y) in self.verification_keys.iter().enumerate() {
            if share::feldman_eval(&self.commitments, k as u32 + 1) != *y {
                return Err(invalid(
                    what,
                    format!("verification_keys[{k}]"),
                    format!("is not Σ_k {}^k·A_k", k + 1),
                ));
            }
        }
        Ok(())
    }
}

/// The outcome of a DKG, recomputable by anyone from its transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DkgResult {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The session.
    pub session: String,
    /// The election key and the trustees' verification keys.
    pub key: ElectionKey,
    /// QUAL, increasing.
    pub qualified: Vec<u32>,
    /// The other dealers, increasing, with the reason.
    pub disqualified: Vec<Disqualified>,
    /// Every complaint of the transcript, in its order, with its outcome.
    pub complaints: Vec<ComplaintRecord>,
}

impl Document for DkgResult {
    const WHAT: &'static str = "dkg result";

    fn version(&self) -> u32 {
        self.version
    }

    /// The key's rules; the rest needs the transcript ([`DkgResult::verify`]).
    fn validate(&self) -> Result<()> {
        self.key.validate()
    }
}

impl DkgResult {
    /// Recomputes the result from `transcript` and checks that it is this one, field by
    /// field ([`Error::DkgResultMismatch`] naming the first that differs).
    pub fn verify(&self, transcript: &DkgTranscript) -> Result<()> {
        let expected = transcript.evaluate()?;
        let differs = if self.version != expected.version {
            Some("version")
        } else if self.session != expected.session {
            Some("session")
        } else if self.qualified != expected.qualified {
            Some("qualified")
        } else if self.disqualified != expected.disqualified {
            Some("disqualified")
        } else if self.complaints != expected.complaints {
            Some("complaints")
        } else if self.key.threshold != expected.key.threshold {
            Some("key.threshold")
        } else if self.key.public_key != expected.key.public_key {
            Some("key.public_key")
        } else if self.key.commitments != expected.key.commitments {
            Some("key.commitments")
        } else if self.key.verification_keys != expected.key.verification_keys {
            Some("key.verification_keys")
        } else if *self != expected {
            Some("key")
        } else {
            None
        };
        match differs {
            Some(field) => Err(Error::DkgResultMismatch(format!(
                "field `{field}` differs from the one the transcript gives"
            ))),
            None => Ok(()),
        }
    }
}

impl Document for DkgTranscript {
    const WHAT: &'static str = "dkg transcript";

    fn version(&self) -> u32 {
        self.version
    }

    /// The parameters' checks, versions, indices in range and no duplicates. Checks of
    /// the dealings' content disqualify their dealer instead ([`DkgTranscript::evaluate`]).
    fn validate(&self) -> Result<()> {
        let what = Self::WHAT;
        self.params.validate()?;
        let n = self.params.n();
        let mut seen = BTreeMap::new();
        for (k, d) in self.dealings.iter().enumerate() {
            if d.version != FORMAT_VERSION {
                return Err(invalid(
                    what,
                    format!("dealings[{k}].version"),
                    format!("version {} is not supported", d.version),
                ));
            }
            if d.dealer == 0 || d.dealer > n {
                return Err(invalid(
                    what,
                    format!("dealings[{k}].dealer"),
                    Error::UnknownTrustee { index: d.dealer, n }.to_string(),
                ));
            }
            if let Some(m) = seen.insert(d.dealer, k) {
                return Err(invalid(
                    what,
                    format!("dealings[{k}].dealer"),
                    format!(
                        "a second dealing of trustee {} (also dealings[{m}])",
                        d.dealer
                    ),
                ));
            }
        }
        let mut seen = BTreeMap::new();
        for (k, c) in self.complaints.iter().enumerate() {
            if c.version != FORMAT_VERSION {
                return Err(invalid(
                    what,
                    format!("complaints[{k}].version"),
                    format!("version {} is not supported", c.version),
                ));
            }
            for (field, index) in [("complainer", c.complainer), ("accused", c.accused)] {
                if index == 0 || index > n {
                    return Err(invalid(
                        what,
                        format!("complaints[{k}].{field}"),
                        Error::UnknownTrustee { index, n }.to_string(),
                    ));
                }
            }
            c.validate().map_err(|e| match e {
                Error::Invalid { message, .. } => {
                    invalid(what, format!("complaints[{k}].accused"), message)
                }
                e => e,
            })?;
            if let Some(m) = seen.insert((c.complainer, c.accused), k) {
                return Err(invalid(
                    what,
                    format!("complaints[{k}]"),
                    format!(
                        "a second complaint of {} about {} (also complaints[{m}])",
                        c.complainer, c.accused
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl DkgTranscript {
    /// A transcript of these messages.
    pub fn new(
        params: DkgParams,
        dealings: Vec<Dealing>,
        complaints: Vec<Complaint>,
    ) -> Result<DkgTranscript> {
        let t = DkgTranscript {
            version: FORMAT_VERSION,
            params,
            dealings,
            complaints,
        };
        t.validate()?;
        Ok(t)
    }

    /// Trustee `index`'s dealing, if there is one.
    pub fn dealing(&self, index: u32) -> Option<&Dealing> {
        self.dealings.iter().find(|d| d.dealer == index)
    }

    /// The result: QUAL, the election key and every trustee's verification key (see the
    /// module docs). Fails if the transcript breaks its rules or fewer than `t` dealers
    /// qualify ([`Error::DkgFailed`]).
    pub fn evaluate(&self) -> Result<DkgResult> {
        self.validate()?;
        let params = &self.params;
        let n = params.n();
        let mut disqualified: BTreeMap<u32, Disqualification> = BTreeMap::new();
        for i in 1..=n {
            match self.dealing(i) {
                None => {
                    disqualified.insert(i, Disqualification::MissingDealing);
                }
                Some(d) => {
                    if let Err(e) = d.check(params) {
                        disqualified.insert(
                            i,
                            Disqualification::InvalidDealing {
                                detail: e.to_string(),
                            },
                        );
                    }
                }
            }
        }
        let publicly_bad: BTreeSet<u32> = disqualified.keys().copied().collect();
        let mut complaints = Vec::with_capacity(self.complaints.len());
        for c in &self.complaints {
            let outcome = match self.dealing(c.accused) {
                Some(d) if !publicly_bad.contains(&c.accused) => judge(params, d, c)?,
                _ => ComplaintOutcome::Moot,
            };
            if let ComplaintOutcome::Justified { detail } = &outcome {
                disqualified
                    .entry(c.accused)
                    .or_insert(Disqualification::JustifiedComplaint {
                        complainer: c.complainer,
                        detail: detail.clone(),
                    });
            }
            complaints.push(ComplaintRecord {
                complainer: c.complainer,
                accused: c.accused,
                outcome,
            });
        }
        let qualified: Vec<u32> = (1..=n).filter(|i| !disqualified.contains_key(i)).collect();
        let disqualified: Vec<Disqualified> = disqualified
            .into_iter()
            .map(|(trustee, reason)| Disqualified { trustee, reason })
            .collect();
        if qualified.len() < params.threshold as usize {
            return Err(Error::DkgFailed {
                qualified: qualified.len(),
                threshold: params.threshold,
                disqualified: disqualified
                    .iter()
                    .map(|d| format!("{}: {:?}", d.trustee, d.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        let t = params.threshold as usize;
        let mut sums = vec![PointProj::default(); t];
        for i in &qualified {
            // Every qualified dealer has a checked dealing of t commitments.
            if let Some(d) = self.dealing(*i) {
                for (s, c) in sums.iter_mut().zip(&d.commitments) {
                    *s += c.into_group();
                }
            }
        }
        let key =
            ElectionKey::from_commitments(normalize(&sums), n).map_err(|e| Error::DkgFailed {
                qualified: qualified.len(),
                threshold: params.threshold,
                disqualified: format!("the combined key is unusable: {e}"),
            })?;
        Ok(DkgResult {
            version: FORMAT_VERSION,
            session: params.session.clone(),
            key,
            qualified,
            disqualified,
            complaints,
        })
    }
}

/// Examines a complaint against a dealing that passed the public checks.
fn judge(params: &DkgParams, dealing: &Dealing, c: &Complaint) -> Result<ComplaintOutcome> {
    let refused = |detail: String| Ok(ComplaintOutcome::Refused { detail });
    let Some(share) = c
        .complainer
        .checked_sub(1)
        .and_then(|j| dealing.shares.get(j as usize))
    else {
        return refused("no share for the complainer".into());
    };
    let statement = Dleq {
        g1: generator(),
        y1: *params.key(c.complainer)?,
        g2: share.ephemeral,
        y2: c.share_key,
    };
    let mut t = Complaint::transcript(params, c.complainer, c.accused, share);
    if let Err(e) = c
        .proof
        .verify(&mut t, &statement, "the complaint's decryption key")
    {
        return refused(e.to_string());
    }
    Ok(
        match share::decrypt_share(params, c.accused, share, &c.share_key) {
            Err(_) => ComplaintOutcome::Justified {
                detail: "the share is not a scalar below l".into(),
            },
            Ok(s) if !share::share_is_valid(&dealing.commitments, c.complainer, &s) => {
                ComplaintOutcome::Justified {
                    detail: "the share does not match the dealer's commitments".into(),
                }
            }
            Ok(_) => ComplaintOutcome::Refused {
                detail: "the share matches the dealer's commitments".into(),
            },
        },
    )
}
