//! A voter's side of the box: `fetch`, `vote --submit`, `receipt check`.

use super::*;

pub(super) fn pick_election(c: &Client, id: Option<&str>) -> Result<String, CliError> {
    if let Some(id) = id {
        return Ok(id.to_owned());
    }
    let list = c.elections().map_err(|e| input_error(e.to_string()))?;
    match &list[..] {
        [one] => Ok(one.id.clone()),
        [] => Err(input_error(format!(
            "{}: the box hosts no election",
            c.base()
        ))),
        many => Err(input_error(format!(
            "{}: the box hosts {} elections; choose one with --election/--id ({})",
            c.base(),
            many.len(),
            many.iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Downloads a file and checks it against the digest the box listed.
pub(super) fn download(c: &Client, info: &ElectionInfo, name: &str) -> Result<Vec<u8>, CliError> {
    let id = fr_to_decimal(&info.election.id);
    let listed = info
        .files
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| rejected(format!("{}: the box lists no {name}", c.base())))?;
    let bytes = c.file(&id, name).map_err(box_error)?;
    if digest_hex(&bytes) != listed.sha256 {
        return Err(rejected(format!(
            "{}: {name} does not have the digest the box lists",
            c.base()
        )));
    }
    Ok(bytes)
}

/// The election of a box, checked: its id is the one asked for and it validates.
pub(super) fn election_of(c: &Client, id: &str) -> Result<(ElectionInfo, Election), CliError> {
    let info = c.info(id).map_err(box_error)?;
    let bytes = download(c, &info, "election.json")?;
    let e: Election = serde_json::from_slice(&bytes)
        .map_err(|x| rejected(format!("{}: election.json: {x}", c.base())))?;
    e.validate()
        .map_err(|x| rejected(format!("{}: election.json: {x}", c.base())))?;
    if fr_to_decimal(&e.id) != id || e != info.election {
        return Err(rejected(format!(
            "{}: the box's election.json is not election {id}",
            c.base()
        )));
    }
    Ok((info, e))
}

/// What `fetch` keeps about the box, next to the election.
#[derive(serde::Serialize, serde::Deserialize)]
struct BoxFile {
    url: String,
    election_id: String,
    box_name: String,
    box_key: String,
}

/// `zkvote fetch`.
pub fn fetch(a: FetchArgs) -> CmdResult {
    let c = client(&a.url)?;
    let id = pick_election(&c, a.election.as_deref())?;
    let (info, e) = election_of(&c, &id)?;
    let census_bytes = download(&c, &info, "census.json")?;
    let census_file: CensusFile = serde_json::from_slice(&census_bytes)
        .map_err(|x| rejected(format!("{}: census.json: {x}", c.base())))?;
    let census = Census::from_file(census_file)
        .map_err(|x| rejected(format!("{}: census.json: {x}", c.base())))?;
    if census.root() != e.census.root || census.members().len() as u64 != e.census.size {
        return Err(rejected(format!(
            "{}: census.json is not the election's census",
            c.base()
        )));
    }
    let vk = download(&c, &info, "verifying.key")?;
    let (shape, _, digest) = parse_verifying_key("verifying.key", &vk)
        .map_err(|x| rejected(format!("{}: {x}", c.base())))?;
    if shape != e.shape || digest != e.verifying_key_digest {
        return Err(rejected(format!(
            "{}: verifying.key is not the election's key",
            c.base()
        )));
    }
    let pk = if a.no_proving_key {
        None
    } else {
        let pb = spinner("downloading the proving key");
        let pk = download(&c, &info, "proving.key");
        pb.finish_and_clear();
        let pk = pk?;
        if digest_hex(&pk) != e.proving_key_digest {
            return Err(rejected(format!(
                "{}: proving.key is not the election's key",
                c.base()
            )));
        }
        Some(pk)
    };
    std::fs::create_dir_all(a.out.join("keys"))
        .map_err(|x| input_error(format!("{}: cannot create: {x}", a.out.display())))?;
    let (pk_path, vk_path) = crate::commands::keys::key_paths(&a.out.join("keys"), &e.shape);
    write_file(&vk_path, &vk, IfExists::Replace, Access::Public)?;
    if let Some(pk) = &pk {
        write_file(&pk_path, pk, IfExists::Replace, Access::Public)?;
    }
    write_file(
        &a.out.join("census.json"),
        &census_bytes,
        IfExists::Replace,
        Access::Public,
    )?;
    write_json(&a.out.join("election.json"), &e)?;
    write_json(
        &a.out.join("box.json"),
        &BoxFile {
            url: c.base().to_owned(),
            election_id: id.clone(),
            box_name: info.box_name.clone(),
            box_key: info.box_key.clone(),
        },
    )?;
    let w = e.window;
    println!(
        "fetched election {id} ({:?}) into {}",
        e.title,
        a.out.display()
    );
    if let Some(w) = w {
        println!(
            "voting window {} – {}, revote policy {}; the box says it is {}",
            rfc3339(w.opens_at),
            rfc3339(w.closes_at),
            e.revote.as_str(),
            info.phase.replace('_', " ")
        );
    }
    println!("box key: {}", info.box_key);
    Ok(0)
}

/// The box key a voter trusts for an election: `box.json` next to the election file
/// (written by `fetch`), else what the box publishes now.
fn trusted_key(election_file: &Path, published: &str) -> Result<VerifierKey, CliError> {
    let box_file = election_file.with_file_name("box.json");
    let key = if box_file.exists() {
        let kept: BoxFile = read_json(&box_file, "box")?;
        if kept.box_key != published {
            return Err(rejected(format!(
                "the box now publishes key {published}, but {} holds {}: the box changed its key",
                box_file.display(),
                kept.box_key
            )));
        }
        kept.box_key
    } else {
        published.to_owned()
    };
    VerifierKey::parse(&key).map_err(|e| rejected(format!("box key: {e}")))
}

/// `vote --submit`: casts a written ballot and keeps the checked receipt.
pub fn submit(
    url: &str,
    election_file: &Path,
    election: &Election,
    ballot: &Ballot,
    receipt_path: &Path,
) -> CmdResult {
    crate::commands::refuse_existing(receipt_path, "a receipt")?;
    let c = client(url)?;
    let id = fr_to_decimal(&election.id);
    let info = c.info(&id).map_err(box_error)?;
    let key = trusted_key(election_file, &info.box_key)?;
    let body = serde_json::to_vec(ballot).expect("a ballot serialises");
    let receipt = c.submit(&id, &body).map_err(box_error)?;
    let cp = check_receipt(&receipt, &key)
        .map_err(|e| rejected(format!("{url}: the box's receipt does not check: {e}")))?;
    write_json_as(receipt_path, &receipt, IfExists::Refuse, Access::Public)?;
    println!(
        "cast: entry {} of the box's log (checkpoint of {} entries); receipt written to {}",
        receipt.index,
        cp.size,
        receipt_path.display()
    );
    Ok(0)
}

/// `zkvote receipt …`.
pub fn receipt(c: ReceiptCmd) -> CmdResult {
    let ReceiptCmd::Check {
        receipt,
        box_url,
        box_key,
    } = c;
    let r: Receipt = read_json(&receipt, "receipt")?;
    let c = client(&box_url)?;
    let info = c.info(&r.election_id).map_err(box_error)?;
    let trusted = box_key.unwrap_or_else(|| info.box_key.clone());
    let key = VerifierKey::parse(&trusted).map_err(|e| input_error(format!("--box-key: {e}")))?;
    let old =
        check_receipt(&r, &key).map_err(|e| rejected(format!("{}: {e}", receipt.display())))?;
    let latest = c.latest_checkpoint(&r.election_id).map_err(box_error)?;
    let now = open_checkpoint(&latest, &key)
        .map_err(|e| rejected(format!("{box_url}: latest checkpoint: {e}")))?;
    let proof = c
        .consistency(&r.election_id, old.size, now.size)
        .map_err(box_error)?;
    check_still_included(&old, &latest, &proof.proof, &key).map_err(|e| {
        rejected(format!(
            "{box_url}: the box's log does not extend the receipt's: {e}"
        ))
    })?;
    println!(
        "OK: the ballot is entry {} of the log; the receipt's checkpoint ({} entries) is \
         consistent with the box's latest ({} entries), both signed by {}",
        r.index,
        old.size,
        now.size,
        key.name()
    );
    Ok(0)
}
