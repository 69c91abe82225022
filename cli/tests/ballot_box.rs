//! The ballot box through the binary, as its users run it: the organizer adds an election
//! to a box and serves it; voters fetch what they need, vote with `--submit` and check
//! their receipts; anyone tallies from the box. On SQLite (`--data`) always, and on
//! PostgreSQL (`--database`) when `ZKVOTE_TEST_DATABASE_URL` names one.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{census, fails, json, ok, zkvote};

/// A `zkvote serve` child process, stopped (SIGTERM, then waited for) when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    // The child is returned inside `Server`, whose `Drop` kills and waits for it.
    #[allow(clippy::zombie_processes)]
    fn start(dir: &Path, storage: &[&str]) -> Server {
        let ready = dir.join(format!("ready-{}", std::process::id()));
        let _ = std::fs::remove_file(&ready);
        let mut child = Command::new(env!("CARGO_BIN_EXE_zkvote"))
            .current_dir(dir)
            .arg("serve")
            .args(storage)
            .args(["--listen", "127.0.0.1:0", "--ready-file"])
            .arg(&ready)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("zkvote serve starts");
        let t = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if text.ends_with('\n') {
                    return Server {
                        child,
                        url: text.trim().to_owned(),
                    };
                }
            }
            if t.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the box did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(mut self) {
        // SAFETY: sending a signal to our own child by its pid.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let status = self.child.wait().unwrap();
        assert!(status.success(), "zkvote serve exited with {status}");
        std::mem::forget(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A proxy in front of a box, on loopback, that forwards every `GET` and flips one byte
/// of the answers whose path ends with `tamper`: a box that lies about a file.
struct TamperingProxy {
    url: String,
}

impl TamperingProxy {
    fn start(upstream: &str, tamper: &'static str) -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.to_owned();
        // Serves until the test process ends (a detached thread blocked in `accept`).
        std::thread::spawn(move || {
            let http = reqwest::blocking::Client::new();
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let mut reader = BufReader::new(conn);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(n) if n > 2 => {}
                        _ => break,
                    }
                }
                let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
                let (status, mut body) = match http.get(format!("{upstream}{path}")).send() {
                    Ok(r) => (
                        r.status().as_u16(),
                        r.bytes().map(|b| b.to_vec()).unwrap_or_default(),
                    ),
                    Err(_) => (502, Vec::new()),
                };
                if path.ends_with(tamper) {
                    if let Some(b) = body.iter_mut().rev().find(|b| b.is_ascii_digit()) {
                        *b = if *b == b'1' { b'2' } else { b'1' };
                    }
                }
                let mut conn = reader.into_inner();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/octet-stream\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(head.as_bytes());
                let _ = conn.write_all(&body);
            }
        });
        TamperingProxy { url }
    }
}

fn organize(dir: &Path, revote: &str) {
    ok(
        dir,
        &["setup", "--depth", "4", "--fields", "3", "--out", "keys"],
    );
    census(dir, &["alice", "bob", "carol"], &["mallory"]);
    ok(
        dir,
        &[
            "election",
            "new",
            "--census",
            "census.json",
            "--options",
            "A,B,C",
            "--mode",
            "single",
            "--depth",
            "4",
            "--fields",
            "3",
            "--title",
            "Proposal 7",
            "--opens-at",
            "now",
            "--closes-at",
            "+1h",
            "--revote",
            revote,
            "--out",
            "election.json",
        ],
    );
}

fn vote_submit(dir: &Path, who: &str, choice: &str, out: &str, url: &str) -> String {
    ok(
        dir,
        &[
            "vote",
            "--identity",
            &format!("../org/{who}.json"),
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--keys",
            "keys",
            "--choice",
            choice,
            "--out",
            out,
            "--submit",
            url,
        ],
    )
}

fn the_whole_flow(storage: &[&str], tag: &str) {
    let root = tempfile::tempdir().unwrap();
    let org = root.path().join("org");
    let voter = root.path().join("voter");
    std::fs::create_dir_all(&org).unwrap();
    organize(&org, "last");
    let said = ok(
        &org,
        &[
            &["box", "add"][..],
            storage,
            &[
                "--election",
                "election.json",
                "--census",
                "census.json",
                "--keys",
                "keys",
            ],
        ]
        .concat(),
    );
    assert!(said.contains("added to the box"), "{tag}: {said}");
    // Adding it twice, or an election without a window, is refused.
    fails(
        &org,
        &[
            &["box", "add"][..],
            storage,
            &[
                "--election",
                "election.json",
                "--census",
                "census.json",
                "--keys",
                "keys",
            ],
        ]
        .concat(),
        2,
        "already exists",
    );
    ok(
        &org,
        &[
            "election",
            "new",
            "--census",
            "census.json",
            "--options",
            "A,B,C",
            "--depth",
            "4",
            "--fields",
            "3",
            "--out",
            "nowindow.json",
        ],
    );
    fails(
        &org,
        &[
            &["box", "add"][..],
            storage,
            &[
                "--election",
                "nowindow.json",
                "--census",
                "census.json",
                "--keys",
                "keys",
            ],
        ]
        .concat(),
        2,
        "no voting window",
    );
    // A census that is not the election's (Mallory added): refused before anything is
    // stored, with the file named.
    let mut members = std::fs::read_to_string(org.join("members.txt")).unwrap();
    members.push_str(
        json(&org.join("mallory.json"))["commitment"]
            .as_str()
            .unwrap(),
    );
    members.push('\n');
    std::fs::write(org.join("members-plus.txt"), members).unwrap();
    ok(
        &org,
        &[
            "census",
            "build",
            "--members",
            "members-plus.txt",
            "--out",
            "other-census.json",
        ],
    );
    fails(
        &org,
        &[
            &["box", "add"][..],
            storage,
            &[
                "--election",
                "election.json",
                "--census",
                "other-census.json",
                "--keys",
                "keys",
            ],
        ]
        .concat(),
        2,
        "other-census.json: this census is not the election's",
    );

    let server = Server::start(&org, storage);
    let url = server.url.clone();
    let said = ok(root.path(), &["fetch", &url, "--out", "voter"]);
    assert!(said.contains("Proposal 7"), "{said}");
    // A box (here a proxy in front of the real one) that serves a census other than the
    // one it lists: the voter's fetch refuses it (exit 1, a failed check) and keeps
    // nothing.
    let hostile = TamperingProxy::start(&url, "/files/census.json");
    fails(
        root.path(),
        &["fetch", &hostile.url, "--out", "voter-hostile"],
        1,
        "census.json does not have the digest the box lists",
    );
    assert!(!root.path().join("voter-hostile/census.json").exists());
    assert_eq!(
        json(&voter.join("election.json")),
        json(&org.join("election.json"))
    );

    let said = vote_submit(&voter, "alice", "0", "alice-1.json", &url);
    assert!(said.contains("cast: entry 0"), "{tag}: {said}");
    vote_submit(&voter, "bob", "1", "bob.json", &url);
    // Alice changes her vote (policy last).
    vote_submit(&voter, "alice", "2", "alice-2.json", &url);
    // Mallory is not in the census: her vote fails before anything is sent.
    fails(
        &voter,
        &[
            "vote",
            "--identity",
            "../org/mallory.json",
            "--census",
            "census.json",
            "--election",
            "election.json",
            "--keys",
            "keys",
            "--choice",
            "0",
            "--out",
            "m.json",
            "--submit",
            &url,
        ],
        2,
        "not in the census",
    );
    // Alice's first ballot again: the box refuses it (exit 1) with its reason.
    let ballot = std::fs::read(voter.join("alice-1.json")).unwrap();
    std::fs::write(voter.join("again.json"), &ballot).unwrap();

    let said = ok(
        &voter,
        &["receipt", "check", "alice-1.receipt.json", "--box", &url],
    );
    assert!(said.contains("OK: the ballot is entry 0"), "{said}");
    // A receipt whose ballot was changed, or checked against another key, fails.
    let mut r = json(&voter.join("bob.receipt.json"));
    r["index"] = serde_json::json!(0);
    std::fs::write(voter.join("forged.json"), r.to_string()).unwrap();
    fails(
        &voter,
        &["receipt", "check", "forged.json", "--box", &url],
        1,
        "",
    );
    let other_key = zkvote_server::checkpoint::VerifierKey::new(
        "zkvote-box",
        ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key(),
    )
    .unwrap()
    .encode();
    fails(
        &voter,
        &[
            "receipt",
            "check",
            "bob.receipt.json",
            "--box",
            &url,
            "--box-key",
            &other_key,
        ],
        1,
        "is signed by",
    );
    let malformed = "zkvote-box+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    fails(
        &voter,
        &[
            "receipt",
            "check",
            "bob.receipt.json",
            "--box",
            &url,
            "--box-key",
            malformed,
        ],
        2,
        "malformed verifier key",
    );

    // Anyone: tally from the box; alice's second choice counts.
    // Exit 1: alice's first ballot is reported as superseded (not counted).
    let out = zkvote(root.path(), &["tally", "--from", &url, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let out = String::from_utf8(out.stdout).unwrap();
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        t["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("superseded"),
        "{out}"
    );
    assert_eq!(t["totals"], serde_json::json!([0, 1, 1]), "{tag}: {out}");
    assert_eq!(t["ballots"].as_array().unwrap().len(), 3);
    let said = common::text(&zkvote(
        root.path(),
        &["tally", "--from", &url, "--election", "org/election.json"],
    ));
    assert!(
        said.contains("3 ballots of the box's log verified"),
        "{said}"
    );
    assert!(said.contains("provisional"), "{said}");
    fails(
        root.path(),
        &["tally", "--from", &url, "--election", "org/nowindow.json"],
        1,
        "is not",
    );

    // Stopped and started again: every receipt still checks.
    server.stop();
    let server = Server::start(&org, storage);
    for r in ["alice-1", "bob", "alice-2"] {
        ok(
            &voter,
            &[
                "receipt",
                "check",
                &format!("{r}.receipt.json"),
                "--box",
                &server.url,
            ],
        );
    }
    // An unreachable box is an input error (2), not a rejection.
    server.stop();
    fails(
        &voter,
        &["receipt", "check", "bob.receipt.json", "--box", &url],
        2,
        "",
    );
    fails(
        root.path(),
        &["fetch", "ftp://example.org", "--out", "x"],
        2,
        "not an http",
    );
    let _ = zkvote(root.path(), &["--version"]);
}

#[test]
fn the_ballot_box_flow_on_sqlite() {
    the_whole_flow(&["--data", "box"], "sqlite");
}

#[test]
fn the_ballot_box_flow_on_postgres() {
    let Some(url) = std::env::var("ZKVOTE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("the_ballot_box_flow_on_postgres: skipped (ZKVOTE_TEST_DATABASE_URL is not set)");
        return;
    };
    // A schema of its own, named in the URL's options.
    let schema = format!("zkvote_cli_{}", std::process::id());
    let psql = |sql: &str| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        });
    };
    psql(&format!("CREATE SCHEMA {schema}"));
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let key: PathBuf =
        std::env::temp_dir().join(format!("zkvote-cli-box-{}.key", std::process::id()));
    let _ = std::fs::remove_file(&key);
    the_whole_flow(
        &["--database", &db, "--key", key.to_str().unwrap()],
        "postgres",
    );
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
    let _ = std::fs::remove_file(&key);
}

/// `zkvote demo` runs its election through a box on loopback: ballots cast over HTTP
/// with receipts, the double vote and the tampered ballot refused at the door, the tally
/// downloaded from the box.
#[test]
fn the_demo_runs_through_a_ballot_box() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(
        dir.path(),
        &["demo", "--members", "40", "--voters", "3", "--depth", "6"],
    );
    assert!(
        out.contains("3 ballots cast over HTTP, each with a checked receipt"),
        "{out}"
    );
    assert!(out.contains("a second vote of voter 0: 409"), "{out}");
    assert!(out.contains("a tampered ballot: 422"), "{out}");
    assert!(out.contains("3 ballots: 3 counted, 0 rejected"), "{out}");
}
