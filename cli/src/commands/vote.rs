//! `zkvote vote`

use std::path::Path;

use rand::rngs::OsRng;
use zkvote_circuits::{ballot::CensusKind, election::Election};
use zkvote_prover::vote::{prove_ballot_with, ProvedWith, VoteRequest};

use super::{
    fmt_duration, input_error, read_json, refuse_existing, spinner, timed, write_json_as, Access,
    CliError, CmdResult, IfExists,
};
use crate::args::VoteArgs;

/// Reads an election file and checks it (version, parameters, id).
pub fn load_election(path: &Path) -> Result<Election, CliError> {
    let e: Election = read_json(path, "election")?;
    e.validate()
        .map_err(|x| input_error(format!("{}: {x}", path.display())))?;
    Ok(e)
}

/// What a ballot is made of, read and checked from the `vote` inputs.
pub struct BallotInputs {
    /// The member.
    pub identity: zkvote_prover::Identity,
    /// The election.
    pub election: Election,
    /// The member's Merkle proof.
    pub membership: zkvote_circuits::census::MerkleProof,
    /// The member's census weight.
    pub census_weight: u64,
    /// One value per option.
    pub votes: Vec<u32>,
    /// The weight spent.
    pub weight: u64,
}

impl BallotInputs {
    /// Reads the files and checks the choice (shared by `vote` and `circuit witness`).
    pub fn load(
        identity: &Path,
        census: &Path,
        election: &Path,
        choice: Option<usize>,
        values: Option<Vec<u32>>,
        weight: Option<u64>,
    ) -> Result<Self, CliError> {
        let identity_file = identity;
        let identity = super::identity::load(identity_file)?;
        let election = load_election(election)?;
        let census_file = census;
        let census = super::census::load(census_file)?;
        if census.root() != election.census.root {
            return Err(input_error(format!(
                "{}: this census (root {}) is not the election's (root {})",
                census_file.display(),
                zkvote_circuits::field::fr_to_decimal(&census.root()),
                zkvote_circuits::field::fr_to_decimal(&election.census.root)
            )));
        }
        let votes = match (choice, values) {
            (Some(c), None) => {
                if c >= election.options.len() {
                    return Err(input_error(format!(
                        "--choice {c}: the election has options 0..{} ({})",
                        election.options.len() - 1,
                        election.options.join(", ")
                    )));
                }
                let mut v = vec![0; election.options.len()];
                v[c] = 1;
                v
            }
            (None, Some(v)) => v,
            _ => return Err(input_error("give exactly one of --choice and --values")),
        };
        let (membership, census_weight) = census
            .proof_for(&identity.commitment())
            .map_err(|e| input_error(format!("{}: {e}", identity_file.display())))?;
        let weight = match (election.shape.census, weight) {
            (CensusKind::Plain, None | Some(1)) => 1,
            (CensusKind::Plain, Some(w)) => {
                return Err(input_error(format!(
                    "--weight {w}: a plain census spends weight 1"
                )))
            }
            (CensusKind::Weighted, w) => w.unwrap_or(census_weight),
        };
        Ok(BallotInputs {
            identity,
            election,
            membership,
            census_weight,
            votes,
            weight,
        })
    }

    /// The prover's request.
    pub fn request(&self) -> VoteRequest<'_> {
        VoteRequest {
            election: &self.election,
            identity: &self.identity,
            membership: self.membership.clone(),
            census_weight: self.census_weight,
            votes: self.votes.clone(),
            weight: self.weight,
        }
    }
}

/// Runs `zkvote vote`.
pub fn run(a: VoteArgs) -> CmdResult {
    refuse_existing(&a.out, "a ballot")?;
    let receipt_path = a.submit.as_ref().map(|_| {
        a.receipt
            .clone()
            .unwrap_or_else(|| a.out.with_extension("receipt.json"))
    });
    if let Some(r) = &receipt_path {
        refuse_existing(r, "a receipt")?;
    }
    let inputs = BallotInputs::load(
        &a.identity,
        &a.census,
        &a.election,
        a.choice,
        a.values,
        a.weight,
    )?;
    let election = &inputs.election;
    let (keys, load_time) = timed(|| {
        let vk = super::keys::load_vk(&a.keys, election)?;
        let pk = super::keys::load_pk(&a.keys, election)?;
        let tables = if a.no_tables {
            None
        } else {
            super::keys::load_tables(&a.keys, election, &inputs.identity)?
        };
        Ok::<_, CliError>((vk, pk, tables))
    });
    let (vk, pk, tables) = keys?;
    let req = inputs.request();
    let pb = spinner("proving the ballot");
    // The ballot is checked under the election's verifying key before it is returned.
    let (ballot, prove_time) =
        timed(|| prove_ballot_with(&pk, &vk, tables.as_ref(), &req, &mut OsRng));
    pb.finish_and_clear();
    let (ballot, with) = ballot.map_err(|e| input_error(e.to_string()))?;
    write_json_as(&a.out, &ballot, IfExists::Refuse, Access::Public)?;
    println!(
        "ballot written to {} (key{} loaded in {}, proved in {}{})",
        a.out.display(),
        if tables.is_some() { " and tables" } else { "" },
        fmt_duration(load_time),
        fmt_duration(prove_time),
        if with == ProvedWith::Tables {
            " with tables"
        } else {
            ""
        }
    );
    println!(
        "nullifier: {}",
        zkvote_circuits::field::fr_to_decimal(&ballot.nullifier)
    );
    if let (Some(url), Some(receipt)) = (&a.submit, &receipt_path) {
        return super::ballot_box::submit(url, &a.election, election, &ballot, receipt);
    }
    Ok(0)
}
