use ark_bn254::Fr;
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};
use zkvote_benches::BallotFixture;
use zkvote_prover::vote::build_circuit;

fn main() {
    if std::env::args().any(|a| a == "time") { timing(); return; }
    if std::env::args().any(|a| a == "ours") { only_ours(); return; }
    if std::env::args().any(|a| a == "mul") { mulbench(); return; }
    if std::env::args().any(|a| a == "prove") { prove_cmp(); return; }
    if std::env::args().any(|a| a == "load") { load(); return; }
    if std::env::args().any(|a| a == "mmap") { mmap_test(); return; }
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let (circuit, _) = build_circuit(&req).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let b = cs.borrow().unwrap();
    let w: Vec<Fr> = b.instance_assignment().unwrap()[1..].iter().chain(b.witness_assignment().unwrap().iter()).cloned().collect();
    let mut hist = [0usize; 7];
    for x in &w {
        let bi = x.into_bigint();
        let nb = bi.num_bits();
        let neg = (-*x).into_bigint().num_bits();
        let k = if x.is_zero_() { 0 } else if nb <= 1 { 1 } else if neg <= 1 { 2 } else if nb <= 16 || neg <= 16 { 3 } else if nb <= 64 || neg <= 64 { 4 } else { 5 };
        hist[k] += 1;
    }
    println!("witness {} : zero {} one {} minus-one {} <=16b {} <=64b {} big {}", w.len(), hist[0], hist[1], hist[2], hist[3], hist[4], hist[5]);
    let pk = &f.pk;
    let z = |v: &[ark_bn254::G1Affine]| v.iter().filter(|p| p.is_zero()).count();
    println!("a_query {} zero {}; b_g1 {} zero {}; b_g2 {} zero {}; h {} l {}", pk.a_query.len(), z(&pk.a_query), pk.b_g1_query.len(), z(&pk.b_g1_query), pk.b_g2_query.len(), pk.b_g2_query.iter().filter(|p| p.is_zero()).count(), pk.h_query.len(), pk.l_query.len());
}
trait IsZ { fn is_zero_(&self) -> bool; }
impl IsZ for Fr { fn is_zero_(&self) -> bool { ark_ff::Zero::is_zero(self) } }
pub fn timing() {
    use ark_ec::VariableBaseMSM;
    use std::time::Instant;
    use zkvote_prover::msm::FixedBaseTable;
    let f = BallotFixture::new(20, 8, 1);
    let pk = &f.pk;
    let mut rng = ark_std::test_rng();
    let s: Vec<Fr> = (0..pk.h_query.len()).map(|_| <Fr as ark_ff::UniformRand>::rand(&mut rng)).collect();
    for c in std::env::var("CS").map(|v| v.split(",").map(|x| x.parse().unwrap()).collect::<Vec<u32>>()).unwrap_or(vec![11u32, 12, 13, 14]) {
        let t0 = Instant::now();
        let t = FixedBaseTable::new(&pk.h_query, c);
        let build = t0.elapsed();
        let mut v = vec![];
        for _ in 0..7 { let t0 = Instant::now(); std::hint::black_box(t.msm(&s)); v.push(t0.elapsed()); }
        v.sort();
        println!("h c={c} build {:?} msm median {:?}", build, v[3]);
        let g2 = FixedBaseTable::new(&pk.b_g2_query, c);
        let mut v = vec![];
        for _ in 0..7 { let t0 = Instant::now(); std::hint::black_box(g2.msm(&s[..pk.b_g2_query.len()])); v.push(t0.elapsed()); }
        v.sort();
        println!("b_g2 c={c} msm median {:?}", v[3]);
    }
    let mut v = vec![];
    for _ in 0..7 { let t0 = Instant::now(); std::hint::black_box(ark_bn254::G1Projective::msm(&pk.h_query, &s).unwrap()); v.push(t0.elapsed()); }
    v.sort(); println!("arkworks h msm median {:?}", v[3]);
    let mut v = vec![];
    for _ in 0..7 { let t0 = Instant::now(); std::hint::black_box(ark_bn254::G2Projective::msm(&pk.b_g2_query, &s[..pk.b_g2_query.len()]).unwrap()); v.push(t0.elapsed()); }
    v.sort(); println!("arkworks b_g2 msm median {:?}", v[3]);
}
pub fn only_ours() {
    use std::time::Instant;
    use zkvote_prover::msm::FixedBaseTable;
    let mut rng = ark_std::test_rng();
    let g = <ark_bn254::G1Affine as ark_ec::AffineRepr>::generator();
    let h_query: Vec<ark_bn254::G1Affine> = (0..8191u64).map(|i| (g * Fr::from(i + 1)).into()).collect();
    let s: Vec<Fr> = (0..h_query.len()).map(|_| <Fr as ark_ff::UniformRand>::rand(&mut rng)).collect();
    for c in [11u32, 12, 13, 14, 15, 16] {
    let t = FixedBaseTable::new(&h_query, c);
    let t0 = Instant::now();
    for _ in 0..20 { std::hint::black_box(t.msm(&s)); }
    println!("ours h c={c}: {:?} per msm", t0.elapsed() / 20);

    }
    let t0 = Instant::now();
    for _ in 0..10 { std::hint::black_box(<ark_bn254::G1Projective as ark_ec::VariableBaseMSM>::msm(&h_query, &s).unwrap()); }
    println!("arkworks h: {:?} per msm", t0.elapsed() / 10);
}
pub fn mulbench() {
    use std::time::Instant;
    use ark_bn254::Fq;
    let mut a = Fq::from(3u64); let b = Fq::from(123456789u64) + Fq::from(7u64).inverse_().unwrap();
    let t0 = Instant::now();
    for _ in 0..10_000_000 { a *= &b; }
    println!("Fq mul {:?} ({})", t0.elapsed() / 10_000_000, a);
    let t0 = Instant::now();
    let mut v: Vec<Fq> = (0..1000u64).map(|i| Fq::from(i + 2)).collect();
    for _ in 0..1000 { ark_ff::batch_inversion(&mut v); }
    println!("batch inversion of 1000: {:?} per element", t0.elapsed() / 1_000_000);
    let t0 = Instant::now();
    let mut x = Fq::from(5u64);
    for _ in 0..10000 { x = x.inverse_().unwrap() + Fq::from(1u64); }
    println!("inverse {:?}", t0.elapsed() / 10000);
}
trait Inv { fn inverse_(&self) -> Option<Self> where Self: Sized; }
impl Inv for ark_bn254::Fq { fn inverse_(&self) -> Option<Self> { ark_ff::Field::inverse(self) } }
pub fn prove_cmp() {
    use std::time::{Duration, Instant};
    use ark_snark::SNARK;
    let f = BallotFixture::new(20, 8, 1);
    let req = f.request();
    let t0 = Instant::now();
    let tables = zkvote_prover::tables::ProvingTables::new(&f.pk);
    println!("tables built in {:?}; windows a {} b1 {} b2 {} h {} l {}", t0.elapsed(), tables.a.window(), tables.b_g1.window(), tables.b_g2.window(), tables.h.window(), tables.l.window());
    let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(3);
    let (mut ours, mut theirs) = (vec![], vec![]);
    for _ in 0..8 {
        let c = build_circuit(&req).unwrap().0;
        let t0 = Instant::now();
        std::hint::black_box(ark_groth16::Groth16::<ark_bn254::Bn254>::prove(&f.pk, c, &mut rng).unwrap());
        theirs.push(t0.elapsed());
        let c = build_circuit(&req).unwrap().0;
        let t0 = Instant::now();
        std::hint::black_box(tables.prove::<ark_groth16::r1cs_to_qap::LibsnarkReduction, _, _>(&f.pk, c, &mut rng).unwrap());
        ours.push(t0.elapsed());
    }
    ours.sort(); theirs.sort();
    let m = |v: &Vec<Duration>| v[v.len() / 2];
    println!("arkworks prove median {:?}, tables prove median {:?}", m(&theirs), m(&ours));
}
pub fn load() {
    use std::time::Instant;
    let t0 = Instant::now();
    let bytes = std::fs::read("/tmp/t20/keys/ballot-d20-f8-plain.tables").unwrap();
    let t1 = t0.elapsed();
    let (_, t) = zkvote_prover::tables::ProvingTables::parse("x", &bytes).unwrap();
    println!("read {:?} parse {:?} ({:?})", t1, t0.elapsed() - t1, t);
}
pub fn mmap_test() {
    use std::time::Instant;
    let t0 = Instant::now();
    let f = std::fs::File::open("/tmp/t20/keys/ballot-d20-f8-plain.tables").unwrap();
    let m = unsafe { memmap2::MmapOptions::new().populate().map(&f).unwrap() };
    let t1 = t0.elapsed();
    let mut x = 0u64;
    for c in m.chunks_exact(64) { x = x.wrapping_add(c[0] as u64); }
    println!("mmap+populate {:?} touch {:?} ({x})", t1, t0.elapsed() - t1);
    let t0 = Instant::now();
    let m = unsafe { memmap2::MmapOptions::new().map(&f).unwrap() };
    let t1 = t0.elapsed();
    let mut x = 0u64;
    for c in m.chunks_exact(64) { x = x.wrapping_add(c[0] as u64); }
    println!("mmap {:?} touch {:?} ({x})", t1, t0.elapsed() - t1);
}
