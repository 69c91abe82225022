//! Sizes read from untrusted files (a proving-tables file, a proving key file; a
//! ceremony's `.zkey` is `interop/tests/hostile_sizes.rs`'s) must be refused with an error
//! naming the file: never wrap, panic, or allocate what the file's bytes cannot back. The
//! workspace compiles zkvote's crates with overflow checks in every profile
//! (`Cargo.toml`), so an unchecked `n + 1` on these inputs would panic here.

use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use zkvote_circuits::ballot::{circuit::BallotCircuit, BallotShape, CensusKind};
use zkvote_engine::tables::{ProvingTables, TablesKey, TABLES_TAG_LEN};
use zkvote_prover::keys::setup;

fn shape() -> BallotShape {
    BallotShape::new(2, 1, CensusKind::Plain).unwrap()
}

// ---------------------------------------------------------------------------------
// Proving tables

fn key() -> TablesKey {
    TablesKey::from_bytes([5; 32])
}

/// The body (without its tag) of a tables file with constraint matrices, and the
/// offset of the matrices (just after the flag byte that says they are there). The
/// hostile sizes below are tagged with the voter's key: they must be refused for
/// what they are, not only for a tag that does not verify.
fn tables_file() -> (Vec<u8>, usize) {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let (pk, _) = setup(shape(), &mut rng).unwrap();
    let digest = "0".repeat(64);
    let strip = |b: Vec<u8>| b[..b.len() - TABLES_TAG_LEN].to_vec();
    let without = strip(ProvingTables::new(&pk).to_bytes(&digest, &key()));
    let tables = ProvingTables::new(&pk);
    tables
        .learn_matrices(&pk, BallotCircuit::for_setup(shape()))
        .unwrap();
    let with = strip(tables.to_bytes(&digest, &key()));
    let flag = without.len() - 1;
    assert_eq!((without[flag], with[flag]), (0, 1));
    (with, flag + 1)
}

fn patched(bytes: &[u8], at: usize, value: u64) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + 8].copy_from_slice(&value.to_le_bytes());
    b
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn tagged(body: &[u8]) -> Vec<u8> {
    [body, key().tag_of(body).as_slice()].concat()
}

fn tables_refused(body: &[u8], needle: &str) {
    let err = ProvingTables::parse("d2.tables", &tagged(body), &key())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("d2.tables: "), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

#[test]
fn tables_with_huge_matrix_sizes_are_refused() {
    let (bytes, m) = tables_file();
    // The control: the file as written parses.
    ProvingTables::parse("d2.tables", &tagged(&bytes), &key()).unwrap();

    // num_instance = num_vars = 2^64 − 1: rows + num_instance would wrap.
    let huge = patched(&patched(&bytes, m, u64::MAX), m + 8, u64::MAX);
    tables_refused(&huge, "malformed constraint matrices");
    // num_instance = 2^64 − 1 alone.
    tables_refused(
        &patched(&bytes, m, u64::MAX),
        "malformed constraint matrices",
    );
    // num_instance = 2^63 with num_vars = 2^64 − 1: the domain does not fit in 64 bits.
    let big = patched(&patched(&bytes, m, 1 << 63), m + 8, u64::MAX);
    tables_refused(&big, "malformed constraint matrices");

    // Counts not backed by bytes: A's coefficients, then A's row starts.
    let coeffs = m + 16;
    for n in [u64::MAX, u64::MAX / 32 + 1, 1 << 40] {
        tables_refused(&patched(&bytes, coeffs, n), "malformed constraint matrices");
    }
    let rows = coeffs + 8 + 32 * u64_at(&bytes, coeffs) as usize;
    for n in [u64::MAX, u64::MAX / 4 + 1, 1 << 40] {
        tables_refused(&patched(&bytes, rows, n), "malformed constraint matrices");
    }
}

#[test]
fn tables_with_huge_table_sizes_are_refused() {
    let (bytes, _) = tables_file();
    // The first table's header: window (u32), number of bases, number of indices (u64).
    let (len, count) = (76 + 4, 76 + 12);
    assert_eq!(&bytes[..8], b"ZKVOTETB");
    for (at, n) in [
        (len, u64::MAX),
        (len, 1 << 32),
        (count, u64::MAX),
        (count, u64::MAX / 4 + 1),
        (count, 1 << 31),
    ] {
        tables_refused(&patched(&bytes, at, n), "malformed a table");
    }
}

/// Found by the `proving_key_trusted` fuzz target (kept in its corpus): a proving key
/// file read on the digest-trusted fast path, whose unvalidated β and δ make the
/// Miller loop 0, so that arkworks' `multi_pairing` panicked in `check_proving_key`.
/// Now a clear refusal.
#[test]
fn a_trusted_key_whose_pairing_is_undefined_is_refused_not_a_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/proving_key_trusted/regression-pairing-undefined"
    );
    let bytes = std::fs::read(path).unwrap();
    let digest = zkvote_verifier::keys::digest_hex(&bytes);
    let err = zkvote_prover::keys::parse_proving_key("hostile.pk", &bytes, Some(&digest))
        .expect_err("must be refused");
    let text = err.to_string();
    assert!(
        text.starts_with("hostile.pk: refused proving key"),
        "{text}"
    );
}
