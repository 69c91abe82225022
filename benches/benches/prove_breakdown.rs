//! Where a ballot proof's time goes (depth 20, 8 fields, plain census): synthesis, the
//! R1CS-to-QAP witness map (FFTs) and each of the five MSMs that arkworks' Groth16
//! prover runs, next to the whole proof. The proof should cost little more than the
//! sum of the FFT and MSM work it requires. The same for the prover with precomputed
//! tables (`tables_*`, `whole_proof_tables`).
//!
//! `cargo bench -p zkvote-benches --bench prove_breakdown`

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::PrimeField;
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, r1cs_to_qap::R1CSToQAP, Groth16};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode,
};
use ark_snark::SNARK;
use ark_std::{rand::SeedableRng, Zero};
use criterion::{criterion_group, criterion_main, Criterion};
use rand_chacha::ChaCha20Rng;
use zkvote_benches::BallotFixture;
use zkvote_prover::vote::build_circuit;

fn breakdown(c: &mut Criterion) {
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let synthesize = || {
        let (circuit, _) = build_circuit(&req).expect("circuit");
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: false,
        });
        circuit.generate_constraints(cs.clone()).expect("synthesis");
        cs.finalize();
        cs
    };
    let cs = synthesize();
    let (instance, witness) = {
        let b = cs.borrow().expect("cs");
        (
            b.instance_assignment().expect("instance").to_vec(),
            b.witness_assignment().expect("witness").to_vec(),
        )
    };
    let h = LibsnarkReduction::witness_map::<Fr, ark_poly::GeneralEvaluationDomain<Fr>>(cs.clone())
        .expect("witness map");
    let full: Vec<_> = instance[1..]
        .iter()
        .chain(witness.iter())
        .map(|x| x.into_bigint())
        .collect();
    let aux: Vec<_> = witness.iter().map(|x| x.into_bigint()).collect();
    let h_big: Vec<_> = h.iter().map(|x| x.into_bigint()).collect();
    let pk = &f.pk;

    let mut g = c.benchmark_group("prove_breakdown/d20-f8");
    g.sample_size(10);
    g.bench_function("whole_proof", |b| {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        b.iter_batched(
            || build_circuit(&req).expect("circuit").0,
            |circuit| Groth16::<Bn254>::prove(pk, circuit, &mut rng).expect("proof"),
            criterion::BatchSize::LargeInput,
        )
    });
    let tables = zkvote_engine::tables::ProvingTables::new(pk);
    tables
        .learn_matrices(
            pk,
            zkvote_circuits::ballot::circuit::BallotCircuit::for_setup(f.shape),
        )
        .expect("matrices");
    g.bench_function("whole_proof_tables", |b| {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        b.iter_batched(
            || build_circuit(&req).expect("circuit").0,
            |circuit| {
                tables
                    .prove::<LibsnarkReduction, _, _>(pk, circuit, &mut rng)
                    .expect("proof")
            },
            criterion::BatchSize::LargeInput,
        )
    });
    for (name, table) in [("a", &tables.a), ("b_g1", &tables.b_g1), ("l", &tables.l)] {
        let scalars: Vec<Fr> = if name == "l" {
            witness.clone()
        } else {
            instance.iter().chain(witness.iter()).cloned().collect()
        };
        g.bench_function(format!("tables_msm_{name}_g1"), |b| {
            b.iter(|| table.msm(&scalars))
        });
    }
    let full_fr: Vec<Fr> = instance.iter().chain(witness.iter()).cloned().collect();
    g.bench_function("tables_msm_b_g2", |b| b.iter(|| tables.b_g2.msm(&full_fr)));
    g.bench_function("tables_msm_h_g1", |b| b.iter(|| tables.h.msm(&h)));
    g.bench_function("synthesis", |b| b.iter(synthesize));
    // The tables' prover: the assignment only (the matrices are kept), then its own
    // QAP witness map.
    g.bench_function("tables_synthesis_assignment", |b| {
        b.iter(|| {
            let (circuit, _) = build_circuit(&req).expect("circuit");
            let cs = ConstraintSystem::<Fr>::new_ref();
            cs.set_optimization_goal(OptimizationGoal::Constraints);
            cs.set_mode(SynthesisMode::Prove {
                construct_matrices: false,
                generate_lc_assignments: false,
            });
            circuit.generate_constraints(cs.clone()).expect("synthesis");
            cs
        })
    });
    let qap = tables.qap.get().expect("matrices");
    let full_z: Vec<Fr> = instance.iter().chain(witness.iter()).cloned().collect();
    g.bench_function("tables_qap_witness_map", |b| {
        b.iter(|| {
            qap.h(&full_z, zkvote_engine::keys::QapReduction::Libsnark)
                .expect("h")
        })
    });
    g.bench_function("witness_map_ffts", |b| {
        b.iter(|| {
            LibsnarkReduction::witness_map::<Fr, ark_poly::GeneralEvaluationDomain<Fr>>(cs.clone())
                .expect("witness map")
        })
    });
    g.bench_function("msm_a_g1", |b| {
        b.iter(|| G1Projective::msm_bigint(&pk.a_query[1..], &full))
    });
    g.bench_function("msm_b_g1", |b| {
        b.iter(|| G1Projective::msm_bigint(&pk.b_g1_query[1..], &full))
    });
    g.bench_function("msm_b_g2", |b| {
        b.iter(|| G2Projective::msm_bigint(&pk.b_g2_query[1..], &full))
    });
    g.bench_function("msm_h_g1", |b| {
        b.iter(|| G1Projective::msm_bigint(&pk.h_query, &h_big))
    });
    g.bench_function("msm_l_g1", |b| {
        b.iter(|| G1Projective::msm_bigint(&pk.l_query, &aux))
    });
    g.finish();
    assert!(!G1Projective::msm_bigint(&pk.l_query, &aux).is_zero());
}

criterion_group!(benches, breakdown);
criterion_main!(benches);
