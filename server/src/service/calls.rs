//! What the HTTP handlers call: taking a ballot, and the read-only queries.

use super::*;

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
