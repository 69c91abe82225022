//! A random satisfied ballot circuit of a shape, built from the statement alone: what
//! [`super::check_key_proves_sample`] proves with a ceremony's key.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use num_bigint::BigUint;
use rand::{CryptoRng, RngCore};
use zkvote_circuits::{
    babyjubjub::{derive_public_key, subgroup_order},
    ballot::{
        circuit::{BallotCircuit, BallotWitness},
        public_inputs::BallotInstance,
        BallotRules, BallotShape, CensusKind,
    },
    census::{weighted_leaf, LeanImt},
    nullifier::nullifier,
    poseidon,
};

use crate::Error;

/// A satisfied ballot circuit of `shape` with random values, and its public inputs:
/// a census of random members (the voter's path has up to two levels), a score ballot
/// with a random value in every field, and in a weighted census a random weight.
pub fn sample_ballot_circuit<R: RngCore + CryptoRng>(
    shape: BallotShape,
    rng: &mut R,
) -> Result<(BallotCircuit, Vec<Fr>), Error> {
    let members = if shape.max_depth >= 2 { 3 } else { 2 };
    let ids = (0..members)
        .map(|_| random_member(rng))
        .collect::<Result<Vec<_>, _>>()?;
    let weights: Vec<u64> = (0..members).map(|_| 1 + (rng.next_u32() as u64)).collect();
    let leaf = |i: usize| match shape.census {
        CensusKind::Plain => ids[i].commitment,
        CensusKind::Weighted => weighted_leaf(ids[i].commitment, Fr::from(weights[i])),
    };
    let tree = LeanImt::new((0..members).map(leaf).collect())?;
    let me = members - 1;
    let path = tree.proof(me)?;
    let (census_weight, weight) = match shape.census {
        CensusKind::Plain => (1, 1),
        CensusKind::Weighted => (weights[me], 1 + rng.next_u64() % weights[me]),
    };
    let rules = BallotRules::score(shape.fields as u8, 1000);
    let votes: Vec<u32> = (0..shape.fields).map(|_| rng.next_u32() % 1001).collect();
    let election_id = Fr::rand(rng);
    let secret = ids[me].secret;
    let instance = BallotInstance {
        election_id,
        census_root: tree.root()?,
        nullifier: nullifier(election_id, secret),
        rules,
        weight,
        votes,
    };
    let inputs = instance
        .to_field_elements(&shape)
        .map_err(|e| Error::Synthesis(e.to_string()))?;
    let witness = BallotWitness {
        secret,
        path,
        census_weight,
    };
    Ok((BallotCircuit::new(shape, instance, witness), inputs))
}

/// A census member of the sample: a secret scalar and its identity commitment.
struct Member {
    secret: Fr,
    commitment: Fr,
}

/// A random member: a secret scalar below Baby Jubjub's subgroup order `l` (drawn
/// directly; a Semaphore identity derives its own from a private key, which the
/// circuit never sees) and its commitment `Poseidon(secret · Base8)`, as the circuit
/// recomputes them.
fn random_member<R: RngCore + CryptoRng>(rng: &mut R) -> Result<Member, Error> {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    let secret = Fr::from(BigUint::from_bytes_le(&bytes) % subgroup_order());
    let public_key = derive_public_key(&secret)?;
    Ok(Member {
        secret,
        commitment: poseidon::hash2(public_key.x, public_key.y),
    })
}
