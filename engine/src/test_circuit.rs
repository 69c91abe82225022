//! A toy circuit with no voting meaning, and keys and proofs of it from a seed: what the
//! engine's own tests and the verification benches prove and verify (feature
//! `test-circuit`; never in a release build of the zkvote binary).
//!
//! The statement, for `s` private `a_0..a_{s-1}`: the `s + 1` public inputs are
//!
//! ```text
//! x_j = a_j³ + a_j           (j < s)
//! x_s = t_300,  t_0 = a_0,  t_{k+1} = t_k² + k
//! ```
//!
//! in `2·s + 300` constraints (338 for the tests' [`NUM_SECRETS`] = 19). The cost of
//! verification depends only on the number of public inputs, so `s` is what a test or
//! bench chooses; the chain keeps the proving key from being trivially small.

use std::sync::OnceLock;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_r1cs_std::{
    alloc::AllocVar,
    eq::EqGadget,
    fields::{fp::FpVar, FieldVar},
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ark_std::UniformRand;
use rand::RngCore;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

/// Private inputs of the tests' circuit.
pub const NUM_SECRETS: usize = 19;
/// Public inputs of the tests' circuit.
pub const NUM_INPUTS: usize = NUM_SECRETS + 1;
/// Length of the squaring chain (`x_s = t_CHAIN`).
pub const CHAIN: u64 = 300;
/// Number of distinct statements (one honest proof each) in a [`TestFixture`].
pub const STATEMENTS: usize = 8;

/// The toy circuit of the module documentation, for `secrets.len()` private inputs.
#[derive(Clone, Debug)]
pub struct TestCircuit {
    /// `a_0..a_{s-1}`.
    pub secrets: Vec<Fr>,
}

impl TestCircuit {
    /// `s` secrets equal to 1: the circuit a setup is run on (values do not matter there).
    pub fn blank(num_secrets: usize) -> Self {
        TestCircuit {
            secrets: vec![Fr::from(1u64); num_secrets],
        }
    }

    /// `s` random secrets from `rng`.
    pub fn random<R: RngCore>(num_secrets: usize, rng: &mut R) -> Self {
        TestCircuit {
            secrets: (0..num_secrets).map(|_| Fr::rand(rng)).collect(),
        }
    }

    /// The public inputs `x_0..x_s`.
    pub fn public_inputs(&self) -> Vec<Fr> {
        let mut x: Vec<Fr> = self.secrets.iter().map(|a| a * a * a + a).collect();
        let mut t = self.secrets[0];
        for k in 0..CHAIN {
            t = t * t + Fr::from(k);
        }
        x.push(t);
        x
    }
}

impl ConstraintSynthesizer<Fr> for TestCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let x = self.public_inputs();
        let xs = x
            .iter()
            .map(|v| FpVar::new_input(cs.clone(), || Ok(*v)))
            .collect::<Result<Vec<_>, _>>()?;
        let a = self
            .secrets
            .iter()
            .map(|v| FpVar::new_witness(cs.clone(), || Ok(*v)))
            .collect::<Result<Vec<_>, _>>()?;
        for (aj, xj) in a.iter().zip(&xs) {
            (aj * aj * aj + aj).enforce_equal(xj)?;
        }
        let mut t = a[0].clone();
        for k in 0..CHAIN {
            t = &t * &t + FpVar::constant(Fr::from(k));
        }
        t.enforce_equal(&xs[self.secrets.len()])
    }
}

/// The seeded RNG of the tests and benches.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Keys of the toy circuit and [`STATEMENTS`] distinct statements with one honest proof
/// each.
pub struct TestFixture {
    /// The proving key (its `vk` is the verifying key).
    pub pk: ProvingKey<Bn254>,
    /// The prepared verifying key.
    pub pvk: PreparedVerifyingKey<Bn254>,
    /// `(proof, public inputs)` of distinct statements.
    pub statements: Vec<(Proof<Bn254>, Vec<Fr>)>,
}

impl TestFixture {
    /// Keys for `num_inputs` public inputs (`num_inputs ≥ 2`) and the statements, all
    /// from one RNG seeded with `seed`: the setup first, then for each statement its
    /// secrets and its proof.
    pub fn new(num_inputs: usize, seed: u64) -> Self {
        let num_secrets = num_inputs - 1;
        let mut rng = rng(seed);
        let (pk, vk) =
            Groth16::<Bn254>::circuit_specific_setup(TestCircuit::blank(num_secrets), &mut rng)
                .expect("the toy circuit has a setup");
        let pvk = Groth16::<Bn254>::process_vk(&vk).expect("a verifying key prepares");
        let statements = (0..STATEMENTS)
            .map(|_| {
                let c = TestCircuit::random(num_secrets, &mut rng);
                let x = c.public_inputs();
                let proof = Groth16::<Bn254>::prove(&pk, c, &mut rng).expect("an honest proof");
                (proof, x)
            })
            .collect();
        TestFixture {
            pk,
            pvk,
            statements,
        }
    }

    /// `n` valid items: the statements in turn (statement `i % STATEMENTS` at position
    /// `i`), each proof re-randomised by one RNG seeded with `seed`.
    pub fn valid_items(&self, n: usize, seed: u64) -> Vec<(Proof<Bn254>, Vec<Fr>)> {
        let mut rng = rng(seed);
        (0..n)
            .map(|i| {
                let (proof, x) = &self.statements[i % self.statements.len()];
                let p = Groth16::<Bn254>::rerandomize_proof(&self.pk.vk, proof, &mut rng);
                (p, x.clone())
            })
            .collect()
    }
}

/// The tests' fixture: [`NUM_INPUTS`] public inputs, seed 42, built once per process.
pub fn fixture() -> &'static TestFixture {
    static FIXTURE: OnceLock<TestFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| TestFixture::new(NUM_INPUTS, 42))
}

/// `n` valid items of [`fixture`] (see [`TestFixture::valid_items`]).
pub fn valid_items(n: usize, seed: u64) -> Vec<(Proof<Bn254>, Vec<Fr>)> {
    fixture().valid_items(n, seed)
}
