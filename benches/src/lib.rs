//! Support for zkvote's criterion benchmarks: fixtures built outside the timed loops,
//! from seeded RNGs; and [`sim`], the benchmark-only ballot simulator for load tests of
//! the ballot box.

pub mod sim;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{ProvingKey, VerifyingKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_circuits::{
    ballot::{BallotRules, BallotShape, CensusKind},
    election::{CensusRef, Election},
};
use zkvote_prover::{
    census::{Census, Member},
    identity::Identity,
    keys::{proving_key_bytes, setup},
    vote::VoteRequest,
};
use zkvote_verifier::keys::{digest_hex, verifying_key_bytes};

/// Everything needed to prove a ballot of one shape.
pub struct BallotFixture {
    /// The shape.
    pub shape: BallotShape,
    /// Keys from a seeded setup.
    pub pk: ProvingKey<Bn254>,
    /// The verifying key.
    pub vk: VerifyingKey<Bn254>,
    /// The election (single choice over all fields).
    pub election: Election,
    /// The voters.
    pub ids: Vec<Identity>,
    /// Their census.
    pub census: Census,
}

impl BallotFixture {
    /// A fixture for `(depth, fields, plain)` with a 4-member census.
    pub fn new(depth: usize, fields: usize, seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let shape = BallotShape::new(depth, fields, CensusKind::Plain).expect("valid shape");
        let (pk, vk) = setup(shape, &mut rng).expect("setup");
        let ids: Vec<Identity> = (0..4).map(|_| Identity::random(&mut rng)).collect();
        let census = Census::build(
            CensusKind::Plain,
            ids.iter()
                .map(|i| Member {
                    commitment: i.commitment(),
                    weight: 1,
                })
                .collect(),
        )
        .expect("census");
        let k = fields as u8;
        let election = Election::new(
            "bench".into(),
            (0..k).map(|i| format!("option {i}")).collect(),
            "single".into(),
            BallotRules::single(k),
            CensusRef {
                root: census.root(),
                size: 4,
            },
            shape,
            digest_hex(&verifying_key_bytes(&shape, &vk)),
            digest_hex(&proving_key_bytes(&shape, &pk)),
        )
        .expect("election");
        BallotFixture {
            shape,
            pk,
            vk,
            election,
            ids,
            census,
        }
    }

    /// A valid request: member 0 votes for option 0.
    pub fn request(&self) -> VoteRequest<'_> {
        let (membership, census_weight) = self
            .census
            .proof_for(&self.ids[0].commitment())
            .expect("member");
        let mut votes = vec![0; self.shape.fields];
        votes[0] = 1;
        VoteRequest {
            election: &self.election,
            identity: &self.ids[0],
            membership,
            census_weight,
            votes,
            weight: 1,
        }
    }
}

/// A seeded field element, for inputs of hash benchmarks.
pub fn seeded_fr(seed: u64) -> Fr {
    use ark_std::UniformRand;
    Fr::rand(&mut ChaCha20Rng::seed_from_u64(seed))
}
