//! Times the phases of a table proof at depth 20 (synthesis, matrices, QAP witness map).
use ark_bn254::Fr;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use std::time::Instant;
use zkvote_benches::BallotFixture;
use zkvote_prover::vote::build_circuit;

fn main() {
    let n = 20;
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3 / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        let _ = build_circuit(&req).expect("c");
    }
    println!("build_circuit {:.2} ms", ms(t));
    for construct in [false, true] {
        let t = Instant::now();
        for _ in 0..n {
            let (circuit, _) = build_circuit(&req).expect("c");
            let cs = ConstraintSystem::<Fr>::new_ref();
            cs.set_optimization_goal(OptimizationGoal::Constraints);
            cs.set_mode(SynthesisMode::Prove {
                construct_matrices: construct,
                generate_lc_assignments: false,
            });
            circuit.generate_constraints(cs.clone()).unwrap();
        }
        println!(
            "synthesis construct={construct} {:.2} ms (incl build)",
            ms(t)
        );
    }
    let mk = || {
        let (circuit, _) = build_circuit(&req).expect("c");
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: false,
        });
        circuit.generate_constraints(cs.clone()).unwrap();
        cs
    };
    let css: Vec<_> = (0..n).map(|_| mk()).collect();
    let t = Instant::now();
    for cs in &css {
        cs.finalize();
    }
    println!("finalize {:.2} ms", ms(t));
    let t = Instant::now();
    let mut mats = vec![];
    for cs in &css {
        mats.push(cs.to_matrices().unwrap());
    }
    println!("to_matrices {:.2} ms", ms(t));
    let cs = &css[0];
    let m = &mats[0][R1CS_PREDICATE_LABEL];
    let full = {
        let b = cs.borrow().unwrap();
        [
            b.instance_assignment().unwrap(),
            b.witness_assignment().unwrap(),
        ]
        .concat()
    };
    let t = Instant::now();
    for _ in 0..n {
        LibsnarkReduction::witness_map_from_matrices::<Fr, ark_poly::GeneralEvaluationDomain<Fr>>(
            m,
            cs.num_instance_variables(),
            cs.num_constraints(),
            &full,
        )
        .unwrap();
    }
    println!("witness_map_from_matrices {:.2} ms", ms(t));
    let nnz: usize = m
        .iter()
        .map(|mm| mm.iter().map(|r| r.len()).sum::<usize>())
        .sum();
    {
        use ark_ff::{FftField, Field, UniformRand};
        use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
        let d = GeneralEvaluationDomain::<Fr>::new(8192).unwrap();
        let mut rng = ark_std::test_rng();
        let mut v: Vec<Fr> = (0..8192).map(|_| Fr::rand(&mut rng)).collect();
        let t = Instant::now();
        for _ in 0..n {
            d.ifft_in_place(&mut v);
        }
        println!("ifft 8192 {:.2} ms", ms(t));
        let cd = d.get_coset(Fr::GENERATOR).unwrap();
        let t = Instant::now();
        for _ in 0..n {
            cd.fft_in_place(&mut v);
        }
        println!("coset fft 8192 {:.2} ms", ms(t));
        let t = Instant::now();
        for _ in 0..n {
            v.iter_mut().for_each(|x| {
                x.square_in_place();
            });
        }
        println!("8192 squarings {:.3} ms", ms(t));
    }
    {
        let tables = zkvote_engine::tables::ProvingTables::new(&f.pk);
        tables
            .learn_matrices(
                &f.pk,
                zkvote_circuits::ballot::circuit::BallotCircuit::for_setup(f.shape),
            )
            .unwrap();
        let qap = tables.qap.get().unwrap();
        let t = Instant::now();
        for _ in 0..n {
            qap.h(&full, zkvote_engine::keys::QapReduction::Libsnark)
                .unwrap();
        }
        println!("qap.h {:.2} ms", ms(t));
        let h = qap
            .h(&full, zkvote_engine::keys::QapReduction::Libsnark)
            .unwrap();
        let ni = cs.num_instance_variables();
        for (name, tab, sc) in [
            ("a", &tables.a, &full[..]),
            ("b_g1", &tables.b_g1, &full[..]),
            ("l", &tables.l, &full[ni..]),
            ("h", &tables.h, &h[..]),
        ] {
            let t = Instant::now();
            for _ in 0..n {
                let _ = tab.msm(sc);
            }
            println!("msm {name} {:.2} ms", ms(t));
        }
        let t = Instant::now();
        for _ in 0..n {
            let _ = tables.b_g2.msm(&full);
        }
        println!("msm b_g2 {:.2} ms", ms(t));
    }
    for (k, mm) in m.iter().enumerate() {
        use ark_ff::One;
        use std::collections::HashSet;
        let all: Vec<_> = mm.iter().flatten().collect();
        let ones = all.iter().filter(|(c, _)| c.is_one()).count();
        let minus = all.iter().filter(|(c, _)| (-*c).is_one()).count();
        let distinct: HashSet<_> = all.iter().map(|(c, _)| *c).collect();
        let maxrow = mm.iter().map(|r| r.len()).max().unwrap();
        println!(
            "matrix {k}: nnz {} ones {ones} minus-ones {minus} distinct {} max row {maxrow}",
            all.len(),
            distinct.len()
        );
    }
    println!(
        "constraints {} vars {} nnz {}",
        cs.num_constraints(),
        full.len(),
        nnz
    );
}

#[allow(dead_code)]
fn fft_time() {}
