//! The iden3 `.wtns` file of a ballot: the full wire assignment of a built ballot
//! circuit ([`ballot_witness`]) and its binary form ([`wtns_bytes`]).

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, SynthesisMode};
use zkvote_circuits::ballot::circuit::BallotCircuit;

use super::{binfile, groth16_cs, put_fr, put_modulus, put_u32, synthesis};
use crate::Error;

/// The full wire assignment of a ballot (wire 0 = 1, the public inputs, the private
/// wires), checked against the circuit. The circuit comes from the caller, who checks
/// the ballot natively first (`zkvote_prover::vote::build_circuit` does).
pub fn ballot_witness(circuit: BallotCircuit) -> Result<Vec<Fr>, Error> {
    let cs = groth16_cs(SynthesisMode::Prove {
        construct_matrices: false,
        generate_lc_assignments: false,
    });
    circuit
        .generate_constraints(cs.clone())
        .map_err(synthesis)?;
    cs.finalize();
    if !cs.is_satisfied().map_err(synthesis)? {
        return Err(Error::Synthesis(format!(
            "the ballot does not satisfy the circuit ({})",
            cs.which_is_unsatisfied()
                .ok()
                .flatten()
                .unwrap_or_else(|| "unknown constraint".into())
        )));
    }
    let mut w = cs.instance_assignment().map_err(synthesis)?;
    w.extend(cs.witness_assignment().map_err(synthesis)?);
    Ok(w)
}

/// The iden3 `.wtns` file (version 2) of a full assignment: section 1 the field size,
/// prime and number of values, section 2 the values.
pub fn wtns_bytes(w: &[Fr]) -> Vec<u8> {
    let mut header = Vec::new();
    put_modulus::<Fr>(&mut header);
    put_u32(&mut header, w.len());
    let mut values = Vec::with_capacity(32 * w.len());
    for x in w {
        put_fr(&mut values, x);
    }
    binfile(b"wtns", 2, &[header, values])
}
