//! Tests of native Poseidon: the shared vectors (`vectors/semaphore-v4.json`), the
//! optimised form against the textbook one and light-poseidon, lanes and pairs against
//! single hashes, and arity errors.

use super::*;
use crate::test_vectors::vectors;
use ark_ff::UniformRand;
use light_poseidon::PoseidonHasher;
use rand::SeedableRng;

#[test]
fn equals_shared_vectors() {
    let v = vectors();
    let mut checked = 0;
    for case in &v.poseidon {
        assert_eq!(
            hash(&case.inputs).unwrap(),
            case.output,
            "{} inputs",
            case.inputs.len()
        );
        assert_eq!(hash_reference(&case.inputs).unwrap(), case.output);
        checked += 1;
    }
    assert_eq!(checked, v.poseidon.len());
    // The widest circomlib Poseidon is among the vectors.
    assert!(v.poseidon.iter().any(|c| c.inputs.len() == MAX_INPUTS));
}

#[test]
fn optimised_form_equals_textbook_and_light_poseidon() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    for n in 1..=MAX_INPUTS {
        // light-poseidon has circomlib's parameters for up to 12 inputs.
        let mut lp = (n <= 12).then(|| light_poseidon::Poseidon::<Fr>::new_circom(n).unwrap());
        for _ in 0..4 {
            let inputs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let fast = hash(&inputs).unwrap();
            assert_eq!(fast, hash_reference(&inputs).unwrap(), "n = {n}");
            if let Some(lp) = lp.as_mut() {
                assert_eq!(fast, lp.hash(&inputs).unwrap(), "n = {n}");
            }
        }
    }
    let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    assert_eq!(hash2(a, b), hash(&[a, b]).unwrap());
    // hash2 runs its own width-3 code: check it on more inputs, edge values included.
    let edge = [Fr::zero(), Fr::ONE, -Fr::ONE];
    for (x, y) in (0..32)
        .map(|_| (Fr::rand(&mut rng), Fr::rand(&mut rng)))
        .chain(edge.iter().flat_map(|x| edge.iter().map(move |y| (*x, *y))))
    {
        assert_eq!(hash2(x, y), hash_reference(&[x, y]).unwrap());
    }
    assert_eq!(hash1(a), hash(&[a]).unwrap());
}

#[test]
fn lanes_equal_single_hashes() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2);
    for _ in 0..8 {
        let l: [Fr; 4] = std::array::from_fn(|_| Fr::rand(&mut rng));
        let r: [Fr; 4] = std::array::from_fn(|_| Fr::rand(&mut rng));
        let want: Vec<Fr> = (0..4)
            .map(|k| hash_reference(&[l[k], r[k]]).unwrap())
            .collect();
        assert_eq!(hash2_lanes(l, r).to_vec(), want);
        assert_eq!(hash2_lanes([l[0], l[1]], [r[0], r[1]]).to_vec(), want[..2]);
    }
    assert_eq!(hash2_lanes::<0>([], []), []);
}

#[test]
fn pairs_equal_single_hashes_on_both_paths() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    let inputs: Vec<Fr> = (0..2 * 45).map(|_| Fr::rand(&mut rng)).collect();
    let want: Vec<Fr> = inputs
        .chunks(2)
        .map(|p| hash_reference(p).unwrap())
        .collect();
    // Every length up to 45 pairs: whole vector blocks, lanes of 4 and single hashes.
    for n in 0..=45 {
        for vector in [false, true] {
            let mut out = vec![Fr::zero(); n];
            hash2_pairs_with(&inputs[..2 * n], &mut out, vector);
            assert_eq!(out, want[..n], "{n} pairs, vector {vector}");
        }
    }
    let mut out = vec![Fr::zero(); 3];
    hash2_pairs(&inputs[..6], &mut out);
    assert_eq!(out, want[..3]);
}

#[test]
fn arity_errors() {
    assert!(matches!(
        hash(&[]),
        Err(Error::PoseidonArity { got: 0, .. })
    ));
    for n in [MAX_INPUTS + 1, MAX_INPUTS + 2, 32] {
        let inputs = vec![Fr::ONE; n];
        assert!(matches!(
            hash(&inputs),
            Err(Error::PoseidonArity { got, max: MAX_INPUTS }) if got == n
        ));
        assert!(matches!(
            hash_reference(&inputs),
            Err(Error::PoseidonArity { .. })
        ));
        assert!(matches!(params(n), Err(Error::PoseidonArity { .. })));
    }
    assert!(matches!(params(0), Err(Error::PoseidonArity { .. })));
    assert!(hash(&[Fr::ONE; MAX_INPUTS]).is_ok());
}
