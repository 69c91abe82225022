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
use zkvote_server::wire::{ElectionInfo, Receipt};
use zkvote_verifier::ballot::Ballot;
use zkvote_verifier::keys::{digest_hex, parse_verifying_key};
use zkvote_verifier::tally::{tally as run_tally, BoxOrder, TallyInput};

use super::{
    fmt_duration, input_error, print_json, read_json, spinner, timed, write_file, write_json,
    write_json_as, Access, CliError, CmdResult, IfExists, EXIT_REJECTED,
};
use crate::args::{BoxCmd, FetchArgs, ReceiptCmd, ServeArgs, StorageArgs, TallyArgs};

mod audit;
mod local;
mod voter;

pub use audit::{tally_box, tally_from};
pub use local::{cast, start_local_box};
pub use voter::{fetch, receipt, submit};

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
    BallotBox::new(store, key, options).map_err(|e| match e {
        zkvote_server::error::Error::Io(why) => input_error(why),
        e => input_error(format!("--name: {e}")),
    })
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
