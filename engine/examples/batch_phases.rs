//! Per-phase timing of batch verification over re-randomised proofs (a profiling aid,
//! not a benchmark: use `benches/benches/batch_verify.rs` for numbers to publish).
//!
//! `cargo run --release -p zkvote-engine --example batch_phases -- [N] [ROUNDS]`
//!
//! Prints, per phase, the median over ROUNDS of the wall time divided by N (µs per
//! ballot), on the current rayon pool (all cores) and on one thread.

use std::time::Instant;

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::{AffineRepr, VariableBaseMSM};
use ark_groth16::{Groth16, Proof};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ark_std::UniformRand;
use merlin::Transcript;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use zkvote_engine::glv::{msm_challenges, mul_challenges};
use zkvote_engine::labels;
use zkvote_engine::pairing::{multi_miller_loop_affine, multi_miller_loop_normalized};
use zkvote_engine::{batch_verify, decode_proof, encode_proof, vk_digest, BatchTranscript};

/// `x_j = a_j³ + a_j`, seven public inputs (the default ballot shape's count).
#[derive(Clone)]
struct Cubes(Vec<Fr>);

impl ConstraintSynthesizer<Fr> for Cubes {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        for a in &self.0 {
            let x = FpVar::new_input(cs.clone(), || Ok(*a * a * a + a))?;
            let w = FpVar::new_witness(cs.clone(), || Ok(*a))?;
            (&w * &w * &w + &w).enforce_equal(&x)?;
        }
        Ok(())
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let rounds = args.get(1).copied().unwrap_or(5);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let secrets: Vec<Fr> = (0..7).map(|_| Fr::rand(&mut rng)).collect();
    let inputs: Vec<Fr> = secrets.iter().map(|a| *a * a * a + a).collect();
    let (pk, vk) =
        Groth16::<Bn254>::circuit_specific_setup(Cubes(vec![Fr::from(1u64); 7]), &mut rng).unwrap();
    let pvk = Groth16::<Bn254>::process_vk(&vk).unwrap();
    let proof = Groth16::<Bn254>::prove(&pk, Cubes(secrets), &mut rng).unwrap();
    let items: Vec<(Proof<Bn254>, Vec<Fr>)> = (0..n)
        .map(|_| {
            (
                Groth16::<Bn254>::rerandomize_proof(&vk, &proof, &mut rng),
                inputs.clone(),
            )
        })
        .collect();
    let bytes: Vec<Vec<u8>> = items
        .iter()
        .map(|(p, _)| encode_proof(p).unwrap())
        .collect();

    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let all = rayon::ThreadPoolBuilder::new().build().unwrap();
    let mut table: Vec<(&str, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut time = |name: &'static str, f: &(dyn Fn() + Sync)| {
        let mut t = [Vec::new(), Vec::new()];
        for _ in 0..rounds {
            for (k, pool) in [&all, &one].iter().enumerate() {
                let s = Instant::now();
                pool.install(f);
                t[k].push(s.elapsed().as_secs_f64() * 1e6 / n as f64);
            }
        }
        let [a, b] = t;
        table.push((name, a, b));
    };

    time("decode (no subgroup check)", &|| {
        bytes.par_iter().for_each(|b| {
            let p = <Proof<Bn254> as ark_serialize::CanonicalDeserialize>::deserialize_uncompressed_unchecked(&b[..]).unwrap();
            assert!(p.a.is_on_curve() && p.b.is_on_curve() && p.c.is_on_curve());
        })
    });
    time("decode_proof (all checks)", &|| {
        bytes.par_iter().for_each(|b| {
            decode_proof(b).unwrap();
        })
    });
    time("G2 subgroup check (ark ψ = [6x²])", &|| {
        items.par_iter().for_each(|(p, _)| {
            assert!(p.b.is_in_correct_subgroup_assuming_on_curve());
        })
    });
    time("G2 subgroup check (subgroup::is_in_g2)", &|| {
        items.par_iter().for_each(|(p, _)| {
            assert!(zkvote_engine::subgroup::is_in_g2(&p.b));
        })
    });
    let challenges = || {
        let mut t = Transcript::new(labels::PROTOCOL);
        t.domain_sep(n as u64);
        t.append_vk_digest(&vk_digest(&pvk.vk).unwrap());
        for (p, x) in &items {
            t.append_proof(p).unwrap();
            t.append_public_inputs(x);
        }
        (0..n)
            .map(|_| t.challenge(labels::BATCH_CHALLENGE))
            .collect::<Vec<_>>()
    };
    time("challenges (transcript)", &|| {
        challenges();
    });
    let r = challenges();
    let a: Vec<G1Affine> = items.iter().map(|(p, _)| p.a).collect();
    time("r_i·A_i (GLV, wNAF) + normalize", &|| {
        let _ = mul_challenges(&a, &r);
    });
    let rs: Vec<Fr> = r.iter().map(|c| c.scalar()).collect();
    time("input weights + IC MSM", &|| {
        let w = items
            .par_iter()
            .zip(&rs)
            .fold(
                || vec![Fr::from(0u64); 7],
                |mut w, ((_, x), r)| {
                    for (wj, xj) in w.iter_mut().zip(x) {
                        *wj += *r * xj;
                    }
                    w
                },
            )
            .reduce(
                || vec![Fr::from(0u64); 7],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                    a
                },
            );
        let _ = G1Projective::msm_unchecked(&pvk.vk.gamma_abc_g1[1..], &w);
    });
    let cs: Vec<G1Affine> = items.iter().map(|(p, _)| p.c).collect();
    time("Σ r_i·C_i (GLV, 2 × msm_u64)", &|| {
        let _ = msm_challenges(&cs, &r);
    });
    let ra = mul_challenges(&a, &r);
    let pairs: Vec<(&G1Affine, &ark_bn254::G2Affine)> =
        ra.iter().zip(items.iter().map(|(p, _)| &p.b)).collect();
    time("multi-Miller loop, projective lines", &|| {
        let _ = multi_miller_loop_affine(&pairs, |(p, q)| (*p, *q));
    });
    time("multi-Miller loop, normalised affine", &|| {
        let _ = multi_miller_loop_normalized(&pairs, |(p, q)| (*p, *q));
    });
    let ml = multi_miller_loop_affine(&pairs[..3], |(p, q)| (*p, *q));
    time("final exponentiation (1 per batch)", &|| {
        let _ = Bn254::final_exponentiation(MillerLoopOutput(ml.0));
    });
    time("batch_verify (total)", &|| {
        assert!(batch_verify(&pvk, &items).iter().all(Result::is_ok));
    });
    let _ = G1Affine::zero();

    println!(
        "n = {n}, rounds = {rounds}, threads = {}",
        all.current_num_threads()
    );
    println!("{:<36} {:>12} {:>12}", "phase", "µs/ballot", "µs/ballot 1T");
    for (name, a, b) in table {
        println!("{:<36} {:>12.2} {:>12.2}", name, median(a), median(b));
    }
}
