//! `zkvote verify` and `zkvote tally`

use zkvote_verifier::{
    ballot::{verify_ballot, Ballot},
    tally::{
        read_ballot_file, read_box_dir, read_box_jsonl, tally as run_tally, BoxOrder, TallyResult,
    },
};

use super::{
    fmt_duration, input_error, print_json, spinner, timed, vote::load_election, write_json,
    CmdResult, EXIT_INPUT, EXIT_REJECTED,
};
use crate::args::{TallyArgs, VerifyArgs};

/// What `verify` found for one file.
enum Verdict {
    Valid,
    /// Read, checked, and refused.
    Rejected(String),
    /// Not read as a ballot (missing, unreadable, not ballot JSON).
    Unreadable(String),
}

/// `zkvote verify`: every ballot checked on its own; every file reported, then the
/// worst exit code (2 if a file was unreadable, else 1 if a ballot was rejected).
pub fn verify(a: VerifyArgs) -> CmdResult {
    let election = load_election(&a.election)?;
    let pvk = super::keys::load_vk(&a.keys, &election)?;
    let results: Vec<(String, Verdict)> = a
        .ballots
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let verdict = match std::fs::read_to_string(path)
                .map_err(|e| format!("{name}: cannot read: {e}"))
                .and_then(|text| Ballot::from_json(&name, &text).map_err(|e| e.to_string()))
            {
                Err(e) => Verdict::Unreadable(e),
                Ok(ballot) => match verify_ballot(&election, &pvk, &ballot) {
                    Ok(()) => Verdict::Valid,
                    Err(e) => Verdict::Rejected(e.to_string()),
                },
            };
            (name, verdict)
        })
        .collect();
    let code = results
        .iter()
        .map(|(_, v)| match v {
            Verdict::Valid => 0,
            Verdict::Rejected(_) => EXIT_REJECTED,
            Verdict::Unreadable(_) => EXIT_INPUT,
        })
        .max()
        .unwrap_or(0);
    if a.json {
        let with = |pick: fn(&Verdict) -> Option<&String>| {
            results
                .iter()
                .filter_map(|(n, v)| pick(v).map(|r| serde_json::json!({"file": n, "reason": r})))
                .collect::<Vec<_>>()
        };
        print_json(&serde_json::json!({
            "valid": results.iter().filter(|(_, v)| matches!(v, Verdict::Valid)).map(|(n, _)| n).collect::<Vec<_>>(),
            "rejected": with(|v| match v { Verdict::Rejected(r) => Some(r), _ => None }),
            "unreadable": with(|v| match v { Verdict::Unreadable(r) => Some(r), _ => None }),
            "exit_code": code,
        }));
    } else {
        for (name, v) in &results {
            match v {
                Verdict::Valid => println!("valid     {name}"),
                Verdict::Rejected(e) => println!("REJECTED  {name}: {e}"),
                Verdict::Unreadable(e) => println!("UNREADABLE {e}"),
            }
        }
    }
    Ok(code)
}

/// `zkvote tally`: writes and prints the result, then exits 1 if any ballot was
/// rejected (duplicates and conflicts included), 0 if every one counted.
pub fn tally(a: TallyArgs) -> CmdResult {
    if let Some(url) = &a.from {
        return super::ballot_box::tally_from(&a, url);
    }
    let Some(election_file) = &a.election else {
        return Err(input_error("give --election FILE (or --from URL)"));
    };
    let election = load_election(election_file)?;
    let pvk = super::keys::load_vk(&a.keys, &election)?;
    let (inputs, order) = if let Some(dir) = &a.ballot_box {
        if !dir.is_dir() {
            return Err(input_error(format!("{}: not a directory", dir.display())));
        }
        let inputs = read_box_dir(dir).map_err(|e| input_error(e.to_string()))?;
        (inputs, BoxOrder::Unordered)
    } else if let Some(file) = &a.jsonl {
        let inputs = read_box_jsonl(file).map_err(|e| input_error(e.to_string()))?;
        (inputs, BoxOrder::Log)
    } else {
        for p in &a.ballots {
            if !p.exists() {
                return Err(input_error(format!("{}: no such ballot file", p.display())));
            }
            if p.is_dir() {
                return Err(input_error(format!(
                    "{}: a directory, not a ballot file (use --box {0} to tally a directory)",
                    p.display()
                )));
            }
        }
        let inputs = a.ballots.iter().map(|p| read_ballot_file(p)).collect();
        (inputs, BoxOrder::Unordered)
    };
    let n = inputs.len();
    let pb = spinner(&format!("verifying {n} ballots"));
    let (result, took) = timed(|| run_tally(&election, &pvk, inputs, order));
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
    Ok(if result.rejected.is_empty() {
        0
    } else {
        EXIT_REJECTED
    })
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
