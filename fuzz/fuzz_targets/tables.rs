//! A proving-tables file (`ProvingTables::parse`: magic, version 3, key digest, the
//! five tables' windows, sizes, indices and point bytes, the constraint matrices, the
//! tag). The input is read twice: as a whole file (the tag check must refuse it without
//! a crash), and as the body of a file tagged with the fuzzer's key, so that mutations
//! reach the structure behind the tag. Round trip: the tables written (`to_bytes`)
//! parse, and write the same bytes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_engine::tables::{ProvingTables, TablesKey};

fuzz_target!(|data: &[u8]| {
    let key = TablesKey::from_bytes([7; 32]);
    let _ = ProvingTables::parse("fuzz", data, &key);
    let tagged = [data, key.tag_of(data).as_slice()].concat();
    let Ok((digest, tables)) = ProvingTables::parse("fuzz", &tagged, &key) else {
        return;
    };
    let written = tables.to_bytes(&digest, &key);
    let (digest2, tables2) =
        ProvingTables::parse("round trip", &written, &key).expect("written tables parse");
    assert_eq!(digest2, digest);
    assert_eq!(tables2.to_bytes(&digest2, &key), written);
});
