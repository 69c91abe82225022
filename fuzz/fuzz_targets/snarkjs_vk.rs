//! A snarkjs `verification_key.json` (`import_verifying_key`: protocol, curve,
//! decimal numbers below the modulus, points on the curve and in the group).
//! Round trip: the imported key exported and imported again is the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_interop::snarkjs::{export_verifying_key, import_verifying_key, SnarkjsVerifyingKey};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<SnarkjsVerifyingKey>(data) else {
        return;
    };
    let Ok(vk) = import_verifying_key(&json) else {
        return;
    };
    let back = import_verifying_key(&export_verifying_key(&vk)).expect("an export imports");
    assert!(back == vk, "the key changed in a round trip");
});
