//! Sizes read from untrusted files must be refused with an error, never wrap or panic.
//! The workspace compiles zkvote's crates with overflow checks in every profile
//! (`Cargo.toml`), so an unchecked `n + 1` here would panic rather than wrap.

use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_groth16::VerifyingKey;
use zkvote_interop::snarkjs::{export_verifying_key, import_verifying_key, SnarkjsVerifyingKey};
use zkvote_interop::Error;

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
