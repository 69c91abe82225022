//! The census gadget: the LeanIMT root recomputed from a Merkle path whose length is
//! private and at most `max_depth`.
//!
//! # Statement
//! Witness: `active_0 … active_{D−1}`, `b_0 … b_{D−1}` (bits), `s_0 … s_{D−1}` (field),
//! with `D = max_depth`. The gadget enforces
//! - `active_i ∈ {0, 1}` and `active_{i+1} ≤ active_i` (the active levels are a prefix;
//!   the private path length is `L = Σ active_i ≤ D`),
//! - `b_i ∈ {0, 1}` and `b_i ≤ active_i` (no index bits past the length, so one path has
//!   one witness, as [`MerkleProof::compute_root`] refuses them natively),
//! - `n_0 = leaf`, and for every level
//!   `(l_i, r_i) = b_i ? (s_i, n_i) : (n_i, s_i)`,
//!   `n_{i+1} = active_i ? Poseidon(l_i, r_i) : n_i`,
//!
//! and outputs `n_D`, which equals [`MerkleProof::compute_root`] of the proof with the
//! first `L` siblings and index `Σ b_i 2^i`. Padding levels (`active_i = 0`) still pay for
//! their hash, so the circuit shape does not depend on the census size.
//!
//! # Cost
//! Per level: the Poseidon(2) (240), the left/right selection (1), the
//! `active ? hash : node` selection (1), and one constraint for each of `active_i` and
//! `b_i`, which fold the booleanity checks into the order checks:
//! `active_{i+1}·(active_i − active_{i+1}) = 0` and `b_i·(active_i − b_i) = 0` (with
//! `active_i` boolean, each forces the left factor to 0 or to a bit), `active_0` alone
//! being checked with `active_0·(1 − active_0) = 0`. That is
//! [`CONSTRAINTS_PER_LEVEL`]` = 244` constraints a level, 4,880 at depth 20.

use ark_bn254::Fr;
use ark_r1cs_std::{
    alloc::AllocVar,
    boolean::{AllocatedBool, Boolean},
    fields::fp::FpVar,
    select::CondSelectGadget,
};
use ark_relations::gr1cs::{LinearCombination, Namespace, SynthesisError, Variable};

use super::{MerkleProof, MAX_DEPTH};
use crate::poseidon::constraints::{hash2_var, POSEIDON2_CONSTRAINTS};

/// Constraints per level of [`MerklePathVar::new_witness`] and [`root_var`] together.
pub const CONSTRAINTS_PER_LEVEL: usize = POSEIDON2_CONSTRAINTS + 4;

/// Constraints of a `max_depth` path: [`MerklePathVar::new_witness`] plus [`root_var`].
pub const fn root_constraints(max_depth: usize) -> usize {
    CONSTRAINTS_PER_LEVEL * max_depth
}

/// A private LeanIMT path of length at most `max_depth`, padded to `max_depth` levels.
#[derive(Clone, Debug)]
pub struct MerklePathVar {
    /// `active[i]`: level `i` is hashed (a prefix of the levels).
    pub active: Vec<Boolean<Fr>>,
    /// `index_bits[i]`: the node is the right child at level `i` (0 on inactive levels).
    pub index_bits: Vec<Boolean<Fr>>,
    /// `siblings[i]`: the sibling at level `i` (0 on inactive levels).
    pub siblings: Vec<FpVar<Fr>>,
}

impl MerklePathVar {
    /// Allocates `proof`'s path as witnesses, padded to `max_depth` levels, and
    /// enforces the shape constraints of the module documentation.
    ///
    /// `None` allocates the same shape with a dummy (all inactive) assignment, for the
    /// setup. A proof longer than `max_depth`, index bits past the proof length, or a
    /// `max_depth` above [`MAX_DEPTH`] cannot be witnessed and give
    /// [`SynthesisError::Unsatisfiable`] (check [`MerkleProof::compute_root`] first for
    /// a precise error).
    pub fn new_witness(
        cs: impl Into<Namespace<Fr>>,
        proof: Option<&MerkleProof>,
        max_depth: usize,
    ) -> Result<Self, SynthesisError> {
        if max_depth > MAX_DEPTH {
            return Err(SynthesisError::Unsatisfiable);
        }
        let mut active = vec![false; max_depth];
        let mut bits = vec![false; max_depth];
        let mut siblings = vec![Fr::from(0u64); max_depth];
        if let Some(p) = proof {
            let len = p.siblings.len();
            if len > max_depth || p.index >> len != 0 {
                return Err(SynthesisError::Unsatisfiable);
            }
            for (i, s) in p.siblings.iter().enumerate() {
                active[i] = true;
                bits[i] = (p.index >> i) & 1 == 1;
                siblings[i] = *s;
            }
        }
        Self::alloc_raw(cs, &active, &bits, &siblings)
    }

    /// Allocates the given assignment level by level, with the shape constraints.
    /// Tests use it to build witnesses that `new_witness` would refuse.
    fn alloc_raw(
        cs: impl Into<Namespace<Fr>>,
        active: &[bool],
        bits: &[bool],
        siblings: &[Fr],
    ) -> Result<Self, SynthesisError> {
        let cs = cs.into().cs();
        let n = active.len();
        if bits.len() != n || siblings.len() != n {
            return Err(SynthesisError::Unsatisfiable);
        }
        let lc = |v: Variable| LinearCombination::from(v);
        let mut act: Vec<Boolean<Fr>> = Vec::with_capacity(n);
        let mut idx: Vec<Boolean<Fr>> = Vec::with_capacity(n);
        let mut sib = Vec::with_capacity(n);
        for i in 0..n {
            let a =
                AllocatedBool::new_witness_without_booleanity_check(cs.clone(), || Ok(active[i]))?;
            // active_0·(1 − active_0) = 0, then active_i·(active_{i−1} − active_i) = 0.
            let above = match i {
                0 => lc(Variable::One),
                _ => act[i - 1].lc(),
            };
            cs.enforce_r1cs_constraint(
                || lc(a.variable()),
                || above - lc(a.variable()),
                LinearCombination::zero,
            )?;
            let b =
                AllocatedBool::new_witness_without_booleanity_check(cs.clone(), || Ok(bits[i]))?;
            // b_i·(active_i − b_i) = 0.
            cs.enforce_r1cs_constraint(
                || lc(b.variable()),
                || lc(a.variable()) - lc(b.variable()),
                LinearCombination::zero,
            )?;
            act.push(Boolean::from(a));
            idx.push(Boolean::from(b));
            sib.push(FpVar::new_witness(cs.clone(), || Ok(siblings[i]))?);
        }
        Ok(MerklePathVar {
            active: act,
            index_bits: idx,
            siblings: sib,
        })
    }

    /// Number of levels (the circuit's `max_depth`).
    pub fn max_depth(&self) -> usize {
        self.active.len()
    }

    /// The private path length `Σ active_i`, as a linear combination (no constraint).
    pub fn length(&self) -> FpVar<Fr> {
        self.active
            .iter()
            .fold(FpVar::Constant(Fr::from(0u64)), |acc, a| {
                acc + FpVar::from(a.clone())
            })
    }
}

/// The root reached from `leaf` along `path` (see the module documentation);
/// `242·max_depth` constraints, the other `2·max_depth` of [`CONSTRAINTS_PER_LEVEL`]
/// being spent by [`MerklePathVar::new_witness`].
pub fn root_var(leaf: &FpVar<Fr>, path: &MerklePathVar) -> Result<FpVar<Fr>, SynthesisError> {
    let levels = path.active.len();
    if path.index_bits.len() != levels || path.siblings.len() != levels {
        return Err(SynthesisError::Unsatisfiable);
    }
    let mut node = leaf.clone();
    for ((active, bit), sibling) in path.active.iter().zip(&path.index_bits).zip(&path.siblings) {
        let left = FpVar::conditionally_select(bit, sibling, &node)?;
        let right = &node + sibling - &left;
        let hashed = hash2_var(&left, &right)?;
        node = FpVar::conditionally_select(active, &hashed, &node)?;
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::LeanImt;
    use crate::test_vectors::vectors;
    use ark_ff::UniformRand;
    use ark_r1cs_std::{eq::EqGadget, GR1CSVar};
    use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisMode};
    use proptest::prelude::*;
    use rand::SeedableRng;

    const D: usize = 6;

    /// Allocates leaf and path, recomputes the root and binds it to a public `root`.
    /// Returns the in-circuit root value and whether the system is satisfied.
    fn check(
        leaf: Fr,
        path: impl FnOnce(ConstraintSystemRef<Fr>) -> MerklePathVar,
        root: Fr,
    ) -> (Fr, bool, usize) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let public_root = FpVar::new_input(cs.clone(), || Ok(root)).unwrap();
        let leaf = FpVar::new_witness(cs.clone(), || Ok(leaf)).unwrap();
        let path = path(cs.clone());
        let out = root_var(&leaf, &path).unwrap();
        let count = cs.num_constraints();
        out.enforce_equal(&public_root).unwrap();
        (out.value().unwrap(), cs.is_satisfied().unwrap(), count)
    }

    fn honest(p: &MerkleProof, root: Fr, max_depth: usize) -> (Fr, bool, usize) {
        check(
            p.leaf,
            |cs| MerklePathVar::new_witness(cs, Some(p), max_depth).unwrap(),
            root,
        )
    }

    /// The raw assignment `new_witness` makes for `p`.
    fn raw(p: &MerkleProof, max_depth: usize) -> (Vec<bool>, Vec<bool>, Vec<Fr>) {
        let mut active = vec![false; max_depth];
        let mut bits = vec![false; max_depth];
        let mut sibs = vec![Fr::from(0u64); max_depth];
        for (i, s) in p.siblings.iter().enumerate() {
            active[i] = true;
            bits[i] = (p.index >> i) & 1 == 1;
            sibs[i] = *s;
        }
        (active, bits, sibs)
    }

    /// Every witness of a membership proof whose path uses every level (a full tree)
    /// is bound: the index bits and level flags are boolean (a 2 is refused) and the
    /// siblings and intermediate hashes are fixed by the root. Changing any one alone
    /// leaves the system unsatisfied.
    #[test]
    fn every_path_witness_is_bound_and_bits_are_boolean() {
        let depth = 3;
        let tree = census(1 << depth, 71);
        let p = tree.proof(5).unwrap();
        assert_eq!(p.siblings.len(), depth);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let public_root = FpVar::new_input(cs.clone(), || Ok(tree.root().unwrap())).unwrap();
        let leaf = FpVar::new_witness(cs.clone(), || Ok(p.leaf)).unwrap();
        let path = MerklePathVar::new_witness(cs.clone(), Some(&p), depth).unwrap();
        root_var(&leaf, &path)
            .unwrap()
            .enforce_equal(&public_root)
            .unwrap();
        let n = cs.num_witness_variables();
        let free = crate::tamper::free_witnesses(&cs);
        assert!(free.is_empty(), "free witnesses {free:?} of {n}");
    }

    fn census(n: usize, seed: u64) -> LeanImt {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
        LeanImt::new((0..n).map(|_| Fr::rand(&mut rng)).collect()).unwrap()
    }

    #[test]
    fn equals_semaphore_groups_and_count_is_pinned() {
        assert_eq!(CONSTRAINTS_PER_LEVEL, 244);
        assert_eq!(root_constraints(20), 4_880);
        for g in vectors().groups {
            assert!(g.depth <= D);
            for p in &g.proofs {
                let proof = MerkleProof {
                    leaf: p.leaf,
                    index: p.proof_index,
                    siblings: p.siblings.clone(),
                };
                let (value, ok, count) = honest(&proof, g.root, D);
                assert_eq!(value, g.root);
                assert!(ok);
                assert_eq!(count, root_constraints(D));
            }
        }
    }

    #[test]
    fn setup_mode_has_the_same_shape() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let leaf = FpVar::new_witness(cs.clone(), || Ok(Fr::from(1u64))).unwrap();
        let path = MerklePathVar::new_witness(cs.clone(), None, 20).unwrap();
        let _root = root_var(&leaf, &path).unwrap();
        assert_eq!(cs.num_constraints(), root_constraints(20));
        assert_eq!(path.max_depth(), 20);
    }

    #[test]
    fn tampered_paths_are_unsatisfied() {
        let t = census(23, 9); // depth 5, carried nodes on several levels
        let root = t.root().unwrap();
        for index in [0, 7, 16, 20, 22] {
            let p = t.proof(index).unwrap();
            let len = p.siblings.len();
            assert!(honest(&p, root, D).1, "member {index}");

            let mut wrong_sibling = p.clone();
            wrong_sibling.siblings[len - 1] += Fr::from(1u64);
            assert!(!honest(&wrong_sibling, root, D).1);

            for bit in 0..len {
                let mut flipped = p.clone();
                flipped.index ^= 1 << bit;
                assert!(!honest(&flipped, root, D).1, "member {index}, bit {bit}");
            }

            // One level short: the real root is not reached.
            let mut short = p.clone();
            short.siblings.pop();
            short.index &= (1 << short.siblings.len()) - 1;
            assert!(!honest(&short, root, D).1);

            // Too long for the circuit: cannot be witnessed at all.
            let cs = ConstraintSystem::<Fr>::new_ref();
            assert!(MerklePathVar::new_witness(cs, Some(&p), len - 1).is_err());

            // Index bit past the length: same root, refused by b_i ≤ active_i.
            let (active, mut bits, sibs) = raw(&p, D);
            bits[len] = true;
            let (value, ok, _) = check(
                p.leaf,
                |cs| MerklePathVar::alloc_raw(cs, &active, &bits, &sibs).unwrap(),
                root,
            );
            assert_eq!(value, root);
            assert!(!ok);

            // A gap in the active levels: same root (the gap level carries the node),
            // refused by the monotonicity constraint alone.
            let (mut active, mut bits, mut sibs) = raw(&p, D);
            active.insert(len - 1, false);
            bits.insert(len - 1, false);
            sibs.insert(len - 1, Fr::from(5u64));
            active.pop();
            bits.pop();
            sibs.pop();
            let (value, ok, _) = check(
                p.leaf,
                |cs| MerklePathVar::alloc_raw(cs, &active, &bits, &sibs).unwrap(),
                root,
            );
            assert_eq!(value, root);
            assert!(!ok);
        }
    }

    #[test]
    fn max_depth_bounds() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        assert!(MerklePathVar::new_witness(cs.clone(), None, MAX_DEPTH + 1).is_err());
        // A one-member census: a path of length 0 works at any max_depth, even 0.
        let t = census(1, 4);
        let p = t.proof(0).unwrap();
        for d in [0, 1, D] {
            let (value, ok, count) = honest(&p, t.root().unwrap(), d);
            assert_eq!((value, ok, count), (p.leaf, true, root_constraints(d)));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn gadget_equals_native(n in 1usize..40, seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
            let t = census(n, seed);
            let index = pick.index(n);
            let p = t.proof(index).unwrap();
            let root = t.root().unwrap();
            let (value, ok, count) = honest(&p, root, D);
            prop_assert_eq!(value, p.compute_root().unwrap());
            prop_assert_eq!(value, root);
            prop_assert!(ok);
            prop_assert_eq!(count, root_constraints(D));
        }
    }
}
