//! `zkvote vote`

use std::path::Path;

use rand::rngs::OsRng;
use zkvote_circuits::{ballot::CensusKind, election::Election};
use zkvote_prover::vote::{prove_ballot, VoteRequest};

use super::{
    fmt_duration, input_error, read_json, spinner, timed, write_json, CliError, CmdResult,
};
use crate::args::VoteArgs;

/// Reads an election file and checks it (version, parameters, id).
pub fn load_election(path: &Path) -> Result<Election, CliError> {
    let e: Election = read_json(path, "election")?;
    e.validate()
        .map_err(|x| input_error(format!("{}: {x}", path.display())))?;
    Ok(e)
}

/// Runs `zkvote vote`.
pub fn run(a: VoteArgs) -> CmdResult {
    let identity = super::identity::load(&a.identity)?;
    let election = load_election(&a.election)?;
    let census = super::census::load(&a.census)?;
    if census.root() != election.census.root {
        return Err(input_error(format!(
            "{}: this census (root {}) is not the election's (root {})",
            a.census.display(),
            zkvote_circuits::field::fr_to_decimal(&census.root()),
            zkvote_circuits::field::fr_to_decimal(&election.census.root)
        )));
    }
    let votes = match (a.choice, a.values) {
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
        .map_err(|e| input_error(format!("{}: {e}", a.identity.display())))?;
    let weight = match (election.shape.census, a.weight) {
        (CensusKind::Plain, None | Some(1)) => 1,
        (CensusKind::Plain, Some(w)) => {
            return Err(input_error(format!(
                "--weight {w}: a plain census spends weight 1"
            )))
        }
        (CensusKind::Weighted, w) => w.unwrap_or(census_weight),
    };
    let (pk, load_time) = timed(|| super::keys::load_pk(&a.keys, &election));
    let pk = pk?;
    let req = VoteRequest {
        election: &election,
        identity: &identity,
        membership,
        census_weight,
        votes,
        weight,
    };
    let pb = spinner("proving the ballot");
    let (ballot, prove_time) = timed(|| prove_ballot(&pk, &req, &mut OsRng));
    pb.finish_and_clear();
    let ballot = ballot.map_err(|e| input_error(e.to_string()))?;
    write_json(&a.out, &ballot)?;
    println!(
        "ballot written to {} (key loaded in {}, proved in {})",
        a.out.display(),
        fmt_duration(load_time),
        fmt_duration(prove_time)
    );
    println!(
        "nullifier: {}",
        zkvote_circuits::field::fr_to_decimal(&ballot.nullifier)
    );
    Ok(0)
}
