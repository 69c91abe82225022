//! The iden3 `.r1cs` file of the ballot circuit: its constraint matrices in wire order
//! ([`R1cs`], [`ballot_r1cs`]) and their binary form ([`r1cs_bytes`]).

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_groth16::r1cs_to_qap::evaluate_constraint;
use ark_relations::gr1cs::{ConstraintSynthesizer, Matrix, SynthesisMode, R1CS_PREDICATE_LABEL};
use zkvote_circuits::ballot::{circuit::BallotCircuit, public_inputs::BallotInstance, BallotShape};

use super::{binfile, groth16_cs, put_fr, put_modulus, put_u32, synthesis};
use crate::Error;

/// The R1CS of a circuit in wire order (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct R1cs {
    /// Number of public inputs (without the constant 1).
    pub num_public: usize,
    /// Number of wires: 1 + public inputs + private wires.
    pub num_wires: usize,
    /// The constraints `⟨A_i, w⟩·⟨B_i, w⟩ = ⟨C_i, w⟩`, each row sorted by wire, without
    /// repeated wires or zero coefficients.
    pub a: Matrix<Fr>,
    /// See [`R1cs::a`].
    pub b: Matrix<Fr>,
    /// See [`R1cs::a`].
    pub c: Matrix<Fr>,
}

impl R1cs {
    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.len()
    }

    /// The Groth16 FFT domain size, for arkworks and snarkjs alike: the next power of
    /// two at or above constraints + public inputs + 1.
    pub fn domain_size(&self) -> usize {
        (self.num_constraints() + self.num_public + 1).next_power_of_two()
    }

    /// Whether a full assignment (wire 0 = 1) satisfies every constraint.
    pub fn is_satisfied(&self, w: &[Fr]) -> bool {
        w.len() == self.num_wires
            && w[0] == Fr::from(1u64)
            && (0..self.num_constraints()).all(|i| {
                evaluate_constraint(&self.a[i], w) * evaluate_constraint(&self.b[i], w)
                    == evaluate_constraint(&self.c[i], w)
            })
    }
}

/// Sorts a row by wire, adds up repeated wires and drops zero coefficients (snarkjs
/// keeps only the last coefficient of a repeated wire).
pub(super) fn normalize(row: &[(Fr, usize)]) -> Vec<(Fr, usize)> {
    let mut row = row.to_vec();
    row.sort_by_key(|&(_, i)| i);
    let mut out: Vec<(Fr, usize)> = Vec::with_capacity(row.len());
    for (c, i) in row {
        match out.last_mut() {
            Some((acc, j)) if *j == i => *acc += c,
            _ => out.push((c, i)),
        }
    }
    out.retain(|(c, _)| !c.is_zero());
    out
}

/// The R1CS of a shape's ballot circuit.
pub fn ballot_r1cs(shape: BallotShape) -> Result<R1cs, Error> {
    let cs = groth16_cs(SynthesisMode::Setup);
    BallotCircuit::for_setup(shape)
        .generate_constraints(cs.clone())
        .map_err(synthesis)?;
    cs.finalize();
    let matrices = cs.to_matrices().map_err(synthesis)?;
    let m = matrices
        .get(R1CS_PREDICATE_LABEL)
        .filter(|m| m.len() == 3)
        .ok_or_else(|| Error::Synthesis("the ballot circuit has no R1CS matrices".into()))?;
    let rows = |k: usize| m[k].iter().map(|r| normalize(r)).collect::<Vec<_>>();
    let num_public = cs.num_instance_variables() - 1;
    debug_assert_eq!(num_public, BallotInstance::num_inputs(&shape));
    Ok(R1cs {
        num_public,
        num_wires: cs.num_instance_variables() + cs.num_witness_variables(),
        a: rows(0),
        b: rows(1),
        c: rows(2),
    })
}

/// The iden3 `.r1cs` file (version 1) of an R1CS: section 1 the header (field size
/// and prime, wires, 0 public outputs, `num_public` public inputs, 0 private inputs,
/// labels, constraints), section 2 the constraints (each of `A`, `B`, `C` as a count
/// and `(wire, coefficient)` pairs), section 3 the wire-to-label map (the identity).
pub fn r1cs_bytes(r: &R1cs) -> Vec<u8> {
    let mut header = Vec::new();
    put_modulus::<Fr>(&mut header);
    put_u32(&mut header, r.num_wires);
    put_u32(&mut header, 0); // public outputs
    put_u32(&mut header, r.num_public); // public inputs
    put_u32(&mut header, 0); // private inputs: none named as such
    header.extend_from_slice(&(r.num_wires as u64).to_le_bytes()); // labels
    put_u32(&mut header, r.num_constraints());
    let mut constraints = Vec::new();
    for i in 0..r.num_constraints() {
        for row in [&r.a[i], &r.b[i], &r.c[i]] {
            put_u32(&mut constraints, row.len());
            for (c, w) in row {
                put_u32(&mut constraints, *w);
                put_fr(&mut constraints, c);
            }
        }
    }
    let mut map = Vec::with_capacity(8 * r.num_wires);
    for w in 0..r.num_wires as u64 {
        map.extend_from_slice(&w.to_le_bytes());
    }
    binfile(b"r1cs", 1, &[header, constraints, map])
}
