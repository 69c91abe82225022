//! `zkvote identity …`

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zkvote_prover::identity::Identity;

use super::{
    input_error, print_json, read_json, refuse_existing, write_json_as, Access, CmdResult, IfExists,
};
use crate::args::IdentityCmd;

/// An identity file: the Semaphore private key and, for convenience, the commitment.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityFile {
    /// Format version.
    pub version: u32,
    /// The 32-byte private key, base64 (the Semaphore JS export format).
    pub private_key: String,
    /// The identity commitment, decimal.
    pub commitment: String,
    /// The public key (Baby Jubjub, circomlib form), decimal coordinates.
    pub public_key: [String; 2],
}

impl IdentityFile {
    fn of(id: &Identity) -> Self {
        let pk = id.public_key();
        IdentityFile {
            version: 1,
            private_key: id.export(),
            commitment: zkvote_circuits::field::fr_to_decimal(&id.commitment()),
            public_key: [
                zkvote_circuits::field::fr_to_decimal(&pk.x),
                zkvote_circuits::field::fr_to_decimal(&pk.y),
            ],
        }
    }
}

/// Reads an identity file and checks that its commitment matches its key.
pub fn load(path: &std::path::Path) -> Result<Identity, super::CliError> {
    let file: IdentityFile = read_json(path, "identity")?;
    if file.version != 1 {
        return Err(input_error(format!(
            "{}: unsupported identity version {}",
            path.display(),
            file.version
        )));
    }
    let id = Identity::import(&file.private_key)
        .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
    let c = zkvote_circuits::field::fr_to_decimal(&id.commitment());
    if c != file.commitment {
        return Err(input_error(format!(
            "{}: the commitment {} does not belong to this private key (its commitment is {c})",
            path.display(),
            file.commitment
        )));
    }
    Ok(id)
}

fn emit(id: &Identity, out: Option<&std::path::Path>) -> CmdResult {
    let file = IdentityFile::of(id);
    match out {
        Some(path) => {
            // A private key: never overwrite one (losing it is unrecoverable), and
            // readable only by its owner from the first byte on.
            refuse_existing(path, "an identity (its private key would be lost)")?;
            write_json_as(path, &file, IfExists::Refuse, Access::OwnerOnly)?;
            println!(
                "identity written to {} (private key: readable only by you)",
                path.display()
            );
            println!("commitment: {}", file.commitment);
        }
        None => print_json(&file),
    }
    Ok(0)
}

/// Runs an identity command.
pub fn run(cmd: IdentityCmd) -> CmdResult {
    match cmd {
        IdentityCmd::New { out } => emit(&Identity::random(&mut OsRng), out.as_deref()),
        IdentityCmd::Import { private_key, out } => {
            let id = Identity::import(&private_key)
                .map_err(|e| input_error(format!("--private-key: {e}")))?;
            emit(&id, out.as_deref())
        }
        IdentityCmd::Show { file, json } => {
            let id = load(&file)?;
            let f = IdentityFile::of(&id);
            if json {
                print_json(&serde_json::json!({
                    "commitment": f.commitment,
                    "public_key": f.public_key,
                }));
            } else {
                println!("commitment: {}", f.commitment);
                println!("public key: ({}, {})", f.public_key[0], f.public_key[1]);
            }
            Ok(0)
        }
    }
}
