//! A members list for `zkvote census build` (`Census::parse_members`, plain and
//! weighted), then the census built from it. Round trip: the list written back as
//! `commitment,weight` lines parses to the same members.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_circuits::{ballot::CensusKind, field::fr_to_decimal};
use zkvote_prover::census::Census;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [CensusKind::Plain, CensusKind::Weighted] {
        let Ok(members) = Census::parse_members(kind, text) else {
            continue;
        };
        let written: String = members
            .iter()
            .map(|m| format!("{},{}\n", fr_to_decimal(&m.commitment), m.weight))
            .collect();
        assert_eq!(
            Census::parse_members(kind, &written).ok(),
            Some(members.clone())
        );
        let _ = Census::build(kind, members);
    }
});
