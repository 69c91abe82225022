//! The tally: every input ballot counted or rejected with its reason.
//!
//! 1. Each input is parsed and checked against the election ([`prepare_ballot`]);
//!    a failure is that ballot's rejection reason.
//! 2. The proofs of the remaining ballots are batch-verified ([`crate::batch_verify`]),
//!    which isolates exactly the invalid ones whatever the batch size.
//! 3. In input order, the first valid ballot of each nullifier counts; later ones are
//!    rejected as duplicates, naming the ballot that counted.
//! 4. Totals: `totals[i] += vᵢ · m` with `m = w` (the weight spent) unless the rules
//!    spend the weight as a budget (`cost_from_weight`), where `m = 1`.
//!
//! The result depends only on the election, the key and the inputs in order: the same
//! inputs give the same JSON, byte for byte.

use std::{collections::HashMap, path::Path};

use ark_bn254::{Bn254, Fr};
use ark_groth16::PreparedVerifyingKey;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkvote_circuits::{election::Election, field::fr_to_decimal};

use crate::{
    ballot::{prepare_ballot, Ballot, PreparedBallot},
    Error,
};

/// Version of the tally format.
pub const TALLY_VERSION: u32 = 1;

/// One input of a tally: where it came from and what was read there.
#[derive(Debug)]
pub struct TallyInput {
    /// A file name, or `FILE:LINE` for a JSON-lines box.
    pub source: String,
    /// The parsed ballot, or why it could not be read.
    pub ballot: Result<Ballot, Error>,
}

/// A rejected ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// Where the ballot came from.
    pub source: String,
    /// Why it does not count.
    pub reason: String,
}

/// The fate of one input ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOutcome {
    /// Where the ballot came from.
    pub source: String,
    /// `counted` or `rejected`.
    pub status: String,
    /// The nullifier, when the ballot could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nullifier: Option<String>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The result of a tally, as written to `tally.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyResult {
    /// Format version, [`TALLY_VERSION`].
    pub version: u32,
    /// The election.
    pub election_id: String,
    /// The options, in order.
    pub options: Vec<String>,
    /// One total per option, in option order.
    pub totals: Vec<u128>,
    /// Nullifiers of the counted ballots, in input order.
    pub counted: Vec<String>,
    /// The rejected ballots, in input order.
    pub rejected: Vec<Rejected>,
    /// Every input ballot, in input order.
    pub ballots: Vec<BallotOutcome>,
}

/// Tallies `inputs` for `election` with its verifying key.
pub fn tally(
    election: &Election,
    pvk: &PreparedVerifyingKey<Bn254>,
    inputs: Vec<TallyInput>,
) -> TallyResult {
    let n = inputs.len();
    let mut verdicts: Vec<Result<(), Error>> = Vec::with_capacity(n);
    let mut prepared = Vec::with_capacity(n);
    let mut nullifiers: Vec<Option<Fr>> = Vec::with_capacity(n);
    let mut batch_items = Vec::new();
    let mut batch_index = Vec::new();
    // Decoding dominates this step (the subgroup check of each proof's `B`): run it on
    // every core; `collect` keeps the input order.
    let checked: Vec<Result<PreparedBallot, Error>> = inputs
        .par_iter()
        .map(|input| {
            input
                .ballot
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|b| prepare_ballot(election, b))
        })
        .collect();
    for (i, (input, p)) in inputs.iter().zip(checked).enumerate() {
        nullifiers.push(input.ballot.as_ref().ok().map(|b| b.nullifier));
        match p {
            Ok(p) => {
                batch_items.push((p.proof.clone(), p.inputs.clone()));
                batch_index.push(i);
                verdicts.push(Ok(()));
                prepared.push(Some(p));
            }
            Err(e) => {
                verdicts.push(Err(e));
                prepared.push(None);
            }
        }
    }
    for (k, r) in crate::batch_verify(pvk, &batch_items)
        .into_iter()
        .enumerate()
    {
        if let Err(e) = r {
            verdicts[batch_index[k]] = Err(e);
        }
    }

    let mut totals = vec![0u128; election.options.len()];
    let mut first: HashMap<Fr, usize> = HashMap::new();
    let mut result = TallyResult {
        version: TALLY_VERSION,
        election_id: fr_to_decimal(&election.id),
        options: election.options.clone(),
        totals: Vec::new(),
        counted: Vec::new(),
        rejected: Vec::new(),
        ballots: Vec::with_capacity(n),
    };
    for (i, input) in inputs.iter().enumerate() {
        let mut verdict = verdicts[i].as_ref().map(|_| ()).map_err(|e| e.to_string());
        if let (Ok(()), Some(p)) = (&verdict, &prepared[i]) {
            if let Some(&j) = first.get(&p.nullifier) {
                verdict = Err(format!(
                    "duplicate nullifier: the ballot from {} already counted",
                    inputs[j].source
                ));
            } else {
                first.insert(p.nullifier, i);
                let m = if election.rules.cost_from_weight {
                    1
                } else {
                    p.weight as u128
                };
                for (t, &v) in totals.iter_mut().zip(&p.votes) {
                    *t += v as u128 * m;
                }
            }
        }
        let nullifier = nullifiers[i].as_ref().map(fr_to_decimal);
        match verdict {
            Ok(()) => {
                let nf = nullifier.clone().expect("a counted ballot was read");
                result.counted.push(nf);
                result.ballots.push(BallotOutcome {
                    source: input.source.clone(),
                    status: "counted".into(),
                    nullifier,
                    reason: None,
                });
            }
            Err(reason) => {
                result.rejected.push(Rejected {
                    source: input.source.clone(),
                    reason: reason.clone(),
                });
                result.ballots.push(BallotOutcome {
                    source: input.source.clone(),
                    status: "rejected".into(),
                    nullifier,
                    reason: Some(reason),
                });
            }
        }
    }
    result.totals = totals;
    result
}

/// Reads a ballot box directory: every `*.json` file, in file-name order. An
/// unreadable directory is an error; an unreadable or malformed file is that input's
/// rejection reason.
pub fn read_box_dir(dir: &Path) -> Result<Vec<TallyInput>, Error> {
    let io = |e: std::io::Error| Error::Io {
        file: dir.display().to_string(),
        what: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|x| x == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths.iter().map(|p| read_ballot_file(p)).collect())
}

/// Reads one ballot file as a tally input.
pub fn read_ballot_file(path: &Path) -> TallyInput {
    let source = path.display().to_string();
    let ballot = std::fs::read_to_string(path)
        .map_err(|e| Error::Io {
            file: source.clone(),
            what: e.to_string(),
        })
        .and_then(|text| Ballot::from_json(&source, &text));
    TallyInput { source, ballot }
}

/// Reads a JSON-lines ballot box: one ballot per non-blank line, named `FILE:LINE`.
pub fn read_box_jsonl(path: &Path) -> Result<Vec<TallyInput>, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        file: file.clone(),
        what: e.to_string(),
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let source = format!("{file}:{}", i + 1);
            let ballot = Ballot::from_json(&source, line);
            TallyInput { source, ballot }
        })
        .collect())
}
