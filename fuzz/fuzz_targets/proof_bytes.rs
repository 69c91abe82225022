//! A Groth16 proof's bytes (`decode_proof`, uncompressed, as in ballots;
//! `decode_proof_compressed`). Whatever decodes re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_engine::{decode_proof, decode_proof_compressed, encode_proof, encode_proof_compressed};

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = decode_proof(data) {
        assert_eq!(
            encode_proof(&p).expect("encodes"),
            data,
            "non-canonical proof accepted"
        );
    }
    if let Ok(p) = decode_proof_compressed(data) {
        assert_eq!(
            encode_proof_compressed(&p).expect("encodes"),
            data,
            "non-canonical compressed proof accepted"
        );
    }
});
