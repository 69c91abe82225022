//! `zkvote circuit export` and `zkvote circuit witness`: the ballot circuit and its
//! witnesses in the iden3 formats that snarkjs reads.

use std::path::{Path, PathBuf};

use zkvote_circuits::ballot::{BallotShape, CensusKind};
use zkvote_interop::circom::{ballot_r1cs, ballot_witness, r1cs_bytes, wtns_bytes};
use zkvote_prover::vote::build_circuit;

use super::{input_error, vote::BallotInputs, write_file, Access, CliError, CmdResult, IfExists};
use crate::args::{CircuitCmd, CircuitExportArgs, CircuitWitnessArgs};

/// Runs a circuit command.
pub fn run(cmd: CircuitCmd) -> CmdResult {
    match cmd {
        CircuitCmd::Export(a) => export(a),
        CircuitCmd::Witness(a) => witness(a),
    }
}

/// The shape named by `--depth`, `--fields` and `--weighted`.
pub fn shape_from_args(
    depth: usize,
    fields: usize,
    weighted: bool,
) -> Result<BallotShape, CliError> {
    let census = if weighted {
        CensusKind::Weighted
    } else {
        CensusKind::Plain
    };
    BallotShape::new(depth, fields, census)
        .map_err(|e| input_error(format!("--depth/--fields: {e}")))
}

/// The `.r1cs` file name of a shape in a directory.
pub fn r1cs_path(dir: &Path, shape: &BallotShape) -> PathBuf {
    dir.join(format!(
        "ballot-d{}-f{}-{}.r1cs",
        shape.max_depth, shape.fields, shape.census
    ))
}

fn export(a: CircuitExportArgs) -> CmdResult {
    let shape = shape_from_args(a.depth, a.fields, a.weighted)?;
    let r1cs = ballot_r1cs(shape).map_err(|e| input_error(e.to_string()))?;
    let path = r1cs_path(&a.out, &shape);
    write_file(&path, &r1cs_bytes(&r1cs), IfExists::Replace, Access::Public)?;
    let domain = r1cs.domain_size();
    println!("circuit: {shape}");
    println!(
        "{}: {} constraints, {} wires, {} public inputs",
        path.display(),
        r1cs.num_constraints(),
        r1cs.num_wires,
        r1cs.num_public
    );
    println!(
        "Groth16 domain: 2^{} = {domain} rows; use a powers-of-tau file of power >= {}",
        domain.trailing_zeros(),
        domain.trailing_zeros()
    );
    Ok(0)
}

fn witness(a: CircuitWitnessArgs) -> CmdResult {
    let inputs = BallotInputs::load(
        &a.identity,
        &a.census,
        &a.election,
        a.choice,
        a.values,
        a.weight,
    )?;
    // The prover checks the ballot natively and builds its circuit; interop writes it.
    let (circuit, _) = build_circuit(&inputs.request()).map_err(|e| input_error(e.to_string()))?;
    let w = ballot_witness(circuit).map_err(|e| input_error(e.to_string()))?;
    // The witness holds the voter's secret: readable only by her.
    write_file(
        &a.out,
        &wtns_bytes(&w),
        IfExists::Replace,
        Access::OwnerOnly,
    )?;
    println!("witness written to {} ({} wires)", a.out.display(), w.len());
    Ok(0)
}
