//! Proving ballots: one, or many in parallel.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{
    prepare_verifying_key, r1cs_to_qap::LibsnarkReduction, Groth16, PreparedVerifyingKey,
    ProvingKey,
};
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
use zkvote_verifier::{ballot::Ballot, keys::QapReduction};

use crate::{circom::CircomReduction, identity::Identity, tables::ProvingTables, Error};

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

/// Proves one ballot, using all cores (arkworks' parallel MSMs and FFTs).
pub fn prove_ballot<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<Ballot, Error> {
    prove_ballot_with(pk, None, req, rng).map(|(b, _)| b)
}

/// Which prover made a ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvedWith {
    /// The precomputed tables.
    Tables,
    /// arkworks' prover: no tables given, or they did not belong to the key.
    Standard,
}

/// Proves one ballot, with the key's precomputed MSM tables when given (see
/// [`crate::tables`]; faster, same proofs). A proof made with tables is verified
/// before it is returned; tables that do not belong to `pk` make the prover fall back
/// to [`prove_ballot`]'s path instead of producing an invalid ballot.
pub fn prove_ballot_with<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    tables: Option<&ProvingTables>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<(Ballot, ProvedWith), Error> {
    let pvk = tables.map(|_| prepare_verifying_key(&pk.vk));
    prove_one(pk, tables.zip(pvk.as_ref()), req, rng)
}

/// [`prove_ballot_with`], with the verifying key that checks table proofs prepared.
fn prove_one<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    tables: Option<(&ProvingTables, &PreparedVerifyingKey<Bn254>)>,
    req: &VoteRequest<'_>,
    rng: &mut R,
) -> Result<(Ballot, ProvedWith), Error> {
    if req.election.shape != shape_of(pk, req.election)? {
        return Err(Error::Election(
            "the proving key is for another circuit shape".into(),
        ));
    }
    let (circuit, nf) = build_circuit(req)?;
    let reduction = crate::keys::reduction_of(pk);
    let synthesis = |e: SynthesisError| Error::Synthesis(e.to_string());
    let fast = match tables.filter(|(t, _)| t.fits(pk)) {
        Some((t, pvk)) => match reduction {
            QapReduction::Libsnark => {
                t.prove_checked::<LibsnarkReduction, _, _>(pk, pvk, circuit, rng)
            }
            QapReduction::Circom => t.prove_checked::<CircomReduction, _, _>(pk, pvk, circuit, rng),
        }
        .map_err(synthesis)?,
        None => None,
    };
    let with = if fast.is_some() {
        ProvedWith::Tables
    } else {
        ProvedWith::Standard
    };
    let proof = match fast {
        Some(proof) => proof,
        None => {
            // A key from a snarkjs ceremony needs snarkjs' QAP reduction (see `crate::circom`).
            let (circuit, _) = build_circuit(req)?;
            match reduction {
                QapReduction::Libsnark => Groth16::<Bn254>::prove(pk, circuit, rng),
                QapReduction::Circom => Groth16::<Bn254, CircomReduction>::prove(pk, circuit, rng),
            }
            .map_err(synthesis)?
        }
    };
    let ballot = Ballot::new(req.election.id, nf, req.votes.clone(), req.weight, &proof);
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

/// Proves many ballots in parallel, one per request; each gets its own RNG seeded from
/// `rng`, so a seeded `rng` gives reproducible ballots. Results are in request order.
pub fn prove_ballots<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    requests: &[VoteRequest<'_>],
    rng: &mut R,
) -> Vec<Result<Ballot, Error>> {
    prove_ballots_with(pk, None, requests, rng)
}

/// [`prove_ballots`] with the key's precomputed tables (see [`prove_ballot_with`]).
pub fn prove_ballots_with<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    tables: Option<&ProvingTables>,
    requests: &[VoteRequest<'_>],
    rng: &mut R,
) -> Vec<Result<Ballot, Error>> {
    let pvk = tables.map(|_| prepare_verifying_key(&pk.vk));
    let seeds: Vec<[u8; 32]> = requests
        .iter()
        .map(|_| {
            let mut s = [0u8; 32];
            rng.fill_bytes(&mut s);
            s
        })
        .collect();
    requests
        .par_iter()
        .zip(seeds)
        .map(|(req, seed)| {
            let tables = tables.zip(pvk.as_ref());
            prove_one(pk, tables, req, &mut ChaCha20Rng::from_seed(seed)).map(|(b, _)| b)
        })
        .collect()
}
