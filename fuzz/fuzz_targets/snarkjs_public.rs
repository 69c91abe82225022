//! A snarkjs `public.json` (`import_public`: decimal strings below r). Round trip:
//! export then import gives the same inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_interop::snarkjs::{export_public, import_public};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<Vec<String>>(data) else {
        return;
    };
    let Ok(inputs) = import_public(&json) else {
        return;
    };
    assert_eq!(import_public(&export_public(&inputs)).ok(), Some(inputs));
});
