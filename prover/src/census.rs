//! The census file an organizer builds and members read: the members in order, their
//! weights for a weighted census, and the root.
//!
//! The tree is zk-kit's LeanIMT ([`zkvote_circuits::census::LeanImt`]); a plain census
//! of Semaphore commitments has the root of the Semaphore v4 group with the same members
//! in the same order, so an existing group can vote as it is.

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use serde::{Deserialize, Serialize};
use zkvote_circuits::{
    babyjubjub::Point,
    ballot::CensusKind,
    census::{weighted_leaf, LeanImt, MerkleProof},
    field::{fr_to_decimal, parse_fr, serde_decimal},
};

use crate::Error;

pub use zkvote_circuits::labels::CENSUS_VERSION;

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

/// `Poseidon(0, 1)`: the commitment of the Baby Jubjub identity point `(0, 1)`, which
/// is the public key of the secret 0. Anyone can prove to be a member with this
/// commitment (the secret is known), so no census accepts it.
pub fn identity_point_commitment() -> Fr {
    let id = Point::identity();
    debug_assert!(id.x.is_zero() && id.y.is_one());
    zkvote_circuits::poseidon::hash2(id.x, id.y)
}

/// Refuses the commitment of the secret 0 ([`identity_point_commitment`]).
fn check_commitment(i: usize, commitment: &Fr, unsafe_commitment: &Fr) -> Result<(), Error> {
    if commitment == unsafe_commitment {
        return Err(Error::Input(format!(
            "member {i}: commitment {} is Poseidon(0, 1), the commitment of the secret 0 \
             (the identity point); anyone can prove to be this member, so it is refused",
            fr_to_decimal(commitment)
        )));
    }
    Ok(())
}

fn leaf_of(kind: CensusKind, m: &Member) -> Fr {
    match kind {
        CensusKind::Plain => m.commitment,
        CensusKind::Weighted => weighted_leaf(m.commitment, Fr::from(m.weight)),
    }
}

impl Census {
    /// Builds a census; refuses an empty list, zero or duplicate commitments, the
    /// commitment of the secret 0 ([`identity_point_commitment`]), and a weight other
    /// than 1 in a plain census or 0 in a weighted one.
    pub fn build(kind: CensusKind, members: Vec<Member>) -> Result<Self, Error> {
        if members.is_empty() {
            return Err(Error::Circuits(zkvote_circuits::Error::EmptyCensus));
        }
        let unsafe_commitment = identity_point_commitment();
        let mut seen = std::collections::HashMap::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            check_weight(kind, i, m.weight)?;
            check_commitment(i, &m.commitment, &unsafe_commitment)?;
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

    /// Adds a member at the end (rehashing one path), with the checks of
    /// [`Census::build`].
    pub fn add(&mut self, member: Member) -> Result<(), Error> {
        check_weight(self.kind, self.members.len(), member.weight)?;
        check_commitment(
            self.members.len(),
            &member.commitment,
            &identity_point_commitment(),
        )?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use zkvote_circuits::babyjubjub::derive_public_key;

    fn plain(commitments: &[Fr]) -> Vec<Member> {
        commitments
            .iter()
            .map(|&commitment| Member {
                commitment,
                weight: 1,
            })
            .collect()
    }

    /// The refused value, computed the way an identity's commitment is: the public key
    /// of the secret 0 is the identity point, and the commitment hashes its coordinates.
    #[test]
    fn the_refused_commitment_is_that_of_the_secret_zero() {
        let pk = derive_public_key(&Fr::zero()).unwrap();
        assert!(pk.is_identity());
        let c = zkvote_circuits::poseidon::hash2(pk.x, pk.y);
        assert_eq!(identity_point_commitment(), c);
        assert_eq!(
            c,
            zkvote_circuits::poseidon::hash(&[Fr::from(0u64), Fr::from(1u64)]).unwrap()
        );
        assert!(!c.is_zero());
    }

    #[test]
    fn build_and_add_refuse_the_commitment_of_the_secret_zero() {
        let bad = zkvote_circuits::poseidon::hash2(Fr::from(0u64), Fr::from(1u64));
        let good = [Fr::from(7u64), Fr::from(8u64)];
        assert!(Census::build(CensusKind::Plain, plain(&good)).is_ok());

        let err = Census::build(CensusKind::Plain, plain(&[good[0], bad, good[1]])).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("member 1") && msg.contains("secret 0"),
            "{msg}"
        );
        assert!(msg.contains(&fr_to_decimal(&bad)), "{msg}");

        let weighted = vec![Member {
            commitment: bad,
            weight: 5,
        }];
        assert!(Census::build(CensusKind::Weighted, weighted).is_err());

        let mut census = Census::build(CensusKind::Plain, plain(&good)).unwrap();
        let root = census.root();
        let err = census
            .add(Member {
                commitment: bad,
                weight: 1,
            })
            .unwrap_err();
        assert!(err.to_string().contains("member 2"), "{err}");
        assert_eq!(
            census.root(),
            root,
            "a refused member leaves the census as it was"
        );
        assert_eq!(census.members().len(), 2);

        // A census file listing it (made by hand or by an older build) is refused too.
        let file = CensusFile {
            version: CENSUS_VERSION,
            kind: CensusKind::Plain,
            root: Fr::from(0u64),
            members: plain(&[bad]),
        };
        assert!(Census::from_file(file)
            .unwrap_err()
            .to_string()
            .contains("secret 0"));
    }
}
