//! The ballot box itself, without HTTP: registration, verification on arrival in
//! batches, the log, receipts, checkpoints and the running count.
//!
//! # A ballot's way in
//! 1. [`BallotBox::submit`] parses nothing itself: it takes a [`Ballot`], refuses it if
//!    the box's clock is outside the election's window, checks its statement against
//!    the election ([`prepare_ballot`]: version, election, rules, proof encoding), and
//!    queues it for the election's worker.
//! 2. The worker (one task per hosted election) takes whatever is queued, up to
//!    [`BoxOptions::max_batch`] ballots, and verifies their proofs together with
//!    [`zkvote_engine::batch_verify`], which names exactly the invalid ones: a bad
//!    ballot costs the others of its batch a little time, never their acceptance.
//! 3. It appends the valid ones to the log in one transaction ([`Store::append`]: the
//!    database refuses a used nullifier under policy `first`, the same bytes twice, and
//!    anything outside the window), then brings its copy of the tree up to the
//!    database's log (another `zkvote serve` on the same PostgreSQL may have appended
//!    in between), signs a checkpoint of it, and answers each ballot: a [`Receipt`] with
//!    the inclusion proof, or the reason it was refused. Nothing is acknowledged before
//!    the commit.
//!
//! # Policy `last`
//! Anyone holding a ballot can re-randomise its proof and submit the copy later; under
//! policy `last` that would bring back a choice the member has since changed. The tally
//! therefore gives a repeated choice (same nullifier, votes and weight) the place of its
//! first appearance, and the box refuses it at the door (`repeated_choice`) so that a
//! member who tries to return to an earlier choice is told at once.
//!
//! # What the box keeps
//! The ballot (canonical JSON), its nullifier, its position and the second it was logged.
//! No network address, no finer time: the window and the log order need no more.

use std::collections::HashMap;
use std::sync::Arc;

use ark_bn254::Bn254;
use ark_groth16::PreparedVerifyingKey;
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, oneshot, Mutex, RwLock};
use zkvote_circuits::election::{Election, Revote, VotingWindow, WindowPhase};
use zkvote_circuits::field::fr_to_decimal;
use zkvote_verifier::ballot::{encode_proof, prepare_ballot, Ballot, PreparedBallot};
use zkvote_verifier::keys::{digest_hex, parse_verifying_key};

use crate::checkpoint::{Checkpoint, VerifierKey};
use crate::error::Error;
use crate::log::{consistency_proof, inclusion_proof, leaf_hash, Hash};
use crate::store::{
    AppendOutcome, FileInfo, NewCheckpoint, NewElection, NewEntry, RevotePolicy, Store,
    StoredCheckpoint, MAX_BATCH, MAX_PAGE,
};
use crate::tree::MemoryTree;
mod calls;
mod error;
mod live;
mod worker;

use error::clone_err;
pub use error::SubmitError;

use crate::wire::{
    ConsistencyOut, ElectionInfo, ElectionSummary, EntriesPage, EntryOut, FileEntry, Receipt,
    ResultsOut, RECEIPT_VERSION,
};

/// The box's clock: Unix seconds. Tests pass a clock they move.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> u64 + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(Arc::new(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        }))
    }

    /// A clock reading `f`.
    pub fn from_fn(f: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    /// The time now.
    pub fn now(&self) -> u64 {
        (self.0)()
    }
}

/// How a box runs.
#[derive(Clone)]
pub struct BoxOptions {
    /// The box's name: the origin of its checkpoints and the name of its key (a
    /// schema-less URL is recommended, e.g. `vote.example.org`).
    pub name: String,
    /// The most ballots verified and appended together.
    pub max_batch: usize,
    /// The most ballots waiting for an election's worker; more are refused with
    /// [`SubmitError::Busy`].
    pub max_queue: usize,
    /// Threads that verify proofs (a pool of their own, so that verification never
    /// competes with itself for the cores the HTTP side and the database need); 0 means
    /// half the machine's cores, at least one.
    pub verify_threads: usize,
    /// The clock.
    pub clock: Clock,
}

impl BoxOptions {
    /// Defaults: batches of up to 64, a queue of 4,096, verification on half the cores,
    /// the system clock.
    pub fn new(name: impl Into<String>) -> Self {
        BoxOptions {
            name: name.into(),
            max_batch: 64,
            max_queue: 4096,
            verify_threads: 0,
            clock: Clock::system(),
        }
    }
}

/// The files an organizer registers an election with.
pub struct ElectionFiles {
    /// `election.json`.
    pub election: Vec<u8>,
    /// `census.json` (checked against the election by the caller, who can read census
    /// files; the box only serves it).
    pub census: Vec<u8>,
    /// The verifying key file.
    pub verifying_key: Vec<u8>,
    /// The proving key file (voters fetch it; the box never uses it).
    pub proving_key: Vec<u8>,
}

struct Pending {
    ballot: PreparedBallot,
    bytes: Vec<u8>,
    nullifier: String,
    reply: oneshot::Sender<Result<Receipt, SubmitError>>,
}

/// One member's ballots as the running count sees them.
#[derive(Default)]
struct Member {
    /// Distinct choices `(votes, weight, first entry)`, in order of first appearance.
    choices: Vec<(Vec<u32>, u64, u64)>,
}

/// The running count, kept equal to what `zkvote tally` computes from the log.
struct LiveTally {
    revote: Revote,
    cost_from_weight: bool,
    members: HashMap<String, Member>,
    totals: Vec<u128>,
}

/// The box's view of one election's log.
struct LogState {
    tree: MemoryTree,
    live: LiveTally,
    /// The latest checkpoint stored (signed by this or another process).
    checkpoint: Option<StoredCheckpoint>,
}

struct Hosted {
    id: String,
    election: Election,
    window: VotingWindow,
    pvk: PreparedVerifyingKey<Bn254>,
    files: Vec<FileInfo>,
    state: Mutex<LogState>,
}

/// What the box and its workers share: the store, the key, the options.
struct Core {
    store: Store,
    key: SigningKey,
    vkey: VerifierKey,
    options: BoxOptions,
    /// Where proofs are verified ([`BoxOptions::verify_threads`]).
    verifier: Arc<rayon::ThreadPool>,
}

/// A hosted election and its worker's queue. The queue's sender lives only here, so
/// dropping the box stops the workers.
type HostedEntry = (Arc<Hosted>, mpsc::Sender<Pending>);

/// The ballot box: a store, a signing key and the elections it hosts.
pub struct BallotBox {
    core: Arc<Core>,
    hosted: RwLock<HashMap<String, HostedEntry>>,
}

fn parse_ballot_json(bytes: &[u8]) -> Result<Ballot, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the body is not UTF-8".to_string())?;
    Ballot::from_json("the request body", text).map_err(|e| e.to_string())
}

/// The canonical bytes of a ballot: its JSON as serde writes it, the proof re-encoded
/// in lowercase hex from the decoded points. Two spellings of one ballot are one leaf.
fn canonical_bytes(ballot: &Ballot, prepared: &PreparedBallot) -> Vec<u8> {
    let canonical = Ballot {
        proof: hex::encode(encode_proof(&prepared.proof)),
        ..ballot.clone()
    };
    serde_json::to_vec(&canonical).expect("a ballot serialises")
}

fn phase_name(p: WindowPhase) -> &'static str {
    match p {
        WindowPhase::NotOpen => "not_open",
        WindowPhase::Open => "open",
        WindowPhase::Closed => "closed",
    }
}

fn to_i64(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

fn hex_hashes(h: &[Hash]) -> Vec<String> {
    h.iter().map(hex::encode).collect()
}

impl BallotBox {
    /// A box over `store`, signing with `key`.
    ///
    /// # Errors
    /// [`Error::BadName`] if the box name cannot name a checkpoint key.
    pub fn new(store: Store, key: SigningKey, options: BoxOptions) -> Result<Self, Error> {
        let vkey = VerifierKey::new(&options.name, key.verifying_key())?;
        let threads = match options.verify_threads {
            0 => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            n => n,
        };
        let verifier = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("zkvote-verify-{i}"))
            .build()
            .map_err(|e| Error::Io(format!("cannot start {threads} verifier threads: {e}")))?;
        Ok(BallotBox {
            core: Arc::new(Core {
                store,
                key,
                vkey,
                options,
                verifier: Arc::new(verifier),
            }),
            hosted: RwLock::new(HashMap::new()),
        })
    }

    /// The box's public key (verifier-key string).
    pub fn verifier_key(&self) -> &VerifierKey {
        &self.core.vkey
    }

    /// The box's name.
    pub fn name(&self) -> &str {
        &self.core.options.name
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.core.store
    }

    /// The box's clock, now.
    pub fn now(&self) -> u64 {
        self.core.now()
    }

    /// Registers an election: checks the election (id, window), the verifying key
    /// (parsed with every check, digest equal to the election's) and the proving key's
    /// digest, stores everything in one transaction and signs the empty log's checkpoint.
    /// Returns the election id.
    ///
    /// # Errors
    /// [`Error::InvalidElection`] naming what is wrong; [`Error::DuplicateElection`];
    /// [`Error::Database`].
    pub async fn register(&self, files: ElectionFiles) -> Result<String, Error> {
        let bad = |what: String| Error::InvalidElection(what);
        let text = std::str::from_utf8(&files.election)
            .map_err(|_| bad("election.json is not UTF-8".into()))?;
        let election: Election =
            serde_json::from_str(text).map_err(|e| bad(format!("election.json: {e}")))?;
        election
            .validate()
            .map_err(|e| bad(format!("election.json: {e}")))?;
        let Some(window) = election.window else {
            return Err(bad(
                "election.json has no voting window; a box needs one (zkvote election new \
                 --opens-at … --closes-at …)"
                    .into(),
            ));
        };
        let (shape, _, digest) = parse_verifying_key("verifying.key", &files.verifying_key)
            .map_err(|e| bad(e.to_string()))?;
        if digest != election.verifying_key_digest || shape != election.shape {
            return Err(bad(format!(
                "verifying.key (digest {digest}, shape {shape}) is not the election's key \
                 (digest {}, shape {})",
                election.verifying_key_digest, election.shape
            )));
        }
        let pk_digest = digest_hex(&files.proving_key);
        if pk_digest != election.proving_key_digest {
            return Err(bad(format!(
                "proving.key has digest {pk_digest}, the election names {}",
                election.proving_key_digest
            )));
        }
        let id = fr_to_decimal(&election.id);
        let new = NewElection {
            id: id.clone(),
            bundle: text.to_owned(),
            opens_at: to_i64(window.opens_at),
            closes_at: to_i64(window.closes_at),
            revote: match election.revote {
                Revote::First => RevotePolicy::First,
                Revote::Last => RevotePolicy::Last,
            },
        };
        let now = self.now();
        self.core
            .store
            .add_election_with_files(
                &new,
                &[
                    ("election.json", files.election),
                    ("census.json", files.census),
                    ("verifying.key", files.verifying_key),
                    ("proving.key", files.proving_key),
                ],
                to_i64(now),
            )
            .await?;
        let hosted = self.hosted(&id).await?;
        let mut state = hosted.state.lock().await;
        self.core.sign_checkpoint(&hosted, &mut state).await?;
        Ok(id)
    }

    /// Loads (once) and returns a hosted election.
    async fn hosted(&self, id: &str) -> Result<Arc<Hosted>, Error> {
        Ok(self.hosted_entry(id).await?.0)
    }

    async fn hosted_entry(&self, id: &str) -> Result<HostedEntry, Error> {
        if let Some(h) = self.hosted.read().await.get(id) {
            return Ok(h.clone());
        }
        let mut all = self.hosted.write().await;
        if let Some(h) = all.get(id) {
            return Ok(h.clone());
        }
        let core = &self.core;
        let row = core.store.election(id).await?;
        let corrupt = |what: String| Error::Corrupt(format!("election {id}: {what}"));
        let election: Election =
            serde_json::from_str(&row.bundle).map_err(|e| corrupt(e.to_string()))?;
        election.validate().map_err(|e| corrupt(e.to_string()))?;
        let window = election
            .window
            .ok_or_else(|| corrupt("no voting window".into()))?;
        let vk = core
            .store
            .file(id, "verifying.key")
            .await?
            .ok_or_else(|| corrupt("no verifying key".into()))?;
        let (_, vk, _) = parse_verifying_key("verifying.key", &vk.content)
            .map_err(|e| corrupt(e.to_string()))?;
        let files = core.store.file_infos(id).await?;
        let live = LiveTally {
            revote: election.revote,
            cost_from_weight: election.rules.cost_from_weight,
            members: HashMap::new(),
            totals: vec![0; election.options.len()],
        };
        let hosted = Arc::new(Hosted {
            id: id.to_owned(),
            pvk: ark_groth16::prepare_verifying_key(&vk),
            election,
            window,
            files,
            state: Mutex::new(LogState {
                tree: MemoryTree::new(),
                live,
                checkpoint: None,
            }),
        });
        {
            let mut state = hosted.state.lock().await;
            core.catch_up(&hosted, &mut state).await?;
        }
        let (tx, rx) = mpsc::channel(core.options.max_queue.max(1));
        core.clone().spawn_worker(hosted.clone(), rx);
        let entry = (hosted, tx);
        all.insert(id.to_owned(), entry.clone());
        Ok(entry)
    }
}
