//! A snarkjs `proof.json` (`import_proof`). Round trip: export then import gives
//! the same proof.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_interop::snarkjs::{export_proof, import_proof, SnarkjsProof};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<SnarkjsProof>(data) else {
        return;
    };
    let Ok(proof) = import_proof(&json) else {
        return;
    };
    assert!(import_proof(&export_proof(&proof)).ok() == Some(proof));
});
