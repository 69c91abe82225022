//! The ballot box over HTTP on loopback, with real proofs, on SQLite and (when
//! `ZKVOTE_TEST_DATABASE_URL` is set) PostgreSQL: what is accepted, what is refused and
//! with which status, receipts, checkpoints, the running count against the tally.

mod common;

use common::{start, world, Db, T0};
use zkvote_circuits::election::Revote;
use zkvote_server::checkpoint::VerifierKey;
use zkvote_server::client::{Client, ClientError};
use zkvote_server::receipt::{check_receipt, check_still_included};
use zkvote_server::wire::{ApiError, EntriesPage, ResultsOut};
use zkvote_verifier::ballot::Ballot;
use zkvote_verifier::tally::{tally, BoxOrder, TallyInput};

fn refused(r: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match r {
        Err(ClientError::Refused { status, code, .. }) => (status, code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Posts raw bytes; returns the status and the error body (if the answer is one).
fn post_raw(url: &str, body: Vec<u8>) -> (u16, Option<ApiError>) {
    let r = reqwest::blocking::Client::new()
        .post(url)
        .body(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (status, serde_json::from_str(&text).ok())
}

fn log_size(c: &Client, id: &str) -> u64 {
    c.info(id).unwrap().log_size
}

fn tally_from_box(
    c: &Client,
    id: &str,
    w: &common::World,
    e: &zkvote_circuits::election::Election,
) -> Vec<u128> {
    let page: EntriesPage = c.entries(id, 0, 1000).unwrap();
    let inputs = page
        .entries
        .iter()
        .map(|en| TallyInput {
            source: format!("entry {}", en.index),
            ballot: Ballot::from_json("entry", &en.ballot),
            cast_at: Some(en.logged_at),
        })
        .collect();
    let r = tally(e, &w.pvk, inputs, BoxOrder::Log);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    r.totals
}

fn the_box_accepts_refuses_and_receipts(db: Db) {
    let w = world(5, 11);
    let e = w.election("Proposal 7", Revote::First);
    let id = zkvote_circuits::field::fr_to_decimal(&e.id);
    let other = w.election("Another", Revote::First);
    let running = start(&db, 1, vec![w.files(&e)]);
    let c = Client::new(&running.url).unwrap();
    let key = VerifierKey::parse(&running.box_key).unwrap();
    let name = db.name();

    // The bundle: election and files as registered.
    let info = c.info(&id).unwrap();
    assert_eq!(info.election, e, "{name}");
    assert_eq!(info.box_key, running.box_key);
    assert_eq!(info.phase, "open");
    assert_eq!(info.files.len(), 4);
    assert_eq!(c.file(&id, "proving.key").unwrap(), w.files(&e).proving_key);
    assert_eq!(
        refused(c.file(&id, "../etc/passwd")),
        (404, "not_found".into())
    );
    assert_eq!(refused(c.info("12345")), (404, "not_found".into()));

    // Valid ballots: receipts that check, in log order.
    let b: Vec<Ballot> = (0..3)
        .map(|i| w.ballot(&e, i, i % 3, 100 + i as u64))
        .collect();
    let mut receipts = Vec::new();
    for (i, ballot) in b.iter().enumerate() {
        let r = c.submit(&id, &serde_json::to_vec(ballot).unwrap()).unwrap();
        assert_eq!(r.index, i as u64);
        let cp = check_receipt(&r, &key).unwrap();
        assert_eq!(cp.size, i as u64 + 1);
        receipts.push(r);
    }
    // A receipt checked against another key, or with a changed ballot, fails.
    let stranger = VerifierKey::new(
        "box.test",
        zkvote_server::checkpoint::generate_key(&mut rand::thread_rng()).verifying_key(),
    )
    .unwrap();
    assert!(check_receipt(&receipts[0], &stranger).is_err());
    let mut forged = receipts[0].clone();
    forged.ballot = forged
        .ballot
        .replace("\"votes\":[1,0,0]", "\"votes\":[0,1,0]");
    assert!(check_receipt(&forged, &key).is_err());
    let mut forged = receipts[1].clone();
    forged.index = 0;
    assert!(check_receipt(&forged, &key).is_err());

    // Refusals, each with its status; nothing stored.
    let before = log_size(&c, &id);
    let again = w.ballot(&e, 0, 2, 200); // member 0 again, another choice
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&again).unwrap())),
        (409, "nullifier_used".into())
    );
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&b[1]).unwrap())),
        (409, "nullifier_used".into())
    );
    let mut tampered = w.ballot(&e, 3, 0, 300);
    tampered.votes = vec![0, 1, 0];
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&tampered).unwrap())),
        (422, "invalid_ballot".into())
    );
    let mut broken_rules = w.ballot(&e, 3, 0, 301);
    broken_rules.votes = vec![1, 1, 0];
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&broken_rules).unwrap())),
        (422, "invalid_ballot".into())
    );
    let foreign = w.ballot(&other, 3, 0, 302);
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&foreign).unwrap())),
        (400, "wrong_election".into())
    );
    let good = serde_json::to_vec(&w.ballot(&e, 3, 1, 303)).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let url = format!("{}/v1/elections/{id}/ballots", running.url);
    let hostile: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("empty", vec![], 400, "malformed"),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            400,
            "malformed",
        ),
        ("not UTF-8", vec![0xff, 0xfe, b'{'], 400, "malformed"),
        ("an array", b"[1,2,3]".to_vec(), 400, "malformed"),
        (
            "wrong type",
            text.replacen("\"weight\":1", "\"weight\":\"1\"", 1)
                .into_bytes(),
            400,
            "malformed",
        ),
        (
            "negative",
            text.replacen("\"weight\":1", "\"weight\":-1", 1)
                .into_bytes(),
            400,
            "malformed",
        ),
        (
            "unknown field",
            text.replacen("{", "{\"extra\":1,", 1).into_bytes(),
            400,
            "malformed",
        ),
        (
            "leading zero",
            text.replacen("\"nullifier\":\"", "\"nullifier\":\"0", 1)
                .into_bytes(),
            400,
            "malformed",
        ),
        (
            "nullifier ≥ r",
            {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                let mut v = v;
                v["nullifier"] = serde_json::Value::String(
                    "21888242871839275222246405745257275088548364400416034343698204186575808495617"
                        .into(),
                );
                serde_json::to_vec(&v).unwrap()
            },
            400,
            "malformed",
        ),
        (
            "proof not hex",
            text.replacen("\"proof\":\"", "\"proof\":\"zz", 1)
                .into_bytes(),
            422,
            "invalid_ballot",
        ),
        (
            "huge",
            [text.as_bytes(), &vec![b' '; 20_000]].concat(),
            413,
            "too_large",
        ),
    ];
    for (what, body, status, code) in hostile {
        let (s, err) = post_raw(&url, body);
        assert_eq!(s, status, "{name}: {what}: {err:?}");
        assert_eq!(
            err.map(|e| e.error).as_deref(),
            Some(code),
            "{name}: {what}"
        );
    }
    let (s, err) = post_raw(
        &format!("{}/v1/elections/999/ballots", running.url),
        good.clone(),
    );
    assert_eq!((s, err.unwrap().error.as_str()), (404, "not_found"));
    for bad in [
        "consistency?from=1",
        "consistency?from=01&to=2",
        "consistency?from=2&to=1",
        "consistency?from=0&to=99",
        "entries?limit=100000",
        "entries?start=-1",
        "receipts/abc",
        "checkpoints/x",
        "nowhere",
    ] {
        let r = reqwest::blocking::get(format!("{}/v1/elections/{id}/{bad}", running.url)).unwrap();
        let status = r.status().as_u16();
        let body: ApiError = r.json().unwrap();
        assert!(status == 400 || status == 404, "{bad}: {status} {body:?}");
    }
    assert_eq!(
        log_size(&c, &id),
        before,
        "{name}: a refused ballot was stored"
    );

    // The window: refused before and after, by the box's clock.
    running.set_time(T0 - 1);
    assert_eq!(refused(c.submit(&id, &good)), (403, "not_open".into()));
    running.set_time(T0 + 1000);
    assert_eq!(refused(c.submit(&id, &good)), (403, "closed".into()));
    running.set_time(T0 + 999);
    let last = c.submit(&id, &good).unwrap();
    assert_eq!(last.index, 3);

    // The log only grew: every receipt's checkpoint is consistent with the latest.
    let latest = c.latest_checkpoint(&id).unwrap();
    for r in &receipts {
        let old = check_receipt(r, &key).unwrap();
        let proof = c.consistency(&id, old.size, 4).unwrap();
        let new = check_still_included(&old, &latest, &proof.proof, &key).unwrap();
        assert_eq!(new.size, 4);
    }
    // A fresh receipt of an old ballot, against the latest checkpoint.
    let again = reqwest::blocking::get(format!(
        "{}/v1/elections/{id}/receipts/{}",
        running.url, receipts[0].leaf_hash
    ))
    .unwrap()
    .json()
    .unwrap();
    assert_eq!(check_receipt(&again, &key).unwrap().size, 4);

    // The box's running count is the tally of its log.
    let results: ResultsOut =
        reqwest::blocking::get(format!("{}/v1/elections/{id}/results", running.url))
            .unwrap()
            .json()
            .unwrap();
    assert_eq!(results.totals, tally_from_box(&c, &id, &w, &e));
    assert_eq!(results.totals, vec![1, 2, 1]);
    assert_eq!(
        (results.counted, results.log_size, results.checkpoint_size),
        (4, 4, 4)
    );
    // The page is served.
    let page = reqwest::blocking::get(format!("{}/", running.url))
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("zkvote ballot box"));
}

#[test]
fn the_box_accepts_refuses_and_receipts_on_sqlite() {
    the_box_accepts_refuses_and_receipts(Db::sqlite());
}

#[test]
fn the_box_accepts_refuses_and_receipts_on_postgres() {
    if let Some(db) = Db::postgres("the_box_accepts_refuses_and_receipts_on_postgres") {
        the_box_accepts_refuses_and_receipts(db);
    }
}

fn policy_last_takes_the_latest_choice(db: Db) {
    let w = world(3, 21);
    let e = w.election("Last counts", Revote::Last);
    let id = zkvote_circuits::field::fr_to_decimal(&e.id);
    let running = start(&db, 2, vec![w.files(&e)]);
    let c = Client::new(&running.url).unwrap();
    let a = w.ballot(&e, 0, 0, 1);
    let b = w.ballot(&e, 0, 1, 2);
    let a_again = w.ballot(&e, 0, 0, 3); // the same choice as `a`, another proof
    c.submit(&id, &serde_json::to_vec(&a).unwrap()).unwrap();
    c.submit(&id, &serde_json::to_vec(&w.ballot(&e, 1, 2, 4)).unwrap())
        .unwrap();
    c.submit(&id, &serde_json::to_vec(&b).unwrap()).unwrap();
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&a_again).unwrap())),
        (409, "repeated_choice".into())
    );
    // The very same ballot again: the same choice too.
    assert_eq!(
        refused(c.submit(&id, &serde_json::to_vec(&b).unwrap())),
        (409, "repeated_choice".into())
    );
    let results: ResultsOut =
        reqwest::blocking::get(format!("{}/v1/elections/{id}/results", running.url))
            .unwrap()
            .json()
            .unwrap();
    assert_eq!(results.totals, vec![0, 1, 1], "{}", db.name());
    assert_eq!((results.counted, results.log_size), (2, 3));
    // The tally of the log agrees (it sees `a` superseded by `b`).
    let page = c.entries(&id, 0, 10).unwrap();
    let inputs = page
        .entries
        .iter()
        .map(|en| TallyInput {
            source: format!("entry {}", en.index),
            ballot: Ballot::from_json("entry", &en.ballot),
            cast_at: Some(en.logged_at),
        })
        .collect();
    let t = tally(&e, &w.pvk, inputs, BoxOrder::Log);
    assert_eq!(t.totals, results.totals);
    assert_eq!(t.counted.len(), 2);
}

#[test]
fn policy_last_takes_the_latest_choice_on_sqlite() {
    policy_last_takes_the_latest_choice(Db::sqlite());
}

#[test]
fn policy_last_takes_the_latest_choice_on_postgres() {
    if let Some(db) = Db::postgres("policy_last_takes_the_latest_choice_on_postgres") {
        policy_last_takes_the_latest_choice(db);
    }
}

/// Two `zkvote serve` processes (two boxes, two pools) on one PostgreSQL take ballots at
/// once: one log without gaps, each member counted once, checkpoints consistent.
#[test]
fn two_boxes_on_one_postgres_never_double_count() {
    let Some(db) = Db::postgres("two_boxes_on_one_postgres_never_double_count") else {
        return;
    };
    let w = world(8, 31);
    let e = w.election("Two boxes", Revote::First);
    let id = zkvote_circuits::field::fr_to_decimal(&e.id);
    let one = start(&db, 3, vec![w.files(&e)]);
    let two = start(&db, 3, vec![]);
    // Every member casts one ballot at each box at the same time: two ballots per
    // nullifier, racing.
    let ballots: Vec<(Vec<u8>, Vec<u8>)> = (0..8)
        .map(|i| {
            (
                serde_json::to_vec(&w.ballot(&e, i, 0, 1000 + i as u64)).unwrap(),
                serde_json::to_vec(&w.ballot(&e, i, 1, 2000 + i as u64)).unwrap(),
            )
        })
        .collect();
    let (u1, u2, id1, id2) = (one.url.clone(), two.url.clone(), id.clone(), id.clone());
    let b1: Vec<Vec<u8>> = ballots.iter().map(|b| b.0.clone()).collect();
    let b2: Vec<Vec<u8>> = ballots.iter().map(|b| b.1.clone()).collect();
    let t1 = std::thread::spawn(move || {
        let c = Client::new(&u1).unwrap();
        b1.iter()
            .map(|b| c.submit(&id1, b).is_ok())
            .collect::<Vec<_>>()
    });
    let t2 = std::thread::spawn(move || {
        let c = Client::new(&u2).unwrap();
        b2.iter()
            .map(|b| c.submit(&id2, b).is_ok())
            .collect::<Vec<_>>()
    });
    let (r1, r2) = (t1.join().unwrap(), t2.join().unwrap());
    for i in 0..8 {
        assert!(
            r1[i] ^ r2[i],
            "member {i}: accepted {} times",
            r1[i] as u8 + r2[i] as u8
        );
    }
    let c = Client::new(&one.url).unwrap();
    let page = c.entries(&id, 0, 100).unwrap();
    assert_eq!(page.log_size, 8);
    assert_eq!(
        page.entries.iter().map(|e| e.index).collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    let key = VerifierKey::parse(&one.box_key).unwrap();
    let c2 = Client::new(&two.url).unwrap();
    let n1 = c.latest_checkpoint(&id).unwrap();
    let n2 = c2.latest_checkpoint(&id).unwrap();
    let cp1 = zkvote_server::checkpoint::open(&n1, &key).unwrap();
    let cp2 = zkvote_server::checkpoint::open(&n2, &key).unwrap();
    assert_eq!((cp1.size, cp1.root), (cp2.size, cp2.root));
    let totals = tally_from_box(&c, &id, &w, &e);
    assert_eq!(totals.iter().sum::<u128>(), 8);
    assert_eq!(
        totals,
        c2.entries(&id, 0, 1).map(|_| totals.clone()).unwrap()
    );
}
