//! The store's tests, each run against SQLite (a temporary directory) and, when
//! `ZKVOTE_TEST_DATABASE_URL` names a PostgreSQL database, against PostgreSQL in a
//! fresh schema of its own (dropped at the end of a passing test).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::checkpoint::{self, generate_key, Checkpoint, VerifierKey};
use crate::log;

/// The environment variable naming a PostgreSQL database for the tests.
const PG_ENV: &str = "ZKVOTE_TEST_DATABASE_URL";
const T0: i64 = 1_790_000_000;
/// One row into the log, as a writer that bypasses [`Store::append`] would insert it.
const INSERT_ENTRY: &str = "INSERT INTO entries \
     (election_id, log_index, revote, nullifier, ballot, leaf_hash, created) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

enum Ctx {
    Sqlite(tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl Ctx {
    fn sqlite() -> Self {
        Ctx::Sqlite(tempfile::tempdir().unwrap())
    }

    async fn postgres() -> Option<Self> {
        let url = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty())?;
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!(
            "zkvote_test_{}_{}_{}",
            std::process::id(),
            nanos,
            N.fetch_add(1, Ordering::Relaxed)
        );
        let pool = PgPool::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        Some(Ctx::Postgres { url, schema })
    }

    /// A new, independent store (its own pool) on the test's database.
    async fn open(&self) -> Store {
        match self {
            Ctx::Sqlite(dir) => Store::open_sqlite(
                SqliteConnectOptions::new().filename(dir.path().join("box.sqlite3")),
            )
            .await
            .unwrap(),
            Ctx::Postgres { url, schema } => {
                let opts = PgConnectOptions::from_str(url)
                    .unwrap()
                    .options([("search_path", schema.as_str())]);
                Store::open_postgres(opts, 4).await.unwrap()
            }
        }
    }

    async fn cleanup(self) {
        if let Ctx::Postgres { url, schema } = self {
            let pool = PgPool::connect(&url).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let ctx = super::Ctx::sqlite();
                    super::$name(&ctx).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(ctx) = super::Ctx::postgres().await else {
                        eprintln!(
                            "skipped on PostgreSQL: set {} to run {}",
                            super::PG_ENV,
                            stringify!($name)
                        );
                        return;
                    };
                    super::$name(&ctx).await;
                    ctx.cleanup().await;
                }
            )*
        }
    };
}

on_both_backends!(
    elections_are_added_once_and_read_back,
    appends_get_contiguous_indices_and_one_outcome_each,
    policy_last_keeps_revotes_and_refuses_replays,
    hostile_requests_get_typed_errors,
    the_database_itself_enforces_the_rules,
    checkpoints_are_stored_and_conflicts_refused,
    a_checkpoint_commits_with_its_entries_or_nothing_does,
    acknowledged_appends_survive_reopening,
    two_processes_appending_at_once_never_break_the_log,
);

fn election(id: &str, revote: RevotePolicy) -> NewElection {
    NewElection {
        id: id.into(),
        bundle: format!(r#"{{"version":1,"id":"{id}"}}"#),
        opens_at: T0,
        closes_at: T0 + 3600,
        revote,
    }
}

fn entry(nullifier: &str, ballot: &str) -> NewEntry {
    NewEntry {
        nullifier: nullifier.into(),
        ballot: ballot.as_bytes().to_vec(),
    }
}

async fn all_entries(store: &Store, id: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    loop {
        let page = store.entries(id, out.len() as u64, MAX_PAGE).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

async fn elections_are_added_once_and_read_back(ctx: &Ctx) {
    let s = ctx.open().await;
    let e = election("42", RevotePolicy::First);
    s.add_election(&e, T0 - 10).await.unwrap();
    let got = s.election("42").await.unwrap();
    assert_eq!(
        got,
        Election {
            id: e.id.clone(),
            bundle: e.bundle.clone(),
            opens_at: e.opens_at,
            closes_at: e.closes_at,
            revote: RevotePolicy::First,
            created: T0 - 10,
            log_size: 0,
        }
    );
    assert!(matches!(
        s.add_election(&e, T0).await,
        Err(Error::DuplicateElection(id)) if id == "42"
    ));
    let last = election("0x2a", RevotePolicy::Last);
    s.add_election(&last, T0).await.unwrap();
    assert_eq!(s.election("0x2a").await.unwrap().revote, RevotePolicy::Last);
    s.close().await;
}

async fn appends_get_contiguous_indices_and_one_outcome_each(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("7", RevotePolicy::First), T0)
        .await
        .unwrap();
    let out = s
        .append(
            "7",
            &[
                entry("n1", "ballot 1"),
                entry("n2", "ballot 2"),
                entry("n1", "ballot 1 again, other bytes"), // same nullifier in the batch
                entry("n3", "ballot 2"),                    // same bytes as index 1
                entry("n4", "ballot 4"),
            ],
            T0 + 1,
        )
        .await
        .unwrap();
    use AppendOutcome::*;
    assert_eq!(
        out,
        [
            Appended { index: 0 },
            Appended { index: 1 },
            NullifierUsed { index: 0 },
            DuplicateBallot { index: 1 },
            Appended { index: 2 },
        ]
    );
    let out = s
        .append("7", &[entry("n2", "x"), entry("n5", "ballot 5")], T0 + 2)
        .await
        .unwrap();
    assert_eq!(out, [NullifierUsed { index: 1 }, Appended { index: 3 }]);
    assert_eq!(s.append("7", &[], T0 + 2).await.unwrap(), []);
    assert_eq!(s.election("7").await.unwrap().log_size, 4);

    let all = all_entries(&s, "7").await;
    let want = ["ballot 1", "ballot 2", "ballot 4", "ballot 5"];
    assert_eq!(all.len(), 4);
    for (i, (e, b)) in all.iter().zip(want).enumerate() {
        assert_eq!(e.index, i as u64);
        assert_eq!(e.ballot, b.as_bytes());
        assert_eq!(e.leaf_hash, log::leaf_hash(b.as_bytes()));
    }
    assert_eq!(all[3].created, T0 + 2);
    let page = s.entries("7", 1, 2).await.unwrap();
    assert_eq!(page, all[1..3]);
    assert!(s.entries("7", 4, 10).await.unwrap().is_empty());

    // Proofs from the stored leaf hashes.
    let leaves = s.leaf_hashes("7", 0, 4).await.unwrap();
    assert_eq!(s.leaf_hashes("7", 1, 3).await.unwrap(), leaves[1..3]);
    assert!(s.leaf_hashes("7", 2, 2).await.unwrap().is_empty());
    let root = log::root_from_leaf_hashes(&leaves);
    let p = log::inclusion_proof(&mut &leaves[..], 2, 4).unwrap();
    log::verify_inclusion(&all[2].leaf_hash, 2, 4, &p, &root).unwrap();

    // Look-ups.
    let by_n = s.entries_by_nullifier("7", "n4").await.unwrap();
    assert_eq!(by_n, [all[2].clone()]);
    assert!(s.entries_by_nullifier("7", "n3").await.unwrap().is_empty());
    let by_h = s.entry_by_leaf_hash("7", &all[1].leaf_hash).await.unwrap();
    assert_eq!(by_h, Some(all[1].clone()));
    let none = s
        .entry_by_leaf_hash("7", &log::leaf_hash(b"never"))
        .await
        .unwrap();
    assert_eq!(none, None);
    s.close().await;
}

async fn policy_last_keeps_revotes_and_refuses_replays(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("9", RevotePolicy::Last), T0)
        .await
        .unwrap();
    s.add_election(&election("10", RevotePolicy::First), T0)
        .await
        .unwrap();
    use AppendOutcome::*;
    let out = s
        .append(
            "9",
            &[entry("n", "v1"), entry("n", "v2"), entry("m", "w1")],
            T0,
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        [
            Appended { index: 0 },
            Appended { index: 1 },
            Appended { index: 2 }
        ]
    );
    // Replaying the voter's first ballot after her revote is refused.
    let out = s
        .append("9", &[entry("n", "v1"), entry("n", "v3")], T0)
        .await
        .unwrap();
    assert_eq!(out, [DuplicateBallot { index: 0 }, Appended { index: 3 }]);
    let revotes = s.entries_by_nullifier("9", "n").await.unwrap();
    let idx: Vec<u64> = revotes.iter().map(|e| e.index).collect();
    assert_eq!(idx, [0, 1, 3]);
    // The same ballot bytes and nullifier in another election are another log.
    let out = s.append("10", &[entry("n", "v1")], T0).await.unwrap();
    assert_eq!(out, [Appended { index: 0 }]);
    s.close().await;
}

async fn hostile_requests_get_typed_errors(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("1", RevotePolicy::First), T0)
        .await
        .unwrap();
    assert!(matches!(
        s.append("2", &[entry("n", "b")], T0).await,
        Err(Error::UnknownElection(id)) if id == "2"
    ));
    assert!(matches!(
        s.election("2").await,
        Err(Error::UnknownElection(_))
    ));
    assert!(matches!(
        s.entries("2", 0, 1).await,
        Err(Error::UnknownElection(_))
    ));
    assert!(matches!(
        s.leaf_hashes("2", 0, 0).await,
        Err(Error::UnknownElection(_))
    ));
    assert!(matches!(
        s.entries_by_nullifier("2", "n").await,
        Err(Error::UnknownElection(_))
    ));
    assert!(matches!(
        s.latest_checkpoint("2").await,
        Err(Error::UnknownElection(_))
    ));
    assert!(matches!(
        s.put_checkpoint("2", 0, &log::EMPTY_ROOT, "x", T0).await,
        Err(Error::UnknownElection(_))
    ));
    // The voting window: [opens_at, closes_at).
    for now in [T0 - 1, T0 + 3600, i64::MIN, i64::MAX] {
        assert!(matches!(
            s.append("1", &[entry("n", "b")], now).await,
            Err(Error::ElectionClosed { .. })
        ));
    }
    assert_eq!(s.election("1").await.unwrap().log_size, 0);
    // Elections that cannot be.
    for (id, opens, closes) in [("01", T0, T0 + 1), ("x", T0, T0 + 1), ("3", T0, T0)] {
        let e = NewElection {
            opens_at: opens,
            closes_at: closes,
            ..election(id, RevotePolicy::First)
        };
        let r = s.add_election(&e, T0).await;
        assert!(
            matches!(
                r,
                Err(Error::BadElectionId(_)) | Err(Error::InvalidElection(_))
            ),
            "{id}: {r:?}"
        );
    }
    // Ranges.
    assert!(matches!(
        s.entries("1", 0, MAX_PAGE + 1).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        s.entries("1", u64::MAX, 1).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        s.leaf_hashes("1", 0, 1).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        s.leaf_hashes("1", 1, 0).await,
        Err(Error::InvalidRange(_))
    ));
    let big: Vec<NewEntry> = (0..=MAX_BATCH)
        .map(|i| entry(&i.to_string(), &i.to_string()))
        .collect();
    assert!(matches!(
        s.append("1", &big, T0).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        s.put_checkpoint("1", 1, &log::EMPTY_ROOT, "x", T0).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        s.checkpoint("1", u64::MAX).await,
        Err(Error::InvalidRange(_))
    ));
    assert!(matches!(
        Store::open("mysql://nope").await,
        Err(Error::Database(_))
    ));
    s.close().await;
}

/// The rules hold even for a writer that bypasses [`Store::append`].
async fn the_database_itself_enforces_the_rules(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("5", RevotePolicy::First), T0)
        .await
        .unwrap();
    s.add_election(&election("6", RevotePolicy::Last), T0)
        .await
        .unwrap();
    s.append("5", &[entry("n", "b0")], T0).await.unwrap();
    s.append("6", &[entry("n", "b0")], T0).await.unwrap();
    let h = |s: &str| log::leaf_hash(s.as_bytes()).to_vec();
    // (election, index, revote, nullifier, ballot): each must be refused.
    let bad: [(&str, i64, &str, &str, &str); 6] = [
        ("5", 0, "first", "m", "b1"),  // index taken
        ("5", 1, "first", "n", "b1"),  // nullifier used, policy first
        ("5", 1, "last", "n", "b1"),   // policy forged to dodge the nullifier rule
        ("5", 1, "first", "m", "b0"),  // same ballot again
        ("5", -1, "first", "m", "b1"), // negative index
        ("8", 0, "first", "m", "b1"),  // unknown election
    ];
    for (e, i, r, n, b) in bad {
        let res = on_pool!(s, pool => sqlx::query(INSERT_ENTRY)
            .bind(e).bind(i).bind(r).bind(n).bind(b.as_bytes()).bind(h(b)).bind(T0)
            .execute(pool).await.map(|r| r.rows_affected()));
        assert!(res.is_err(), "({e}, {i}, {r}, {n}, {b}) accepted");
    }
    // Policy last: the same nullifier again is fine for the database.
    let ok = on_pool!(s, pool => sqlx::query(INSERT_ENTRY)
        .bind("6").bind(1i64).bind("last").bind("n").bind(&b"b1"[..]).bind(h("b1")).bind(T0)
        .execute(pool).await.map(|r| r.rows_affected()));
    assert!(ok.is_ok(), "{ok:?}");
    // A short leaf hash.
    let res = on_pool!(s, pool => sqlx::query(INSERT_ENTRY)
        .bind("6").bind(2i64).bind("last").bind("n").bind(&b"b2"[..]).bind(&[0u8; 31][..]).bind(T0)
        .execute(pool).await.map(|r| r.rows_affected()));
    assert!(res.is_err());
    s.close().await;
}

async fn checkpoints_are_stored_and_conflicts_refused(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("11", RevotePolicy::First), T0)
        .await
        .unwrap();
    assert_eq!(s.latest_checkpoint("11").await.unwrap(), None);
    let key = generate_key(&mut ChaCha20Rng::seed_from_u64(5));
    let vkey = VerifierKey::new("box.example", key.verifying_key()).unwrap();
    let sign = |size: u64, root: log::Hash, ts: u64| {
        Checkpoint {
            box_name: "box.example".into(),
            election_id: "11".into(),
            size,
            root,
            timestamp: ts,
        }
        .sign(&key)
        .unwrap()
    };
    let note0 = sign(0, log::EMPTY_ROOT, 1);
    s.put_checkpoint("11", 0, &log::EMPTY_ROOT, &note0, T0)
        .await
        .unwrap();
    let entries: Vec<NewEntry> = (0..5)
        .map(|i| entry(&format!("n{i}"), &format!("b{i}")))
        .collect();
    s.append("11", &entries, T0).await.unwrap();
    let leaves = s.leaf_hashes("11", 0, 5).await.unwrap();
    let root5 = log::root_from_leaf_hashes(&leaves);
    let note5 = sign(5, root5, 2);
    s.put_checkpoint("11", 5, &root5, &note5, T0 + 1)
        .await
        .unwrap();
    // Again, identical: a no-op. Another note for the same size: refused.
    s.put_checkpoint("11", 5, &root5, &note5, T0 + 2)
        .await
        .unwrap();
    let other = sign(5, root5, 3);
    assert!(matches!(
        s.put_checkpoint("11", 5, &root5, &other, T0).await,
        Err(Error::CheckpointConflict { size: 5, .. })
    ));
    let latest = s.latest_checkpoint("11").await.unwrap().unwrap();
    assert_eq!(
        latest,
        StoredCheckpoint {
            size: 5,
            root: root5,
            note: note5.clone(),
            created: T0 + 1
        }
    );
    assert_eq!(s.checkpoint("11", 0).await.unwrap().unwrap().note, note0);
    assert_eq!(s.checkpoint("11", 3).await.unwrap(), None);
    // What a client does with them: open both, check consistency.
    let c0 = checkpoint::open(&note0, &vkey).unwrap();
    let c5 = checkpoint::open(&latest.note, &vkey).unwrap();
    let proof = log::consistency_proof(&mut &leaves[..], c0.size, c5.size).unwrap();
    log::verify_consistency(c0.size, c5.size, &proof, &c0.root, &c5.root).unwrap();
    s.close().await;
}

/// [`Store::append_with`]: the closure sees the indices, its checkpoint is committed with
/// the entries, and whatever fails (the closure, a checkpoint past the log, a conflicting
/// one) leaves nothing behind.
async fn a_checkpoint_commits_with_its_entries_or_nothing_does(ctx: &Ctx) {
    use AppendOutcome::*;
    let s = ctx.open().await;
    s.add_election(&election("12", RevotePolicy::First), T0)
        .await
        .unwrap();
    let cp = |size: u64, note: &str| NewCheckpoint {
        size,
        root: [size as u8; 32],
        note: note.to_owned(),
    };
    let batch = [entry("a", "A"), entry("b", "B"), entry("a", "A2")];
    let (out, stored) = s
        .append_with("12", &batch, T0, |start, outcomes| {
            assert_eq!(start, 0);
            assert_eq!(
                outcomes,
                [
                    Appended { index: 0 },
                    Appended { index: 1 },
                    NullifierUsed { index: 0 }
                ]
            );
            Ok(Some(cp(2, "two")))
        })
        .await
        .unwrap();
    assert_eq!(out.len(), 3);
    let want = StoredCheckpoint {
        size: 2,
        root: [2; 32],
        note: "two".into(),
        created: T0,
    };
    assert_eq!(stored.as_ref(), Some(&want));
    assert_eq!(s.latest_checkpoint("12").await.unwrap(), Some(want.clone()));

    // Each failure rolls back the entries too.
    let failing: [(&str, Result<Option<NewCheckpoint>, Error>); 3] = [
        (
            "the closure's error",
            Err(Error::Corrupt("signer broke".into())),
        ),
        ("a checkpoint past the log", Ok(Some(cp(4, "four")))),
        (
            "a second checkpoint of a stored size",
            Ok(Some(cp(2, "other"))),
        ),
    ];
    for (what, answer) in failing {
        let mut called = false;
        let r = s
            .append_with("12", &[entry("c", "C")], T0, |start, outcomes| {
                called = true;
                assert_eq!((start, outcomes), (2, &[Appended { index: 2 }][..]));
                answer
            })
            .await;
        assert!(called, "{what}");
        match (what, r) {
            (_, Ok(_)) => panic!("{what} was accepted"),
            ("the closure's error", Err(Error::Corrupt(m))) => assert_eq!(m, "signer broke"),
            ("a checkpoint past the log", Err(Error::InvalidRange(_))) => {}
            (
                "a second checkpoint of a stored size",
                Err(Error::CheckpointConflict { size: 2, .. }),
            ) => {}
            (_, Err(e)) => panic!("{what}: {e}"),
        }
        assert_eq!(s.election("12").await.unwrap().log_size, 2, "{what}");
        assert_eq!(all_entries(&s, "12").await.len(), 2, "{what}");
        assert_eq!(s.latest_checkpoint("12").await.unwrap(), Some(want.clone()));
    }
    // The same entry then goes in, with a checkpoint of a smaller size allowed too.
    let (out, stored) = s
        .append_with("12", &[entry("c", "C")], T0 + 1, |_, _| {
            Ok(Some(cp(1, "one")))
        })
        .await
        .unwrap();
    assert_eq!(out, [Appended { index: 2 }]);
    assert_eq!(stored.unwrap().size, 1);
    assert_eq!(s.checkpoint("12", 1).await.unwrap().unwrap().note, "one");
    // Nothing appended, nothing asked: no checkpoint.
    let (out, stored) = s
        .append_with("12", &[entry("c", "C")], T0 + 1, |_, o| {
            assert_eq!(o, [NullifierUsed { index: 2 }]);
            Ok(None)
        })
        .await
        .unwrap();
    assert_eq!((out.len(), stored), (1, None));
    // A full batch: every entry in one statement (7 parameters each), within both
    // databases' limits.
    let full: Vec<NewEntry> = (0..MAX_BATCH)
        .map(|i| entry(&format!("full{i}"), &format!("full ballot {i}")))
        .collect();
    let out = s.append("12", &full, T0 + 2).await.unwrap();
    assert_eq!(
        out.last(),
        Some(&Appended {
            index: 2 + MAX_BATCH as u64
        })
    );
    assert_eq!(
        s.election("12").await.unwrap().log_size,
        3 + MAX_BATCH as u64
    );
    s.close().await;
}

async fn acknowledged_appends_survive_reopening(ctx: &Ctx) {
    let s = ctx.open().await;
    s.add_election(&election("12", RevotePolicy::First), T0)
        .await
        .unwrap();
    let out = s
        .append("12", &[entry("a", "1"), entry("b", "2")], T0)
        .await
        .unwrap();
    assert_eq!(out.len(), 2);
    drop(s); // no close(): as if the process ended right after the acknowledgement
    let s = ctx.open().await; // migrations again: a no-op
    assert_eq!(s.election("12").await.unwrap().log_size, 2);
    assert_eq!(all_entries(&s, "12").await.len(), 2);
    let out = s.append("12", &[entry("c", "3")], T0).await.unwrap();
    assert_eq!(out, [AppendOutcome::Appended { index: 2 }]);
    s.close().await;
}

/// Two pools (two `zkvote serve` processes) append 500 entries each to one election at
/// once, 4 tasks each, in batches of 5; 100 nullifiers are submitted by both.
async fn two_processes_appending_at_once_never_break_the_log(ctx: &Ctx) {
    let (a, b) = (Arc::new(ctx.open().await), Arc::new(ctx.open().await));
    a.add_election(&election("13", RevotePolicy::First), T0)
        .await
        .unwrap();
    let submissions = |who: &str| -> Vec<NewEntry> {
        (0..500)
            .map(|i| {
                let n = if i % 5 == 0 {
                    // Shared: A in increasing order, B in decreasing, to meet in the middle.
                    let k = if who == "a" { i / 5 } else { 99 - i / 5 };
                    format!("shared-{k}")
                } else {
                    format!("{who}-{i}")
                };
                NewEntry {
                    ballot: format!("ballot of {n} from {who}").into_bytes(),
                    nullifier: n,
                }
            })
            .collect()
    };
    let mut tasks = Vec::new();
    for (store, who) in [(&a, "a"), (&b, "b")] {
        let subs = submissions(who);
        for t in 0..4 {
            let store = Arc::clone(store);
            let mine: Vec<NewEntry> = subs.iter().skip(t).step_by(4).cloned().collect();
            tasks.push(tokio::spawn(async move {
                let mut results = Vec::new();
                for batch in mine.chunks(5) {
                    let out = store.append("13", batch, T0).await.unwrap();
                    results.extend(batch.iter().cloned().zip(out));
                }
                results
            }));
        }
    }
    let mut results = Vec::new();
    for t in tasks {
        results.extend(t.await.unwrap());
    }
    assert_eq!(results.len(), 1000);

    let log = all_entries(&a, "13").await;
    let n = log.len();
    assert_eq!(n, 900, "400 + 400 own nullifiers and 100 shared ones once");
    assert_eq!(a.election("13").await.unwrap().log_size, n as u64);
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e.index, i as u64, "indices 0..N-1, contiguous");
    }
    let nullifiers: HashSet<&str> = log.iter().map(|e| e.nullifier.as_str()).collect();
    assert_eq!(nullifiers.len(), n, "no nullifier twice");
    let mut appended_per_nullifier: HashMap<&str, usize> = HashMap::new();
    for (sub, out) in &results {
        match *out {
            AppendOutcome::Appended { index } => {
                let e = &log[index as usize];
                assert_eq!(e.ballot, sub.ballot);
                *appended_per_nullifier.entry(&sub.nullifier).or_default() += 1;
            }
            AppendOutcome::NullifierUsed { index } => {
                let e = &log[index as usize];
                assert_eq!(
                    e.nullifier, sub.nullifier,
                    "refused with the index of the first"
                );
                assert_ne!(e.ballot, sub.ballot);
            }
            AppendOutcome::DuplicateBallot { .. } => panic!("no ballot was sent twice"),
        }
    }
    assert_eq!(appended_per_nullifier.len(), n);
    assert!(appended_per_nullifier.values().all(|&c| c == 1));
    let refused = results
        .iter()
        .filter(|(_, o)| matches!(o, AppendOutcome::NullifierUsed { .. }))
        .count();
    assert_eq!(refused, 100);
    a.close().await;
    b.close().await;
}

/// The SQLite connections are durable: WAL, synchronous = FULL (2), foreign keys on.
#[tokio::test]
async fn sqlite_is_opened_durable() {
    let ctx = Ctx::sqlite();
    let s = ctx.open().await;
    let Backend::Sqlite(pool) = &s.backend else {
        unreachable!()
    };
    let mut conn = pool.acquire().await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    assert_eq!(s.backend_name(), "sqlite");
}
