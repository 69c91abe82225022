//! A proving key file with every point checked (`parse_proving_key` without a
//! trusted digest: header of either version, arkworks body, trailing bytes, the QAP
//! reduction against the header). Round trip: `proving_key_bytes` parses to the
//! same shape and key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_prover::keys::{parse_proving_key, proving_key_bytes};

fuzz_target!(|data: &[u8]| {
    let Ok((shape, pk)) = parse_proving_key("fuzz", data, None) else {
        return;
    };
    let written = proving_key_bytes(&shape, &pk);
    let (shape2, pk2) =
        parse_proving_key("round trip", &written, None).expect("a written key parses");
    assert_eq!(shape2, shape);
    assert!(pk2 == pk, "the key changed in a round trip");
});
