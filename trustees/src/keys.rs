//! Trustee key pairs: a Baby Jubjub key `E = e·G` with a proof of possession.
//!
//! A trustee's key encrypts the DKG shares sent to it and authenticates what it
//! publishes (its dealing is signed with it, its complaints prove knowledge of it). It
//! is registered for one DKG session under one index with a Schnorr proof of knowledge
//! of `e`, bound to the session and the index ([`TrusteePublicKey::verify`]), so that
//! nobody can register a key it does not hold, or replay another session's
//! registration.

use ark_ec::CurveGroup;
use ark_ff::Zero;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::format::{invalid, Document};
use crate::group::{
    check_not_identity, mul_g, random_nonzero_scalar, serde_point, serde_scalar, Point, Scalar,
};
use crate::labels::{self, FORMAT_VERSION};
use crate::proofs::SchnorrProof;
use crate::transcript::{new_transcript, TranscriptProtocol};

/// A trustee's key pair. `Debug` shows the public key only.
#[derive(Clone, PartialEq, Eq)]
pub struct TrusteeKeyPair {
    secret: Scalar,
    public: Point,
}

/// Wipes the secret (best effort: copies made by arithmetic on the stack are not).
impl Drop for TrusteeKeyPair {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

impl std::fmt::Debug for TrusteeKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrusteeKeyPair")
            .field("public", &crate::group::point_to_strings(&self.public))
            .finish_non_exhaustive()
    }
}

impl TrusteeKeyPair {
    /// A new key pair.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> TrusteeKeyPair {
        let secret = random_nonzero_scalar(rng);
        Self::from_secret(secret).unwrap_or_else(|_| unreachable!("the secret is not zero"))
    }

    /// The key pair of a secret scalar, refusing 0.
    pub fn from_secret(secret: Scalar) -> Result<TrusteeKeyPair> {
        if secret.is_zero() {
            return Err(Error::IdentityPoint);
        }
        Ok(TrusteeKeyPair {
            secret,
            public: mul_g(&secret).into_affine(),
        })
    }

    /// `E = e·G`.
    pub fn public_key(&self) -> Point {
        self.public
    }

    /// `e`.
    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret
    }

    /// The registration of this key as trustee `index` of the DKG `session`.
    pub fn register<R: RngCore + CryptoRng>(
        &self,
        session: &str,
        index: u32,
        rng: &mut R,
    ) -> TrusteePublicKey {
        let proof = SchnorrProof::prove(
            &mut pop_transcript(session, index),
            &self.secret,
            &self.public,
            rng,
        );
        TrusteePublicKey {
            index,
            key: self.public,
            proof,
        }
    }

    /// The secret-key file of this key pair.
    pub fn to_file(&self) -> TrusteeSecretKeyFile {
        TrusteeSecretKeyFile {
            version: FORMAT_VERSION,
            secret: self.secret,
            public_key: self.public,
        }
    }
}

fn pop_transcript(session: &str, index: u32) -> merlin::Transcript {
    let mut t = new_transcript(labels::KEY_POP);
    t.bind_context(session.as_bytes());
    t.bind_index(index);
    t
}

/// A trustee's registration: index, key and proof of possession.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteePublicKey {
    /// The trustee's index, `1..=n` (its point of evaluation in the DKG).
    pub index: u32,
    /// `E = e·G`.
    #[serde(with = "serde_point")]
    pub key: Point,
    /// Schnorr proof of knowledge of `e`, bound to the session and the index.
    pub proof: SchnorrProof,
}

impl TrusteePublicKey {
    /// Checks the proof of possession for `session` ([`Error::InvalidProof`]) and that
    /// the key is not the identity.
    pub fn verify(&self, session: &str) -> Result<()> {
        check_not_identity(&self.key)?;
        self.proof.verify(
            &mut pop_transcript(session, self.index),
            &self.key,
            &format!("proof of possession of trustee {}", self.index),
        )
    }
}

/// A trustee's secret key on disk (JSON, to be kept private).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeSecretKeyFile {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// `e`, a canonical decimal below `l`.
    #[serde(with = "serde_scalar")]
    secret: Scalar,
    /// `E = e·G`, checked against `e` on load.
    #[serde(with = "serde_point")]
    pub public_key: Point,
}

impl Drop for TrusteeSecretKeyFile {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

impl std::fmt::Debug for TrusteeSecretKeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrusteeSecretKeyFile")
            .finish_non_exhaustive()
    }
}

impl TrusteeSecretKeyFile {
    /// The key pair.
    pub fn key_pair(&self) -> Result<TrusteeKeyPair> {
        self.validate()?;
        TrusteeKeyPair::from_secret(self.secret)
    }
}

impl Document for TrusteeSecretKeyFile {
    const WHAT: &'static str = "trustee secret key";

    fn version(&self) -> u32 {
        self.version
    }

    fn validate(&self) -> Result<()> {
        if self.secret.is_zero() {
            return Err(invalid(Self::WHAT, "secret", "the secret key is zero"));
        }
        if mul_g(&self.secret).into_affine() != self.public_key {
            return Err(invalid(Self::WHAT, "public_key", "is not secret·G"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{from_json, to_json};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn proof_of_possession_binds_session_index_and_key() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let kp = TrusteeKeyPair::generate(&mut rng);
        let reg = kp.register("dao/proposal-7", 2, &mut rng);
        reg.verify("dao/proposal-7").unwrap();
        assert!(matches!(
            reg.verify("dao/proposal-8"),
            Err(Error::InvalidProof(_))
        ));
        let moved = TrusteePublicKey {
            index: 3,
            ..reg.clone()
        };
        assert!(matches!(
            moved.verify("dao/proposal-7"),
            Err(Error::InvalidProof(_))
        ));
        let other = TrusteeKeyPair::generate(&mut rng);
        let stolen = TrusteePublicKey {
            key: other.public_key(),
            ..reg.clone()
        };
        assert!(matches!(
            stolen.verify("dao/proposal-7"),
            Err(Error::InvalidProof(_))
        ));
    }

    #[test]
    fn secret_key_file_round_trips_and_is_checked() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let kp = TrusteeKeyPair::generate(&mut rng);
        let json = to_json(&kp.to_file());
        let back: TrusteeSecretKeyFile = from_json(&json).unwrap();
        assert_eq!(back.key_pair().unwrap(), kp);
        assert!(!format!("{back:?}{kp:?}").contains(&crate::group::to_decimal(kp.secret())));
        // Another public key.
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["public_key"] =
            serde_json::to_value(crate::group::point_to_strings(&crate::group::generator()))
                .unwrap();
        let err = from_json::<TrusteeSecretKeyFile>(&v.to_string()).unwrap_err();
        assert!(
            matches!(err, Error::Invalid { ref field, .. } if field == "public_key"),
            "{err}"
        );
        // A secret ≥ l.
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["secret"] = <Scalar as ark_ff::PrimeField>::MODULUS.to_string().into();
        let err = from_json::<TrusteeSecretKeyFile>(&v.to_string()).unwrap_err();
        assert!(
            matches!(err, Error::Json { ref path, .. } if path == "secret"),
            "{err}"
        );
        // Another version.
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["version"] = 2.into();
        assert!(matches!(
            from_json::<TrusteeSecretKeyFile>(&v.to_string()),
            Err(Error::UnsupportedVersion { found: 2, .. })
        ));
    }
}
