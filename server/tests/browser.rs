//! The results page in a real browser: headless Chromium (Debian's `chromium`) driven by
//! Playwright (`playwright-core`, pinned in `server/browser/package-lock.json`). The page
//! loads, its totals equal the API's, a receipt lookup finds a ballot (and reports a
//! missing one), and a screenshot is saved under the target directory as an artifact.
//!
//! Needs node and Chromium. Without `/usr/bin/chromium` (or `CHROMIUM`) the test says it
//! was skipped, unless `ZKVOTE_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{start, world, Db};
use zkvote_circuits::election::Revote;
use zkvote_server::client::Client;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

/// `npm ci` in `server/browser` when playwright-core is missing.
fn playwright() {
    let dir = browser_dir();
    if dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm ci in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_results_page_shows_the_api_totals_and_finds_a_receipt() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        assert!(
            std::env::var("ZKVOTE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "ZKVOTE_REQUIRE_BROWSER=1 but there is no Chromium at {chromium}"
        );
        eprintln!("browser test skipped: no Chromium at {chromium} (apt-get install chromium)");
        return;
    }
    playwright();
    let w = world(4, 41);
    let e = w.election("Proposal 9: the treasury", Revote::First);
    let id = zkvote_circuits::field::fr_to_decimal(&e.id);
    let db = Db::sqlite();
    let running = start(&db, 4, vec![w.files(&e)]);
    let c = Client::new(&running.url).unwrap();
    let mut receipts = Vec::new();
    for (who, choice) in [(0, 0), (1, 0), (2, 1)] {
        let b = w.ballot(&e, who, choice, 500 + who as u64);
        receipts.push(c.submit(&id, &serde_json::to_vec(&b).unwrap()).unwrap());
    }
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("results-page.png");
    let _ = std::fs::remove_file(&shot);
    let out = Command::new("node")
        .arg(browser_dir().join("results-page.mjs"))
        .args([&running.url, &id, &receipts[1].leaf_hash])
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(said.trim()).unwrap();
    assert_eq!(seen["totals"], serde_json::json!([2, 1, 0]));
    assert_eq!(seen["log_size"], 3);
    assert!(
        seen["found"]
            .as_str()
            .unwrap()
            .contains("entry 1 of the log"),
        "{seen}"
    );
    assert!(
        seen["missing"].as_str().unwrap().starts_with("Not found"),
        "{seen}"
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot at {}",
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}
