//! `zkvote serve`, `box add`, `fetch`, `vote --submit`, `receipt check` and
//! `tally --from`: the ballot box and its clients.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use zkvote_circuits::election::Election;
use zkvote_circuits::field::fr_to_decimal;
use zkvote_prover::census::{Census, CensusFile};
use zkvote_server::checkpoint::{open as open_checkpoint, VerifierKey};
use zkvote_server::client::{Client, ClientError};
use zkvote_server::log::{leaf_hash, Hash};
use zkvote_server::receipt::{check_receipt, check_still_included};
use zkvote_server::service::{BallotBox, BoxOptions, ElectionFiles};
use zkvote_server::store::Store;
use zkvote_server::tree::MemoryTree;
use zkvote_server::wire::{ElectionInfo, Receipt, ResultsOut};
use zkvote_verifier::ballot::Ballot;
use zkvote_verifier::keys::{digest_hex, parse_verifying_key};
use zkvote_verifier::tally::{tally as run_tally, BoxOrder, TallyInput};

use super::{
    fmt_duration, input_error, print_json, read_json, spinner, timed, write_file, write_json,
    write_json_as, Access, CliError, CmdResult, IfExists, EXIT_REJECTED,
};
use crate::args::{BoxCmd, FetchArgs, ReceiptCmd, ServeArgs, StorageArgs, TallyArgs};

/// A check that failed (exit 1).
fn rejected(message: impl Into<String>) -> CliError {
    CliError {
        code: EXIT_REJECTED,
        message: message.into(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| input_error(format!("cannot start the async runtime: {e}")))
}

fn client(url: &str) -> Result<Client, CliError> {
    Client::new(url).map_err(|e| input_error(e.to_string()))
}

/// A box's answer as a CLI error: a refusal of what was judged is exit 1, anything
/// else (no answer, a bad URL, an unreadable answer) exit 2.
fn box_error(e: ClientError) -> CliError {
    match e {
        ClientError::Refused { .. } => rejected(e.to_string()),
        other => input_error(other.to_string()),
    }
}

/// Parses a time for `election new`: Unix seconds, RFC 3339, `now`, or `+DURATION`.
pub fn parse_time(s: &str, now: u64) -> Result<u64, String> {
    let s = s.trim();
    if s == "now" {
        return Ok(now);
    }
    if let Some(d) = s.strip_prefix('+') {
        let d = humantime::parse_duration(d)
            .map_err(|e| format!("{s:?}: not a duration like +10m, +2h or +7days ({e})"))?;
        return now
            .checked_add(d.as_secs())
            .ok_or_else(|| format!("{s:?}: too far in the future"));
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse()
            .map_err(|_| format!("{s:?}: does not fit in 64 bits"));
    }
    humantime::parse_rfc3339(s)
        .map_err(|e| {
            format!(
                "{s:?}: not Unix seconds, RFC 3339 (2027-03-01T09:00:00Z), now or +DURATION ({e})"
            )
        })
        .and_then(|t| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .map_err(|_| format!("{s:?}: before 1970"))
        })
}

/// The time now, in Unix seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An instant as RFC 3339.
pub fn rfc3339(t: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
        .to_string()
}

// ---- the box's storage and key ----

fn storage(s: &StorageArgs) -> Result<(String, PathBuf), CliError> {
    match (&s.data, &s.database) {
        (Some(dir), None) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| input_error(format!("{}: cannot create: {e}", dir.display())))?;
            let url = format!("sqlite:{}", dir.join("box.sqlite3").display());
            Ok((url, s.key.clone().unwrap_or_else(|| dir.join("box.key"))))
        }
        (None, Some(url)) => {
            let key = s.key.clone().ok_or_else(|| {
                input_error(
                    "--database needs --key FILE (every process of a box signs with one key)",
                )
            })?;
            Ok((url.clone(), key))
        }
        _ => Err(input_error(
            "give exactly one of --data DIR and --database URL",
        )),
    }
}

/// Reads the box's signing key, or makes one (mode 0600, never overwriting).
fn load_or_create_key(path: &Path) -> Result<SigningKey, CliError> {
    let name = path.display();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes: [u8; 32] = hex::decode(text.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| input_error(format!("{name}: not a box key (64 hex digits)")))?;
            Ok(SigningKey::from_bytes(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = zkvote_server::checkpoint::generate_key(&mut OsRng);
            let text = format!("{}\n", hex::encode(key.to_bytes()));
            write_file(path, text.as_bytes(), IfExists::Refuse, Access::OwnerOnly)?;
            // Another process may have won the race: read back what is there.
            load_or_create_key(path)
        }
        Err(e) => Err(input_error(format!("{name}: cannot read: {e}"))),
    }
}

async fn open_box(s: &StorageArgs, batch: usize) -> Result<BallotBox, CliError> {
    let (url, key_path) = storage(s)?;
    let key = load_or_create_key(&key_path)?;
    let store = Store::open(&url)
        .await
        .map_err(|e| input_error(format!("{url}: {e}")))?;
    let mut options = BoxOptions::new(s.name.clone());
    options.max_batch = batch;
    BallotBox::new(store, key, options).map_err(|e| input_error(format!("--name: {e}")))
}

/// `zkvote serve`.
pub fn serve(a: ServeArgs) -> CmdResult {
    let addr: SocketAddr = a
        .listen
        .parse()
        .map_err(|e| input_error(format!("--listen {}: {e}", a.listen)))?;
    runtime()?.block_on(async {
        let b = open_box(&a.storage, a.batch).await?;
        let key = b.verifier_key().encode();
        let backend = b.store().backend_name();
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| input_error(format!("--listen {addr}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| input_error(e.to_string()))?;
        println!("zkvote ballot box listening on http://{bound} ({backend})");
        println!("box key: {key}");
        if let Some(f) = &a.ready_file {
            write_file(
                f,
                format!("http://{bound}\n").as_bytes(),
                IfExists::Replace,
                Access::Public,
            )?;
        }
        let app = zkvote_server::api::router(Arc::new(b));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| input_error(format!("serving: {e}")))?;
        println!("stopped");
        Ok(0)
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// `zkvote box …`.
pub fn box_cmd(c: BoxCmd) -> CmdResult {
    match c {
        BoxCmd::Add {
            storage,
            election,
            census,
            keys,
        } => {
            let e = super::vote::load_election(&election)?;
            let c = super::census::load(&census)?;
            if c.root() != e.census.root || c.members().len() as u64 != e.census.size {
                return Err(input_error(format!(
                    "{}: this census is not the election's (root or size differ)",
                    census.display()
                )));
            }
            let (pk_path, vk_path) = super::keys::key_paths(&keys, &e.shape);
            let read = |p: &Path| {
                std::fs::read(p)
                    .map_err(|x| input_error(format!("{}: cannot read: {x}", p.display())))
            };
            let files = ElectionFiles {
                election: read(&election)?,
                census: read(&census)?,
                verifying_key: read(&vk_path)?,
                proving_key: read(&pk_path)?,
            };
            runtime()?.block_on(async {
                let b = open_box(&storage, 64).await?;
                let id = b
                    .register(files)
                    .await
                    .map_err(|x| input_error(x.to_string()))?;
                let w = e
                    .window
                    .expect("register refuses elections without a window");
                println!("election {id} added to the box");
                println!(
                    "voting window {} – {} (closing time exclusive), revote policy {}",
                    rfc3339(w.opens_at),
                    rfc3339(w.closes_at),
                    e.revote.as_str()
                );
                b.store().close().await;
                Ok(0)
            })
        }
    }
}

fn pick_election(c: &Client, id: Option<&str>) -> Result<String, CliError> {
    if let Some(id) = id {
        return Ok(id.to_owned());
    }
    let url = format!("{}/v1/elections", c.base());
    let list: Vec<zkvote_server::wire::ElectionSummary> = reqwest::blocking::get(&url)
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .map_err(|e| input_error(format!("{url}: {e}")))?;
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
fn download(c: &Client, info: &ElectionInfo, name: &str) -> Result<Vec<u8>, CliError> {
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
fn election_of(c: &Client, id: &str) -> Result<(ElectionInfo, Election), CliError> {
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
    let (pk_path, vk_path) = super::keys::key_paths(&a.out.join("keys"), &e.shape);
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
    super::refuse_existing(receipt_path, "a receipt")?;
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
        let mine = super::vote::load_election(path)?;
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
        super::tally::print_table(&election.title, &result);
        println!(
            "{n} ballots of the box's log verified and counted in {}; the log matches the \
             checkpoint signed by {} ({} entries, {final_note})",
            fmt_duration(took),
            key.name(),
            cp.size
        );
    }
    // The box's own count, which must agree when it covers the same log.
    let results_url = format!("{}/v1/elections/{id}/results", c.base());
    let theirs: ResultsOut = reqwest::blocking::get(&results_url)
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.json())
        .map_err(|e| input_error(format!("{results_url}: {e}")))?;
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

/// A box served by a thread of this process on loopback (the demo's); stopped when
/// dropped.
pub struct LocalBox {
    /// Its base URL.
    pub url: String,
    /// The id of the election registered in it.
    pub election_id: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for LocalBox {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a box with an SQLite database at `db`, a fresh key, and `files` registered,
/// on 127.0.0.1 at a free port.
pub fn start_local_box(db: &Path, files: ElectionFiles) -> Result<LocalBox, CliError> {
    let url = format!("sqlite:{}", db.display());
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(String, String), String>>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let rt = runtime()?;
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let started = async {
                let store = Store::open(&url).await.map_err(|e| e.to_string())?;
                let key = zkvote_server::checkpoint::generate_key(&mut OsRng);
                let b = BallotBox::new(store, key, BoxOptions::new("zkvote-demo"))
                    .map_err(|e| e.to_string())?;
                let id = b.register(files).await.map_err(|e| e.to_string())?;
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .map_err(|e| e.to_string())?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                Ok::<_, String>((b, id, listener, addr))
            };
            match started.await {
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
                Ok((b, id, listener, addr)) => {
                    let _ = ready_tx.send(Ok((format!("http://{addr}"), id)));
                    let app = zkvote_server::api::router(Arc::new(b));
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = stop_rx.await;
                        })
                        .await;
                }
            }
        })
    });
    let (url, election_id) = ready_rx
        .recv()
        .map_err(|_| input_error("the demo's ballot box did not start"))?
        .map_err(|e| input_error(format!("the demo's ballot box: {e}")))?;
    Ok(LocalBox {
        url,
        election_id,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// Casts a ballot in a box: its checked receipt, or the box's refusal.
pub fn cast(c: &Client, id: &str, key: &VerifierKey, ballot: &Ballot) -> Result<Receipt, String> {
    let body = serde_json::to_vec(ballot).expect("a ballot serialises");
    let receipt = c.submit(id, &body).map_err(|e| match e {
        ClientError::Refused {
            status, message, ..
        } => format!("{status}: {message}"),
        other => other.to_string(),
    })?;
    check_receipt(&receipt, key).map_err(|e| format!("the receipt does not check: {e}"))?;
    Ok(receipt)
}
