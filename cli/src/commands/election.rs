//! `zkvote election new`

use zkvote_circuits::{
    ballot::{BallotRules, BallotShape},
    election::{CensusRef, Election, Revote, VotingWindow},
};

use super::{input_error, keys::key_digests, write_json, CmdResult};
use crate::args::{ElectionCmd, ElectionNewArgs};

/// Runs an election command.
pub fn run(cmd: ElectionCmd) -> CmdResult {
    match cmd {
        ElectionCmd::New(a) => new(a),
    }
}

fn new(a: ElectionNewArgs) -> CmdResult {
    let census = super::census::load(&a.census)?;
    let k = a.options.len();
    if k == 0 || a.options.iter().any(|o| o.trim().is_empty()) {
        return Err(input_error("--options: give one or more non-empty names"));
    }
    let k8 =
        u8::try_from(k).map_err(|_| input_error(format!("--options: {k} options is too many")))?;
    let param = match a.mode.as_str() {
        "approval" => a.max_choices,
        "score" => a.max_score,
        "quadratic" => a.credits,
        _ => None,
    };
    let mut rules = BallotRules::preset(&a.mode, k8, param, census.kind())
        .map_err(|e| input_error(format!("--mode: {e}")))?;
    if let Some(v) = a.min_value {
        rules.min_value = v;
    }
    if let Some(v) = a.max_value {
        rules.max_value = v;
    }
    if let Some(v) = a.unique {
        rules.unique_values = v;
    }
    if let Some(v) = a.cost_exponent {
        rules.cost_exponent = v;
    }
    if let Some(v) = a.min_total_cost {
        rules.min_total_cost = v;
    }
    if let Some(v) = a.max_total_cost {
        rules.max_total_cost = v;
    }
    if let Some(v) = a.cost_from_weight {
        rules.cost_from_weight = v;
    }
    let shape = BallotShape::new(a.depth, a.fields, census.kind())
        .map_err(|e| input_error(format!("--depth/--fields: {e}")))?;
    if census.depth() > shape.max_depth {
        return Err(input_error(format!(
            "{}: the census has depth {}, above the circuit's maximum {} (use --depth {})",
            a.census.display(),
            census.depth(),
            shape.max_depth,
            census.depth()
        )));
    }
    rules
        .validate(&shape)
        .map_err(|e| input_error(e.to_string()))?;
    let (vk_digest, pk_digest) = key_digests(&a.keys, &shape)?;
    let election = Election::new(
        a.title,
        a.options,
        a.mode,
        rules,
        CensusRef {
            root: census.root(),
            size: census.members().len() as u64,
        },
        shape,
        vk_digest,
        pk_digest,
    )
    .map_err(|e| input_error(e.to_string()))?;
    let revote: Revote = a
        .revote
        .parse()
        .map_err(|e| input_error(format!("--revote: {e}")))?;
    let window = match (&a.opens_at, &a.closes_at) {
        (Some(o), Some(c)) => {
            let now = super::ballot_box::unix_now();
            let o = super::ballot_box::parse_time(o, now)
                .map_err(|e| input_error(format!("--opens-at {e}")))?;
            let c = super::ballot_box::parse_time(c, now)
                .map_err(|e| input_error(format!("--closes-at {e}")))?;
            Some(VotingWindow::new(o, c).map_err(|e| input_error(e.to_string()))?)
        }
        _ => None,
    };
    let election = election
        .with_schedule(window, revote)
        .map_err(|e| input_error(e.to_string()))?;
    write_json(&a.out, &election)?;
    println!("election written to {}", a.out.display());
    println!(
        "id: {}",
        zkvote_circuits::field::fr_to_decimal(&election.id)
    );
    if let Some(w) = &election.window {
        println!(
            "voting window: {} – {} (closing time exclusive); revote policy: {}",
            super::ballot_box::rfc3339(w.opens_at),
            super::ballot_box::rfc3339(w.closes_at),
            election.revote.as_str()
        );
    }
    Ok(0)
}
