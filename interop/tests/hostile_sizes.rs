//! Sizes read from untrusted files (a snarkjs verifying key, a ceremony's `.zkey`) must be
//! refused with an error, never wrap or panic. The workspace compiles zkvote's crates with
//! overflow checks in every profile (`Cargo.toml`), so an unchecked `n + 1` here would
//! panic rather than wrap.

use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::VerifyingKey;
use zkvote_circuits::ballot::{BallotShape, CensusKind};
use zkvote_interop::circom::{ballot_r1cs, import_zkey, R1cs};
use zkvote_interop::snarkjs::{export_verifying_key, import_verifying_key, SnarkjsVerifyingKey};
use zkvote_interop::Error;

// ---------------------------------------------------------------------------------
// snarkjs verification_key.json

/// A snarkjs verifying key with valid points (γ the generator, as snarkjs makes it, and
/// δ another point) and `ic` input bases.
fn vk_json(ic: usize) -> SnarkjsVerifyingKey {
    let delta = (G2Affine::generator() * Fr::from(7u64)).into_affine();
    export_verifying_key(&VerifyingKey {
        alpha_g1: G1Affine::generator(),
        beta_g2: G2Affine::generator(),
        gamma_g2: G2Affine::generator(),
        delta_g2: delta,
        gamma_abc_g1: vec![G1Affine::generator(); ic],
    })
}

#[test]
fn a_well_formed_key_is_imported() {
    // The control: what the hostile cases below change is the only problem.
    let vk = import_verifying_key(&vk_json(3)).unwrap();
    assert_eq!(vk.gamma_abc_g1.len(), 3);
}

#[test]
fn n_public_that_wraps_is_refused() {
    // nPublic = 2^64 − 1 (= usize::MAX here): `nPublic + 1` would wrap to 0 and match
    // an empty IC, giving a key without IC₀.
    for ic in [0, 1] {
        let mut k = vk_json(ic);
        k.n_public = usize::MAX;
        let err = import_verifying_key(&k).unwrap_err();
        assert!(
            matches!(&err, Error::Snarkjs(m) if m.contains("nPublic")),
            "{err}"
        );
    }
    // Through JSON, as the file arrives.
    let mut v = serde_json::to_value(vk_json(0)).unwrap();
    v["nPublic"] = serde_json::json!(u64::MAX);
    let k: SnarkjsVerifyingKey = serde_json::from_value(v.clone()).unwrap();
    assert!(import_verifying_key(&k).is_err());
    // 2^64 does not even parse.
    let text = v.to_string().replace(
        &format!("\"nPublic\":{}", u64::MAX),
        "\"nPublic\":18446744073709551616",
    );
    assert!(text.contains("18446744073709551616"));
    assert!(serde_json::from_str::<SnarkjsVerifyingKey>(&text).is_err());
}

#[test]
fn an_empty_ic_is_refused() {
    let mut k = vk_json(0);
    k.n_public = 0;
    assert!(import_verifying_key(&k).is_err());
}

// ---------------------------------------------------------------------------------
// .zkey

fn shape() -> BallotShape {
    BallotShape::new(2, 1, CensusKind::Plain).unwrap()
}

fn u32le(x: u32) -> Vec<u8> {
    x.to_le_bytes().to_vec()
}

/// A base-field element as the zkey stores it (Montgomery form, little-endian).
fn fq(x: &Fq) -> Vec<u8> {
    x.0.to_bytes_le()
}

fn g1(p: &G1Affine) -> Vec<u8> {
    [fq(&p.x), fq(&p.y)].concat()
}

fn g2(p: &G2Affine) -> Vec<u8> {
    [fq(&p.x.c0), fq(&p.x.c1), fq(&p.y.c0), fq(&p.y.c1)].concat()
}

/// The Groth16 header section with these sizes and valid (generator) points.
fn header(n_vars: u32, n_public: u32, domain: u32) -> Vec<u8> {
    let (p1, p2) = (G1Affine::generator(), G2Affine::generator());
    [
        u32le(32),
        Fq::MODULUS.to_bytes_le(),
        u32le(32),
        Fr::MODULUS.to_bytes_le(),
        u32le(n_vars),
        u32le(n_public),
        u32le(domain),
        g1(&p1),
        g1(&p1),
        g2(&p2),
        g2(&p2),
        g1(&p1),
        g2(&p2),
    ]
    .concat()
}

/// A zkey file of these sections (id, declared length, body).
fn zkey(sections: &[(u32, u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = b"zkey".to_vec();
    out.extend(u32le(1));
    out.extend(u32le(sections.len() as u32));
    for (id, len, body) in sections {
        out.extend(u32le(*id));
        out.extend(len.to_le_bytes());
        out.extend(body);
    }
    out
}

fn section(id: u32, body: Vec<u8>) -> (u32, u64, Vec<u8>) {
    (id, body.len() as u64, body)
}

fn r1cs_sizes(r: &R1cs) -> (u32, u32, u32) {
    (
        r.num_wires as u32,
        r.num_public as u32,
        r.domain_size() as u32,
    )
}

fn refused(bytes: &[u8], r: &R1cs, needle: &str) {
    let err = import_zkey("ceremony.zkey", bytes, r)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("ceremony.zkey: "), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

#[test]
fn zkey_header_sizes_of_another_circuit_are_refused() {
    let r = ballot_r1cs(shape()).unwrap();
    let (wires, public, domain) = r1cs_sizes(&r);
    let protocol = section(1, u32le(1));
    // The control: the right sizes get past the header (to the missing section 4).
    refused(
        &zkey(&[protocol.clone(), section(2, header(wires, public, domain))]),
        &r,
        "no coefficients section",
    );
    for (w, p, d) in [
        (u32::MAX, public, domain),
        (wires, u32::MAX, domain),
        (wires, public, u32::MAX),
        (u32::MAX, u32::MAX, u32::MAX),
    ] {
        refused(
            &zkey(&[protocol.clone(), section(2, header(w, p, d))]),
            &r,
            "another circuit",
        );
    }
}

#[test]
fn zkey_counts_that_the_bytes_cannot_back_are_refused() {
    let r = ballot_r1cs(shape()).unwrap();
    let (wires, public, domain) = r1cs_sizes(&r);
    let head = [
        section(1, u32le(1)),
        section(2, header(wires, public, domain)),
    ];
    // 2^32 − 1 coefficients announced, one present.
    let one_coef = [u32le(0), u32le(0), u32le(0), vec![0u8; 32]].concat();
    let mut coefs = u32le(u32::MAX);
    coefs.extend(&one_coef);
    refused(
        &zkey(&[head[0].clone(), head[1].clone(), section(4, coefs)]),
        &r,
        "coefficients section has 44 bytes for 4294967295 coefficients",
    );
    // A coefficient in row 2^32 − 1 (the row + 1 must not wrap on any target).
    let mut coefs = u32le(1);
    coefs.extend([u32le(0), u32le(u32::MAX), u32le(0), vec![0u8; 32]].concat());
    refused(
        &zkey(&[head[0].clone(), head[1].clone(), section(4, coefs)]),
        &r,
        "another circuit: constraints",
    );
    // A section that says it is 2^64 − 1 bytes long.
    refused(
        &zkey(&[
            head[0].clone(),
            (2, u64::MAX, header(wires, public, domain)),
        ]),
        &r,
        "truncated",
    );
    // 2^32 − 1 sections announced, none present.
    let mut bytes = zkey(&[]);
    bytes[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    refused(&bytes, &r, "truncated");
}
