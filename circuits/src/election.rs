//! The election definition: what every ballot of an election is bound to.
//!
//! The election id is a field element committing to every parameter: census root,
//! kind and size, options, mode and rules, circuit shape, the digests of the proving
//! and verifying keys, and the title. It is `SHA-512(tag ‖ canonical encoding) mod r`
//! (a 512-bit digest reduced modulo the 254-bit `r` is statistically uniform). The id
//! is also the nullifier's scope, so changing any parameter changes every nullifier.
//!
//! Version 2 adds the voting window ([`VotingWindow`]: `opens_at` inclusive, `closes_at`
//! exclusive, Unix seconds) and the revote policy ([`Revote`]: whether the first or the
//! last ballot of a member counts), both committed to by the id. Version 1 files (no
//! window, the first ballot counts) are still read, and their id is derived as before.

use ark_bn254::Fr;
use ark_ff::PrimeField;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::ballot::{BallotRules, BallotShape, RulesError};
use crate::field::{fr_to_le_bytes, serde_decimal};

pub use crate::labels::{ELECTION_ID_TAG, ELECTION_VERSION, ELECTION_VERSION_MIN};

/// The latest instant a window may name: 9999-12-31T23:59:59Z, so that every
/// instant prints as RFC 3339 and fits a JavaScript number exactly.
pub const MAX_TIMESTAMP: u64 = 253_402_300_799;

/// When ballots are accepted: from `opens_at` (inclusive) to `closes_at` (exclusive),
/// Unix seconds (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VotingWindow {
    /// The first second at which a ballot is accepted.
    pub opens_at: u64,
    /// The first second at which ballots are no longer accepted.
    pub closes_at: u64,
}

impl VotingWindow {
    /// A window, checked: `opens_at < closes_at ≤` [`MAX_TIMESTAMP`].
    pub fn new(opens_at: u64, closes_at: u64) -> Result<Self, ElectionError> {
        let w = VotingWindow {
            opens_at,
            closes_at,
        };
        w.check()?;
        Ok(w)
    }

    fn check(&self) -> Result<(), ElectionError> {
        if self.opens_at >= self.closes_at || self.closes_at > MAX_TIMESTAMP {
            return Err(ElectionError::Window {
                opens_at: self.opens_at,
                closes_at: self.closes_at,
            });
        }
        Ok(())
    }

    /// Where `t` (Unix seconds) falls.
    pub fn phase(&self, t: u64) -> WindowPhase {
        if t < self.opens_at {
            WindowPhase::NotOpen
        } else if t < self.closes_at {
            WindowPhase::Open
        } else {
            WindowPhase::Closed
        }
    }
}

/// Where an instant falls relative to a [`VotingWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowPhase {
    /// Before `opens_at`.
    NotOpen,
    /// In `[opens_at, closes_at)`.
    Open,
    /// At or after `closes_at`.
    Closed,
}

/// Which of a member's ballots counts when she casts several (same nullifier).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Revote {
    /// The first ballot counts; later ones are refused.
    #[default]
    First,
    /// A member may change her vote until the close: the last ballot, in the log's
    /// order, counts.
    Last,
}

impl Revote {
    /// `first` or `last`.
    pub fn as_str(self) -> &'static str {
        match self {
            Revote::First => "first",
            Revote::Last => "last",
        }
    }
}

impl std::str::FromStr for Revote {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "first" => Ok(Revote::First),
            "last" => Ok(Revote::Last),
            other => Err(format!("revote policy {other:?}: expected first or last")),
        }
    }
}

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
    /// The voting window (version 2; `None`: no window, for elections run with files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<VotingWindow>,
    /// Which ballot of a member counts (version 2; version 1 is always `first`).
    #[serde(default)]
    pub revote: Revote,
}

/// Why an election definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// The format version is not one this build reads.
    #[error(
        "unsupported election version {0} (this build reads versions \
         {ELECTION_VERSION_MIN} to {ELECTION_VERSION})"
    )]
    Version(u32),
    /// A version 1 election with a window or a revote policy, which version 1 lacks.
    #[error("a version 1 election has no voting window and only the revote policy first")]
    Version1Schedule,
    /// A window that is empty, reversed or beyond [`MAX_TIMESTAMP`].
    #[error(
        "voting window opens at {opens_at} and closes at {closes_at}: it must open \
         strictly before it closes, and close by {MAX_TIMESTAMP} (9999-12-31T23:59:59Z)"
    )]
    Window {
        /// `opens_at`.
        opens_at: u64,
        /// `closes_at`.
        closes_at: u64,
    },
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
            window: None,
            revote: Revote::First,
        };
        e.check_parameters()?;
        e.id = e.compute_id();
        Ok(e)
    }

    /// The same election with a voting window and a revote policy (a new id).
    pub fn with_schedule(
        mut self,
        window: Option<VotingWindow>,
        revote: Revote,
    ) -> Result<Self, ElectionError> {
        self.version = ELECTION_VERSION;
        self.window = window;
        self.revote = revote;
        self.check_parameters()?;
        self.id = self.compute_id();
        Ok(self)
    }

    fn check_parameters(&self) -> Result<(), ElectionError> {
        if !(ELECTION_VERSION_MIN..=ELECTION_VERSION).contains(&self.version) {
            return Err(ElectionError::Version(self.version));
        }
        if self.version == 1 && (self.window.is_some() || self.revote != Revote::First) {
            return Err(ElectionError::Version1Schedule);
        }
        if let Some(w) = &self.window {
            w.check()?;
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
        if self.version >= 2 {
            match &self.window {
                None => put(&[0]),
                Some(w) => {
                    put(&[1]);
                    put(&w.opens_at.to_le_bytes());
                    put(&w.closes_at.to_le_bytes());
                }
            }
            put(self.revote.as_str().as_bytes());
        }
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
            Box::new(|e| e.revote = Revote::Last),
            Box::new(|e| e.window = Some(VotingWindow::new(0, 1).unwrap())),
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
        e.version = 3;
        assert!(matches!(e.validate(), Err(ElectionError::Version(3))));
        let mut e = sample();
        e.version = 0;
        assert!(matches!(e.validate(), Err(ElectionError::Version(0))));
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

    #[test]
    fn the_window_and_the_revote_policy_are_committed_to() {
        let w = VotingWindow::new(1_800_000_000, 1_800_086_400).unwrap();
        let e = sample().with_schedule(Some(w), Revote::Last).unwrap();
        assert_eq!(e.version, ELECTION_VERSION);
        e.validate().unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""window":{"opens_at":1800000000,"closes_at":1800086400}"#));
        assert!(json.contains(r#""revote":"last""#));
        let back: Election = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        back.validate().unwrap();
        type Change = Box<dyn Fn(&mut Election)>;
        let variants: Vec<Change> = vec![
            Box::new(|e| e.revote = Revote::First),
            Box::new(|e| e.window = None),
            Box::new(|e| e.window.as_mut().unwrap().opens_at -= 1),
            Box::new(|e| e.window.as_mut().unwrap().closes_at += 1),
        ];
        for change in variants {
            let mut f = e.clone();
            change(&mut f);
            assert!(
                matches!(f.validate(), Err(ElectionError::IdMismatch { .. })),
                "{f:?}"
            );
        }
        assert_eq!(w.phase(1_799_999_999), WindowPhase::NotOpen);
        assert_eq!(w.phase(1_800_000_000), WindowPhase::Open);
        assert_eq!(w.phase(1_800_086_399), WindowPhase::Open);
        assert_eq!(w.phase(1_800_086_400), WindowPhase::Closed);
    }

    #[test]
    fn bad_windows_and_version_1_schedules_are_refused() {
        for (o, c) in [(5, 5), (6, 5), (0, MAX_TIMESTAMP + 1), (u64::MAX, u64::MAX)] {
            assert!(matches!(
                VotingWindow::new(o, c),
                Err(ElectionError::Window { .. })
            ));
            // Also when the window arrives in a file.
            let mut e = sample();
            e.window = Some(VotingWindow {
                opens_at: o,
                closes_at: c,
            });
            assert!(matches!(e.validate(), Err(ElectionError::Window { .. })));
        }
        // Version 1 has neither a window nor another policy than `first`.
        let mut v1 = sample();
        v1.version = 1;
        v1.id = v1.compute_id();
        v1.validate().unwrap();
        let json = serde_json::to_string(&v1).unwrap();
        assert!(!json.contains("window"));
        let mut e = v1.clone();
        e.revote = Revote::Last;
        assert!(matches!(e.validate(), Err(ElectionError::Version1Schedule)));
        let mut e = v1.clone();
        e.window = Some(VotingWindow::new(0, 1).unwrap());
        assert!(matches!(e.validate(), Err(ElectionError::Version1Schedule)));
        // A version 1 file without the new fields reads as before; unknown policies and
        // negative or fractional times are refused by the parser.
        let text = json.replace(r#","revote":"first""#, "");
        let back: Election = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v1);
        for bad in [
            json.replace(r#""revote":"first""#, r#""revote":"any""#),
            json.replace(
                r#""revote":"first""#,
                r#""revote":"first","window":{"opens_at":-1,"closes_at":5}"#,
            ),
            json.replace(
                r#""revote":"first""#,
                r#""revote":"first","window":{"opens_at":1.5,"closes_at":5}"#,
            ),
            json.replace(
                r#""revote":"first""#,
                r#""revote":"first","window":{"opens_at":1,"closes_at":5,"x":1}"#,
            ),
        ] {
            assert!(serde_json::from_str::<Election>(&bad).is_err(), "{bad}");
        }
    }
}
