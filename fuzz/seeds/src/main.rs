//! Writes the seed corpora of the fuzz targets (`corpus/<target>/seed-*`) and the
//! fixtures some targets embed (`fixtures/`), all from a fixed-seed RNG:
//!
//! ```sh
//! cd fuzz && cargo run --release -p zkvote-fuzz-seeds -- .
//! ```
//!
//! With `fixtures/tiny.zkey` present (made by `seeds/make-zkey.sh` with snarkjs from
//! `fixtures/tiny.r1cs`, which this program writes), the zkey is imported too and
//! its proving key and tables (snarkjs' QAP reduction, version-2 key header) added.

#[path = "../../src/lib.rs"]
#[allow(dead_code)]
mod shared;

use std::path::{Path, PathBuf};

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, ProvingKey};
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use shared::{identity_file::IdentityFile, tiny_r1cs, Tiny, TINY_SHAPE};
use zkvote_circuits::{
    ballot::{BallotRules, BallotShape, CensusKind},
    election::{CensusRef, Election},
};
use zkvote_engine::tables::{ProvingTables, TablesKey, TABLES_TAG_LEN};
use zkvote_interop::{
    circom::{import_zkey, r1cs_bytes},
    snarkjs::{export_proof, export_public, export_verifying_key},
};
use zkvote_prover::{
    census::{Census, Member},
    keys::{proving_key_bytes, setup},
    vote::{prove_ballot, VoteRequest},
    Identity,
};
use zkvote_verifier::{
    ballot::prepare_ballot,
    keys::{digest_hex, verifying_key_bytes},
};

struct Out {
    root: PathBuf,
}

impl Out {
    fn put(&self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join("corpus").join(target);
        std::fs::create_dir_all(&dir).expect("corpus directory");
        std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("seed written");
    }
    fn json<T: serde::Serialize>(&self, target: &str, name: &str, value: &T) {
        let text = serde_json::to_string_pretty(value).expect("serialisable") + "\n";
        self.put(target, name, text.as_bytes());
    }
    fn fixture(&self, name: &str, bytes: &[u8]) {
        let dir = self.root.join("fixtures");
        std::fs::create_dir_all(&dir).expect("fixtures directory");
        std::fs::write(dir.join(name), bytes).expect("fixture written");
    }
}

/// A tables file with the same header, sizes and matrices as `real`, but each table
/// cut to its first two bases at the widest window (20 bits, 13 windows): a few KiB
/// instead of hundreds, so that mutations reach the structure rather than the point
/// bytes (which the reader does not interpret). Follows `write_table` in
/// `engine/src/tables.rs`: window `u32`, bases `u64`, indices `u64` and `u32` each,
/// then the points, `BYTES` each (64 in G1, 128 in G2: the third table).
fn small_tables(real: &[u8]) -> Vec<u8> {
    let u32_at = |i: usize| u32::from_le_bytes(real[i..i + 4].try_into().expect("4 bytes"));
    let u64_at = |i: usize| u64::from_le_bytes(real[i..i + 8].try_into().expect("8 bytes"));
    let mut pos = 8 + 4 + 64;
    let mut out = real[..pos].to_vec();
    for k in 0..5 {
        let point = if k == 2 { 128 } else { 64 };
        let (window, len, m) = (u32_at(pos), u64_at(pos + 4), u64_at(pos + 12) as usize);
        let windows = 255usize.div_ceil(window as usize);
        let points = pos + 20 + 4 * m;
        let keep = m.min(2);
        out.extend_from_slice(&20u32.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(keep as u64).to_le_bytes());
        out.extend_from_slice(&real[pos + 20..pos + 20 + 4 * keep]);
        out.extend_from_slice(&real[points..points + keep * 13 * point]);
        pos = points + m * windows * point;
    }
    out.extend_from_slice(&real[pos..real.len() - TABLES_TAG_LEN]);
    let file = [out.as_slice(), key().tag_of(&out).as_slice()].concat();
    ProvingTables::parse("small tables", &file, &key()).expect("the small tables parse");
    out
}

/// The fuzz target's tag key: its seeds are file bodies, which it tags itself.
fn key() -> TablesKey {
    TablesKey::from_bytes([7; 32])
}

/// The proving key file, and small tables files (with and without matrices, and in
/// version 1) of a key of the tiny circuit.
fn tiny_key_seeds(out: &Out, name: &str, pk: &ProvingKey<Bn254>) {
    let pk_bytes = proving_key_bytes(&TINY_SHAPE, pk);
    out.put("proving_key", name, &pk_bytes);
    out.put("proving_key_trusted", name, &pk_bytes);
    let digest = digest_hex(&pk_bytes);
    let tables = ProvingTables::new(pk);
    let without = small_tables(&tables.to_bytes(&digest, &key()));
    out.put("tables", &format!("{name}-no-matrices"), &without);
    // Version 2, untagged: refused.
    let mut v2 = without.clone();
    v2[8..12].copy_from_slice(&2u32.to_le_bytes());
    out.put("tables", &format!("{name}-v2"), &v2);
    tables
        .learn_matrices(pk, Tiny { x: Fr::from(0u64) })
        .expect("the tiny circuit fits its key");
    out.put(
        "tables",
        name,
        &small_tables(&tables.to_bytes(&digest, &key())),
    );
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let out = Out { root: root.clone() };
    let mut rng = ChaCha20Rng::seed_from_u64(2026_12_01);

    // Identities.
    let ids: Vec<Identity> = (0..3).map(|_| Identity::random(&mut rng)).collect();
    for (i, id) in ids.iter().enumerate() {
        out.json("identity_json", &format!("{i}.json"), &IdentityFile::of(id));
    }

    // Censuses and member lists.
    let plain: Vec<Member> = ids
        .iter()
        .map(|id| Member {
            commitment: id.commitment(),
            weight: 1,
        })
        .collect();
    let weighted: Vec<Member> = ids
        .iter()
        .zip([5u64, 1, 300])
        .map(|(id, weight)| Member {
            commitment: id.commitment(),
            weight,
        })
        .collect();
    let census = Census::build(CensusKind::Plain, plain.clone()).expect("census");
    let wcensus = Census::build(CensusKind::Weighted, weighted.clone()).expect("census");
    out.json("census_json", "plain.json", &census.to_file());
    out.json("census_json", "weighted.json", &wcensus.to_file());
    let list = |ms: &[Member], with_weight: bool| -> String {
        ms.iter()
            .map(|m| {
                let c = zkvote_circuits::field::fr_to_decimal(&m.commitment);
                if with_weight {
                    format!("{c},{}\n", m.weight)
                } else {
                    format!("{c}\n")
                }
            })
            .collect()
    };
    out.put(
        "census_members",
        "plain.txt",
        list(&plain, false).as_bytes(),
    );
    out.put(
        "census_members",
        "weighted.txt",
        format!("# weighted\n{}\n", list(&weighted, true)).as_bytes(),
    );

    // Keys of the ballot circuit (small shapes), elections, ballots.
    let shape = BallotShape::new(2, 3, CensusKind::Plain).expect("shape");
    let (pk, vk) = setup(shape, &mut rng).expect("setup");
    let vk_bytes = verifying_key_bytes(&shape, &vk);
    out.put("verifying_key", "d2-f3-plain.vk", &vk_bytes);
    for (d, f, kind) in [(1, 1, CensusKind::Weighted), (1, 8, CensusKind::Plain)] {
        let s = BallotShape::new(d, f, kind).expect("shape");
        let (_, vk) = setup(s, &mut rng).expect("setup");
        out.put(
            "verifying_key",
            &format!("d{d}-f{f}-{kind}.vk"),
            &verifying_key_bytes(&s, &vk),
        );
    }
    let vk_digest = digest_hex(&vk_bytes);
    let pk_digest = digest_hex(&proving_key_bytes(&shape, &pk));
    let census_ref = CensusRef {
        root: census.root(),
        size: 3,
    };
    let election = |mode: &str, rules: BallotRules| {
        Election::new(
            format!("Seed election ({mode})"),
            vec!["Yes".into(), "No".into(), "Abstain".into()],
            mode.into(),
            rules,
            census_ref.clone(),
            shape,
            vk_digest.clone(),
            pk_digest.clone(),
        )
        .expect("election")
    };
    let single = election("single", BallotRules::single(3));
    for (mode, rules) in [
        ("approval", BallotRules::approval(3, 2)),
        ("ranked", BallotRules::ranked(3)),
        ("score", BallotRules::score(3, 10)),
        ("quadratic", BallotRules::quadratic(3, 9)),
    ] {
        out.json(
            "election_json",
            &format!("{mode}.json"),
            &election(mode, rules),
        );
    }
    out.json("election_json", "single.json", &single);
    let text = serde_json::to_string_pretty(&single).expect("serialisable") + "\n";
    out.fixture("election.json", text.as_bytes());

    for (i, id) in ids.iter().take(2).enumerate() {
        let (membership, census_weight) = census.proof_for(&id.commitment()).expect("member");
        let mut votes = vec![0u32; 3];
        votes[i] = 1;
        let req = VoteRequest {
            election: &single,
            identity: id,
            membership,
            census_weight,
            votes,
            weight: 1,
        };
        let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
        let ballot = prove_ballot(&pk, &pvk, &req, &mut rng).expect("ballot");
        out.json("ballot_json", &format!("{i}.json"), &ballot);
        let prepared = prepare_ballot(&single, &ballot).expect("a valid ballot");
        let raw = hex::decode(&ballot.proof).expect("hex");
        out.put("proof_bytes", &format!("{i}-uncompressed"), &raw);
        let compressed = zkvote_engine::encode_proof_compressed(&prepared.proof).expect("encode");
        out.put("proof_bytes", &format!("{i}-compressed"), &compressed);
        out.json(
            "snarkjs_proof",
            &format!("{i}.json"),
            &export_proof(&prepared.proof),
        );
        out.json(
            "snarkjs_public",
            &format!("{i}.json"),
            &export_public(&prepared.inputs),
        );
    }
    out.json("snarkjs_vk", "d2-f3-plain.json", &export_verifying_key(&vk));

    // The tiny circuit: its keys (arkworks' setup), tables and R1CS.
    let (tpk, tvk) = Groth16::<Bn254>::circuit_specific_setup(Tiny { x: Fr::from(0u64) }, &mut rng)
        .expect("tiny setup");
    out.put(
        "verifying_key",
        "tiny.vk",
        &verifying_key_bytes(&TINY_SHAPE, &tvk),
    );
    out.json("snarkjs_vk", "tiny.json", &export_verifying_key(&tvk));
    tiny_key_seeds(&out, "tiny", &tpk);
    out.fixture("tiny.r1cs", &r1cs_bytes(&tiny_r1cs()));

    let zkey_path = root.join("fixtures").join("tiny.zkey");
    if let Ok(zkey) = std::fs::read(&zkey_path) {
        let pk = import_zkey(&display(&zkey_path), &zkey, &tiny_r1cs()).expect("tiny zkey");
        out.put("zkey", "tiny.zkey", &zkey);
        tiny_key_seeds(&out, "tiny-circom", &pk);
        out.json(
            "snarkjs_vk",
            "tiny-circom.json",
            &export_verifying_key(&pk.vk),
        );
    } else {
        eprintln!(
            "{}: absent, no zkey seeds (run seeds/make-zkey.sh, then this again)",
            display(&zkey_path)
        );
    }
    eprintln!("seeds written under {}", display(&root));
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
