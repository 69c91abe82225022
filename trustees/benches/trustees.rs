//! The trustees' costs: the DKG, partial decryption and its check, combination, and the
//! discrete log. `cargo bench -p zkvote-trustees`; figures in the README.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_trustees::decrypt::{combine, partial_decrypt, verify_partial, PartialDecryption};
use zkvote_trustees::dkg::{DkgParams, DkgResult, DkgTranscript, SecretShare, Trustee};
use zkvote_trustees::dlog::{DlogTable, DEFAULT_BOUND_BITS};
use zkvote_trustees::elgamal::Ciphertext;
use zkvote_trustees::group::{generator, Scalar};
use zkvote_trustees::keys::TrusteeKeyPair;

const SESSION: &str = "bench";
const ELECTION: &str = "bench-election";

struct Ceremony {
    params: DkgParams,
    keys: Vec<TrusteeKeyPair>,
}

fn ceremony(n: u32, t: u32) -> Ceremony {
    let mut rng = ChaCha20Rng::seed_from_u64(u64::from(n));
    let keys: Vec<TrusteeKeyPair> = (0..n).map(|_| TrusteeKeyPair::generate(&mut rng)).collect();
    let regs = keys
        .iter()
        .zip(1..)
        .map(|(k, i)| k.register(SESSION, i, &mut rng))
        .collect();
    Ceremony {
        params: DkgParams::new(SESSION, t, regs).expect("parameters"),
        keys,
    }
}

/// Every trustee deals, checks what it received and finishes; the public result once.
fn whole_dkg(c: &Ceremony, rng: &mut ChaCha20Rng) -> (DkgTranscript, DkgResult, Vec<SecretShare>) {
    let trustees: Vec<Trustee<'_>> = c
        .keys
        .iter()
        .zip(1..)
        .map(|(k, i)| Trustee::new(&c.params, i, k).expect("trustee"))
        .collect();
    let dealings: Vec<_> = trustees.iter().map(|t| t.deal(rng)).collect();
    let complaints: Vec<_> = trustees
        .iter()
        .flat_map(|t| t.complaints(&dealings, rng))
        .collect();
    let transcript =
        DkgTranscript::new(c.params.clone(), dealings, complaints).expect("transcript");
    let mut shares = Vec::new();
    let mut result = None;
    for t in &trustees {
        let (r, s) = t.finalize(&transcript, None).expect("finalize");
        result = Some(r);
        shares.push(s);
    }
    (transcript, result.expect("a trustee"), shares)
}

fn dkg(crit: &mut Criterion) {
    let mut g = crit.benchmark_group("dkg");
    g.sample_size(10);
    for (n, t) in [(3u32, 2u32), (7, 4)] {
        let c = ceremony(n, t);
        let id = format!("n{n}-t{t}");
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        g.bench_function(BenchmarkId::new("whole (all trustees)", &id), |b| {
            b.iter(|| whole_dkg(&c, &mut rng))
        });
        let (transcript, _, _) = whole_dkg(&c, &mut rng);
        let trustee = Trustee::new(&c.params, 1, &c.keys[0]).expect("trustee");
        g.bench_function(BenchmarkId::new("deal (one trustee)", &id), |b| {
            b.iter(|| trustee.deal(&mut rng))
        });
        g.bench_function(
            BenchmarkId::new("check received shares (one trustee)", &id),
            |b| b.iter(|| trustee.complaints(&transcript.dealings, &mut rng)),
        );
        g.bench_function(BenchmarkId::new("verify transcript (anyone)", &id), |b| {
            b.iter(|| transcript.evaluate().expect("result"))
        });
    }
    g.finish();
}

fn decryption(crit: &mut Criterion) {
    let c = ceremony(3, 2);
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let (_, result, shares) = whole_dkg(&c, &mut rng);
    let key = &result.key;
    let pk = key.elgamal().expect("key");
    let cts: Vec<Ciphertext> = (0..8u64)
        .map(|m| pk.encrypt(&Scalar::from(1000 + m), &mut rng))
        .collect();
    let table = DlogTable::new(DEFAULT_BOUND_BITS).expect("table");
    let partials: Vec<PartialDecryption> = shares
        .iter()
        .map(|s| partial_decrypt(ELECTION, key, s, &cts, &mut rng).expect("partial"))
        .collect();
    let mut g = crit.benchmark_group("decrypt");
    g.sample_size(20);
    g.bench_function(
        BenchmarkId::new("partial decryption", "8 ciphertexts"),
        |b| b.iter(|| partial_decrypt(ELECTION, key, &shares[0], &cts, &mut rng).expect("partial")),
    );
    g.bench_function(
        BenchmarkId::new("check a partial decryption", "8 ciphertexts"),
        |b| b.iter(|| verify_partial(ELECTION, key, &cts, &partials[0]).expect("valid")),
    );
    g.bench_function(
        BenchmarkId::new("combine t=2 (checks included)", "8 ciphertexts"),
        |b| b.iter(|| combine(ELECTION, key, &cts, &partials[..2], &table).expect("totals")),
    );
    g.finish();
}

fn dlog(crit: &mut Criterion) {
    let mut g = crit.benchmark_group("dlog");
    g.sample_size(10);
    let bits = DEFAULT_BOUND_BITS;
    g.bench_function(BenchmarkId::new("table build", format!("2^{bits}")), |b| {
        b.iter(|| DlogTable::new(bits).expect("table"))
    });
    let table = DlogTable::new(bits).expect("table");
    let top = (1u64 << bits) - 1;
    let at_bound =
        zkvote_trustees::group::mul_u64(&ark_ec::AffineRepr::into_group(generator()), top);
    let at_bound = ark_ec::CurveGroup::into_affine(at_bound);
    let small = ark_ec::CurveGroup::into_affine(zkvote_trustees::group::mul_u64(
        &ark_ec::AffineRepr::into_group(generator()),
        1000,
    ));
    g.bench_function(
        BenchmarkId::new("solve at the bound", format!("2^{bits} - 1")),
        |b| b.iter(|| assert_eq!(table.solve(&at_bound), Ok(top))),
    );
    g.bench_function(BenchmarkId::new("solve a small total", "1000"), |b| {
        b.iter(|| assert_eq!(table.solve(&small), Ok(1000)))
    });
    g.finish();
}

criterion_group!(benches, dkg, decryption, dlog);
criterion_main!(benches);
