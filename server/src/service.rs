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
    AppendOutcome, FileInfo, NewElection, NewEntry, RevotePolicy, Store, StoredCheckpoint,
    MAX_BATCH, MAX_PAGE,
};
use crate::tree::MemoryTree;
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
    /// The clock.
    pub clock: Clock,
}

impl BoxOptions {
    /// Defaults: batches of up to 64, a queue of 4,096, the system clock.
    pub fn new(name: impl Into<String>) -> Self {
        BoxOptions {
            name: name.into(),
            max_batch: 64,
            max_queue: 4096,
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

/// Why a ballot was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// No such election in the box.
    #[error("unknown election {0}")]
    UnknownElection(String),
    /// The ballot names another election than the one it was posted to.
    #[error("the ballot is for election {ballot}, posted to election {posted}")]
    WrongElection {
        /// The ballot's election id.
        ballot: String,
        /// The election it was posted to.
        posted: String,
    },
    /// Before the window opened.
    #[error("the election opens at {opens_at}; the box's clock says {now}")]
    NotOpen {
        /// Opening time.
        opens_at: u64,
        /// The box's clock.
        now: u64,
    },
    /// At or after the close.
    #[error("the election closed at {closes_at}; the box's clock says {now}")]
    Closed {
        /// Closing time.
        closes_at: u64,
        /// The box's clock.
        now: u64,
    },
    /// The body is not a ballot (not UTF-8, not JSON, missing or unknown fields, wrong types).
    #[error("malformed ballot: {0}")]
    Malformed(String),
    /// The ballot breaks the election's rules, its proof is not an encoding of points,
    /// or its proof does not verify.
    #[error("invalid ballot: {0}")]
    Invalid(String),
    /// Policy `first`: the nullifier is in the log already.
    #[error("this member has voted already (log entry {index}); under policy first only that ballot counts")]
    NullifierUsed {
        /// The entry that used the nullifier.
        index: u64,
    },
    /// The same ballot is in the log already.
    #[error("this ballot is in the log already, at entry {index}")]
    DuplicateBallot {
        /// Its entry.
        index: u64,
    },
    /// Policy `last`: the member's earlier ballot at `index` has the same votes.
    #[error(
        "entry {index} already holds this member's ballot with the same votes and weight; \
         under policy last a repeated choice keeps its first place (see the README), so \
         this ballot would change nothing"
    )]
    RepeatedChoice {
        /// The earlier entry.
        index: u64,
    },
    /// Too many ballots waiting.
    #[error("the box is busy: {0} ballots are waiting; try again")]
    Busy(usize),
    /// The database or the box failed; nothing was stored.
    #[error("the box could not store the ballot: {0}")]
    Unavailable(String),
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

impl LiveTally {
    fn multiplier(&self, weight: u64) -> u128 {
        if self.cost_from_weight {
            1
        } else {
            weight as u128
        }
    }

    fn add(&mut self, votes: &[u32], weight: u64, sign: bool) {
        let m = self.multiplier(weight);
        for (t, &v) in self.totals.iter_mut().zip(votes) {
            let d = v as u128 * m;
            *t = if sign { *t + d } else { *t - d };
        }
    }

    /// Applies the ballot logged at `index`.
    fn apply(&mut self, index: u64, nullifier: &str, votes: Vec<u32>, weight: u64) {
        let member = self.members.entry(nullifier.to_owned()).or_default();
        if member.choices.iter().any(|c| c.0 == votes && c.1 == weight) {
            return; // a copy or a repeated choice keeps its first place
        }
        let previous = match (self.revote, member.choices.last()) {
            (Revote::First, Some(_)) => return, // the database refuses these anyway
            (_, Some(last)) => Some((last.0.clone(), last.1)),
            (_, None) => None,
        };
        member.choices.push((votes.clone(), weight, index));
        if let Some((v, w)) = previous {
            self.add(&v, w, false);
        }
        self.add(&votes, weight, true);
    }

    fn counted(&self) -> u64 {
        self.members.len() as u64
    }

    /// The entry whose choice equals this one, if the member has made it already.
    fn repeated(&self, nullifier: &str, votes: &[u32], weight: u64) -> Option<u64> {
        self.members
            .get(nullifier)?
            .choices
            .iter()
            .find(|c| c.0 == votes && c.1 == weight)
            .map(|c| c.2)
    }
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
        Ok(BallotBox {
            core: Arc::new(Core {
                store,
                key,
                vkey,
                options,
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

impl Core {
    fn now(&self) -> u64 {
        self.options.clock.now()
    }

    /// Brings `state` up to the database's log: new entries into the tree and the count,
    /// and the latest stored checkpoint.
    async fn catch_up(&self, hosted: &Hosted, state: &mut LogState) -> Result<(), Error> {
        let before = state.tree.size();
        loop {
            let from = state.tree.size();
            let page = self.store.entries(&hosted.id, from, MAX_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for e in page {
                if e.index != state.tree.size() {
                    return Err(Error::Corrupt(format!(
                        "election {}: entry {} where {} was expected",
                        hosted.id,
                        e.index,
                        state.tree.size()
                    )));
                }
                let b = parse_ballot_json(&e.ballot).map_err(|why| {
                    Error::Corrupt(format!("election {}: entry {}: {why}", hosted.id, e.index))
                })?;
                state.tree.push(e.leaf_hash);
                state.live.apply(e.index, &e.nullifier, b.votes, b.weight);
            }
        }
        // Another process's entries come with its checkpoints; none new, none to read.
        if state.checkpoint.is_none() || state.tree.size() != before {
            state.checkpoint = self.store.latest_checkpoint(&hosted.id).await?;
        }
        Ok(())
    }

    /// Signs and stores a checkpoint of the whole tree in `state` (if it grew), keeping
    /// the stored one where another process signed the same size first.
    async fn sign_checkpoint(&self, hosted: &Hosted, state: &mut LogState) -> Result<(), Error> {
        self.catch_up(hosted, state).await?;
        self.sign_current(hosted, state).await
    }

    /// [`Core::sign_checkpoint`] without reading the database first: a checkpoint of the
    /// tree this process holds (a prefix of the log, if another process appended since).
    async fn sign_current(&self, hosted: &Hosted, state: &mut LogState) -> Result<(), Error> {
        let size = state.tree.size();
        if state.checkpoint.as_ref().is_some_and(|c| c.size == size) {
            return Ok(());
        }
        let root = state.tree.root_at(size)?;
        let now = self.now();
        let note = Checkpoint {
            box_name: self.options.name.clone(),
            election_id: hosted.id.clone(),
            size,
            root,
            timestamp: now,
        }
        .sign(&self.key)?;
        match self
            .store
            .put_checkpoint(&hosted.id, size, &root, &note, to_i64(now))
            .await
        {
            Ok(()) => {
                state.checkpoint = Some(StoredCheckpoint {
                    size,
                    root,
                    note,
                    created: to_i64(now),
                });
                return Ok(());
            }
            // Another process signed this size first: use its checkpoint.
            Err(Error::CheckpointConflict { .. }) => {}
            Err(e) => return Err(e),
        }
        let stored = self
            .store
            .checkpoint(&hosted.id, size)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("checkpoint {size} vanished")))?;
        if stored.root != root {
            return Err(Error::Corrupt(format!(
                "election {}: the stored checkpoint of size {size} has another root",
                hosted.id
            )));
        }
        state.checkpoint = Some(stored);
        Ok(())
    }

    /// Two stages per election, connected by a short queue, so that the proofs of the
    /// next batch are checked while the previous batch is being committed: the
    /// verifier takes what is waiting (up to the batch size) and checks the proofs
    /// together; the appender logs the valid ones, signs and answers.
    fn spawn_worker(self: Arc<Self>, hosted: Arc<Hosted>, mut rx: mpsc::Receiver<Pending>) {
        let max_batch = self.options.max_batch.clamp(1, MAX_BATCH);
        let (verified_tx, mut verified_rx) = mpsc::channel::<Vec<Pending>>(2);
        let h = hosted.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < max_batch {
                    match rx.try_recv() {
                        Ok(p) => batch.push(p),
                        Err(_) => break,
                    }
                }
                let valid = verify_batch(&h, batch).await;
                if !valid.is_empty() && verified_tx.send(valid).await.is_err() {
                    return;
                }
            }
        });
        tokio::spawn(async move {
            while let Some(valid) = verified_rx.recv().await {
                self.append_batch(&hosted, valid).await;
            }
        });
    }

    /// Logs, signs and answers a batch of verified ballots.
    async fn append_batch(&self, hosted: &Arc<Hosted>, valid: Vec<Pending>) {
        // 2. The log, under this process's lock of the election.
        let mut state = hosted.state.lock().await;
        if let Err(e) = self.catch_up(hosted, &mut state).await {
            for p in valid {
                let _ = p.reply.send(Err(SubmitError::Unavailable(e.to_string())));
            }
            return;
        }
        let mut to_append = Vec::with_capacity(valid.len());
        let mut waiting = Vec::with_capacity(valid.len());
        for p in valid {
            if hosted.election.revote == Revote::Last {
                let earlier = state
                    .live
                    .repeated(&p.nullifier, &p.ballot.votes, p.ballot.weight);
                let in_batch = waiting.iter().position(|q: &Pending| {
                    q.nullifier == p.nullifier
                        && q.ballot.votes == p.ballot.votes
                        && q.ballot.weight == p.ballot.weight
                });
                if let Some(index) = earlier {
                    let _ = p.reply.send(Err(SubmitError::RepeatedChoice { index }));
                    continue;
                }
                if in_batch.is_some() {
                    let _ = p
                        .reply
                        .send(Err(SubmitError::RepeatedChoice { index: u64::MAX }));
                    continue;
                }
            }
            to_append.push(NewEntry {
                nullifier: p.nullifier.clone(),
                ballot: p.bytes.clone(),
            });
            waiting.push(p);
        }
        if waiting.is_empty() {
            return;
        }
        let now = self.now();
        let outcomes = match self.store.append(&hosted.id, &to_append, to_i64(now)).await {
            Ok(o) => o,
            Err(e) => {
                let err = match e {
                    Error::ElectionClosed { .. } => match hosted.window.phase(now) {
                        WindowPhase::NotOpen => SubmitError::NotOpen {
                            opens_at: hosted.window.opens_at,
                            now,
                        },
                        _ => SubmitError::Closed {
                            closes_at: hosted.window.closes_at,
                            now,
                        },
                    },
                    other => SubmitError::Unavailable(other.to_string()),
                };
                for p in waiting {
                    let _ = p.reply.send(Err(clone_err(&err)));
                }
                return;
            }
        };
        // 3. Our entries into the tree and the count: directly when they follow what this
        // process had (no other process appended in between), else from the database.
        let appended: Vec<(u64, &Pending)> = outcomes
            .iter()
            .zip(&waiting)
            .filter_map(|(o, p)| match o {
                AppendOutcome::Appended { index } => Some((*index, p)),
                _ => None,
            })
            .collect();
        let follows = appended
            .iter()
            .enumerate()
            .all(|(k, (index, _))| *index == state.tree.size() + k as u64);
        let signed = if follows {
            for (index, p) in &appended {
                state.tree.push(leaf_hash(&p.bytes));
                state.live.apply(
                    *index,
                    &p.nullifier,
                    p.ballot.votes.clone(),
                    p.ballot.weight,
                );
            }
            self.sign_current(hosted, &mut state).await
        } else {
            self.sign_checkpoint(hosted, &mut state).await
        };
        // 4. The checkpoint covering them, then the receipts.
        if let Err(e) = signed {
            // Stored but not yet signed: the receipt is what is missing, not the ballot.
            for p in waiting {
                let _ = p.reply.send(Err(SubmitError::Unavailable(format!(
                    "the ballot was stored but no checkpoint could be signed ({e}); \
                     ask for its receipt again"
                ))));
            }
            return;
        }
        let cp = state.checkpoint.clone().expect("signed above");
        for (p, outcome) in waiting.into_iter().zip(outcomes) {
            let answer = match outcome {
                AppendOutcome::Appended { index } => self
                    .receipt_at(&state, hosted, index, &cp, p.bytes.clone())
                    .map_err(|e| SubmitError::Unavailable(e.to_string())),
                AppendOutcome::NullifierUsed { index } => Err(SubmitError::NullifierUsed { index }),
                AppendOutcome::DuplicateBallot { index } => {
                    Err(SubmitError::DuplicateBallot { index })
                }
            };
            let _ = p.reply.send(answer);
        }
    }

    fn receipt_at(
        &self,
        state: &LogState,
        hosted: &Hosted,
        index: u64,
        cp: &StoredCheckpoint,
        ballot: Vec<u8>,
    ) -> Result<Receipt, Error> {
        let proof = inclusion_proof(&mut &state.tree, index, cp.size)?;
        Ok(Receipt {
            version: RECEIPT_VERSION,
            box_key: self.vkey.encode(),
            election_id: hosted.id.clone(),
            index,
            leaf_hash: hex::encode(leaf_hash(&ballot)),
            ballot: String::from_utf8(ballot)
                .map_err(|_| Error::Corrupt(format!("entry {index} is not UTF-8")))?,
            checkpoint: cp.note.clone(),
            inclusion: hex_hashes(&proof),
        })
    }
}

impl BallotBox {
    /// Takes a ballot: window, statement checks, then the election's worker verifies,
    /// logs and answers (see the [module documentation](self)).
    pub async fn submit(&self, election_id: &str, body: &[u8]) -> Result<Receipt, SubmitError> {
        let (hosted, queue) = match self.hosted_entry(election_id).await {
            Ok(h) => h,
            Err(Error::UnknownElection(id)) => return Err(SubmitError::UnknownElection(id)),
            Err(e) => return Err(SubmitError::Unavailable(e.to_string())),
        };
        let ballot = parse_ballot_json(body).map_err(SubmitError::Malformed)?;
        let bid = fr_to_decimal(&ballot.election_id);
        if bid != hosted.id {
            return Err(SubmitError::WrongElection {
                ballot: bid,
                posted: hosted.id.clone(),
            });
        }
        let now = self.now();
        match hosted.window.phase(now) {
            WindowPhase::NotOpen => {
                return Err(SubmitError::NotOpen {
                    opens_at: hosted.window.opens_at,
                    now,
                })
            }
            WindowPhase::Closed => {
                return Err(SubmitError::Closed {
                    closes_at: hosted.window.closes_at,
                    now,
                })
            }
            WindowPhase::Open => {}
        }
        let prepared = prepare_ballot(&hosted.election, &ballot)
            .map_err(|e| SubmitError::Invalid(e.to_string()))?;
        let bytes = canonical_bytes(&ballot, &prepared);
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            nullifier: fr_to_decimal(&prepared.nullifier),
            ballot: prepared,
            bytes,
            reply,
        };
        queue.try_send(pending).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SubmitError::Busy(self.core.options.max_queue),
            mpsc::error::TrySendError::Closed(_) => {
                SubmitError::Unavailable("the election's worker stopped".into())
            }
        })?;
        answer
            .await
            .unwrap_or_else(|_| Err(SubmitError::Unavailable("the worker stopped".into())))
    }

    /// The election's description, files and state.
    ///
    /// # Errors
    /// [`Error::UnknownElection`], [`Error::Database`], [`Error::Corrupt`].
    pub async fn info(&self, id: &str) -> Result<ElectionInfo, Error> {
        let h = self.hosted(id).await?;
        let size = self.core.store.election(id).await?.log_size;
        let now = self.now();
        Ok(ElectionInfo {
            election: h.election.clone(),
            box_name: self.core.options.name.clone(),
            box_key: self.core.vkey.encode(),
            files: h
                .files
                .iter()
                .map(|f| FileEntry {
                    name: f.name.clone(),
                    size: f.size,
                    sha256: f.sha256.clone(),
                })
                .collect(),
            log_size: size,
            phase: phase_name(h.window.phase(now)).into(),
            now,
        })
    }

    /// Every hosted election, oldest first.
    ///
    /// # Errors
    /// [`Error::Database`], [`Error::Corrupt`].
    pub async fn list(&self) -> Result<Vec<ElectionSummary>, Error> {
        let now = self.now();
        let mut out = Vec::new();
        for id in self.core.store.election_ids().await? {
            let h = self.hosted(&id).await?;
            out.push(ElectionSummary {
                title: h.election.title.clone(),
                phase: phase_name(h.window.phase(now)).into(),
                log_size: self.core.store.election(&id).await?.log_size,
                id,
            });
        }
        Ok(out)
    }

    /// A file of an election.
    ///
    /// # Errors
    /// [`Error::UnknownElection`] (also for an unknown file name), [`Error::Database`].
    pub async fn file(&self, id: &str, name: &str) -> Result<Vec<u8>, Error> {
        self.core
            .store
            .file(id, name)
            .await?
            .map(|f| f.content)
            .ok_or_else(|| Error::UnknownElection(format!("{id} has no file {name:?}")))
    }

    /// The latest signed checkpoint, brought up to the log first.
    ///
    /// # Errors
    /// [`Error::UnknownElection`], [`Error::Database`], [`Error::Corrupt`].
    pub async fn latest_checkpoint(&self, id: &str) -> Result<StoredCheckpoint, Error> {
        let h = self.hosted(id).await?;
        let mut state = h.state.lock().await;
        self.core.sign_checkpoint(&h, &mut state).await?;
        Ok(state.checkpoint.clone().expect("signed above"))
    }

    /// The stored checkpoint of exactly `size` entries.
    ///
    /// # Errors
    /// [`Error::UnknownElection`] if there is none; [`Error::Database`].
    pub async fn checkpoint(&self, id: &str, size: u64) -> Result<StoredCheckpoint, Error> {
        self.hosted(id).await?;
        self.core
            .store
            .checkpoint(id, size)
            .await?
            .ok_or_else(|| Error::UnknownElection(format!("{id} has no checkpoint of size {size}")))
    }

    /// A consistency proof between two sizes of the log.
    ///
    /// # Errors
    /// [`Error::SizeOrder`], [`Error::LeavesMissing`] (a size past the log), and those of
    /// the store.
    pub async fn consistency(&self, id: &str, from: u64, to: u64) -> Result<ConsistencyOut, Error> {
        let h = self.hosted(id).await?;
        let mut state = h.state.lock().await;
        self.core.catch_up(&h, &mut state).await?;
        if to > state.tree.size() {
            return Err(Error::LeavesMissing {
                start: 0,
                end: to,
                available: state.tree.size(),
            });
        }
        let proof = consistency_proof(&mut &state.tree, from, to)?;
        Ok(ConsistencyOut {
            from,
            to,
            proof: hex_hashes(&proof),
        })
    }

    /// The receipt of the ballot with this leaf hash, against the latest checkpoint.
    ///
    /// # Errors
    /// [`Error::UnknownElection`] if no such ballot is in the log; those of the store.
    pub async fn receipt(&self, id: &str, leaf: &Hash) -> Result<Receipt, Error> {
        let h = self.hosted(id).await?;
        let entry = self
            .core
            .store
            .entry_by_leaf_hash(id, leaf)
            .await?
            .ok_or_else(|| {
                Error::UnknownElection(format!(
                    "{id} has no ballot with leaf hash {}",
                    hex::encode(leaf)
                ))
            })?;
        let mut state = h.state.lock().await;
        self.core.sign_checkpoint(&h, &mut state).await?;
        let cp = state.checkpoint.clone().expect("signed above");
        self.core
            .receipt_at(&state, &h, entry.index, &cp, entry.ballot)
    }

    /// Up to `limit` entries from `start` on.
    ///
    /// # Errors
    /// [`Error::InvalidRange`] for a limit over [`MAX_PAGE`]; those of the store.
    pub async fn entries(&self, id: &str, start: u64, limit: u64) -> Result<EntriesPage, Error> {
        self.hosted(id).await?;
        let entries = self.core.store.entries(id, start, limit).await?;
        let log_size = self.core.store.election(id).await?.log_size;
        let entries = entries
            .into_iter()
            .map(|e| {
                Ok(EntryOut {
                    index: e.index,
                    logged_at: u64::try_from(e.created)
                        .map_err(|_| Error::Corrupt(format!("entry {} time", e.index)))?,
                    ballot: String::from_utf8(e.ballot)
                        .map_err(|_| Error::Corrupt(format!("entry {} is not UTF-8", e.index)))?,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(EntriesPage { entries, log_size })
    }

    /// The box's running count with its latest checkpoint.
    ///
    /// # Errors
    /// Those of the store.
    pub async fn results(&self, id: &str) -> Result<ResultsOut, Error> {
        let h = self.hosted(id).await?;
        let mut state = h.state.lock().await;
        self.core.sign_checkpoint(&h, &mut state).await?;
        let cp = state.checkpoint.clone().expect("signed above");
        Ok(ResultsOut {
            election_id: h.id.clone(),
            title: h.election.title.clone(),
            options: h.election.options.clone(),
            totals: state.live.totals.clone(),
            counted: state.live.counted(),
            log_size: state.tree.size(),
            revote: h.election.revote,
            phase: phase_name(h.window.phase(self.now())).into(),
            opens_at: h.window.opens_at,
            closes_at: h.window.closes_at,
            checkpoint: cp.note,
            checkpoint_size: cp.size,
        })
    }
}

/// Checks the proofs of a batch together, off the async threads; answers the invalid
/// ones and returns the valid ones, in order.
async fn verify_batch(hosted: &Arc<Hosted>, batch: Vec<Pending>) -> Vec<Pending> {
    let items: Vec<_> = batch
        .iter()
        .map(|p| (p.ballot.proof.clone(), p.ballot.inputs.clone()))
        .collect();
    let h = hosted.clone();
    let verdicts = match tokio::task::spawn_blocking(move || {
        zkvote_engine::batch_verify(&h.pvk, &items)
    })
    .await
    {
        Ok(v) => v,
        Err(e) => {
            for p in batch {
                let _ = p
                    .reply
                    .send(Err(SubmitError::Unavailable(format!("verifier: {e}"))));
            }
            return Vec::new();
        }
    };
    let mut valid = Vec::with_capacity(batch.len());
    for (p, v) in batch.into_iter().zip(verdicts) {
        match v {
            Ok(()) => valid.push(p),
            Err(e) => {
                let _ = p.reply.send(Err(SubmitError::Invalid(e.to_string())));
            }
        }
    }
    valid
}

fn clone_err(e: &SubmitError) -> SubmitError {
    match e {
        SubmitError::NotOpen { opens_at, now } => SubmitError::NotOpen {
            opens_at: *opens_at,
            now: *now,
        },
        SubmitError::Closed { closes_at, now } => SubmitError::Closed {
            closes_at: *closes_at,
            now: *now,
        },
        other => SubmitError::Unavailable(other.to_string()),
    }
}
