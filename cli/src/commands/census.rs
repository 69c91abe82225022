//! `zkvote census …`

use std::path::Path;

use zkvote_circuits::{ballot::CensusKind, field::parse_fr};
use zkvote_prover::census::{Census, CensusFile, Member};

use super::{
    input_error, print_json, read_json, read_text, spinner, write_json, CliError, CmdResult,
};
use crate::args::CensusCmd;

/// Reads a census file and rebuilds its tree (checking the stored root).
pub fn load(path: &Path) -> Result<Census, CliError> {
    let file: CensusFile = read_json(path, "census")?;
    let pb = spinner("building the census tree");
    let census =
        Census::from_file(file).map_err(|e| input_error(format!("{}: {e}", path.display())));
    pb.finish_and_clear();
    census
}

/// Runs a census command.
pub fn run(cmd: CensusCmd) -> CmdResult {
    match cmd {
        CensusCmd::Build {
            members,
            out,
            weighted,
        } => {
            let kind = if weighted {
                CensusKind::Weighted
            } else {
                CensusKind::Plain
            };
            let text = read_text(&members)?;
            let list = Census::parse_members(kind, &text)
                .map_err(|e| input_error(format!("{}: {e}", members.display())))?;
            let pb = spinner("building the census tree");
            let census = Census::build(kind, list)
                .map_err(|e| input_error(format!("{}: {e}", members.display())));
            pb.finish_and_clear();
            let census = census?;
            write_json(&out, &census.to_file())?;
            println!(
                "census of {} members ({kind}, depth {}) written to {}",
                census.members().len(),
                census.depth(),
                out.display()
            );
            println!(
                "root: {}",
                zkvote_circuits::field::fr_to_decimal(&census.root())
            );
            Ok(0)
        }
        CensusCmd::Add {
            census: path,
            commitment,
            weight,
        } => {
            let mut census = load(&path)?;
            let commitment =
                parse_fr(&commitment).map_err(|e| input_error(format!("commitment: {e}")))?;
            let weight = match (census.kind(), weight) {
                (CensusKind::Plain, None | Some(1)) => 1,
                (CensusKind::Plain, Some(w)) => {
                    return Err(input_error(format!(
                        "{}: a plain census has weight 1, not {w}",
                        path.display()
                    )))
                }
                (CensusKind::Weighted, Some(w)) => w,
                (CensusKind::Weighted, None) => {
                    return Err(input_error(format!(
                        "{}: a weighted census needs --weight",
                        path.display()
                    )))
                }
            };
            census
                .add(Member { commitment, weight })
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
            write_json(&path, &census.to_file())?;
            println!(
                "{} members, root {}",
                census.members().len(),
                zkvote_circuits::field::fr_to_decimal(&census.root())
            );
            Ok(0)
        }
        CensusCmd::Root { census } => {
            let c = load(&census)?;
            println!("{}", zkvote_circuits::field::fr_to_decimal(&c.root()));
            Ok(0)
        }
        CensusCmd::Proof { census, commitment } => {
            let c = load(&census)?;
            let commitment =
                parse_fr(&commitment).map_err(|e| input_error(format!("commitment: {e}")))?;
            let (proof, weight) = c
                .proof_for(&commitment)
                .map_err(|e| input_error(format!("{}: {e}", census.display())))?;
            print_json(&serde_json::json!({
                "root": zkvote_circuits::field::fr_to_decimal(&c.root()),
                "weight": weight,
                "proof": proof,
            }));
            Ok(0)
        }
    }
}
