//! Shared by the fuzz targets and the seed generator (`fuzz/seeds`).
//!
//! The key, tables and zkey readers do not depend on the ballot circuit's size, so
//! their seeds are made for [`Tiny`], a circuit of 8 constraints with as many public
//! inputs as the smallest ballot shape ([`TINY_SHAPE`]): its files are a few KiB, so a
//! fuzzer mutates them quickly, and a verifying key of it passes the header's shape
//! check. (Seeds of the real ballot circuit are there too, where they are small.)

use ark_bn254::Fr;
use ark_ff::Zero;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, LinearCombination,
    OptimizationGoal, SynthesisError, SynthesisMode, Variable, R1CS_PREDICATE_LABEL,
};
use zkvote_circuits::ballot::{public_inputs::BallotInstance, BallotShape, CensusKind};
use zkvote_interop::circom::R1cs;

/// The shape written in the headers of the tiny circuit's key files: depth 1, one
/// field, plain census (6 public inputs).
pub const TINY_SHAPE: BallotShape = BallotShape {
    max_depth: 1,
    fields: 1,
    census: CensusKind::Plain,
};

/// `y₁ = x³ + x + 5` and `yₖ = x + k` for `k = 2..=n`, with `x` private and the
/// `yₖ` public (`n` = the public inputs of [`TINY_SHAPE`]).
#[derive(Clone, Copy, Debug)]
pub struct Tiny {
    /// The private input.
    pub x: Fr,
}

impl Tiny {
    /// Number of public inputs.
    pub fn num_public() -> usize {
        BallotInstance::num_inputs(&TINY_SHAPE)
    }

    /// The public inputs for `x`.
    pub fn public_inputs(&self) -> Vec<Fr> {
        let x = self.x;
        let mut out = vec![x * x * x + x + Fr::from(5u64)];
        out.extend((2..=Self::num_public() as u64).map(|k| x + Fr::from(k)));
        out
    }
}

impl ConstraintSynthesizer<Fr> for Tiny {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let ys = self.public_inputs();
        let inputs = ys
            .iter()
            .map(|y| cs.new_input_variable(|| Ok(*y)))
            .collect::<Result<Vec<_>, _>>()?;
        let x = cs.new_witness_variable(|| Ok(self.x))?;
        let t = cs.new_witness_variable(|| Ok(self.x * self.x))?;
        let u = cs.new_witness_variable(|| Ok(self.x * self.x * self.x))?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::from(x),
            || LinearCombination::from(x),
            || LinearCombination::from(t),
        )?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::from(t),
            || LinearCombination::from(x),
            || LinearCombination::from(u),
        )?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::from(u) + x + (Fr::from(5u64), Variable::One),
            || LinearCombination::from(Variable::One),
            || LinearCombination::from(inputs[0]),
        )?;
        for (k, y) in inputs.iter().enumerate().skip(1) {
            let k = Fr::from(k as u64 + 1);
            cs.enforce_r1cs_constraint(
                || LinearCombination::from(x) + (k, Variable::One),
                || LinearCombination::from(Variable::One),
                || LinearCombination::from(*y),
            )?;
        }
        Ok(())
    }
}

/// [`Tiny`]'s R1CS in wire order, as `zkvote_interop::circom::ballot_r1cs` makes the
/// ballot circuit's (the snarkjs zkey seed is a setup of this R1CS).
pub fn tiny_r1cs() -> R1cs {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    Tiny { x: Fr::zero() }
        .generate_constraints(cs.clone())
        .expect("the tiny circuit synthesises");
    cs.finalize();
    let matrices = cs.to_matrices().expect("the tiny circuit has matrices");
    let m = &matrices[R1CS_PREDICATE_LABEL];
    let rows = |k: usize| {
        m[k].iter()
            .map(|row| {
                let mut row = row.clone();
                row.sort_by_key(|&(_, i)| i);
                row.retain(|(c, _)| !c.is_zero());
                row
            })
            .collect::<Vec<_>>()
    };
    R1cs {
        num_public: cs.num_instance_variables() - 1,
        num_wires: cs.num_instance_variables() + cs.num_witness_variables(),
        a: rows(0),
        b: rows(1),
        c: rows(2),
    }
}

/// The identity file, as the CLI reads it (`cli/src/commands/identity.rs`: the type
/// lives in the binary crate, so it is repeated here, field for field).
pub mod identity_file {
    use serde::{Deserialize, Serialize};
    use zkvote_circuits::field::fr_to_decimal;
    use zkvote_prover::Identity;

    /// See `IdentityFile` in `cli/src/commands/identity.rs`.
    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct IdentityFile {
        /// Format version.
        pub version: u32,
        /// The 32-byte private key, base64.
        pub private_key: String,
        /// The identity commitment, decimal.
        pub commitment: String,
        /// The public key, decimal coordinates.
        pub public_key: [String; 2],
    }

    impl IdentityFile {
        /// The file of an identity, as `zkvote identity new` writes it.
        pub fn of(id: &Identity) -> Self {
            let pk = id.public_key();
            IdentityFile {
                version: 1,
                private_key: id.export(),
                commitment: fr_to_decimal(&id.commitment()),
                public_key: [fr_to_decimal(&pk.x), fr_to_decimal(&pk.y)],
            }
        }

        /// The CLI's checks on load (`identity::load`): version 1, a private key
        /// that imports, and the commitment of that key.
        pub fn load(&self) -> Option<Identity> {
            if self.version != 1 {
                return None;
            }
            let id = Identity::import(&self.private_key).ok()?;
            (fr_to_decimal(&id.commitment()) == self.commitment).then_some(id)
        }
    }
}
