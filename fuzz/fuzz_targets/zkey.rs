//! A snarkjs Groth16 `.zkey` (`import_zkey`: the binary sections, protocol, curve,
//! sizes, A and B coefficients against the circuit, every point), against the tiny
//! circuit's R1CS (`zkvote_fuzz::tiny_r1cs`; the seed is a snarkjs setup of it).
//! Round trip: the imported key, written as a zkvote proving key file as `zkvote
//! setup --from-zkey` does, parses to the same key, with snarkjs' QAP reduction.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zkvote_engine::keys::{reduction_of, QapReduction};
use zkvote_fuzz::{tiny_r1cs, TINY_SHAPE};
use zkvote_interop::circom::{import_zkey, R1cs};
use zkvote_prover::keys::{check_proving_key, parse_proving_key, proving_key_bytes};

static R1CS: LazyLock<R1cs> = LazyLock::new(tiny_r1cs);

fuzz_target!(|data: &[u8]| {
    let Ok(pk) = import_zkey("fuzz", data, &R1CS) else {
        return;
    };
    assert_eq!(pk.vk.gamma_abc_g1.len(), R1CS.num_public + 1);
    assert_eq!(pk.a_query.len(), R1CS.num_wires);
    assert_eq!(reduction_of(&pk), QapReduction::Circom);
    // A zkey that lets anyone forge (e.g. an un-contributed one) is refused by the
    // key check that every key file passes; it must say so, never crash.
    if check_proving_key("fuzz", &pk).is_err() {
        return;
    }
    let written = proving_key_bytes(&TINY_SHAPE, &pk);
    let (_, back) = parse_proving_key("round trip", &written, None).expect("a written key parses");
    assert!(back == pk, "the key changed in a round trip");
});
