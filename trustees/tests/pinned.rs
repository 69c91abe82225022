//! Saved files that must keep verifying (a change of label, transcript order or encoding
//! breaks them), and the fixed-seed run that made them, which must still make them byte
//! for byte. `ZKVOTE_REGENERATE=1 cargo test -p zkvote-trustees --test pinned` rewrites
//! them: do that only with a new format version (labels.rs).

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_trustees::decrypt::{combine, partial_decrypt, DecryptionTranscript};
use zkvote_trustees::dkg::{DkgParams, DkgResult, DkgTranscript, Trustee};
use zkvote_trustees::dlog::DlogTable;
use zkvote_trustees::format::{from_json, to_json};
use zkvote_trustees::group::Scalar;
use zkvote_trustees::keys::TrusteeKeyPair;

const ELECTION: &str = "pinned-election";

/// (transcript, result, decryption) as JSON, from seed 15.
fn make() -> [String; 3] {
    let mut rng = ChaCha20Rng::seed_from_u64(15);
    let keys: Vec<TrusteeKeyPair> = (0..3).map(|_| TrusteeKeyPair::generate(&mut rng)).collect();
    let regs = keys
        .iter()
        .zip(1..)
        .map(|(k, i)| k.register("pinned", i, &mut rng))
        .collect();
    let params = DkgParams::new("pinned", 2, regs).unwrap();
    let trustees: Vec<Trustee<'_>> = keys
        .iter()
        .zip(1..)
        .map(|(k, i)| Trustee::new(&params, i, k).unwrap())
        .collect();
    let dealings: Vec<_> = trustees.iter().map(|t| t.deal(&mut rng)).collect();
    let transcript = DkgTranscript::new(params.clone(), dealings, vec![]).unwrap();
    let finals: Vec<_> = trustees
        .iter()
        .map(|t| t.finalize(&transcript, None).unwrap())
        .collect();
    let result = finals[0].0.clone();
    let pk = result.key.elgamal().unwrap();
    let cts: Vec<_> = [3u64, 0, 5]
        .iter()
        .map(|m| pk.encrypt(&Scalar::from(*m), &mut rng))
        .collect();
    let partials: Vec<_> = [0usize, 2]
        .iter()
        .map(|j| partial_decrypt(ELECTION, &result.key, &finals[*j].1, &cts, &mut rng).unwrap())
        .collect();
    let d = combine(
        ELECTION,
        &result.key,
        &cts,
        &partials,
        &DlogTable::new(8).unwrap(),
    )
    .unwrap();
    [to_json(&transcript), to_json(&result), to_json(&d)]
}

const FILES: [&str; 3] = ["dkg-transcript.json", "dkg-result.json", "decryption.json"];

fn path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn saved_files_still_verify_and_are_reproduced() {
    let made = make();
    if std::env::var_os("ZKVOTE_REGENERATE").is_some() {
        for (name, json) in FILES.iter().zip(&made) {
            std::fs::write(path(name), format!("{json}\n")).unwrap();
        }
    }
    let saved: Vec<String> = FILES
        .iter()
        .map(|n| std::fs::read_to_string(path(n)).unwrap())
        .collect();
    let transcript: DkgTranscript = from_json(&saved[0]).unwrap();
    let result: DkgResult = from_json(&saved[1]).unwrap();
    result.verify(&transcript).unwrap();
    let d: DecryptionTranscript = from_json(&saved[2]).unwrap();
    d.verify_for(ELECTION, &result.key, &DlogTable::new(8).unwrap())
        .unwrap();
    assert_eq!(d.totals, vec![3, 0, 5]);
    for ((name, s), m) in FILES.iter().zip(&saved).zip(&made) {
        assert_eq!(
            s.trim_end(),
            m,
            "{name}: the fixed-seed run no longer makes this file"
        );
    }
}
