//! Proving ballots: one, or many in parallel.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16, PreparedVerifyingKey, ProvingKey};
use ark_relations::gr1cs::SynthesisError;
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use zkvote_circuits::{
    ballot::{
        circuit::{BallotCircuit, BallotWitness},
        public_inputs::BallotInstance,
        CensusKind,
    },
    census::{weighted_leaf, MerkleProof},
    election::Election,
    nullifier::nullifier,
};
use zkvote_engine::{
    keys::{reduction_of, QapReduction},
    reduction::CircomReduction,
    tables::ProvingTables,
};
use zkvote_verifier::{
    ballot::{verify_ballot, Ballot},
    keys::{digest_hex, verifying_key_bytes},
};

use crate::{identity::Identity, Error};

/// Everything a member needs to vote, besides the keys.
#[derive(Clone, Debug)]
pub struct VoteRequest<'a> {
    /// The election.
    pub election: &'a Election,
    /// The member.
    pub identity: &'a Identity,
    /// The member's Merkle proof in the census.
    pub membership: MerkleProof,
    /// The member's census weight (1 for a plain census).
    pub census_weight: u64,
    /// One value per option.
    pub votes: Vec<u32>,
    /// The weight to spend (1 for a plain census).
    pub weight: u64,
}

/// Checks a request natively (so that a mistake is reported in words, not as an
/// unprovable statement) and builds the circuit with all its values.
pub fn build_circuit(req: &VoteRequest<'_>) -> Result<(BallotCircuit, Fr), Error> {
    let e = req.election;
    e.validate().map_err(|x| Error::Election(x.to_string()))?;
    let padded = e
        .padded_votes(&req.votes)
        .map_err(|x| Error::Rules(x.to_string()))?;
    let census_weight = match e.shape.census {
        CensusKind::Plain => 1,
        CensusKind::Weighted => req.census_weight,
    };
    e.rules
        .check(&e.shape, &padded, req.weight, census_weight)
        .map_err(|x| Error::Rules(x.to_string()))?;
    let commitment = req.identity.commitment();
    let leaf = match e.shape.census {
        CensusKind::Plain => commitment,
        CensusKind::Weighted => weighted_leaf(commitment, Fr::from(census_weight)),
    };
    if req.membership.leaf != leaf {
        return Err(Error::NotInCensus(
            "the Merkle proof is for another member (or another weight)".into(),
        ));
    }
    if req.membership.siblings.len() > e.shape.max_depth {
        return Err(Error::NotInCensus(format!(
            "the census is deeper ({}) than the circuit allows ({})",
            req.membership.siblings.len(),
            e.shape.max_depth
        )));
    }
    req.membership
        .verify(e.census.root)
        .map_err(|x| Error::NotInCensus(x.to_string()))?;
    let secret = req.identity.secret_scalar();
    let nf = nullifier(e.id, secret);
    let instance = BallotInstance {
        election_id: e.id,
        census_root: e.census.root,
        nullifier: nf,
        rules: e.rules.clone(),
        weight: req.weight,
        votes: padded,
    };
    let witness = BallotWitness {
        secret,
        path: req.membership.clone(),
        census_weight,
    };
    Ok((BallotCircuit::new(e.shape, instance, witness), nf))
}

/// Proves one ballot, using all cores (arkworks' parallel MSMs and FFTs), and checks it
/// under the election's verifying key `vk` before returning it.
pub fn prove_ballot<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<Ballot, Error> {
    prove_ballot_with(pk, vk, None, req, rng).map(|(b, _)| b)
}

/// Which prover made a ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvedWith {
    /// The precomputed tables.
    Tables,
    /// arkworks' prover (no tables given).
    Standard,
}

impl ProvedWith {
    fn describe(self) -> &'static str {
        match self {
            ProvedWith::Tables => "with the proving tables",
            ProvedWith::Standard => "with the proving key",
        }
    }
}

/// Proves one ballot, with the key's precomputed MSM tables when given (see
/// [`zkvote_engine::tables`]; faster, same proofs).
///
/// `vk` must be the election's verifying key (its file digest is the one the election
/// records) and `pk` must embed that same key, else nothing is proved. The ballot is
/// returned only once it verifies under `vk` exactly as a counter will check it
/// ([`verify_ballot`]): a proving key or tables that do not belong to the election make
/// an error ([`Error::ProofCheck`]), never a ballot, and never a second attempt with
/// another prover (whether that fallback happens would depend on the witness).
pub fn prove_ballot_with<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    tables: Option<&ProvingTables>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<(Ballot, ProvedWith), Error> {
    check_keys(pk, vk, req.election)?;
    prove_one(pk, vk, tables, req, rng)
}

/// The keys are the election's: `vk`'s file digest is the one it records, `pk` embeds
/// `vk`, and `pk` passes [`crate::keys::check_proving_key`].
fn check_keys(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    election: &Election,
) -> Result<(), Error> {
    let digest = digest_hex(&verifying_key_bytes(&election.shape, &vk.vk));
    if digest != election.verifying_key_digest {
        return Err(Error::Election(format!(
            "the verifying key given (digest {digest}) is not the election's ({})",
            election.verifying_key_digest
        )));
    }
    if pk.vk != vk.vk {
        return Err(Error::Election(
            "the proving key was made with another verifying key than the election's".into(),
        ));
    }
    crate::keys::check_proving_key("the proving key", pk)
}

/// [`prove_ballot_with`] once the keys are checked.
fn prove_one<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    tables: Option<&ProvingTables>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<(Ballot, ProvedWith), Error> {
    if req.election.shape != shape_of(pk, req.election)? {
        return Err(Error::Election(
            "the proving key is for another circuit shape".into(),
        ));
    }
    let (circuit, nf) = build_circuit(req)?;
    let reduction = reduction_of(pk);
    let synthesis = |e: SynthesisError| Error::Synthesis(e.to_string());
    let (proof, with) = match tables {
        Some(t) => {
            if !t.fits(pk) {
                return Err(Error::Input(
                    "the proving tables are for another proving key (their sizes differ)".into(),
                ));
            }
            let proof = match reduction {
                QapReduction::Libsnark => t.prove::<LibsnarkReduction, _, _>(pk, circuit, rng),
                QapReduction::Circom => t.prove::<CircomReduction, _, _>(pk, circuit, rng),
            }
            .map_err(synthesis)?;
            (proof, ProvedWith::Tables)
        }
        None => {
            // A key from a snarkjs ceremony needs snarkjs' QAP reduction (see `zkvote_interop::circom`).
            let proof = match reduction {
                QapReduction::Libsnark => Groth16::<Bn254>::prove(pk, circuit, rng),
                QapReduction::Circom => Groth16::<Bn254, CircomReduction>::prove(pk, circuit, rng),
            }
            .map_err(synthesis)?;
            (proof, ProvedWith::Standard)
        }
    };
    let ballot = Ballot::new(req.election.id, nf, req.votes.clone(), req.weight, &proof);
    verify_ballot(req.election, vk, &ballot).map_err(|e| Error::ProofCheck {
        with: with.describe(),
        why: e.to_string(),
    })?;
    Ok((ballot, with))
}

/// The shape a proving key was made for, as far as its size tells: the number of
/// public inputs must match the election's shape.
fn shape_of(
    pk: &ProvingKey<Bn254>,
    election: &Election,
) -> Result<zkvote_circuits::ballot::BallotShape, Error> {
    let expected = BallotInstance::num_inputs(&election.shape) + 1;
    if pk.vk.gamma_abc_g1.len() != expected {
        return Err(Error::Election(format!(
            "the proving key has {} public inputs, the election's circuit {}",
            pk.vk.gamma_abc_g1.len() - 1,
            expected - 1
        )));
    }
    Ok(election.shape)
}

/// Proves many ballots in parallel, one per request, each checked as in
/// [`prove_ballot_with`]; each gets its own RNG seeded from `rng`, so a seeded `rng`
/// gives reproducible ballots. Results are in request order.
pub fn prove_ballots<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    requests: &[VoteRequest<'_>],
    rng: &mut R,
) -> Vec<Result<Ballot, Error>> {
    prove_ballots_with(pk, vk, None, requests, rng)
}

/// [`prove_ballots`] with the key's precomputed tables (see [`prove_ballot_with`]).
pub fn prove_ballots_with<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    vk: &PreparedVerifyingKey<Bn254>,
    tables: Option<&ProvingTables>,
    requests: &[VoteRequest<'_>],
    rng: &mut R,
) -> Vec<Result<Ballot, Error>> {
    let seeds: Vec<[u8; 32]> = requests
        .iter()
        .map(|_| {
            let mut s = [0u8; 32];
            rng.fill_bytes(&mut s);
            s
        })
        .collect();
    // The keys are checked once per election of the batch.
    let mut checked: Vec<(Fr, Result<(), Error>)> = Vec::new();
    for req in requests {
        if !checked.iter().any(|(id, _)| *id == req.election.id) {
            checked.push((req.election.id, check_keys(pk, vk, req.election)));
        }
    }
    requests
        .par_iter()
        .zip(seeds)
        .map(|(req, seed)| {
            if let Some((_, Err(e))) = checked.iter().find(|(id, _)| *id == req.election.id) {
                return Err(e.clone());
            }
            prove_one(pk, vk, tables, req, &mut ChaCha20Rng::from_seed(seed)).map(|(b, _)| b)
        })
        .collect()
}
