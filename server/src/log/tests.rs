//! The log against the published RFC 6962 vectors, and proptests of the proofs.
//!
//! Vectors: `transparency-dev/merkle` (Go, Apache-2.0), the successor of
//! `google/certificate-transparency-go/merkletree`:
//! - `testonly/constants.go` (`LeafInputs`, `NodeHashes`, `RootHashes`),
//! - `proof/verify_test.go` (`inclusionProofs`, `consistencyProofs`, `roots`); there the
//!   inclusion vectors name the leaf 1-based (`{leaf, size, proof}`, used as `leaf-1`);
//!   below they are written 0-based.
//!
//! The hex strings are copied from those files, not computed here.

use proptest::prelude::*;

use super::*;

fn h(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

/// `testonly.LeafInputs()`.
fn leaf_inputs() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|s| hex::decode(s).unwrap())
    .collect()
}

/// `testonly.RootHashes()`: the root of the first `n` leaves, `n = 0..=8`.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `testonly.NodeHashes()[0]`: the eight leaf hashes.
const LEAF_HASHES: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];

/// `inclusionProofs` of `proof/verify_test.go`, 0-based: (index, size, path).
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (
            0,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            5,
            8,
            vec![
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            3,
            vec![h(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            )],
        ),
        (
            1,
            5,
            vec![
                h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (0, 1, vec![]),
    ]
}

/// `consistencyProofs` of `proof/verify_test.go`: (size1, size2, proof).
fn consistency_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            5,
            vec![
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (
            6,
            7,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
    ]
}

fn vector_leaf_hashes() -> Vec<Hash> {
    leaf_inputs().iter().map(|d| leaf_hash(d)).collect()
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    assert_eq!(EMPTY_ROOT, h(ROOTS[0]));
    assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
    assert_eq!(root_from_leaf_hashes(&[]), EMPTY_ROOT);
}

#[test]
fn leaf_hashes_match_vectors() {
    for (got, want) in vector_leaf_hashes().iter().zip(LEAF_HASHES) {
        assert_eq!(*got, h(want));
    }
}

#[test]
fn roots_match_vectors() {
    let leaves = vector_leaf_hashes();
    for (n, want) in ROOTS.iter().enumerate() {
        assert_eq!(root_from_leaf_hashes(&leaves[..n]), h(want), "size {n}");
        assert_eq!(
            root(&mut &leaves[..], n as u64).unwrap(),
            h(want),
            "size {n}"
        );
    }
}

#[test]
fn inclusion_proofs_match_vectors_and_verify() {
    let leaves = vector_leaf_hashes();
    for (index, size, want) in inclusion_vectors() {
        let got = inclusion_proof(&mut &leaves[..], index, size).unwrap();
        assert_eq!(got, want, "PATH({index}, D[{size}])");
        let root = h(ROOTS[size as usize]);
        verify_inclusion(&leaves[index as usize], index, size, &want, &root).unwrap();
    }
}

#[test]
fn consistency_proofs_match_vectors_and_verify() {
    let leaves = vector_leaf_hashes();
    for (m, n, want) in consistency_vectors() {
        let got = consistency_proof(&mut &leaves[..], m, n).unwrap();
        assert_eq!(got, want, "PROOF({m}, D[{n}])");
        let (r1, r2) = (h(ROOTS[m as usize]), h(ROOTS[n as usize]));
        verify_consistency(m, n, &want, &r1, &r2).unwrap();
    }
}

/// The corruptions of `verify_test.go`'s `corruptInclusionProof`, each refused.
#[test]
fn corrupted_vector_inclusion_proofs_are_refused() {
    let leaves = vector_leaf_hashes();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (index, size, proof) in inclusion_vectors() {
        let root = h(ROOTS[size as usize]);
        let leaf = leaves[index as usize];
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (index.wrapping_sub(1), size, root, leaf, proof.clone()),
            (index + 1, size, root, leaf, proof.clone()),
            (index ^ 2, size, root, leaf, proof.clone()),
            (index, size * 2, root, leaf, proof.clone()),
            (index, size / 2, root, leaf, proof.clone()),
            (index, size, root, leaf_hash(b"WrongLeaf"), proof.clone()),
            (index, size, EMPTY_ROOT, leaf, proof.clone()),
            (index, size, some, leaf, proof.clone()),
            (
                index,
                size,
                root,
                leaf,
                [proof.clone(), vec![root]].concat(),
            ),
            (
                index,
                size,
                root,
                leaf,
                [vec![root], proof.clone()].concat(),
            ),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 8;
            probes.push((index, size, root, leaf, p));
        }
        if !proof.is_empty() {
            probes.push((index, size, root, leaf, proof[..proof.len() - 1].to_vec()));
        }
        if proof.len() > 1 {
            let p = [vec![proof[0], some], proof[1..].to_vec()].concat();
            probes.push((index, size, root, leaf, p));
        }
        for (i, (idx, sz, r, l, p)) in probes.into_iter().enumerate() {
            // size 1, index 0 has an empty path: index ^ 2 etc. fall out of range, fine.
            if (idx, sz, r, l) == (index, size, root, leaf) && p == proof {
                continue;
            }
            assert!(
                verify_inclusion(&l, idx, sz, &p, &r).is_err(),
                "probe {i} for ({index}, {size}) verified"
            );
        }
    }
}

/// `TestVerifyConsistency`'s edge table and the corruptions of `corruptConsistencyProof`.
#[test]
fn corrupted_vector_consistency_proofs_are_refused() {
    let r1 = leaf_hash(b"don't care 1");
    let r2 = leaf_hash(b"don't care 2");
    // Always consistent: empty to anything (old root must be the empty root here,
    // stricter than Go, which ignores it), equal sizes with equal roots.
    verify_consistency(0, 0, &[], &EMPTY_ROOT, &EMPTY_ROOT).unwrap();
    verify_consistency(0, 1, &[], &EMPTY_ROOT, &r2).unwrap();
    verify_consistency(1, 1, &[], &r2, &r2).unwrap();
    assert!(matches!(
        verify_consistency(0, 0, &[], &r1, &r2),
        Err(Error::RootMismatch)
    ));
    assert!(verify_consistency(1, 1, &[], &r1, &r2).is_err());
    assert!(matches!(
        verify_consistency(1, 0, &[], &r1, &r2),
        Err(Error::SizeOrder { .. })
    ));
    assert!(verify_consistency(2, 1, &[], &r1, &r2).is_err());
    assert!(matches!(
        verify_consistency(1, 2, &[], &r1, &r2),
        Err(Error::ProofLength { .. })
    ));
    for (m, n) in [(0, 0), (0, 1), (1, 1)] {
        assert!(matches!(
            verify_consistency(m, n, &[EMPTY_ROOT], &EMPTY_ROOT, &EMPTY_ROOT),
            Err(Error::ProofLength { .. })
        ));
    }

    for (m, n, proof) in consistency_vectors() {
        if proof.is_empty() {
            continue;
        }
        let (root1, root2) = (h(ROOTS[m as usize]), h(ROOTS[n as usize]));
        let wrong = leaf_hash(b"WrongRoot");
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (m - 1, n, root1, root2, proof.clone()),
            (m + 1, n, root1, root2, proof.clone()),
            (m ^ 2, n, root1, root2, proof.clone()),
            (m, n * 2, root1, root2, proof.clone()),
            (m, n / 2, root1, root2, proof.clone()),
            (m, n, wrong, root2, proof.clone()),
            (m, n, root1, wrong, proof.clone()),
            (m, n, root2, root1, proof.clone()),
            (m, n, root1, root2, vec![]),
            (m, n, root1, root2, [proof.clone(), vec![root1]].concat()),
            (m, n, root1, root2, [proof.clone(), vec![root2]].concat()),
            (m, n, root1, root2, [vec![root1], proof.clone()].concat()),
            (m, n, root1, root2, [vec![root2], proof.clone()].concat()),
            (m, n, root1, root2, [vec![proof[0]], proof.clone()].concat()),
            (m, n, root1, root2, proof[..proof.len() - 1].to_vec()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            probes.push((m, n, root1, root2, p));
        }
        for (i, (a, b, x, y, p)) in probes.into_iter().enumerate() {
            assert!(
                verify_consistency(a, b, &p, &x, &y).is_err(),
                "probe {i} for ({m}, {n}) verified"
            );
        }
    }
}

#[test]
fn hostile_sizes_give_typed_errors() {
    let leaves = vector_leaf_hashes();
    let src = &mut &leaves[..];
    assert!(matches!(
        inclusion_proof(src, 0, 0),
        Err(Error::IndexOutOfRange { index: 0, size: 0 })
    ));
    assert!(matches!(
        inclusion_proof(src, 8, 8),
        Err(Error::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        inclusion_proof(src, 0, 9),
        Err(Error::LeavesMissing { available: 8, .. })
    ));
    assert!(matches!(
        consistency_proof(src, 5, 4),
        Err(Error::SizeOrder { .. })
    ));
    assert!(matches!(
        consistency_proof(src, 3, 9),
        Err(Error::LeavesMissing { .. })
    ));
    assert!(matches!(root(src, 9), Err(Error::LeavesMissing { .. })));
    assert!(matches!(
        verify_inclusion(&leaves[0], 0, 0, &[], &EMPTY_ROOT),
        Err(Error::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        verify_inclusion(&leaves[0], u64::MAX, u64::MAX, &[], &EMPTY_ROOT),
        Err(Error::IndexOutOfRange { .. })
    ));
    // Extreme sizes: the length check answers before any hashing or shifting overflows.
    assert!(matches!(
        verify_inclusion(&leaves[0], u64::MAX - 1, u64::MAX, &[], &EMPTY_ROOT),
        Err(Error::ProofLength { expected: 63, .. })
    ));
    assert!(matches!(
        verify_consistency(u64::MAX - 1, u64::MAX, &[], &EMPTY_ROOT, &EMPTY_ROOT),
        Err(Error::ProofLength { .. })
    ));
    let long = vec![EMPTY_ROOT; 200];
    assert!(verify_consistency(1, u64::MAX, &long, &EMPTY_ROOT, &EMPTY_ROOT).is_err());
    assert!(verify_inclusion(&leaves[0], 0, u64::MAX, &long, &EMPTY_ROOT).is_err());
}

/// The steps the RFC 9162 verifiers take for these sizes: which side each proof hash
/// goes on. Two (index, size) pairs with the same steps are indistinguishable to an
/// audit path by construction; only the signed checkpoint binds the size.
fn steps(mut fn_: u64, mut sn: u64, len: usize) -> (Vec<bool>, u64) {
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        if sn == 0 {
            break;
        }
        let left = fn_ & 1 == 1 || fn_ == sn;
        out.push(left);
        if left {
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (out, sn)
}

fn inclusion_shape(index: u64, size: u64) -> Option<(Vec<bool>, u64)> {
    (index < size).then(|| steps(index, size - 1, inclusion_proof_len(index, size)))
}

fn consistency_shape(m: u64, n: u64) -> Option<(bool, Vec<bool>, u64)> {
    if m == 0 || m >= n {
        return None;
    }
    let (mut fn_, mut sn) = (m - 1, n - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let len = consistency_proof_len(m, n);
    let pow = m.is_power_of_two();
    let rest = if pow { len } else { len - 1 };
    let (s, sn) = steps(fn_, sn, rest);
    Some((pow, s, sn))
}

fn test_leaves(n: u64, seed: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(&[seed.to_le_bytes(), i.to_le_bytes()].concat()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every inclusion proof verifies, has the predicted length, and any single-bit
    /// change of the proof, the leaf, the index or the root is refused; a bit change of
    /// the size is refused unless it leaves the verifier's steps unchanged.
    #[test]
    fn inclusion_proofs_verify_and_tampering_is_refused(
        n in 1u64..300, m_frac in 0.0f64..1.0, seed: u64, bit in 0usize..256, sbit in 0u32..64,
    ) {
        let leaves = test_leaves(n, seed);
        let m = ((n as f64) * m_frac) as u64 % n;
        let root = root_from_leaf_hashes(&leaves);
        let proof = inclusion_proof(&mut &leaves[..], m, n).unwrap();
        prop_assert_eq!(proof.len(), inclusion_proof_len(m, n));
        let leaf = leaves[m as usize];
        prop_assert!(verify_inclusion(&leaf, m, n, &proof, &root).is_ok());

        if !proof.is_empty() {
            let mut p = proof.clone();
            let i = bit / 8 % p.len();
            p[i][bit % 32] ^= 1 << (bit % 8);
            prop_assert!(verify_inclusion(&leaf, m, n, &p, &root).is_err());
        }
        let mut l = leaf;
        l[bit % 32] ^= 1 << (bit % 8);
        prop_assert!(verify_inclusion(&l, m, n, &proof, &root).is_err());
        let mut r = root;
        r[bit % 32] ^= 1 << (bit % 8);
        prop_assert!(verify_inclusion(&leaf, m, n, &proof, &r).is_err());
        prop_assert!(verify_inclusion(&leaf, m ^ (1 << sbit), n, &proof, &root).is_err());
        let n2 = n ^ (1 << sbit);
        if verify_inclusion(&leaf, m, n2, &proof, &root).is_ok() {
            prop_assert_eq!(inclusion_shape(m, n2), inclusion_shape(m, n));
        }
        // One hash more or less.
        prop_assert!(verify_inclusion(&leaf, m, n, &[proof.clone(), vec![root]].concat(), &root).is_err());
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(&leaf, m, n, &proof[1..], &root).is_err());
        }
    }

    /// Every consistency proof verifies, has the predicted length, and tampering with
    /// the proof or either root is refused; a bit change of a size is refused unless it
    /// leaves the verifier's steps unchanged.
    #[test]
    fn consistency_proofs_verify_and_tampering_is_refused(
        n in 1u64..300, m_frac in 0.0f64..=1.0, seed: u64, bit in 0usize..256, sbit in 0u32..64,
    ) {
        let leaves = test_leaves(n, seed);
        let m = ((n as f64) * m_frac) as u64;
        let (r1, r2) = (root_from_leaf_hashes(&leaves[..m as usize]), root_from_leaf_hashes(&leaves));
        let proof = consistency_proof(&mut &leaves[..], m, n).unwrap();
        prop_assert_eq!(proof.len(), consistency_proof_len(m, n));
        prop_assert!(verify_consistency(m, n, &proof, &r1, &r2).is_ok());

        if !proof.is_empty() {
            let mut p = proof.clone();
            let i = bit / 8 % p.len();
            p[i][bit % 32] ^= 1 << (bit % 8);
            prop_assert!(verify_consistency(m, n, &p, &r1, &r2).is_err());
            prop_assert!(verify_consistency(m, n, &proof[1..], &r1, &r2).is_err());
        }
        prop_assert!(verify_consistency(m, n, &[proof.clone(), vec![r1]].concat(), &r1, &r2).is_err());
        let mut x = r1;
        x[bit % 32] ^= 1 << (bit % 8);
        prop_assert!(verify_consistency(m, n, &proof, &x, &r2).is_err());
        let mut y = r2;
        y[bit % 32] ^= 1 << (bit % 8);
        if 0 < m && m < n {
            // Equal sizes compare the roots with each other, and the empty tree is a
            // prefix of every tree: there the new root is not what the proof binds.
            prop_assert!(verify_consistency(m, n, &proof, &r1, &y).is_err());
        }
        let m2 = m ^ (1 << sbit);
        if verify_consistency(m2, n, &proof, &r1, &r2).is_ok() {
            prop_assert_eq!(consistency_shape(m2, n), consistency_shape(m, n));
            prop_assert!(consistency_shape(m, n).is_some());
        }
        let n2 = n ^ (1 << sbit);
        if verify_consistency(m, n2, &proof, &r1, &r2).is_ok() {
            prop_assert_eq!(consistency_shape(m, n2), consistency_shape(m, n));
            prop_assert!(consistency_shape(m, n).is_some() || m == 0);
        }
    }

    /// Every leaf of a tree is proven, against the root of every prefix that holds it.
    #[test]
    fn every_leaf_of_every_prefix_is_proven(n in 1u64..48, seed: u64) {
        let leaves = test_leaves(n, seed);
        for size in 1..=n {
            let r = root(&mut &leaves[..], size).unwrap();
            prop_assert_eq!(r, root_from_leaf_hashes(&leaves[..size as usize]));
            for i in 0..size {
                let p = inclusion_proof(&mut &leaves[..], i, size).unwrap();
                prop_assert!(verify_inclusion(&leaves[i as usize], i, size, &p, &r).is_ok());
            }
        }
    }
}

/// A source that keeps subtree hashes (as a store could) is asked O(log n) times:
/// here a fake one that makes a hash from the range and counts the calls.
#[test]
fn provers_ask_a_source_once_per_proof_hash() {
    struct Counting(u64, usize);
    impl SubtreeSource for Counting {
        fn subtree_hash(&mut self, start: u64, end: u64) -> Result<Hash, Error> {
            assert!(
                start < end && end <= self.0,
                "range {start}..{end} asked for"
            );
            self.1 += 1;
            Ok(leaf_hash(
                &[start.to_le_bytes(), end.to_le_bytes()].concat(),
            ))
        }
    }
    let n = (1u64 << 40) + 12345;
    let mut src = Counting(n, 0);
    let p = inclusion_proof(&mut src, 987_654_321, n).unwrap();
    assert_eq!(p.len(), inclusion_proof_len(987_654_321, n));
    assert_eq!(src.1, p.len());
    let mut src = Counting(n, 0);
    let p = consistency_proof(&mut src, (1 << 39) + 7, n).unwrap();
    assert_eq!(p.len(), consistency_proof_len((1 << 39) + 7, n));
    assert_eq!(src.1, p.len());
}
