//! Load benchmark of the ballot box (`zkvote serve`'s code, in this process): concurrent
//! clients post distinct valid ballots over HTTP on loopback; the figures are ballots
//! accepted and durably stored per second and the latency of each acknowledgement.
//!
//! ```text
//! cargo run --release -p zkvote-benches --bin box-load -- [--ballots N] [--clients C]
//!     [--batch B] [--database postgres://…]     (default: SQLite in a temporary directory)
//!     [--verify-threads T]                      (default: half the cores, at least 1)
//! NO_VECTOR=1 …                                 (the scalar path: no AVX-512 IFMA kernels)
//! ```
//!
//! The ballots come from the **benchmark-only simulator** (`zkvote_benches::sim`): a setup
//! whose trapdoor this benchmark chose, so that tens of thousands of distinct valid
//! ballots exist before the clock starts. The box verifies each one for real (batch
//! verification), and stores it for real (SQLite WAL with `synchronous = FULL`, or
//! PostgreSQL with `synchronous_commit = on`). Generator and box share this machine.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use zkvote_benches::sim::{SimulatedElection, SIMULATED_PROVING_KEY};
use zkvote_circuits::ballot::{BallotShape, CensusKind};
use zkvote_circuits::election::{Revote, VotingWindow};
use zkvote_server::service::{BallotBox, BoxOptions, ElectionFiles};
use zkvote_server::store::Store;

struct Args {
    ballots: usize,
    clients: usize,
    batch: usize,
    verify_threads: usize,
    database: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        ballots: 20_000,
        clients: 64,
        batch: 64,
        verify_threads: 0,
        database: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--ballots" => a.ballots = value().parse().expect("--ballots N"),
            "--clients" => a.clients = value().parse().expect("--clients C"),
            "--batch" => a.batch = value().parse().expect("--batch B"),
            "--database" => a.database = Some(value()),
            "--verify-threads" => a.verify_threads = value().parse().expect("--verify-threads T"),
            other => panic!("unknown argument {other} (see the file's documentation)"),
        }
    }
    a
}

fn main() {
    let a = args();
    // `NO_VECTOR=1`: the scalar path (no AVX-512 IFMA kernels), to compare.
    let vector = std::env::var_os("NO_VECTOR").is_none();
    zkvote_engine::msm::set_vector_kernels(vector);
    let ifma = std::arch::is_x86_feature_detected!("avx512ifma");
    println!(
        "CPU {} AVX-512 IFMA; vector kernels {}",
        if ifma { "has" } else { "lacks" },
        if vector && ifma {
            "on"
        } else {
            "off (scalar path)"
        }
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let shape = BallotShape::new(20, 8, CensusKind::Plain).unwrap();
    let sim = SimulatedElection::new(
        shape,
        VotingWindow::new(now - 60, now + 3600).unwrap(),
        Revote::First,
        &mut ChaCha20Rng::seed_from_u64(1),
    );
    let t = Instant::now();
    let bodies: Vec<Vec<u8>> = (0..a.ballots)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha20Rng::seed_from_u64(1_000_000 + i as u64);
            serde_json::to_vec(&sim.ballot(i, &mut rng)).unwrap()
        })
        .collect();
    println!(
        "{} distinct valid ballots simulated in {:.2} s (benchmark-only trapdoor setup)",
        a.ballots,
        t.elapsed().as_secs_f64()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("zkvote_load_{}", std::process::id());
    let (store, backend) = rt.block_on(async {
        match &a.database {
            None => {
                let path = dir.path().join("box.sqlite3");
                let store = Store::open(&format!("sqlite:{}", path.display()))
                    .await
                    .unwrap();
                (store, "SQLite (WAL, synchronous=FULL)".to_string())
            }
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                let opts = sqlx::postgres::PgConnectOptions::from_str(url)
                    .unwrap()
                    .options([("search_path", schema.as_str())]);
                let store = Store::open_postgres(opts, 16).await.unwrap();
                (store, "PostgreSQL (synchronous_commit=on)".to_string())
            }
        }
    });
    let mut options = BoxOptions::new("box-load.bench");
    options.max_batch = a.batch;
    options.verify_threads = a.verify_threads;
    let key = zkvote_server::checkpoint::generate_key(&mut ChaCha20Rng::seed_from_u64(2));
    let b = BallotBox::new(store, key, options).unwrap();
    let id = rt
        .block_on(b.register(ElectionFiles {
            election: serde_json::to_vec(&sim.election).unwrap(),
            census: serde_json::to_vec(&sim.census.to_file()).unwrap(),
            verifying_key: sim.verifying_key_file(),
            proving_key: SIMULATED_PROVING_KEY.to_vec(),
        }))
        .unwrap();
    let b = Arc::new(b);
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = zkvote_server::api::router(b.clone());
    rt.spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}/v1/elections/{id}/ballots");

    // The clients: `--clients` tasks on one thread of their own (a current-thread
    // runtime), each with its own keep-alive connection, posting one ballot at a time
    // and waiting for the answer before the next. One thread, not 64: the generator
    // shares the two cores with the box and should take as little of them as it can.
    let next = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(bodies);
    let failures = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let clients = std::thread::spawn({
        let (next, bodies, failures) = (next.clone(), bodies.clone(), failures.clone());
        let n = a.clients;
        move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut tasks = tokio::task::JoinSet::new();
                for _ in 0..n {
                    let (next, bodies, failures, url) =
                        (next.clone(), bodies.clone(), failures.clone(), url.clone());
                    tasks.spawn(async move {
                        let http = reqwest::Client::builder()
                            .pool_max_idle_per_host(1)
                            .build()
                            .unwrap();
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= bodies.len() {
                                break;
                            }
                            let start = Instant::now();
                            let r = http
                                .post(&url)
                                .header("content-type", "application/json")
                                .body(bodies[i].clone())
                                .send()
                                .await;
                            match r {
                                Ok(r) if r.status().as_u16() == 201 => {
                                    let _ = r.bytes().await;
                                    mine.push(start.elapsed());
                                }
                                Ok(r) => {
                                    let status = r.status();
                                    let text = r.text().await.unwrap_or_default();
                                    if failures.fetch_add(1, Ordering::Relaxed) < 3 {
                                        eprintln!("refused: {status} {text}");
                                    }
                                }
                                Err(e) => {
                                    if failures.fetch_add(1, Ordering::Relaxed) < 3 {
                                        eprintln!("request failed: {e}");
                                    }
                                }
                            }
                        }
                        mine
                    });
                }
                let mut all = Vec::new();
                while let Some(mine) = tasks.join_next().await {
                    all.extend(mine.unwrap());
                }
                all
            })
        }
    });
    let mut lat = clients.join().unwrap();
    let elapsed = t.elapsed();
    lat.sort();
    let q = |p: f64| -> Duration {
        if lat.is_empty() {
            Duration::ZERO
        } else {
            lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1]
        }
    };
    let stored = rt.block_on(b.store().election(&id)).unwrap().log_size;
    println!(
        "{backend}: {} clients, batches of up to {}: {} accepted ({} refused) in {:.2} s = {:.0} ballots/s; \
         latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} in the log",
        a.clients,
        a.batch,
        lat.len(),
        failures.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        q(0.5).as_secs_f64() * 1e3,
        q(0.9).as_secs_f64() * 1e3,
        q(0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        stored
    );
    assert_eq!(
        stored as usize,
        lat.len(),
        "every acknowledged ballot is in the log"
    );
    if let Some(url) = &a.database {
        rt.block_on(async {
            b.store().close().await;
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        });
    }
}
