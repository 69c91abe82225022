//! A ballot box on loopback for the tests: a small real election (depth 4, 3 fields,
//! real keys and proofs), a clock the test moves, SQLite or PostgreSQL.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ark_bn254::Bn254;
use ark_groth16::{PreparedVerifyingKey, ProvingKey, VerifyingKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::sqlite::SqliteConnectOptions;
use zkvote_circuits::ballot::{BallotRules, BallotShape, CensusKind};
use zkvote_circuits::election::{CensusRef, Election, Revote, VotingWindow};
use zkvote_prover::census::{Census, Member};
use zkvote_prover::identity::Identity;
use zkvote_prover::keys::{proving_key_bytes, setup};
use zkvote_prover::vote::{prove_ballot, VoteRequest};
use zkvote_server::checkpoint::generate_key;
use zkvote_server::service::{BallotBox, BoxOptions, Clock, ElectionFiles};
use zkvote_server::store::Store;
use zkvote_verifier::ballot::Ballot;
use zkvote_verifier::keys::{digest_hex, verifying_key_bytes};

/// The environment variable naming a PostgreSQL database for the tests.
pub const PG_ENV: &str = "ZKVOTE_TEST_DATABASE_URL";
/// The window of the test elections: [T0, T0 + 1000).
pub const T0: u64 = 1_790_000_000;

/// Keys, members and a census: what an organizer has.
pub struct World {
    pub ids: Vec<Identity>,
    pub census: Census,
    pub shape: BallotShape,
    pub pk: ProvingKey<Bn254>,
    pub vk: VerifyingKey<Bn254>,
    pub pvk: PreparedVerifyingKey<Bn254>,
}

pub fn world(members: usize, seed: u64) -> World {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let ids: Vec<Identity> = (0..members).map(|_| Identity::random(&mut rng)).collect();
    let census = Census::build(
        CensusKind::Plain,
        ids.iter()
            .map(|id| Member {
                commitment: id.commitment(),
                weight: 1,
            })
            .collect(),
    )
    .unwrap();
    let shape = BallotShape::new(4, 3, CensusKind::Plain).unwrap();
    let (pk, vk) = setup(shape, &mut rng).unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    World {
        ids,
        census,
        shape,
        pk,
        vk,
        pvk,
    }
}

impl World {
    pub fn election(&self, title: &str, revote: Revote) -> Election {
        Election::new(
            title.into(),
            vec!["Yes".into(), "No".into(), "Abstain".into()],
            "single".into(),
            BallotRules::single(3),
            CensusRef {
                root: self.census.root(),
                size: self.census.members().len() as u64,
            },
            self.shape,
            digest_hex(&verifying_key_bytes(&self.shape, &self.vk)),
            digest_hex(&proving_key_bytes(&self.shape, &self.pk)),
        )
        .unwrap()
        .with_schedule(Some(VotingWindow::new(T0, T0 + 1000).unwrap()), revote)
        .unwrap()
    }

    pub fn files(&self, e: &Election) -> ElectionFiles {
        ElectionFiles {
            election: serde_json::to_vec_pretty(e).unwrap(),
            census: serde_json::to_vec(&self.census.to_file()).unwrap(),
            verifying_key: verifying_key_bytes(&self.shape, &self.vk),
            proving_key: proving_key_bytes(&self.shape, &self.pk),
        }
    }

    pub fn ballot(&self, e: &Election, who: usize, choice: usize, seed: u64) -> Ballot {
        let (membership, census_weight) =
            self.census.proof_for(&self.ids[who].commitment()).unwrap();
        let mut votes = vec![0; 3];
        votes[choice] = 1;
        let req = VoteRequest {
            election: e,
            identity: &self.ids[who],
            membership,
            census_weight,
            votes,
            weight: 1,
        };
        prove_ballot(
            &self.pk,
            &self.pvk,
            &req,
            &mut ChaCha20Rng::seed_from_u64(seed),
        )
        .unwrap()
    }
}

/// Where a test's database lives.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl Db {
    pub fn sqlite() -> Self {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A fresh schema on the PostgreSQL of `ZKVOTE_TEST_DATABASE_URL`, or `None` (and a
    /// line saying the test was skipped) without one.
    pub fn postgres(test: &str) -> Option<Self> {
        let Some(url) = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty()) else {
            eprintln!("{test}: PostgreSQL part skipped ({PG_ENV} is not set)");
            return None;
        };
        static N: AtomicU64 = AtomicU64::new(0);
        let schema = format!(
            "zkvote_api_{}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        runtime().block_on(async {
            let pool = PgPool::connect(&url).await.unwrap();
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
        Some(Db::Postgres { url, schema })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres { .. } => "postgres",
        }
    }

    /// What opens a store on this database (sendable to a server thread).
    pub fn spec(&self) -> Spec {
        match self {
            Db::Sqlite(dir) => Spec::Sqlite(dir.path().join("box.sqlite3")),
            Db::Postgres { url, schema } => Spec::Postgres {
                url: url.clone(),
                schema: schema.clone(),
            },
        }
    }

    /// A database URL for `zkvote serve --database`.
    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(dir) => format!("sqlite:{}", dir.path().join("box.sqlite3").display()),
            Db::Postgres { url, schema } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options=-c%20search_path%3D{schema}")
            }
        }
    }
}

/// How to open a store on a test database.
#[derive(Clone)]
pub enum Spec {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

impl Spec {
    /// A new store (its own pool) on this database.
    pub async fn open(&self) -> Store {
        match self {
            Spec::Sqlite(path) => Store::open_sqlite(SqliteConnectOptions::new().filename(path))
                .await
                .unwrap(),
            Spec::Postgres { url, schema } => Store::open_postgres(
                PgConnectOptions::from_str(url)
                    .unwrap()
                    .options([("search_path", schema.as_str())]),
                8,
            )
            .await
            .unwrap(),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { url, schema } = self {
            if std::thread::panicking() {
                return; // keep the schema to look at
            }
            let (url, schema) = (url.clone(), schema.clone());
            let _ = std::thread::spawn(move || {
                runtime().block_on(async {
                    if let Ok(pool) = PgPool::connect(&url).await {
                        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                            .execute(&pool)
                            .await;
                        pool.close().await;
                    }
                })
            })
            .join();
        }
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A running box: its URL, its clock, and the thread serving it.
pub struct Running {
    pub url: String,
    pub addr: SocketAddr,
    pub clock: Arc<AtomicU64>,
    pub box_key: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn set_time(&self, t: u64) {
        self.clock.store(t, Ordering::SeqCst);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a box on `db` with a signing key from `key_seed`, registers `elections` (if
/// the election is new) and serves it on 127.0.0.1 at a free port.
pub fn start(db: &Db, key_seed: u64, register: Vec<ElectionFiles>) -> Running {
    let clock = Arc::new(AtomicU64::new(T0));
    let c = clock.clone();
    let key = generate_key(&mut ChaCha20Rng::seed_from_u64(key_seed));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let spec = db.spec();
    let thread = std::thread::spawn(move || {
        runtime().block_on(async move {
            let store = spec.open().await;
            let mut opts = BoxOptions::new("box.test");
            opts.clock = Clock::from_fn(move || c.load(Ordering::SeqCst));
            let b = BallotBox::new(store, key, opts).unwrap();
            for f in register {
                match b.register(f).await {
                    Ok(_) | Err(zkvote_server::Error::DuplicateElection(_)) => {}
                    Err(e) => panic!("register: {e}"),
                }
            }
            let box_key = b.verifier_key().encode();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            ready_tx.send((addr, box_key)).unwrap();
            let app = zkvote_server::api::router(Arc::new(b));
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
        })
    });
    let (addr, box_key) = ready_rx.recv().unwrap();
    Running {
        url: format!("http://{addr}"),
        addr,
        clock,
        box_key,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}
