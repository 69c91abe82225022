//! An identity file as the CLI loads it (`serde_json`, version, `Identity::import` of
//! the base64 private key, the commitment check). Round trip: the loaded identity
//! exported and imported again has the same private key, and its file loads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkvote_fuzz::identity_file::IdentityFile;
use zkvote_prover::Identity;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = serde_json::from_slice::<IdentityFile>(data) else {
        return;
    };
    // The private key alone, as `zkvote identity import --private-key` takes it.
    let imported = Identity::import(&file.private_key);
    let Some(id) = file.load() else {
        return;
    };
    assert_eq!(
        imported.expect("load imported it").private_key(),
        id.private_key()
    );
    let again = Identity::import(&id.export()).expect("an export imports");
    assert_eq!(again.private_key(), id.private_key());
    assert!(IdentityFile::of(&id).load().is_some());
});
