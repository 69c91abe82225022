//! Anyone's side of the box: `tally --from`, the log checked against a signed checkpoint.

use super::voter::{download, election_of, pick_election};
use super::*;

/// A box's log, downloaded, checked against its signed checkpoint, and tallied here.
pub struct BoxTally {
    /// The election.
    pub election: Election,
    /// What the box said about it.
    pub info: ElectionInfo,
    /// The key the checkpoint was checked with.
    pub key: VerifierKey,
    /// The checkpoint the log matched.
    pub checkpoint: zkvote_server::checkpoint::Checkpoint,
    /// The tally.
    pub result: zkvote_verifier::tally::TallyResult,
    /// Time to verify and count.
    pub took: std::time::Duration,
}

/// Downloads election `id`'s log from the box, checks it against the latest signed
/// checkpoint (under `key`, default the published one), verifies every ballot and counts.
pub fn tally_box(c: &Client, id: &str, key: Option<&str>) -> Result<BoxTally, CliError> {
    let url = c.base().to_owned();
    let (info, election) = election_of(c, id)?;
    let key_text = key.map_or_else(|| info.box_key.clone(), str::to_owned);
    let key = VerifierKey::parse(&key_text).map_err(|e| input_error(format!("box key: {e}")))?;
    let vk = download(c, &info, "verifying.key")?;
    let (shape, vk, digest) =
        parse_verifying_key("verifying.key", &vk).map_err(|e| rejected(format!("{url}: {e}")))?;
    if shape != election.shape || digest != election.verifying_key_digest {
        return Err(rejected(format!(
            "{url}: verifying.key is not the election's"
        )));
    }
    let pvk = ark_groth16::prepare_verifying_key(&vk);

    // The checkpoint first, then the entries it covers.
    let note = c.latest_checkpoint(id).map_err(box_error)?;
    let cp =
        open_checkpoint(&note, &key).map_err(|e| rejected(format!("{url}: checkpoint: {e}")))?;
    if cp.election_id != id {
        return Err(rejected(format!(
            "{url}: the checkpoint is for election {}",
            cp.election_id
        )));
    }
    let pb = spinner(&format!("downloading {} ballots", cp.size));
    let mut entries = Vec::with_capacity(cp.size.min(1 << 20) as usize);
    let mut tree = MemoryTree::new();
    while tree.size() < cp.size {
        let page = c
            .entries(id, tree.size(), zkvote_server::store::MAX_PAGE)
            .map_err(box_error)?;
        if page.entries.is_empty() {
            break;
        }
        for e in page.entries {
            if tree.size() == cp.size {
                break;
            }
            if e.index != tree.size() {
                return Err(rejected(format!(
                    "{url}: entry {} where {} was expected",
                    e.index,
                    tree.size()
                )));
            }
            let leaf: Hash = leaf_hash(e.ballot.as_bytes());
            tree.push(leaf);
            entries.push(e);
        }
    }
    pb.finish_and_clear();
    if tree.size() != cp.size || tree.root_at(cp.size).ok() != Some(cp.root) {
        return Err(rejected(format!(
            "{url}: the log the box served ({} entries) is not the log its checkpoint signs \
             ({} entries)",
            tree.size(),
            cp.size
        )));
    }
    let inputs: Vec<TallyInput> = entries
        .iter()
        .map(|e| TallyInput {
            source: format!("entry {}", e.index),
            ballot: Ballot::from_json(&format!("entry {}", e.index), &e.ballot),
            cast_at: Some(e.logged_at),
        })
        .collect();
    let n = inputs.len();
    let pb = spinner(&format!("verifying {n} ballots"));
    let (result, took) = timed(|| run_tally(&election, &pvk, inputs, BoxOrder::Log));
    pb.finish_and_clear();
    Ok(BoxTally {
        election,
        info,
        key,
        checkpoint: cp,
        result,
        took,
    })
}

/// `zkvote tally --from URL`: the whole log, checked against the box's signed
/// checkpoint, every ballot verified here, the box's own count compared.
pub fn tally_from(a: &TallyArgs, url: &str) -> CmdResult {
    let c = client(url)?;
    let id = pick_election(&c, a.id.as_deref())?;
    let BoxTally {
        election,
        info,
        key,
        checkpoint: cp,
        result,
        took,
    } = tally_box(&c, &id, a.box_key.as_deref())?;
    if let Some(path) = &a.election {
        let mine = crate::commands::vote::load_election(path)?;
        if mine != election {
            return Err(rejected(format!(
                "{url}: the box's election {id} is not {}",
                path.display()
            )));
        }
    }
    let n = result.ballots.len();
    if let Some(out) = &a.out {
        write_json(out, &result)?;
    }
    let final_note = if info.phase == "closed" {
        "the election has closed: this is the final count"
    } else {
        "the election is not closed: a provisional count"
    };
    if a.json {
        print_json(&result);
    } else {
        crate::commands::tally::print_table(&election.title, &result);
        println!(
            "{n} ballots of the box's log verified and counted in {}; the log matches the \
             checkpoint signed by {} ({} entries, {final_note})",
            fmt_duration(took),
            key.name(),
            cp.size
        );
    }
    // The box's own count, which must agree when it covers the same log.
    let theirs = c.results(&id).map_err(|e| input_error(e.to_string()))?;
    if theirs.checkpoint_size == cp.size && theirs.totals != result.totals {
        return Err(rejected(format!(
            "the box's count {:?} differs from the count of its log {:?}",
            theirs.totals, result.totals
        )));
    }
    Ok(if result.rejected.is_empty() {
        0
    } else {
        EXIT_REJECTED
    })
}
