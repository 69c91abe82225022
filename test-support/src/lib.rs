//! # zkvote-test-support
//!
//! What the voting crates' integration tests share, so that no test file keeps its own
//! copy:
//!
//! | item | what |
//! |---|---|
//! | [`World`] | five seeded identities, their census (plain or weighted) and the keys of one ballot shape |
//! | [`World::election`] | an election over the census, with the keys' digests |
//! | [`World::request`] | a member's vote request in an election |
//!
//! The engine's toy circuit is `zkvote_engine::test_circuit` (feature `test-circuit`),
//! and the CLI's end-to-end helpers are `cli/tests/common` (they run the `zkvote`
//! binary, which only the CLI's tests can name).
#![deny(missing_docs)]

use ark_bn254::Bn254;
use ark_groth16::{PreparedVerifyingKey, ProvingKey, VerifyingKey};
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

/// Number of members of a [`World`]'s census.
pub const MEMBERS: usize = 5;

/// Seeded identities, their census and the keys of one ballot shape.
pub struct World {
    /// The members, in census order.
    pub ids: Vec<Identity>,
    /// Their census.
    pub census: Census,
    /// The ballot shape of the keys.
    pub shape: BallotShape,
    /// The proving key (single-party setup from the seed: tests only).
    pub pk: ProvingKey<Bn254>,
    /// The verifying key.
    pub vk: VerifyingKey<Bn254>,
    /// The verifying key, prepared.
    pub pvk: PreparedVerifyingKey<Bn254>,
}

impl World {
    /// [`MEMBERS`] identities (weights `10 + i` in a weighted census, 1 in a plain one)
    /// and the keys of `(depth, fields, kind)`, all from one RNG seeded with `seed`:
    /// the identities first, then the setup.
    pub fn new(kind: CensusKind, depth: usize, fields: usize, seed: u64) -> World {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let ids: Vec<Identity> = (0..MEMBERS).map(|_| Identity::random(&mut rng)).collect();
        let members = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Member {
                commitment: id.commitment(),
                weight: match kind {
                    CensusKind::Weighted => 10 + i as u64,
                    CensusKind::Plain => 1,
                },
            })
            .collect();
        let census = Census::build(kind, members).expect("seeded members make a census");
        let shape = BallotShape::new(depth, fields, kind).expect("a valid test shape");
        let (pk, vk) = setup(shape, &mut rng).expect("the ballot circuit has a setup");
        let pvk = ark_groth16::prepare_verifying_key(&vk);
        World {
            ids,
            census,
            shape,
            pk,
            vk,
            pvk,
        }
    }

    /// An election titled `title` with options `o0..o{options-1}` (mode `custom`) and
    /// `rules`, over the census, recording the digests of the world's keys.
    pub fn election(&self, title: &str, options: usize, rules: BallotRules) -> Election {
        Election::new(
            title.into(),
            (0..options).map(|i| format!("o{i}")).collect(),
            "custom".into(),
            rules,
            CensusRef {
                root: self.census.root(),
                size: self.census.members().len() as u64,
            },
            self.shape,
            digest_hex(&verifying_key_bytes(&self.shape, &self.vk)),
            digest_hex(&proving_key_bytes(&self.shape, &self.pk)),
        )
        .expect("a valid test election")
    }

    /// Member `who`'s request to vote `votes` with `weight` in `election`.
    pub fn request<'a>(
        &'a self,
        election: &'a Election,
        who: usize,
        votes: Vec<u32>,
        weight: u64,
    ) -> VoteRequest<'a> {
        let (membership, census_weight) = self
            .census
            .proof_for(&self.ids[who].commitment())
            .expect("a member of the census");
        VoteRequest {
            election,
            identity: &self.ids[who],
            membership,
            census_weight,
            votes,
            weight,
        }
    }
}
