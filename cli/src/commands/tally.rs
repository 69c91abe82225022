//! `zkvote verify` and `zkvote tally`

use zkvote_verifier::{
    ballot::{verify_ballot, Ballot},
    tally::{read_ballot_file, read_box_dir, read_box_jsonl, tally as run_tally, TallyResult},
};

use super::{
    fmt_duration, input_error, print_json, read_text, spinner, timed, vote::load_election,
    write_json, CmdResult, EXIT_REJECTED,
};
use crate::args::{TallyArgs, VerifyArgs};

/// `zkvote verify`: every ballot checked on its own.
pub fn verify(a: VerifyArgs) -> CmdResult {
    let election = load_election(&a.election)?;
    let pvk = super::keys::load_vk(&a.keys, &election)?;
    let mut results = Vec::new();
    for path in &a.ballots {
        let name = path.display().to_string();
        let text = read_text(path)?;
        let ballot = Ballot::from_json(&name, &text).map_err(|e| input_error(e.to_string()))?;
        let verdict = verify_ballot(&election, &pvk, &ballot);
        results.push((name, verdict));
    }
    let rejected = results.iter().filter(|(_, r)| r.is_err()).count();
    if a.json {
        print_json(&serde_json::json!({
            "valid": results.iter().filter(|(_, r)| r.is_ok()).map(|(n, _)| n).collect::<Vec<_>>(),
            "rejected": results.iter().filter_map(|(n, r)| r.as_ref().err().map(|e| serde_json::json!({"file": n, "reason": e.to_string()}))).collect::<Vec<_>>(),
        }));
    } else {
        for (name, r) in &results {
            match r {
                Ok(()) => println!("valid     {name}"),
                Err(e) => println!("REJECTED  {name}: {e}"),
            }
        }
    }
    Ok(if rejected > 0 { EXIT_REJECTED } else { 0 })
}

/// `zkvote tally`.
pub fn tally(a: TallyArgs) -> CmdResult {
    let election = load_election(&a.election)?;
    let pvk = super::keys::load_vk(&a.keys, &election)?;
    let inputs = if let Some(dir) = &a.ballot_box {
        if !dir.is_dir() {
            return Err(input_error(format!("{}: not a directory", dir.display())));
        }
        read_box_dir(dir).map_err(|e| input_error(e.to_string()))?
    } else if let Some(file) = &a.jsonl {
        read_box_jsonl(file).map_err(|e| input_error(e.to_string()))?
    } else {
        for p in &a.ballots {
            if !p.is_file() {
                return Err(input_error(format!("{}: no such ballot file", p.display())));
            }
        }
        a.ballots.iter().map(|p| read_ballot_file(p)).collect()
    };
    let n = inputs.len();
    let pb = spinner(&format!("verifying {n} ballots"));
    let (result, took) = timed(|| run_tally(&election, &pvk, inputs));
    pb.finish_and_clear();
    if let Some(out) = &a.out {
        write_json(out, &result)?;
    }
    if a.json {
        print_json(&result);
    } else {
        print_table(&election.title, &result);
        println!("{n} ballots verified and counted in {}", fmt_duration(took));
    }
    Ok(0)
}

/// Prints a tally as a table.
pub fn print_table(title: &str, r: &TallyResult) {
    if !title.is_empty() {
        println!("{title}");
    }
    let width = r
        .options
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    println!("{:<width$}  {:>12}", "option", "total");
    for (o, t) in r.options.iter().zip(&r.totals) {
        println!("{o:<width$}  {t:>12}");
    }
    println!(
        "{} ballots: {} counted, {} rejected",
        r.ballots.len(),
        r.counted.len(),
        r.rejected.len()
    );
    for x in &r.rejected {
        println!("  rejected {}: {}", x.source, x.reason);
    }
}
