//! The ballot log's Merkle tree: RFC 6962 / RFC 9162 §2.1 with SHA-256.
//!
//! ```text
//! leaf hash    MTH({d})       = SHA-256(0x00 || d)
//! node hash    MTH(D[0:n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//!              where k is the largest power of two smaller than n (1 ≤ k < n)
//! empty tree   MTH({})        = SHA-256("")
//! ```
//!
//! - [`inclusion_proof`] is `PATH(m, D[n])` (RFC 9162 §2.1.3.1) and [`verify_inclusion`]
//!   the verifier of §2.1.3.2;
//! - [`consistency_proof`] is `PROOF(m, D[n])` (§2.1.4.1) and [`verify_consistency`] the
//!   verifier of §2.1.4.2.
//!
//! The provers read the tree through [`SubtreeSource`]: "the hash of the leaves
//! `[start, end)`". A slice of leaf hashes is one (what the store hands out today); a
//! store that keeps the hashes of complete subtrees can be another. The RFC's recursion
//! asks for disjoint ranges only, so a proof from a slice of `n` leaf hashes costs O(n)
//! hashes, and O(log n) look-ups from a source that keeps subtree hashes.
//!
//! The verifiers check the proof length against the sizes before hashing anything
//! (the same formula as Go's `golang.org/x/mod/sumdb/tlog` and
//! `transparency-dev/merkle`), so a hostile proof is refused with
//! [`Error::ProofLength`] and a wrong root with [`Error::RootMismatch`]; nothing here panics.
//!
//! # Why not `ct-merkle`
//! `ct-merkle` 0.3 (the current release) implements the same tree, but (1) it is built
//! on `digest`/`sha2` 0.11 while this workspace uses `sha2` 0.10, so the server would
//! carry two SHA-256 implementations; (2) its storage-side API
//! (`indices_for_inclusion_proof`) names nodes by their index in its own in-order array
//! layout, which a database that stores leaf hashes by log index would have to translate,
//! with about as much code as the RFC's recursion itself; (3) its `from_bytes`
//! constructors panic on a malformed length. The functions below are the RFC's
//! algorithms, short enough to read next to the RFC, and are tested against the
//! published vectors (tests at the bottom of this file).

use sha2::{Digest, Sha256};

use crate::error::Error;

/// A SHA-256 output: a leaf hash, a node hash or a root.
pub type Hash = [u8; 32];

/// Domain-separation prefix of a leaf hash (RFC 6962 §2.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 6962 §2.1).
pub const NODE_PREFIX: u8 = 0x01;

/// `MTH({})` = SHA-256 of the empty string: the root of the empty log.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The hash of one leaf: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly smaller than `n` (the RFC's `k`); `n` must be ≥ 2.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Where the provers read the tree from: the Merkle tree hash of a range of leaves.
///
/// The provers ask only for non-empty ranges inside the tree they prove about
/// (`start < end ≤ size`), each range at most once per proof.
pub trait SubtreeSource {
    /// `MTH(D[start:end])`, the hash of the subtree over the leaves `start..end`.
    ///
    /// # Errors
    /// Whatever the source meets (for a slice: [`Error::LeavesMissing`] when the range
    /// is past its end).
    fn subtree_hash(&mut self, start: u64, end: u64) -> Result<Hash, Error>;
}

/// A slice of leaf hashes, in log order, is a source: each range is hashed from its leaves.
impl SubtreeSource for &[Hash] {
    fn subtree_hash(&mut self, start: u64, end: u64) -> Result<Hash, Error> {
        let have = self.len() as u64;
        if start >= end || end > have {
            return Err(Error::LeavesMissing {
                start,
                end,
                available: have,
            });
        }
        // In range: both fit in usize because they are ≤ the slice length.
        Ok(mth(&self[start as usize..end as usize]))
    }
}

/// `MTH` of a non-empty slice of leaf hashes, by the RFC's recursion (no allocation).
fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// The root of a log of `leaves.len()` leaves, from their leaf hashes (O(n) hashes).
pub fn root_from_leaf_hashes(leaves: &[Hash]) -> Hash {
    mth(leaves)
}

/// The root of the first `size` leaves of `source` ([`EMPTY_ROOT`] for `size` 0).
///
/// # Errors
/// Whatever `source` returns.
pub fn root<S: SubtreeSource>(source: &mut S, size: u64) -> Result<Hash, Error> {
    if size == 0 {
        Ok(EMPTY_ROOT)
    } else {
        source.subtree_hash(0, size)
    }
}

/// The audit path `PATH(index, D[size])` of RFC 9162 §2.1.3.1, leaf-side first.
///
/// # Errors
/// [`Error::IndexOutOfRange`] if `index ≥ size` (so always for `size` 0); whatever
/// `source` returns.
pub fn inclusion_proof<S: SubtreeSource>(
    source: &mut S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    // Walk down from the root, remembering the sibling subtree of each step; the RFC
    // lists them from the leaf up, so reverse at the end.
    let mut path = Vec::with_capacity(inclusion_proof_len(index, size));
    let (mut lo, mut hi) = (0u64, size);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index - lo < k {
            path.push(source.subtree_hash(lo + k, hi)?);
            hi = lo + k;
        } else {
            path.push(source.subtree_hash(lo, lo + k)?);
            lo += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// The consistency proof `PROOF(old_size, D[new_size])` of RFC 9162 §2.1.4.1.
///
/// Empty when `old_size` is 0 or equal to `new_size` (nothing to prove).
///
/// # Errors
/// [`Error::SizeOrder`] if `old_size > new_size`; whatever `source` returns.
pub fn consistency_proof<S: SubtreeSource>(
    source: &mut S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, Error> {
    if old_size > new_size {
        return Err(Error::SizeOrder { old_size, new_size });
    }
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    // SUBPROOF(m, D[lo:hi], b), iteratively: each step records one subtree and
    // descends into the other, so the recorded ranges are disjoint.
    let mut proof = Vec::new();
    let (mut lo, mut hi, mut m, mut whole) = (0u64, new_size, old_size, true);
    loop {
        let n = hi - lo;
        if m == n {
            // The old tree is this whole subtree: its hash is known to the verifier
            // (it is the old root) only when b is still true.
            if !whole {
                proof.push(source.subtree_hash(lo, hi)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            proof.push(source.subtree_hash(lo + k, hi)?);
            hi = lo + k;
        } else {
            proof.push(source.subtree_hash(lo, lo + k)?);
            lo += k;
            m -= k;
            whole = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// Number of bits needed to write `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// The length of the audit path of `index` in a tree of `size` (`index < size`).
///
/// `inner` levels where the path and the tree's right edge differ, plus one hash for each
/// `1` bit of the index above them (the complete subtrees on the left of the right edge).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    if index >= size {
        return 0;
    }
    let inner = bit_len(index ^ (size - 1));
    // `>>` by 64 is an overflow (masked to `>> 0` without overflow checks): 0 bits.
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// The length of the consistency proof between `old_size ≤ new_size`.
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == 0 || old_size >= new_size {
        return 0;
    }
    let shift = old_size.trailing_zeros();
    let inner = bit_len((old_size - 1) ^ (new_size - 1)) - shift;
    let border = (old_size - 1)
        .checked_shr(bit_len((old_size - 1) ^ (new_size - 1)))
        .unwrap_or(0)
        .count_ones();
    let seed = u32::from(!old_size.is_power_of_two());
    (seed + inner + border) as usize
}

/// Verifies that `leaf` (a leaf hash) is at `index` in the tree of `size` leaves whose
/// root is `root` (RFC 9162 §2.1.3.2).
///
/// # Errors
/// [`Error::IndexOutOfRange`] if `index ≥ size`; [`Error::ProofLength`] if the proof
/// has the wrong number of hashes for `(index, size)`; [`Error::RootMismatch`] if the
/// path leads to another root.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), Error> {
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    let expected = inclusion_proof_len(index, size);
    if proof.len() != expected {
        return Err(Error::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            // Unreachable after the length check; kept as the RFC writes it.
            return Err(Error::ProofLength {
                expected,
                got: proof.len(),
            });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn == 0 && r == *root {
        Ok(())
    } else {
        Err(Error::RootMismatch)
    }
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the
/// tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2).
///
/// Sizes equal: the proof must be empty and the roots equal. `old_size` 0: the proof must
/// be empty and `old_root` must be [`EMPTY_ROOT`] (every tree extends the empty one).
///
/// # Errors
/// [`Error::SizeOrder`] if `old_size > new_size`; [`Error::ProofLength`] if the proof
/// has the wrong number of hashes for the sizes; [`Error::RootMismatch`] if it does not
/// lead to both roots.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), Error> {
    if old_size > new_size {
        return Err(Error::SizeOrder { old_size, new_size });
    }
    let expected = consistency_proof_len(old_size, new_size);
    if proof.len() != expected {
        return Err(Error::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    if old_size == 0 {
        return if *old_root == EMPTY_ROOT {
            Ok(())
        } else {
            Err(Error::RootMismatch)
        };
    }
    if old_size == new_size {
        return if old_root == new_root {
            Ok(())
        } else {
            Err(Error::RootMismatch)
        };
    }
    // If old_size is a power of two, the old root is the first node of the path.
    let (seed, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        (proof[0], &proof[1..])
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in rest {
        if sn == 0 {
            return Err(Error::RootMismatch);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn == 0 && fr == *old_root && sr == *new_root {
        Ok(())
    } else {
        Err(Error::RootMismatch)
    }
}

#[cfg(test)]
mod tests;
