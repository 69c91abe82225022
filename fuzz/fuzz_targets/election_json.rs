//! An election file as the CLI loads it (`serde_json` then `Election::validate`:
//! version, rules against the shape, options, digests, id), then what is computed
//! from a loaded election (packed rules, padded votes, public inputs).
//! Round trip: a valid election written and parsed again is the same election.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_circuits::{ballot::public_inputs::BallotInstance, election::Election};

fuzz_target!(|data: &[u8]| {
    let Ok(e) = serde_json::from_slice::<Election>(data) else {
        return;
    };
    if e.validate().is_err() {
        return;
    }
    let written = serde_json::to_string(&e).expect("an election serialises");
    let back: Election = serde_json::from_str(&written).expect("a written election parses");
    assert_eq!(back, e);
    assert!(back.validate().is_ok());
    let _ = e.rules.pack();
    let Ok(padded) = e.padded_votes(&vec![0; e.options.len()]) else {
        return;
    };
    let instance = BallotInstance {
        election_id: e.id,
        census_root: e.census.root,
        nullifier: e.id,
        rules: e.rules.clone(),
        weight: 1,
        votes: padded,
    };
    let _ = instance.to_field_elements(&e.shape);
});
