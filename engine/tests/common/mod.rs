//! A small test circuit and fixtures shared by the integration tests.
//!
//! The statement: for private `a_0..a_18`, the 20 public inputs are
//! `x_j = a_j³ + a_j` (j < 19) and `x_19 = t_300` with `t_0 = a_0`,
//! `t_{k+1} = t_k² + k`. 19·2 + 300 = 338 constraints.

#![allow(dead_code)]

use std::sync::OnceLock;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ark_std::UniformRand;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

pub const NUM_SECRETS: usize = 19;
pub const CHAIN: u64 = 300;
pub const NUM_INPUTS: usize = NUM_SECRETS + 1;

#[derive(Clone)]
pub struct TestCircuit {
    pub secrets: Vec<Fr>,
}

impl TestCircuit {
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
            let cube = aj * aj * aj;
            (cube + aj).enforce_equal(xj)?;
        }
        let mut t = a[0].clone();
        for k in 0..CHAIN {
            t = &t * &t + FpVar::constant(Fr::from(k));
        }
        t.enforce_equal(&xs[NUM_SECRETS])
    }
}

pub struct Fixture {
    pub pk: ProvingKey<Bn254>,
    pub pvk: PreparedVerifyingKey<Bn254>,
    /// Distinct statements with one honest proof each.
    pub statements: Vec<(Proof<Bn254>, Vec<Fr>)>,
}

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Keys and 8 honest proofs of 8 different statements, built once per test binary.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = rng(42);
        let blank = TestCircuit {
            secrets: vec![Fr::from(1u64); NUM_SECRETS],
        };
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(blank, &mut rng).unwrap();
        let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
        let statements = (0..8)
            .map(|_| {
                let c = TestCircuit {
                    secrets: (0..NUM_SECRETS).map(|_| Fr::rand(&mut rng)).collect(),
                };
                let x = c.public_inputs();
                let proof = Groth16::<Bn254>::prove(&pk, c, &mut rng).unwrap();
                (proof, x)
            })
            .collect();
        Fixture {
            pk,
            pvk,
            statements,
        }
    })
}

/// `n` valid items: the 8 statements in turn, each proof re-randomised.
pub fn valid_items(n: usize, seed: u64) -> Vec<(Proof<Bn254>, Vec<Fr>)> {
    let f = fixture();
    let mut rng = rng(seed);
    (0..n)
        .map(|i| {
            let (proof, x) = &f.statements[i % f.statements.len()];
            let p = Groth16::<Bn254>::rerandomize_proof(&f.pk.vk, proof, &mut rng);
            (p, x.clone())
        })
        .collect()
}
