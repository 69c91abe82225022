//! A verifying key file (`parse_verifying_key`: header, arkworks body with curve and
//! subgroup checks, trailing bytes, number of public inputs of the shape).
//! Round trip: the key written (`verifying_key_bytes`) parses to the same shape and key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_verifier::keys::{digest_hex, parse_verifying_key, verifying_key_bytes};

fuzz_target!(|data: &[u8]| {
    let Ok((shape, vk, digest)) = parse_verifying_key("fuzz", data) else {
        return;
    };
    assert_eq!(digest, digest_hex(data));
    let written = verifying_key_bytes(&shape, &vk);
    let (shape2, vk2, _) =
        parse_verifying_key("round trip", &written).expect("a written key parses");
    assert_eq!(shape2, shape);
    assert!(vk2 == vk, "the key changed in a round trip");
});
