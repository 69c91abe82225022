//! `zkvote setup`, and finding the keys of a shape.

use std::path::{Path, PathBuf};

use ark_bn254::Bn254;
use ark_groth16::{PreparedVerifyingKey, ProvingKey};
use rand::rngs::OsRng;
use zkvote_circuits::{
    ballot::{circuit::BallotCircuit, BallotShape, CensusKind},
    election::Election,
};
use zkvote_interop::circom::import_ballot_zkey;
use zkvote_prover::keys::{
    constraint_count, proving_key_bytes, read_proving_key, setup as run_setup,
};
use zkvote_verifier::keys::{digest_hex, read_verifying_key, verifying_key_bytes};

use super::{
    fmt_duration, input_error, spinner, timed, write_file, Access, CliError, CmdResult, IfExists,
};
use crate::args::{SetupArgs, TablesArgs};
use zkvote_engine::tables::ProvingTables;

/// The file names of a shape's keys in a directory.
pub fn key_paths(dir: &Path, shape: &BallotShape) -> (PathBuf, PathBuf) {
    let stem = format!(
        "ballot-d{}-f{}-{}",
        shape.max_depth, shape.fields, shape.census
    );
    (
        dir.join(format!("{stem}.pk")),
        dir.join(format!("{stem}.vk")),
    )
}

/// The file of a shape's precomputed proving tables in a directory.
pub fn tables_path(dir: &Path, shape: &BallotShape) -> PathBuf {
    key_paths(dir, shape).0.with_extension("tables")
}

/// Loads the voter's proving tables next to the election's proving key, if there are
/// any. A file not tagged for `identity` (made by anyone else, or damaged), tables
/// made for another proving key, or a malformed file are an input error: nothing is
/// proved with them, and the vote does not silently go on without them.
pub fn load_tables(
    dir: &Path,
    election: &Election,
    identity: &zkvote_prover::Identity,
) -> Result<Option<ProvingTables>, CliError> {
    let path = tables_path(dir, &election.shape);
    if !path.exists() {
        return Ok(None);
    }
    let file = path.display().to_string();
    let key = identity.tables_key();
    let (digest, tables) = ProvingTables::open(&path, &key)
        .map_err(|e| input_error(format!("{e} (or vote with --no-tables)")))?;
    if digest != election.proving_key_digest {
        return Err(input_error(format!(
            "{file}: made for the proving key {digest}, the election's is {}; delete it or rebuild it with `zkvote tables`",
            election.proving_key_digest
        )));
    }
    Ok(Some(tables))
}

/// `zkvote tables`: the voter's proving tables for an election's proving key.
pub fn tables(a: TablesArgs) -> CmdResult {
    let identity = super::identity::load(&a.identity)?;
    let election = super::vote::load_election(&a.election)?;
    let shape = election.shape;
    let pk = load_pk(&a.keys, &election)?;
    let pb = spinner("precomputing the proving tables");
    let (tables, took) = timed(|| {
        let tables = ProvingTables::new(&pk);
        // The constraint matrices go into the file too, so that a proof does not
        // rebuild them.
        let learned = tables.learn_matrices(&pk, BallotCircuit::for_setup(shape));
        (tables, learned)
    });
    pb.finish_and_clear();
    let (tables, learned) = tables;
    learned.map_err(|e| {
        input_error(format!(
            "the circuit's constraint matrices do not fit the election's proving key ({e})"
        ))
    })?;
    let bytes = tables.to_bytes(&election.proving_key_digest, &identity.tables_key());
    let path = tables_path(&a.keys, &shape);
    // Replaced by rename, never rewritten in place: a vote proving with the old file
    // mapped keeps its bytes (see `ProvingTables::open`).
    write_file(&path, &bytes, IfExists::Replace, Access::Public)?;
    println!(
        "proving tables: {} ({} MiB, built in {}), for {} only",
        path.display(),
        bytes.len() >> 20,
        fmt_duration(took),
        a.identity.display()
    );
    Ok(0)
}

/// The `zkvote setup` command line that makes a shape's keys.
pub fn setup_hint(dir: &Path, shape: &BallotShape) -> String {
    setup_command(dir, shape, "")
}

/// The `zkvote setup` command line for a shape, with `extra` arguments first.
fn setup_command(dir: &Path, shape: &BallotShape, extra: &str) -> String {
    format!(
        "zkvote setup {extra}--depth {} --fields {}{} --out {}",
        shape.max_depth,
        shape.fields,
        if shape.census == CensusKind::Weighted {
            " --weighted"
        } else {
            ""
        },
        dir.display()
    )
}

/// Loads the verifying key of an election, checking that its digest is the one the
/// election recorded.
pub fn load_vk(dir: &Path, election: &Election) -> Result<PreparedVerifyingKey<Bn254>, CliError> {
    let (_, vk_path) = key_paths(dir, &election.shape);
    if !vk_path.exists() {
        return Err(input_error(format!(
            "{}: no verifying key for {} (get the election's keys from its organizer, or run `{}`)",
            vk_path.display(),
            election.shape,
            setup_hint(dir, &election.shape)
        )));
    }
    let (shape, vk, digest) =
        read_verifying_key(&vk_path).map_err(|e| input_error(e.to_string()))?;
    if shape != election.shape || digest != election.verifying_key_digest {
        return Err(input_error(format!(
            "{}: this verifying key is not the election's (digest {digest}, the election expects {})",
            vk_path.display(),
            election.verifying_key_digest
        )));
    }
    Ok(ark_groth16::prepare_verifying_key(&vk))
}

/// Loads the proving key of an election (fast, guarded by the recorded digest).
pub fn load_pk(dir: &Path, election: &Election) -> Result<ProvingKey<Bn254>, CliError> {
    let (pk_path, _) = key_paths(dir, &election.shape);
    if !pk_path.exists() {
        return Err(input_error(format!(
            "{}: no proving key for {} (get the election's keys from its organizer, or run `{}`)",
            pk_path.display(),
            election.shape,
            setup_hint(dir, &election.shape)
        )));
    }
    let (shape, pk) = read_proving_key(&pk_path, Some(&election.proving_key_digest))
        .map_err(|e| input_error(e.to_string()))?;
    if shape != election.shape {
        return Err(input_error(format!(
            "{}: key for {shape}, the election needs {}",
            pk_path.display(),
            election.shape
        )));
    }
    Ok(pk)
}

/// Digests of a shape's key files, or a clear message on how to make them.
pub fn key_digests(dir: &Path, shape: &BallotShape) -> Result<(String, String), CliError> {
    let (pk_path, vk_path) = key_paths(dir, shape);
    let read = |p: &Path| -> Result<Vec<u8>, CliError> {
        std::fs::read(p).map_err(|_| {
            input_error(format!(
                "{}: no keys for {shape} yet. For a real election, import the final key of a setup ceremony for this shape: `{}` (README: \"Running a setup ceremony\"); for tests and demos only, a single-party setup: `{}`; or copy the organizer's keys there",
                p.display(),
                setup_command(dir, shape, "--from-zkey ballot_final.zkey "),
                setup_hint(dir, shape)
            ))
        })
    };
    let vk = read(&vk_path)?;
    let pk = read(&pk_path)?;
    read_verifying_key(&vk_path).map_err(|e| input_error(e.to_string()))?;
    Ok((digest_hex(&vk), digest_hex(&pk)))
}

/// `zkvote setup`.
pub fn setup(args: SetupArgs) -> CmdResult {
    let shape = super::circuit::shape_from_args(args.depth, args.fields, args.weighted)?;
    let (pk_path, vk_path) = key_paths(&args.out, &shape);
    for path in [&pk_path, &vk_path] {
        if path.exists() {
            return Err(input_error(format!(
                "{}: keys for {shape} are already there, and elections made with them record \
                 their digests: new keys would make those elections unusable. To keep them, \
                 change nothing (for faster proofs run `zkvote tables`, which uses the existing \
                 proving key); to make new keys, move the old ones away or choose another --out",
                path.display()
            )));
        }
    }
    let constraints = constraint_count(shape).map_err(|e| input_error(e.to_string()))?;
    println!("circuit: {shape}, {constraints} constraints");
    let ceremony = args.from_zkey.is_some();
    let (keys, took) = match &args.from_zkey {
        None => {
            let pb = spinner("generating keys (single-party setup)");
            let (keys, took) = timed(|| run_setup(shape, &mut OsRng));
            pb.finish_and_clear();
            (keys.map_err(|e| e.to_string()), took)
        }
        Some(zkey) => {
            let bytes = std::fs::read(zkey)
                .map_err(|e| input_error(format!("{}: cannot read: {e}", zkey.display())))?;
            let pb = spinner("importing the ceremony's key");
            let (pk, took) = timed(|| {
                import_ballot_zkey(&zkey.display().to_string(), &bytes, shape, &mut OsRng).map_err(
                    |e| match e {
                        zkvote_interop::Error::KeyFile { file, what } => {
                            zkvote_interop::Error::KeyFile {
                                file,
                                what: format!("{what} (expected a zkey for {shape})"),
                            }
                        }
                        e => e,
                    },
                )
            });
            pb.finish_and_clear();
            (
                pk.map(|pk| {
                    let vk = pk.vk.clone();
                    (pk, vk)
                })
                .map_err(|e| e.to_string()),
                took,
            )
        }
    };
    let (pk, vk) = keys.map_err(input_error)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| input_error(format!("{}: cannot create: {e}", args.out.display())))?;
    let pk_bytes = proving_key_bytes(&shape, &pk);
    let vk_bytes = verifying_key_bytes(&shape, &vk);
    for (path, bytes) in [(&pk_path, &pk_bytes), (&vk_path, &vk_bytes)] {
        write_file(path, bytes, IfExists::Replace, Access::Public)?;
    }
    if ceremony {
        println!("zkey imported in {}", fmt_duration(took));
    } else {
        println!("setup took {}", fmt_duration(took));
    }
    println!(
        "proving key:   {} ({} KiB, sha256 {})",
        pk_path.display(),
        pk_bytes.len() / 1024,
        digest_hex(&pk_bytes)
    );
    println!(
        "verifying key: {} ({} bytes, sha256 {})",
        vk_path.display(),
        vk_bytes.len(),
        digest_hex(&vk_bytes)
    );
    if ceremony {
        println!("these keys come from the ceremony; proofs use snarkjs' QAP reduction (recorded in the proving key's header).");
    } else {
        println!("note: whoever ran this setup could forge ballots; for a real election use a multi-party ceremony (README: \"Running a setup ceremony\").");
    }
    Ok(0)
}
