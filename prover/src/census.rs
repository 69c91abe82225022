//! The census file an organizer builds and members read: the members in order, their
//! weights for a weighted census, and the root.
//!
//! The tree is zk-kit's LeanIMT ([`zkvote_circuits::census::LeanImt`]); a plain census
//! of Semaphore commitments has the root of the Semaphore v4 group with the same members
//! in the same order, so an existing group can vote as it is.

use ark_bn254::Fr;
use serde::{Deserialize, Serialize};
use zkvote_circuits::{
    ballot::CensusKind,
    census::{weighted_leaf, LeanImt, MerkleProof},
    field::{fr_to_decimal, parse_fr, serde_decimal},
};

use crate::Error;

/// Version of the census file format.
pub const CENSUS_VERSION: u32 = 1;

/// One member of a census.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The identity commitment.
    #[serde(with = "serde_decimal")]
    pub commitment: Fr,
    /// The weight (1 in a plain census).
    pub weight: u64,
}

/// A census as stored in `census.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CensusFile {
    /// Format version, [`CENSUS_VERSION`].
    pub version: u32,
    /// Plain or weighted.
    pub kind: CensusKind,
    /// The root (checked against the members on load).
    #[serde(with = "serde_decimal")]
    pub root: Fr,
    /// The members, in tree order.
    pub members: Vec<Member>,
}

/// A census with its tree built.
#[derive(Clone, Debug)]
pub struct Census {
    kind: CensusKind,
    members: Vec<Member>,
    tree: LeanImt,
}

fn leaf_of(kind: CensusKind, m: &Member) -> Fr {
    match kind {
        CensusKind::Plain => m.commitment,
        CensusKind::Weighted => weighted_leaf(m.commitment, Fr::from(m.weight)),
    }
}

impl Census {
    /// Builds a census; refuses an empty list, zero or duplicate commitments, and a
    /// weight other than 1 in a plain census or 0 in a weighted one.
    pub fn build(kind: CensusKind, members: Vec<Member>) -> Result<Self, Error> {
        if members.is_empty() {
            return Err(Error::Circuits(zkvote_circuits::Error::EmptyCensus));
        }
        let mut seen = std::collections::HashMap::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            check_weight(kind, i, m.weight)?;
            if let Some(first) = seen.insert(m.commitment, i) {
                return Err(Error::Circuits(zkvote_circuits::Error::DuplicateMember {
                    member: fr_to_decimal(&m.commitment),
                    first,
                    second: i,
                }));
            }
        }
        let leaves = members.iter().map(|m| leaf_of(kind, m)).collect();
        let tree = LeanImt::new(leaves)?;
        Ok(Census {
            kind,
            members,
            tree,
        })
    }

    /// Parses a members list: one commitment per line, or `commitment,weight` (a
    /// weighted census needs the weight on every line). Blank lines and lines starting
    /// with `#` are skipped. Errors name the line.
    pub fn parse_members(kind: CensusKind, text: &str) -> Result<Vec<Member>, Error> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |what: String| Error::Input(format!("line {}: {what}", i + 1));
            let (c, w) = match line.split_once(',') {
                Some((c, w)) => (c.trim(), Some(w.trim())),
                None => (line, None),
            };
            let commitment = parse_fr(c).map_err(|e| bad(e.to_string()))?;
            let weight = match (kind, w) {
                (_, Some(w)) => w
                    .parse::<u64>()
                    .map_err(|_| bad(format!("weight {w:?} is not a whole number below 2^64")))?,
                (CensusKind::Plain, None) => 1,
                (CensusKind::Weighted, None) => {
                    return Err(bad("a weighted census needs `commitment,weight`".into()))
                }
            };
            out.push(Member { commitment, weight });
        }
        Ok(out)
    }

    /// Adds a member at the end (rehashing one path).
    pub fn add(&mut self, member: Member) -> Result<(), Error> {
        check_weight(self.kind, self.members.len(), member.weight)?;
        self.tree.insert(leaf_of(self.kind, &member))?;
        self.members.push(member);
        Ok(())
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.tree.root().expect("a census is never empty")
    }

    /// The kind.
    pub fn kind(&self) -> CensusKind {
        self.kind
    }

    /// The members.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The tree depth.
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }

    /// The Merkle proof and the weight of the member with this commitment.
    pub fn proof_for(&self, commitment: &Fr) -> Result<(MerkleProof, u64), Error> {
        let not_member = || {
            Error::NotInCensus(format!(
                "commitment {} is not in the census",
                fr_to_decimal(commitment)
            ))
        };
        let position = match self.kind {
            CensusKind::Plain => self.tree.index_of(commitment),
            CensusKind::Weighted => self
                .members
                .iter()
                .position(|m| &m.commitment == commitment),
        }
        .ok_or_else(not_member)?;
        Ok((self.tree.proof(position)?, self.members[position].weight))
    }

    /// The file form.
    pub fn to_file(&self) -> CensusFile {
        CensusFile {
            version: CENSUS_VERSION,
            kind: self.kind,
            root: self.root(),
            members: self.members.clone(),
        }
    }

    /// Builds the census of a file and checks its version and root.
    pub fn from_file(file: CensusFile) -> Result<Self, Error> {
        if file.version != CENSUS_VERSION {
            return Err(Error::Input(format!(
                "unsupported census version {} (this build reads {CENSUS_VERSION})",
                file.version
            )));
        }
        let census = Census::build(file.kind, file.members)?;
        if census.root() != file.root {
            return Err(Error::Input(format!(
                "the stored root {} does not match the members (root {})",
                fr_to_decimal(&file.root),
                fr_to_decimal(&census.root())
            )));
        }
        Ok(census)
    }
}

fn check_weight(kind: CensusKind, i: usize, weight: u64) -> Result<(), Error> {
    match kind {
        CensusKind::Plain if weight != 1 => Err(Error::Input(format!(
            "member {i} has weight {weight}, but a plain census has weight 1"
        ))),
        CensusKind::Weighted if weight == 0 => {
            Err(Error::Input(format!("member {i} has weight 0")))
        }
        _ => Ok(()),
    }
}
