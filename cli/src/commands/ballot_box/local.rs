//! A box served by a thread of this process (the demo's), and casting into it.

use super::*;

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
