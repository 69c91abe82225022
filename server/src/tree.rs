//! An election's Merkle tree in memory: every complete subtree's hash, so that roots,
//! inclusion and consistency proofs cost O(log n) hashes.
//!
//! `levels[k][i]` is `MTH(D[i·2ᵏ : (i+1)·2ᵏ])`, the hash of the `i`-th complete subtree
//! of height `k`; level 0 holds the leaf hashes. Appending a leaf adds at most one hash
//! per level (about `2n` hashes in all: 64 MiB for a million ballots). The RFC's
//! recursion asks [`SubtreeSource::subtree_hash`] for ranges `[start, end)` where
//! `start` is a multiple of the largest power of two not above `end − start`; a
//! complete one is one look-up, an incomplete one splits at the RFC's `k` into a
//! complete left part and a shorter right part, so at most `log₂ n` look-ups and
//! hashes per range.

use crate::error::Error;
use crate::log::{node_hash, Hash, SubtreeSource};

/// The hashes of every complete subtree of a log, level by level.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over these leaf hashes, in log order.
    pub fn from_leaves(leaves: impl IntoIterator<Item = Hash>) -> Self {
        let mut t = Self::new();
        for l in leaves {
            t.push(l);
        }
        t
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The leaf hash at `index`, if the tree has it.
    pub fn leaf(&self, index: u64) -> Option<&Hash> {
        self.levels.first()?.get(usize::try_from(index).ok()?)
    }

    /// Appends one leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        // Each level whose length became even completes a node of the level above.
        let mut k = 0;
        while self.levels[k].len().is_multiple_of(2) {
            let n = self.levels[k].len();
            let parent = node_hash(&self.levels[k][n - 2], &self.levels[k][n - 1]);
            if self.levels.len() == k + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[k + 1].push(parent);
            k += 1;
        }
    }

    /// Forgets every leaf from `size` on (nothing if the tree is no larger): the tree
    /// of the first `size` leaves, as if the later ones had never been pushed. Level
    /// `k` of that tree keeps its first `size >> k` nodes.
    pub fn truncate(&mut self, size: u64) {
        if size >= self.size() {
            return;
        }
        for (k, level) in self.levels.iter_mut().enumerate() {
            // `size < self.size() ≤ usize::MAX` here, and `k < 64`.
            level.truncate((size >> k) as usize);
        }
        while self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.pop();
        }
    }

    /// The root of the first `size` leaves.
    ///
    /// # Errors
    /// [`Error::LeavesMissing`] if `size` is past the tree's size.
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        crate::log::root(&mut &*self, size)
    }
}

impl SubtreeSource for &MemoryTree {
    fn subtree_hash(&mut self, start: u64, end: u64) -> Result<Hash, Error> {
        let have = self.size();
        if start >= end || end > have {
            return Err(Error::LeavesMissing {
                start,
                end,
                available: have,
            });
        }
        let n = end - start;
        let k = n.trailing_zeros();
        if n.is_power_of_two() && start.is_multiple_of(n) {
            // A complete subtree: stored (its level exists since `end ≤ size`).
            return Ok(self.levels[k as usize][(start >> k) as usize]);
        }
        // The RFC's split: the largest power of two strictly below `n`.
        let split = 1u64 << (63 - (n - 1).leading_zeros());
        let left = self.subtree_hash(start, start + split)?;
        let right = self.subtree_hash(start + split, end)?;
        Ok(node_hash(&left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{consistency_proof, inclusion_proof, leaf_hash, root_from_leaf_hashes};

    #[test]
    fn the_memory_tree_agrees_with_the_leaf_slice_everywhere() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let mut tree = MemoryTree::new();
        assert_eq!(tree.root_at(0).unwrap(), crate::log::EMPTY_ROOT);
        for (n, l) in leaves.iter().enumerate() {
            tree.push(*l);
            let size = n as u64 + 1;
            assert_eq!(tree.size(), size);
            assert_eq!(
                tree.root_at(size).unwrap(),
                root_from_leaf_hashes(&leaves[..=n])
            );
        }
        let slice: &[Hash] = &leaves;
        for size in 1..=70u64 {
            for m in 0..size {
                assert_eq!(
                    inclusion_proof(&mut &tree, m, size).unwrap(),
                    inclusion_proof(&mut &*slice, m, size).unwrap()
                );
                assert_eq!(
                    consistency_proof(&mut &tree, m, size).unwrap(),
                    consistency_proof(&mut &*slice, m, size).unwrap()
                );
            }
        }
        assert!(matches!(tree.root_at(71), Err(Error::LeavesMissing { .. })));
        // Truncating gives the tree of the prefix, to the last node, and it grows again
        // exactly as one that never had the later leaves.
        for size in [0u64, 1, 2, 3, 31, 32, 33, 64, 69, 70, 71] {
            let mut t = tree.clone();
            t.truncate(size);
            let keep = size.min(70) as usize;
            assert_eq!(
                t.levels,
                MemoryTree::from_leaves(leaves[..keep].to_vec()).levels
            );
            for l in &leaves[keep..] {
                t.push(*l);
            }
            assert_eq!(t.levels, tree.levels, "regrown from {size}");
        }
        assert!((&tree).subtree_hash(5, 5).is_err());
        assert_eq!(tree.leaf(69), Some(&leaves[69]));
        assert_eq!(tree.leaf(70), None);
        assert_eq!(tree.leaf(u64::MAX), None);
    }
}
