//! The ballot format and the checks of one ballot against its election.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{PreparedVerifyingKey, Proof};
use ark_serialize::CanonicalSerialize;
use serde::{Deserialize, Serialize};
use zkvote_circuits::{
    ballot::public_inputs::BallotInstance, election::Election, field::serde_decimal,
};

use crate::Error;

pub use zkvote_circuits::labels::BALLOT_VERSION;

/// A ballot as stored in `ballot.json` or one line of a JSON-lines ballot box.
///
/// Nothing in it identifies the member: the nullifier is `Poseidon(election_id,
/// secret)`, the same for two ballots of one member in one election and unlinkable
/// across elections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// Format version, [`BALLOT_VERSION`].
    pub version: u32,
    /// The election this ballot is for.
    #[serde(with = "serde_decimal")]
    pub election_id: Fr,
    /// The nullifier.
    #[serde(with = "serde_decimal")]
    pub nullifier: Fr,
    /// One value per option, in option order.
    pub votes: Vec<u32>,
    /// The weight spent (1 for a plain census).
    pub weight: u64,
    /// The Groth16 proof: hex of `A ‖ B ‖ C`, uncompressed (see [`encode_proof`]).
    pub proof: String,
}

impl Ballot {
    /// Builds a ballot from its parts.
    pub fn new(
        election_id: Fr,
        nullifier: Fr,
        votes: Vec<u32>,
        weight: u64,
        proof: &Proof<Bn254>,
    ) -> Self {
        Ballot {
            version: BALLOT_VERSION,
            election_id,
            nullifier,
            votes,
            weight,
            proof: hex::encode(encode_proof(proof)),
        }
    }

    /// Parses a ballot from JSON; `source` names it in the error.
    pub fn from_json(source: &str, text: &str) -> Result<Ballot, Error> {
        serde_json::from_str(text).map_err(|e| Error::MalformedBallot {
            source_name: source.to_string(),
            what: e.to_string(),
        })
    }
}

/// A ballot whose statement has been checked against its election and whose proof
/// has been decoded: what remains is the pairing check.
#[derive(Clone, Debug)]
pub struct PreparedBallot {
    /// The nullifier.
    pub nullifier: Fr,
    /// The per-option values.
    pub votes: Vec<u32>,
    /// The weight spent.
    pub weight: u64,
    /// The decoded proof.
    pub proof: Proof<Bn254>,
    /// The public inputs, in circuit order.
    pub inputs: Vec<Fr>,
}

/// Checks everything about a ballot except the proof itself: version, election id,
/// number of values, the rules (natively, so a ballot that breaks them is rejected with
/// the rule it breaks), the proof encoding. Returns the public inputs to verify.
pub fn prepare_ballot(election: &Election, ballot: &Ballot) -> Result<PreparedBallot, Error> {
    if ballot.version != BALLOT_VERSION {
        return Err(Error::BallotVersion(ballot.version));
    }
    if ballot.election_id != election.id {
        return Err(Error::WrongElection {
            ballot: zkvote_circuits::field::fr_to_decimal(&ballot.election_id),
        });
    }
    let padded = election
        .padded_votes(&ballot.votes)
        .map_err(|e| Error::Rules(e.to_string()))?;
    // The census weight is private: only `w ≤ W` is left to the proof.
    election
        .rules
        .check(&election.shape, &padded, ballot.weight, ballot.weight)
        .map_err(|e| Error::Rules(e.to_string()))?;
    let bytes = hex::decode(&ballot.proof).map_err(|e| Error::ProofEncoding(e.to_string()))?;
    let proof = zkvote_engine::decode_proof(&bytes)?;
    let instance = BallotInstance {
        election_id: election.id,
        census_root: election.census.root,
        nullifier: ballot.nullifier,
        rules: election.rules.clone(),
        weight: ballot.weight,
        votes: padded,
    };
    let inputs = instance
        .to_field_elements(&election.shape)
        .map_err(|e| Error::Rules(e.to_string()))?;
    Ok(PreparedBallot {
        nullifier: ballot.nullifier,
        votes: ballot.votes.clone(),
        weight: ballot.weight,
        proof,
        inputs,
    })
}

/// Fully verifies one ballot: statement checks and the Groth16 proof.
pub fn verify_ballot(
    election: &Election,
    pvk: &PreparedVerifyingKey<Bn254>,
    ballot: &Ballot,
) -> Result<(), Error> {
    let prepared = prepare_ballot(election, ballot)?;
    Ok(zkvote_engine::verify_one(
        pvk,
        &prepared.proof,
        &prepared.inputs,
    )?)
}

/// The encoding of a proof in ballots ([`zkvote_engine::decode_proof`]'s format: uncompressed,
/// so decoding needs no square roots).
pub fn encode_proof(proof: &Proof<Bn254>) -> Vec<u8> {
    let mut out = Vec::with_capacity(zkvote_engine::PROOF_UNCOMPRESSED_LEN);
    proof
        .serialize_uncompressed(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}
