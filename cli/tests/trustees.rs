//! End-to-end: the trustees' ceremony through files, as three trustees on three
//! machines would run it (threshold 2), a decryption with one trustee absent, and
//! hostile inputs: a tampered dealing, a wrong key file, a threshold out of range, a
//! tampered or foreign partial decryption.

use std::path::Path;

mod common;
use common::{fails, json, ok};

const SESSION: &str = "dao.example/proposal-9/trustees";
const ELECTION: &str = "12345";

fn write(path: &Path, v: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Keys, dealings and complaints of trustees 1..=3 (threshold 2) under `d`.
fn ceremony(d: &Path) {
    for i in 1..=3 {
        let out = ok(
            d,
            &[
                "trustee",
                "keygen",
                "--index",
                &i.to_string(),
                "--session",
                SESSION,
                "--out",
                "pub",
            ],
        );
        assert!(out.contains(&format!("trustee-{i}.public.json")), "{out}");
        // Each trustee keeps her secret key apart.
        std::fs::create_dir_all(d.join("secret")).unwrap();
        std::fs::rename(
            d.join(format!("pub/trustee-{i}.secret.json")),
            d.join(format!("secret/{i}.json")),
        )
        .unwrap();
    }
    std::fs::create_dir_all(d.join("dealings")).unwrap();
    for i in 1..=3 {
        ok(
            d,
            &deal_args(
                &format!("secret/{i}.json"),
                "2",
                &format!("dealings/{i}.json"),
            ),
        );
    }
}

fn deal_args<'a>(key: &'a str, t: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "trustee",
        "deal",
        "--key",
        key,
        "--trustees",
        "pub",
        "--threshold",
        t,
        "--session",
        SESSION,
        "--out",
        out,
    ]
}

fn check_args<'a>(key: &'a str, dealings: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "trustee",
        "check",
        "--key",
        key,
        "--trustees",
        "pub",
        "--threshold",
        "2",
        "--session",
        SESSION,
        "--dealings",
        dealings,
        "--out",
        out,
    ]
}

fn finalize_args<'a>(dealings: &'a str, transcript: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "trustee",
        "finalize",
        "--trustees",
        "pub",
        "--threshold",
        "2",
        "--session",
        SESSION,
        "--dealings",
        dealings,
        "--complaints",
        "complaints",
        "--transcript",
        transcript,
        "--out",
        out,
    ]
}

#[test]
fn three_trustees_threshold_two_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ceremony(d);
    std::fs::create_dir_all(d.join("complaints")).unwrap();
    for i in 1..=3 {
        let out = ok(
            d,
            &check_args(
                &format!("secret/{i}.json"),
                "dealings",
                &format!("complaints/{i}.json"),
            ),
        );
        assert!(out.contains("0 complaints"), "{out}");
        assert_eq!(
            json(&d.join(format!("complaints/{i}.json"))),
            serde_json::json!([])
        );
    }
    let out = ok(d, &finalize_args("dealings", "transcript.json", "dkg.json"));
    assert!(out.contains("qualified: [1, 2, 3]"), "{out}");
    ok(
        d,
        &[
            "trustee",
            "verify-dkg",
            "--transcript",
            "transcript.json",
            "--dkg",
            "dkg.json",
        ],
    );

    // A result that does not match its transcript is rejected (1).
    let mut bad = json(&d.join("dkg.json"));
    bad["qualified"] = serde_json::json!([1, 2]);
    write(&d.join("bad-dkg.json"), &bad);
    fails(
        d,
        &[
            "trustee",
            "verify-dkg",
            "--transcript",
            "transcript.json",
            "--dkg",
            "bad-dkg.json",
        ],
        1,
        "does not match its transcript",
    );

    // Totals 7, 0, 42; trustee 2 is absent.
    ok(
        d,
        &[
            "trustee",
            "encrypt",
            "--dkg",
            "dkg.json",
            "--values",
            "7,0,42",
            "--election",
            ELECTION,
            "--out",
            "cts.json",
        ],
    );
    std::fs::create_dir_all(d.join("partials")).unwrap();
    for i in [1, 3] {
        ok(
            d,
            &[
                "trustee",
                "decrypt",
                "--key",
                &format!("secret/{i}.json"),
                "--transcript",
                "transcript.json",
                "--ciphertexts",
                "cts.json",
                "--out",
                &format!("partials/{i}.json"),
            ],
        );
    }
    let out = ok(
        d,
        &[
            "trustee",
            "combine",
            "--dkg",
            "dkg.json",
            "--ciphertexts",
            "cts.json",
            "--partials",
            "partials",
            "--bound-bits",
            "16",
            "--out",
            "decryption.json",
        ],
    );
    assert!(out.contains("totals: [7, 0, 42]"), "{out}");
    assert!(out.contains("used trustees: [1, 3]"), "{out}");
    assert_eq!(
        json(&d.join("decryption.json"))["totals"],
        serde_json::json!([7, 0, 42])
    );

    // Trustee 2 comes back; trustee 1's partial is tampered with and a partial claims to
    // be from trustee 4, who is not in the ceremony: both named and excluded.
    ok(
        d,
        &[
            "trustee",
            "decrypt",
            "--key",
            "secret/2.json",
            "--transcript",
            "transcript.json",
            "--ciphertexts",
            "cts.json",
            "--out",
            "partials/2.json",
        ],
    );
    let mut p1 = json(&d.join("partials/1.json"));
    let d1 = p1["shares"][1]["d"].clone();
    p1["shares"][0]["d"] = d1;
    write(&d.join("partials/1.json"), &p1);
    let mut p4 = json(&d.join("partials/3.json"));
    p4["trustee"] = serde_json::json!(4);
    write(&d.join("partials/4.json"), &p4);
    let out = fails(
        d,
        &[
            "trustee",
            "combine",
            "--dkg",
            "dkg.json",
            "--ciphertexts",
            "cts.json",
            "--partials",
            "partials",
            "--bound-bits",
            "16",
            "--out",
            "decryption2.json",
        ],
        1,
        "excluded: trustee 1",
    );
    assert!(out.contains("excluded: trustee 4"), "{out}");
    assert!(out.contains("totals: [7, 0, 42]"), "{out}");
    assert!(out.contains("used trustees: [2, 3]"), "{out}");
}

#[test]
fn hostile_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ceremony(d);
    // A second keygen for an index already in the directory overwrites nothing.
    fails(
        d,
        &[
            "trustee",
            "keygen",
            "--index",
            "1",
            "--session",
            SESSION,
            "--out",
            "pub",
        ],
        2,
        "already exists",
    );
    // A wrong key file (a public key where the secret one goes): input error.
    fails(
        d,
        &deal_args("pub/trustee-1.public.json", "2", "x.json"),
        2,
        "pub/trustee-1.public.json",
    );
    // A secret key of someone outside the ceremony: input error, the file named.
    ok(
        d,
        &[
            "trustee",
            "keygen",
            "--index",
            "4",
            "--session",
            SESSION,
            "--out",
            "outsider",
        ],
    );
    fails(
        d,
        &deal_args("outsider/trustee-4.secret.json", "2", "x.json"),
        2,
        "outsider/trustee-4.secret.json: this key is not one of the ceremony's trustees",
    );
    // Thresholds out of range: input errors, nothing written.
    fails(
        d,
        &deal_args("secret/1.json", "4", "x.json"),
        2,
        "threshold",
    );
    fails(
        d,
        &deal_args("secret/1.json", "0", "x.json"),
        2,
        "threshold",
    );
    assert!(!d.join("x.json").exists());

    // Dealer 3's dealing is changed after signing: trustee 1's check names dealer 3
    // (exit 1), and the public result disqualifies it (exit 1) but still finishes.
    let mut dealing = json(&d.join("dealings/3.json"));
    let e0 = dealing["shares"][0]["ephemeral"].clone();
    dealing["shares"][0]["ephemeral"] = dealing["shares"][1]["ephemeral"].clone();
    dealing["shares"][1]["ephemeral"] = e0;
    write(&d.join("dealings/3.json"), &dealing);
    std::fs::create_dir_all(d.join("complaints")).unwrap();
    fails(
        d,
        &check_args("secret/1.json", "dealings", "complaints/1.json"),
        1,
        "dealer 3",
    );
    let out = fails(
        d,
        &finalize_args("dealings", "transcript.json", "dkg.json"),
        1,
        "disqualified: dealer 3",
    );
    assert!(out.contains("qualified: [1, 2]"), "{out}");
    ok(
        d,
        &[
            "trustee",
            "verify-dkg",
            "--transcript",
            "transcript.json",
            "--dkg",
            "dkg.json",
        ],
    );
}
