//! A census file as the CLI loads it (`serde_json` then `Census::from_file`:
//! version, kind, weights, the stored root against the rebuilt tree), then a Merkle
//! proof of its first member. Round trip: `to_file` gives back the file read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_prover::census::{Census, CensusFile};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = serde_json::from_slice::<CensusFile>(data) else {
        return;
    };
    let Ok(census) = Census::from_file(file.clone()) else {
        return;
    };
    assert_eq!(census.to_file(), file);
    let written = serde_json::to_string(&file).expect("a census serialises");
    let back: CensusFile = serde_json::from_str(&written).expect("a written census parses");
    assert_eq!(back, file);
    if let Some(m) = file.members.first() {
        let (proof, weight) = census
            .proof_for(&m.commitment)
            .expect("a member has a proof");
        assert_eq!(weight, m.weight);
        assert_eq!(proof.compute_root().ok(), Some(census.root()));
    }
});
