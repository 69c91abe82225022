//! A ballot file or JSON-lines entry (`Ballot::from_json`), then the checks against
//! its election (`prepare_ballot`: version, id, rules, proof hex and points).
//! Round trip: a parsed ballot written and parsed again is the same ballot; a proof
//! that decodes re-encodes to the same bytes (no second encoding of a proof).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zkvote_circuits::election::Election;
use zkvote_verifier::ballot::{encode_proof, prepare_ballot, Ballot};

/// The election the seed ballots were made for (`fuzz/seeds`).
static ELECTION: LazyLock<Election> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../fixtures/election.json")).expect("fixture election")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ballot) = Ballot::from_json("fuzz", text) else {
        return;
    };
    let written = serde_json::to_string(&ballot).expect("a ballot serialises");
    assert_eq!(
        Ballot::from_json("round trip", &written).ok(),
        Some(ballot.clone())
    );
    if let Ok(prepared) = prepare_ballot(&ELECTION, &ballot) {
        let bytes = hex::decode(&ballot.proof).expect("prepare_ballot decoded this hex");
        assert_eq!(
            encode_proof(&prepared.proof),
            bytes,
            "non-canonical proof accepted"
        );
    }
});
