//! A proving key file on the fast path: `parse_proving_key` with a trusted digest
//! equal to the file's own SHA-256, so the points are not validated (what `zkvote
//! vote` does with the election's digest). Unvalidated points must not crash the
//! reader either. Round trip: the key written parses, on the same path, to the same
//! shape and key; and a wrong digest is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_prover::keys::{parse_proving_key, proving_key_bytes};
use zkvote_verifier::keys::digest_hex;

fuzz_target!(|data: &[u8]| {
    let digest = digest_hex(data);
    let Ok((shape, pk)) = parse_proving_key("fuzz", data, Some(&digest)) else {
        return;
    };
    let wrong = digest_hex(&[data, b"x"].concat());
    assert!(parse_proving_key("fuzz", data, Some(&wrong)).is_err());
    let written = proving_key_bytes(&shape, &pk);
    let (shape2, pk2) = parse_proving_key("round trip", &written, Some(&digest_hex(&written)))
        .expect("a written key parses");
    assert_eq!(shape2, shape);
    assert!(pk2 == pk, "the key changed in a round trip");
});
