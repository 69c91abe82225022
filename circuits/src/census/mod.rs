//! The census: zk-kit's LeanIMT (lean incremental Merkle tree) with circomlib
//! Poseidon(2), the tree of a Semaphore v4 group.
//!
//! # The tree
//! Level 0 holds the leaves `ℓ_0, …, ℓ_{n−1}` in insertion order. Level `k + 1` holds
//! `⌈|level k| / 2⌉` nodes, node `j` being
//! - `Poseidon(L[2j], L[2j+1])` when the right child `L[2j+1]` exists, and
//! - `L[2j]` itself (carried up unchanged, no hash) when it does not.
//!
//! The depth is `⌈log₂ n⌉` and the root is the single node of the top level, so the root
//! of a one-member census is that member. There are no zero (padding) leaves: zk-kit
//! treats a zero right child as missing, which is why zero leaves are refused here, as
//! Semaphore does. Duplicates are refused too (the Semaphore contract refuses them and
//! a duplicate commitment would let one identity hold two leaves).
//!
//! This is exactly `@zk-kit/lean-imt`'s `insertMany`/`insert`
//! (`packages/lean-imt/src/lean-imt.ts` in `privacy-scaling-explorations/zk-kit`), so a
//! census of plain identity commitments has the root of the Semaphore v4 group with the
//! same members in the same order; the tests check this against
//! `vectors/semaphore-v4.json`.
//!
//! # Proofs
//! A [`MerkleProof`] is what zk-kit's `generateProof` returns: the siblings of the
//! levels where the path node *has* a sibling (levels where the node is carried up are
//! skipped), and a compacted `index` whose bit `i` says whether the node is the right
//! child at the `i`-th *hashed* level. A proof therefore has at most `depth` siblings
//! and as few as one (or none, in a one-member census).
//!
//! # Weighted census
//! A weighted census uses the leaf `Poseidon(commitment, weight)`
//! ([`weighted_leaf`]) instead of the plain commitment.

#[cfg(feature = "r1cs")]
pub mod constraints;

use std::collections::HashMap;

use ark_bn254::Fr;
use ark_ff::Zero;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::field::{fr_to_decimal, serde_decimal, serde_decimal_vec};
use crate::poseidon::{hash2, hash2_pairs};
use crate::Error;

/// Largest census depth supported (and largest number of siblings in a proof):
/// `2³²` members, as zk-kit's and Semaphore's circuits.
pub const MAX_DEPTH: usize = 32;

/// Below this many nodes a level is hashed on the current thread: splitting smaller
/// levels across threads costs more than it saves.
const PAR_MIN_NODES: usize = 1 << 10;

/// The leaf of a weighted census: `Poseidon(commitment, weight)`.
pub fn weighted_leaf(commitment: Fr, weight: Fr) -> Fr {
    hash2(commitment, weight)
}

/// `⌈log₂ n⌉` for `n ≥ 1`, and 0 for `n = 0`.
fn depth_for(n: usize) -> usize {
    if n <= 1 {
        0
    } else {
        (usize::BITS - (n - 1).leading_zeros()) as usize
    }
}

/// Nodes of a level hashed per parallel task: big enough that rayon's per-task cost
/// (≈ µs) is noise next to the hashing, small enough to balance two threads.
const PAR_CHUNK: usize = 256;

/// One level up: pairs hashed ([`hash2_pairs`]), a lone last node carried.
fn parent_level(level: &[Fr]) -> Vec<Fr> {
    let pairs = level.len() / 2;
    let mut up = vec![Fr::zero(); level.len().div_ceil(2)];
    if level.len() % 2 == 1 {
        up[pairs] = level[level.len() - 1];
    }
    let below = &level[..2 * pairs];
    let out = &mut up[..pairs];
    if level.len() >= 2 * PAR_MIN_NODES {
        out.par_chunks_mut(PAR_CHUNK)
            .zip(below.par_chunks(2 * PAR_CHUNK))
            .for_each(|(o, b)| hash2_pairs(b, o));
    } else {
        hash2_pairs(below, out);
    }
    up
}

/// A LeanIMT census with Poseidon(2): every level kept, so proofs cost no hashing.
///
/// [`LeanImt::default`] is the empty census (no root); [`LeanImt::new`] builds one from
/// its members in bulk, [`LeanImt::insert`] adds one member and rehashes its path only.
#[derive(Clone, Debug)]
pub struct LeanImt {
    /// `nodes[0]` the leaves, …, `nodes[depth]` the root alone (when not empty).
    nodes: Vec<Vec<Fr>>,
    /// Leaf value → position.
    positions: HashMap<Fr, usize>,
}

impl Default for LeanImt {
    fn default() -> Self {
        LeanImt {
            nodes: vec![Vec::new()],
            positions: HashMap::new(),
        }
    }
}

impl LeanImt {
    /// Builds the census of `leaves`, in that order, hashing each level in parallel.
    ///
    /// An empty list gives the empty census ([`LeanImt::default`]). Fails with
    /// [`Error::ZeroLeaf`] or [`Error::DuplicateMember`] (naming the positions) if a leaf
    /// is zero or repeated, and with [`Error::BadDepth`] past [`MAX_DEPTH`].
    pub fn new(leaves: Vec<Fr>) -> Result<Self, Error> {
        let depth = depth_for(leaves.len());
        if depth > MAX_DEPTH {
            return Err(Error::BadDepth(depth));
        }
        // The position index and the hashing are independent: do both at once.
        let (positions, upper) = rayon::join(
            || index_leaves(&leaves),
            || {
                let mut upper: Vec<Vec<Fr>> = Vec::with_capacity(depth);
                let mut below: &[Fr] = &leaves;
                while below.len() > 1 {
                    upper.push(parent_level(below));
                    below = upper.last().map(Vec::as_slice).unwrap_or(&[]);
                }
                upper
            },
        );
        let positions = positions?;
        let mut nodes = Vec::with_capacity(depth + 1);
        nodes.push(leaves);
        nodes.extend(upper);
        debug_assert_eq!(nodes.len(), depth + 1);
        Ok(LeanImt { nodes, positions })
    }

    /// Adds `leaf` as the last member and rehashes its path to the root (at most
    /// `depth` hashes), as zk-kit's `insert`.
    ///
    /// Fails with [`Error::ZeroLeaf`], [`Error::DuplicateMember`] or, for a census
    /// already holding `2^MAX_DEPTH` members, [`Error::BadDepth`]; the census is
    /// unchanged on error.
    pub fn insert(&mut self, leaf: Fr) -> Result<(), Error> {
        let index = self.size();
        if leaf.is_zero() {
            return Err(Error::ZeroLeaf(index));
        }
        if let Some(&first) = self.positions.get(&leaf) {
            return Err(Error::DuplicateMember {
                member: fr_to_decimal(&leaf),
                first,
                second: index,
            });
        }
        let new_depth = depth_for(index + 1);
        if new_depth > MAX_DEPTH {
            return Err(Error::BadDepth(new_depth));
        }
        if new_depth > self.depth() {
            self.nodes.push(Vec::new());
        }
        let depth = self.depth();
        let mut node = leaf;
        let mut i = index;
        for level in 0..depth {
            let row = &mut self.nodes[level];
            // The new path node is either appended or replaces a carried node.
            if i == row.len() {
                row.push(node);
            } else {
                row[i] = node;
            }
            if i & 1 == 1 {
                node = hash2(row[i - 1], node);
            }
            i >>= 1;
        }
        self.nodes[depth] = vec![node];
        self.positions.insert(leaf, index);
        Ok(())
    }

    /// Number of members.
    pub fn size(&self) -> usize {
        self.nodes[0].len()
    }

    /// `⌈log₂ size⌉` (0 for an empty or one-member census).
    pub fn depth(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Whether the census has no members.
    pub fn is_empty(&self) -> bool {
        self.nodes[0].is_empty()
    }

    /// The root; [`Error::EmptyCensus`] for an empty census, which has none.
    pub fn root(&self) -> Result<Fr, Error> {
        self.nodes[self.depth()]
            .first()
            .copied()
            .ok_or(Error::EmptyCensus)
    }

    /// The members, in order.
    pub fn leaves(&self) -> &[Fr] {
        &self.nodes[0]
    }

    /// Position of `leaf`, if it is a member.
    pub fn index_of(&self, leaf: &Fr) -> Option<usize> {
        self.positions.get(leaf).copied()
    }

    /// The proof for the member at `index`, as zk-kit's `generateProof`.
    pub fn proof(&self, index: usize) -> Result<MerkleProof, Error> {
        let size = self.size();
        if index >= size {
            return Err(Error::IndexOutOfRange { index, size });
        }
        let leaf = self.nodes[0][index];
        let mut siblings = Vec::with_capacity(self.depth());
        let mut path = 0u64;
        let mut i = index;
        for level in &self.nodes[..self.depth()] {
            let is_right = i & 1 == 1;
            let sibling = if is_right {
                level.get(i - 1)
            } else {
                level.get(i + 1)
            };
            if let Some(s) = sibling {
                path |= (is_right as u64) << siblings.len();
                siblings.push(*s);
            }
            i >>= 1;
        }
        Ok(MerkleProof {
            leaf,
            index: path,
            siblings,
        })
    }
}

/// Leaf → position, refusing zero and repeated leaves.
fn index_leaves(leaves: &[Fr]) -> Result<HashMap<Fr, usize>, Error> {
    let mut positions = HashMap::with_capacity(leaves.len());
    for (i, leaf) in leaves.iter().enumerate() {
        if leaf.is_zero() {
            return Err(Error::ZeroLeaf(i));
        }
        if let Some(first) = positions.insert(*leaf, i) {
            return Err(Error::DuplicateMember {
                member: fr_to_decimal(leaf),
                first,
                second: i,
            });
        }
    }
    Ok(positions)
}

/// A LeanIMT membership proof, field for field what zk-kit's `generateProof` returns
/// (without its `root`): `siblings[i]` is the sibling at the `i`-th hashed level and
/// bit `i` of `index` is 1 when the path node is the right child there.
///
/// The root is `node_len` where `node_0 = leaf` and
/// `node_{i+1} = index_i ? Poseidon(siblings[i], node_i) : Poseidon(node_i, siblings[i])`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// The member.
    #[serde(with = "serde_decimal")]
    pub leaf: Fr,
    /// Compacted path: bit `i` set when the node is a right child at the `i`-th hashed level.
    pub index: u64,
    /// Siblings of the hashed levels, bottom up.
    #[serde(with = "serde_decimal_vec")]
    pub siblings: Vec<Fr>,
}

impl MerkleProof {
    /// The root this proof leads to.
    ///
    /// Fails with [`Error::ProofTooLong`] past [`MAX_DEPTH`] siblings and with
    /// [`Error::ProofIndexTooLarge`] if `index` has bits set past the number of siblings
    /// (zk-kit ignores them; they are refused here so that one path has one encoding,
    /// as in the circuit).
    pub fn compute_root(&self) -> Result<Fr, Error> {
        let len = self.siblings.len();
        if len > MAX_DEPTH {
            return Err(Error::ProofTooLong {
                got: len,
                max: MAX_DEPTH,
            });
        }
        if self.index >> len != 0 {
            return Err(Error::ProofIndexTooLarge {
                index: self.index,
                len,
            });
        }
        Ok(self
            .siblings
            .iter()
            .enumerate()
            .fold(self.leaf, |node, (i, s)| {
                if (self.index >> i) & 1 == 1 {
                    hash2(*s, node)
                } else {
                    hash2(node, *s)
                }
            }))
    }

    /// Checks that the proof leads to `root`: [`Error::ProofMismatch`] if not, or the
    /// errors of [`MerkleProof::compute_root`] for a malformed proof.
    pub fn verify(&self, root: Fr) -> Result<(), Error> {
        if self.compute_root()? == root {
            Ok(())
        } else {
            Err(Error::ProofMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_vectors::vectors;
    use ark_ff::UniformRand;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn members(n: usize, seed: u64) -> Vec<Fr> {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
        (0..n).map(|_| Fr::rand(&mut rng)).collect()
    }

    /// The tree straight from the definition: level by level, no parallelism, no index.
    fn reference_root(leaves: &[Fr]) -> Fr {
        let mut level = leaves.to_vec();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|c| {
                    if c.len() == 2 {
                        hash2(c[0], c[1])
                    } else {
                        c[0]
                    }
                })
                .collect();
        }
        level[0]
    }

    /// Timing aids for BENCHMARKS.md (run one at a time under `/usr/bin/time` to read the
    /// CPU time of a 2²⁰-member build): the bulk build, and the definition hashed one
    /// pair at a time.
    #[test]
    #[ignore]
    fn cpu_time_build_2_20() {
        let leaves = members(1 << 20, 20);
        let tree = LeanImt::new(leaves).unwrap();
        assert_eq!(tree.depth(), 20);
    }

    #[test]
    #[ignore]
    fn cpu_time_reference_2_20() {
        let leaves = members(1 << 20, 20);
        assert!(!reference_root(&leaves).is_zero());
    }

    #[test]
    fn equals_semaphore_groups() {
        let v = vectors();
        assert!(v.groups.len() >= 6);
        for g in &v.groups {
            let tree = LeanImt::new(g.members.clone()).unwrap();
            assert_eq!(tree.size(), g.members.len());
            assert_eq!(tree.root().unwrap(), g.root, "{} members", g.members.len());
            assert_eq!(tree.depth(), g.depth, "{} members", g.members.len());
            assert_eq!(tree.leaves(), &g.members[..]);
            let mut one_by_one = LeanImt::default();
            for m in &g.members {
                one_by_one.insert(*m).unwrap();
            }
            assert_eq!(one_by_one.root().unwrap(), g.root);
            assert_eq!(one_by_one.depth(), g.depth);
            for p in &g.proofs {
                let ours = tree.proof(p.index).unwrap();
                assert_eq!(ours.leaf, p.leaf);
                assert_eq!(ours.index, p.proof_index, "member {}", p.index);
                assert_eq!(ours.siblings, p.siblings, "member {}", p.index);
                assert_eq!(p.root, g.root);
                assert_eq!(one_by_one.proof(p.index).unwrap(), ours);
                assert_eq!(tree.index_of(&p.leaf), Some(p.index));
                ours.verify(g.root).unwrap();
            }
        }
    }

    #[test]
    fn small_trees_by_hand() {
        let [a, b, c] = [Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)];
        let t = LeanImt::new(vec![a]).unwrap();
        assert_eq!((t.root().unwrap(), t.depth()), (a, 0));
        let p = t.proof(0).unwrap();
        assert_eq!((p.index, p.siblings.len()), (0, 0));
        let t = LeanImt::new(vec![a, b, c]).unwrap();
        assert_eq!(t.root().unwrap(), hash2(hash2(a, b), c));
        assert_eq!(t.depth(), 2);
        // c is carried over level 0, then a right child: one sibling, index 1.
        let p = t.proof(2).unwrap();
        assert_eq!((p.index, p.siblings.clone()), (1, vec![hash2(a, b)]));
        let p = t.proof(1).unwrap();
        assert_eq!((p.index, p.siblings.clone()), (0b01, vec![a, c]));
    }

    #[test]
    fn bad_inputs_are_errors() {
        let m = members(5, 1);
        assert_eq!(LeanImt::default().root(), Err(Error::EmptyCensus));
        assert_eq!(
            LeanImt::new(vec![]).unwrap().root(),
            Err(Error::EmptyCensus)
        );
        assert_eq!(
            LeanImt::default().proof(0).unwrap_err(),
            Error::IndexOutOfRange { index: 0, size: 0 }
        );
        let mut with_zero = m.clone();
        with_zero[3] = Fr::zero();
        assert_eq!(LeanImt::new(with_zero).unwrap_err(), Error::ZeroLeaf(3));
        let mut dup = m.clone();
        dup.push(m[1]);
        assert_eq!(
            LeanImt::new(dup).unwrap_err(),
            Error::DuplicateMember {
                member: fr_to_decimal(&m[1]),
                first: 1,
                second: 5
            }
        );
        let mut t = LeanImt::new(m.clone()).unwrap();
        let root = t.root().unwrap();
        assert_eq!(t.insert(Fr::zero()).unwrap_err(), Error::ZeroLeaf(5));
        assert!(matches!(
            t.insert(m[4]).unwrap_err(),
            Error::DuplicateMember {
                first: 4,
                second: 5,
                ..
            }
        ));
        assert_eq!((t.size(), t.root().unwrap()), (5, root));
        assert_eq!(
            t.proof(5).unwrap_err(),
            Error::IndexOutOfRange { index: 5, size: 5 }
        );
        assert_eq!(t.index_of(&Fr::from(7u64)), None);

        let good = t.proof(2).unwrap();
        let mut too_long = good.clone();
        too_long.siblings = vec![Fr::from(1u64); MAX_DEPTH + 1];
        too_long.index = 0;
        assert_eq!(
            too_long.compute_root().unwrap_err(),
            Error::ProofTooLong {
                got: MAX_DEPTH + 1,
                max: MAX_DEPTH
            }
        );
        let mut high_bit = good.clone();
        high_bit.index |= 1 << good.siblings.len();
        assert!(matches!(
            high_bit.verify(root),
            Err(Error::ProofIndexTooLarge { .. })
        ));
        let mut full = good.clone();
        full.siblings = vec![Fr::from(1u64); MAX_DEPTH];
        full.index = u64::MAX;
        assert!(matches!(
            full.compute_root(),
            Err(Error::ProofIndexTooLarge { .. })
        ));
        full.index = (1 << MAX_DEPTH) - 1;
        assert!(full.compute_root().is_ok());
        assert_eq!(
            good.verify(root + Fr::from(1u64)),
            Err(Error::ProofMismatch)
        );
        let mut wrong_sibling = good.clone();
        wrong_sibling.siblings[0] += Fr::from(1u64);
        assert_eq!(wrong_sibling.verify(root), Err(Error::ProofMismatch));
        let mut flipped = good.clone();
        flipped.index ^= 1;
        assert_eq!(flipped.verify(root), Err(Error::ProofMismatch));
        good.verify(root).unwrap();
    }

    #[test]
    fn proof_json_round_trip_and_rejects_bad_numbers() {
        let t = LeanImt::new(members(9, 2)).unwrap();
        let p = t.proof(8).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<MerkleProof>(&json).unwrap(), p);
        let bad = json.replace(&fr_to_decimal(&p.leaf), "-1");
        assert!(serde_json::from_str::<MerkleProof>(&bad).is_err());
    }

    #[test]
    fn weighted_leaf_is_poseidon2() {
        let (c, w) = (Fr::from(11u64), Fr::from(3u64));
        assert_eq!(weighted_leaf(c, w), crate::poseidon::hash(&[c, w]).unwrap());
        assert_ne!(weighted_leaf(c, w), weighted_leaf(w, c));
    }

    #[test]
    fn parallel_levels_equal_reference() {
        // Large enough for the parallel path (≥ 2·PAR_MIN_NODES) and odd at several levels.
        let m = members(2 * PAR_MIN_NODES * 3 + 5, 3);
        let t = LeanImt::new(m.clone()).unwrap();
        assert_eq!(t.root().unwrap(), reference_root(&m));
        assert_eq!(t.depth(), depth_for(m.len()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn proofs_verify_and_insert_equals_bulk(n in 1usize..5000, seed in any::<u64>(), picks in prop::collection::vec(any::<prop::sample::Index>(), 8)) {
            let m = members(n, seed);
            let bulk = LeanImt::new(m.clone()).unwrap();
            let root = bulk.root().unwrap();
            prop_assert_eq!(root, reference_root(&m));
            prop_assert_eq!(bulk.depth(), depth_for(n));
            let mut inc = LeanImt::default();
            for x in &m {
                inc.insert(*x).unwrap();
            }
            prop_assert_eq!(inc.root().unwrap(), root);
            prop_assert_eq!(inc.depth(), bulk.depth());
            for pick in picks.iter().map(|p| p.index(n)).chain([0, n - 1]) {
                let p = bulk.proof(pick).unwrap();
                prop_assert_eq!(p.leaf, m[pick]);
                prop_assert!(p.siblings.len() <= bulk.depth());
                prop_assert_eq!(p.compute_root().unwrap(), root);
                p.verify(root).unwrap();
                prop_assert_eq!(&inc.proof(pick).unwrap(), &p);
                prop_assert_eq!(bulk.index_of(&m[pick]), Some(pick));
            }
        }
    }
}
