//! A proving-tables file (`ProvingTables::parse`: magic, version 1 or 2, key digest,
//! the five tables' windows, sizes, indices and point bytes, the constraint
//! matrices). Round trip: the tables written (`to_bytes`) parse, and write the same
//! bytes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_prover::tables::ProvingTables;

fuzz_target!(|data: &[u8]| {
    let Ok((digest, tables)) = ProvingTables::parse("fuzz", data) else {
        return;
    };
    let written = tables.to_bytes(&digest);
    let (digest2, tables2) =
        ProvingTables::parse("round trip", &written).expect("written tables parse");
    assert_eq!(digest2, digest);
    assert_eq!(tables2.to_bytes(&digest2), written);
});
