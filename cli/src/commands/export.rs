//! `zkvote export` (snarkjs files, Solidity contracts, call data) and `zkvote import`.

use std::path::Path;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{PreparedVerifyingKey, Proof};
use zkvote_circuits::election::Election;
use zkvote_engine::verify_one;
use zkvote_interop::{
    snarkjs::{
        export_proof, export_public, export_verifying_key, import_proof, import_public,
        import_verifying_key, solidity_calldata, SnarkjsProof, SnarkjsVerifyingKey,
    },
    solidity::{ballot_box_contract, verifier_contract, BALLOT_BOX_NAME, VERIFIER_NAME},
};
use zkvote_verifier::{
    ballot::{prepare_ballot, Ballot},
    Error,
};

use super::{
    input_error, read_json, read_text, vote::load_election, write_file, write_json, Access,
    CliError, CmdResult, IfExists, EXIT_REJECTED,
};
use crate::args::{ExportCmd, ImportCmd};

/// Runs an export command.
pub fn run(c: ExportCmd) -> CmdResult {
    match c {
        ExportCmd::Snarkjs(a) => {
            let (election, pvk) = election_and_key(&a.election, &a.keys)?;
            let (proof, inputs) = match valid_ballot(&election, &pvk, &a.ballot)? {
                Ok(x) => x,
                Err(code) => return Ok(code),
            };
            let files = [
                (
                    "verification_key.json",
                    serde_json::to_value(export_verifying_key(&pvk.vk)),
                ),
                ("proof.json", serde_json::to_value(export_proof(&proof))),
                ("public.json", serde_json::to_value(export_public(&inputs))),
            ];
            for (name, value) in files {
                let value = value.expect("the snarkjs types serialise");
                write_json(&a.out.join(name), &value)?;
            }
            println!(
                "wrote verification_key.json, proof.json and public.json to {} (check: snarkjs groth16 verify verification_key.json public.json proof.json)",
                a.out.display()
            );
            Ok(0)
        }
        ExportCmd::Solidity(a) => {
            let (election, pvk) = election_and_key(&a.election, &a.keys)?;
            let label = format!(
                "{}, verifying key sha256 {}",
                election.shape, election.verifying_key_digest
            );
            let gen =
                |e: zkvote_interop::Error| input_error(format!("{}: {e}", a.election.display()));
            let verifier = verifier_contract(&pvk.vk, &label).map_err(gen)?;
            let ballot_box = ballot_box_contract(&election).map_err(gen)?;
            std::fs::create_dir_all(&a.out)
                .map_err(|e| input_error(format!("{}: cannot create: {e}", a.out.display())))?;
            for (name, text) in [(VERIFIER_NAME, verifier), (BALLOT_BOX_NAME, ballot_box)] {
                let path = a.out.join(format!("{name}.sol"));
                write_file(&path, text.as_bytes(), IfExists::Replace, Access::Public)?;
            }
            println!(
                "wrote {VERIFIER_NAME}.sol and {BALLOT_BOX_NAME}.sol to {}: deploy {VERIFIER_NAME}, then {BALLOT_BOX_NAME} with the verifier's address",
                a.out.display()
            );
            Ok(0)
        }
        ExportCmd::Calldata(a) => {
            let (election, pvk) = election_and_key(&a.election, &a.keys)?;
            let (proof, inputs) = match valid_ballot(&election, &pvk, &a.ballot)? {
                Ok(x) => x,
                Err(code) => return Ok(code),
            };
            println!("{}", solidity_calldata(&proof, &inputs));
            Ok(0)
        }
    }
}

fn election_and_key(
    election: &Path,
    keys: &Path,
) -> Result<(Election, PreparedVerifyingKey<Bn254>), CliError> {
    let election = load_election(election)?;
    let pvk = super::keys::load_vk(keys, &election)?;
    Ok((election, pvk))
}

/// A ballot's proof and public inputs, or the exit code of its rejection.
type Checked = Result<(Proof<Bn254>, Vec<Fr>), u8>;

/// Reads a ballot and verifies it against the election: only valid ballots are
/// exported. `Ok(Err(1))` when the ballot is rejected (the reason is printed).
fn valid_ballot(
    election: &Election,
    pvk: &PreparedVerifyingKey<Bn254>,
    path: &Path,
) -> Result<Checked, CliError> {
    let name = path.display().to_string();
    let ballot =
        Ballot::from_json(&name, &read_text(path)?).map_err(|e| input_error(e.to_string()))?;
    let checked = prepare_ballot(election, &ballot).and_then(|p| {
        verify_one(pvk, &p.proof, &p.inputs)
            .map(|()| (p.proof, p.inputs))
            .map_err(Error::from)
    });
    match checked {
        Ok(x) => Ok(Ok(x)),
        Err(e) => {
            eprintln!("REJECTED  {name}: {e}");
            Ok(Err(EXIT_REJECTED))
        }
    }
}

fn named(path: &Path, e: zkvote_interop::Error) -> CliError {
    input_error(format!("{}: {e}", path.display()))
}

/// Runs an import command.
pub fn import(c: ImportCmd) -> CmdResult {
    match c {
        ImportCmd::Snarkjs { vk, proof, public } => {
            let k: SnarkjsVerifyingKey = read_json(&vk, "snarkjs verification key")?;
            let vk_parsed = import_verifying_key(&k).map_err(|e| named(&vk, e))?;
            let p: SnarkjsProof = read_json(&proof, "snarkjs proof")?;
            let proof_parsed = import_proof(&p).map_err(|e| named(&proof, e))?;
            let x: Vec<String> = read_json(&public, "snarkjs public inputs")?;
            let inputs = import_public(&x).map_err(|e| named(&public, e))?;
            // (The import checked that IC has nPublic + 1 ≥ 1 points; checked anyway.)
            let expected = vk_parsed.gamma_abc_g1.len().checked_sub(1);
            if expected != Some(inputs.len()) {
                return Err(input_error(format!(
                    "{}: {} public inputs, the verifying key {} has {}",
                    public.display(),
                    inputs.len(),
                    vk.display(),
                    expected.map_or("no IC points".into(), |n| n.to_string())
                )));
            }
            let pvk = ark_groth16::prepare_verifying_key(&vk_parsed);
            match verify_one(&pvk, &proof_parsed, &inputs) {
                Ok(()) => {
                    println!("valid     {}", proof.display());
                    Ok(0)
                }
                Err(e @ zkvote_engine::Error::InvalidProof) => {
                    println!("REJECTED  {}: {e}", proof.display());
                    Ok(EXIT_REJECTED)
                }
                Err(e) => Err(input_error(format!("{}: {e}", proof.display()))),
            }
        }
    }
}
