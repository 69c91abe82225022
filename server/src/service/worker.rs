//! The log side of the box: catching up with the database, signing checkpoints, and
//! the two stages of an election's worker (verify a batch; append, sign and answer).

use super::*;

impl Core {
    pub(super) fn now(&self) -> u64 {
        self.options.clock.now()
    }

    /// Brings `state` up to the database's log: new entries into the tree and the count,
    /// and the latest stored checkpoint.
    pub(super) async fn catch_up(
        &self,
        hosted: &Hosted,
        state: &mut LogState,
    ) -> Result<(), Error> {
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
    pub(super) async fn sign_checkpoint(
        &self,
        hosted: &Hosted,
        state: &mut LogState,
    ) -> Result<(), Error> {
        self.catch_up(hosted, state).await?;
        self.sign_current(hosted, state).await
    }

    /// [`Core::sign_checkpoint`] without reading the database first: a checkpoint of the
    /// tree this process holds (a prefix of the log, if another process appended since).
    pub(super) async fn sign_current(
        &self,
        hosted: &Hosted,
        state: &mut LogState,
    ) -> Result<(), Error> {
        let size = state.tree.size();
        if state.checkpoint.as_ref().is_some_and(|c| c.size == size) {
            return Ok(());
        }
        let now = self.now();
        let NewCheckpoint { root, note, .. } = CheckpointSigner {
            key: &self.key,
            box_name: &self.options.name,
            election: &hosted.id,
            now,
        }
        .sign(&state.tree)?;
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
    pub(super) fn spawn_worker(
        self: Arc<Self>,
        hosted: Arc<Hosted>,
        mut rx: mpsc::Receiver<Pending>,
    ) {
        let max_batch = self.options.max_batch.clamp(1, MAX_BATCH);
        let (verified_tx, mut verified_rx) = mpsc::channel::<Vec<Pending>>(2);
        let (h, pool) = (hosted.clone(), self.verifier.clone());
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < max_batch {
                    match rx.try_recv() {
                        Ok(p) => batch.push(p),
                        Err(_) => break,
                    }
                }
                let valid = verify_batch(&h, &pool, batch).await;
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
    pub(super) async fn append_batch(&self, hosted: &Arc<Hosted>, valid: Vec<Pending>) {
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
        // 3. Append and checkpoint in one transaction. When the batch's entries follow
        // the tree this process holds (no other process appended in between), they go
        // into the tree as soon as their indices are known, and the checkpoint of the
        // new tree is signed and committed with them: one commit per batch.
        let now = self.now();
        let before = state.tree.size();
        let signer = CheckpointSigner {
            key: &self.key,
            box_name: &self.options.name,
            election: &hosted.id,
            now,
        };
        let tree = &mut state.tree;
        let appended = self
            .store
            .append_with(&hosted.id, &to_append, to_i64(now), |start, outcomes| {
                if start != tree.size() {
                    return Ok(None);
                }
                let mut grew = false;
                for (o, p) in outcomes.iter().zip(&waiting) {
                    if let AppendOutcome::Appended { .. } = o {
                        tree.push(leaf_hash(&p.bytes));
                        grew = true;
                    }
                }
                if grew {
                    signer.sign(tree).map(Some)
                } else {
                    Ok(None)
                }
            })
            .await;
        let (outcomes, signed) = match appended {
            Ok(a) => a,
            Err(e) => {
                // Nothing was written: forget what the closure pushed.
                state.tree.truncate(before);
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
        let any = outcomes
            .iter()
            .any(|o| matches!(o, AppendOutcome::Appended { .. }));
        if let Some(cp) = signed {
            for (o, p) in outcomes.iter().zip(&waiting) {
                if let AppendOutcome::Appended { index } = o {
                    let b = &p.ballot;
                    state
                        .live
                        .apply(*index, &p.nullifier, b.votes.clone(), b.weight);
                }
            }
            state.checkpoint = Some(cp);
        } else if any {
            // Another process appended in between: read the log from the database (our
            // entries with it) and sign a checkpoint of it.
            if let Err(e) = self.sign_checkpoint(hosted, &mut state).await {
                // Stored but not yet signed: the receipt is what is missing, not the ballot.
                for p in waiting {
                    let _ = p.reply.send(Err(SubmitError::Unavailable(format!(
                        "the ballot was stored but no checkpoint could be signed ({e}); \
                         ask for its receipt again"
                    ))));
                }
                return;
            }
        }
        // 4. The receipts, with the checkpoint covering them.
        for (p, outcome) in waiting.into_iter().zip(outcomes) {
            let answer = match (outcome, &state.checkpoint) {
                (AppendOutcome::Appended { index }, Some(cp)) => self
                    .receipt_at(&state, hosted, index, cp, p.bytes.clone())
                    .map_err(|e| SubmitError::Unavailable(e.to_string())),
                (AppendOutcome::Appended { index }, None) => Err(SubmitError::Unavailable(
                    format!("entry {index} was stored but no checkpoint covers it yet"),
                )),
                (AppendOutcome::NullifierUsed { index }, _) => {
                    Err(SubmitError::NullifierUsed { index })
                }
                (AppendOutcome::DuplicateBallot { index }, _) => {
                    Err(SubmitError::DuplicateBallot { index })
                }
            };
            let _ = p.reply.send(answer);
        }
    }

    pub(super) fn receipt_at(
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

/// What a checkpoint of an election's tree is signed with.
struct CheckpointSigner<'a> {
    key: &'a SigningKey,
    box_name: &'a str,
    election: &'a str,
    now: u64,
}

impl CheckpointSigner<'_> {
    /// A signed checkpoint of the whole `tree`.
    fn sign(&self, tree: &MemoryTree) -> Result<NewCheckpoint, Error> {
        let size = tree.size();
        let root = tree.root_at(size)?;
        let note = Checkpoint {
            box_name: self.box_name.to_owned(),
            election_id: self.election.to_owned(),
            size,
            root,
            timestamp: self.now,
        }
        .sign(self.key)?;
        Ok(NewCheckpoint { size, root, note })
    }
}

/// Checks the proofs of a batch together, off the async threads; answers the invalid
/// ones and returns the valid ones, in order.
async fn verify_batch(
    hosted: &Arc<Hosted>,
    pool: &Arc<rayon::ThreadPool>,
    batch: Vec<Pending>,
) -> Vec<Pending> {
    let items: Vec<_> = batch
        .iter()
        .map(|p| (p.ballot.proof.clone(), p.ballot.inputs.clone()))
        .collect();
    let (h, pool) = (hosted.clone(), pool.clone());
    let verdicts = match tokio::task::spawn_blocking(move || {
        pool.install(|| zkvote_engine::batch_verify(&h.pvk, &items))
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
