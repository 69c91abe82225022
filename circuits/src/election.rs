//! The election definition: what every ballot of an election is bound to.
//!
//! The election id is a field element committing to every parameter: census root,
//! kind and size, options, mode and rules, circuit shape, the digests of the proving
//! and verifying keys, and the title. It is `SHA-512(tag ‖ canonical encoding) mod r`
//! (a 512-bit digest reduced modulo the 254-bit `r` is statistically uniform). The id
//! is also the nullifier's scope, so changing any parameter changes every nullifier.

use ark_bn254::Fr;
use ark_ff::PrimeField;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::ballot::{BallotRules, BallotShape, RulesError};
use crate::field::{fr_to_le_bytes, serde_decimal};

pub use crate::labels::{ELECTION_ID_TAG, ELECTION_VERSION};

/// The census an election is run on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CensusRef {
    /// The census root.
    #[serde(with = "serde_decimal")]
    pub root: Fr,
    /// Number of members.
    pub size: u64,
}

/// An election definition, as stored in `election.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// Format version, [`ELECTION_VERSION`].
    pub version: u32,
    /// The election id (derived; checked on load).
    #[serde(with = "serde_decimal")]
    pub id: Fr,
    /// A human-readable title.
    pub title: String,
    /// The options, in field order.
    pub options: Vec<String>,
    /// The preset the rules came from (`single`, …, or `custom`).
    pub mode: String,
    /// The ballot rules.
    pub rules: BallotRules,
    /// The census.
    pub census: CensusRef,
    /// The circuit shape.
    pub shape: BallotShape,
    /// SHA-256 of the verifying key file, hex.
    pub verifying_key_digest: String,
    /// SHA-256 of the proving key file, hex (guards its fast unchecked loading).
    pub proving_key_digest: String,
}

/// Why an election definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// The format version is not one this build reads.
    #[error("unsupported election version {0} (this build reads version {ELECTION_VERSION})")]
    Version(u32),
    /// The stored id does not match the parameters.
    #[error("election id does not match its parameters (stored {stored}, computed {computed})")]
    IdMismatch {
        /// Id in the file.
        stored: String,
        /// Id computed from the parameters.
        computed: String,
    },
    /// The rules do not fit the shape, or the options do not match the rules.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// Options and rules disagree.
    #[error("{options} options but the rules use {fields} fields")]
    OptionCount {
        /// Number of options.
        options: usize,
        /// `rules.num_fields`.
        fields: usize,
    },
    /// A key digest that is not 64 hex digits.
    #[error("{0} is not a SHA-256 digest in hex")]
    BadDigest(String),
}

impl Election {
    /// Builds an election and derives its id.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        title: String,
        options: Vec<String>,
        mode: String,
        rules: BallotRules,
        census: CensusRef,
        shape: BallotShape,
        verifying_key_digest: String,
        proving_key_digest: String,
    ) -> Result<Self, ElectionError> {
        let mut e = Election {
            version: ELECTION_VERSION,
            id: Fr::from(0u64),
            title,
            options,
            mode,
            rules,
            census,
            shape,
            verifying_key_digest,
            proving_key_digest,
        };
        e.check_parameters()?;
        e.id = e.compute_id();
        Ok(e)
    }

    fn check_parameters(&self) -> Result<(), ElectionError> {
        if self.version != ELECTION_VERSION {
            return Err(ElectionError::Version(self.version));
        }
        self.rules.validate(&self.shape)?;
        if self.options.len() != self.rules.num_fields as usize {
            return Err(ElectionError::OptionCount {
                options: self.options.len(),
                fields: self.rules.num_fields as usize,
            });
        }
        for d in [&self.verifying_key_digest, &self.proving_key_digest] {
            if d.len() != 64 || hex::decode(d).is_err() {
                return Err(ElectionError::BadDigest(d.clone()));
            }
        }
        Ok(())
    }

    /// Checks a loaded election: version, parameters, and that the id matches them.
    pub fn validate(&self) -> Result<(), ElectionError> {
        self.check_parameters()?;
        let computed = self.compute_id();
        if computed != self.id {
            return Err(ElectionError::IdMismatch {
                stored: crate::field::fr_to_decimal(&self.id),
                computed: crate::field::fr_to_decimal(&computed),
            });
        }
        Ok(())
    }

    /// The id derived from the parameters.
    pub fn compute_id(&self) -> Fr {
        let mut h = Sha512::new();
        let mut put = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        put(ELECTION_ID_TAG);
        put(&self.version.to_le_bytes());
        put(self.title.as_bytes());
        put(&(self.options.len() as u64).to_le_bytes());
        for o in &self.options {
            put(o.as_bytes());
        }
        put(self.mode.as_bytes());
        // Rules that cannot be packed never pass `validate`; hash their fields anyway.
        let r = &self.rules;
        put(&[
            r.num_fields,
            r.unique_values as u8,
            r.cost_exponent,
            r.cost_from_weight as u8,
        ]);
        put(&r.min_value.to_le_bytes());
        put(&r.max_value.to_le_bytes());
        put(&r.min_total_cost.to_le_bytes());
        put(&r.max_total_cost.to_le_bytes());
        put(&fr_to_le_bytes(&self.census.root));
        put(&self.census.size.to_le_bytes());
        put(&(self.shape.max_depth as u64).to_le_bytes());
        put(&(self.shape.fields as u64).to_le_bytes());
        put(self.shape.census.to_string().as_bytes());
        put(self.verifying_key_digest.as_bytes());
        put(self.proving_key_digest.as_bytes());
        Fr::from_le_bytes_mod_order(&h.finalize())
    }

    /// Pads a ballot's per-option values to the circuit's `F` fields.
    pub fn padded_votes(&self, per_option: &[u32]) -> Result<Vec<u32>, RulesError> {
        if per_option.len() != self.options.len() {
            return Err(RulesError::WrongFieldCount {
                got: per_option.len(),
                expected: self.options.len(),
            });
        }
        let mut v = per_option.to_vec();
        v.resize(self.shape.fields, 0);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballot::CensusKind;

    fn sample() -> Election {
        Election::new(
            "Budget 2027".into(),
            vec!["A".into(), "B".into(), "C".into()],
            "single".into(),
            BallotRules::single(3),
            CensusRef {
                root: Fr::from(42u64),
                size: 3,
            },
            BallotShape::new(20, 8, CensusKind::Plain).unwrap(),
            "00".repeat(32),
            "11".repeat(32),
        )
        .unwrap()
    }

    #[test]
    fn id_commits_to_every_parameter() {
        let e = sample();
        e.validate().unwrap();
        let json = serde_json::to_string(&e).unwrap();
        let back: Election = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        type Change = Box<dyn Fn(&mut Election)>;
        let variants: Vec<Change> = vec![
            Box::new(|e| e.title.push('!')),
            Box::new(|e| e.options[0] = "Z".into()),
            Box::new(|e| e.mode = "approval".into()),
            Box::new(|e| e.rules.max_total_cost = 2),
            Box::new(|e| e.census.root = Fr::from(43u64)),
            Box::new(|e| e.census.size = 4),
            Box::new(|e| e.shape.max_depth = 21),
            Box::new(|e| e.shape.fields = 9),
            Box::new(|e| e.shape.census = CensusKind::Weighted),
            Box::new(|e| e.verifying_key_digest = "22".repeat(32)),
            Box::new(|e| e.proving_key_digest = "33".repeat(32)),
        ];
        for change in variants {
            let mut f = e.clone();
            change(&mut f);
            assert_ne!(f.compute_id(), e.id);
            assert!(matches!(
                f.validate(),
                Err(ElectionError::IdMismatch { .. })
            ));
        }
    }

    #[test]
    fn bad_definitions_are_refused() {
        let mut e = sample();
        e.version = 2;
        assert!(matches!(e.validate(), Err(ElectionError::Version(2))));
        let mut e = sample();
        e.options.pop();
        assert!(matches!(
            e.validate(),
            Err(ElectionError::OptionCount { .. })
        ));
        let mut e = sample();
        e.verifying_key_digest = "xyz".into();
        assert!(matches!(e.validate(), Err(ElectionError::BadDigest(_))));
        assert_eq!(
            sample().padded_votes(&[0, 1, 0]).unwrap(),
            vec![0, 1, 0, 0, 0, 0, 0, 0]
        );
        assert!(sample().padded_votes(&[0, 1]).is_err());
    }
}
