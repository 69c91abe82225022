//! The DKG against the math, and against hostile trustees and files.

use super::*;
use crate::decrypt::lagrange_at_zero;
use crate::format::{from_json, to_json};
use crate::group::{hostile, mul_g, point_to_strings, Scalar};
use crate::keys::TrusteeKeyPair;
use ark_ec::CurveGroup;
use ark_ff::{One, PrimeField, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

pub(crate) const SESSION: &str = "dao.example/proposal-7";

pub(crate) struct Setup {
    pub params: DkgParams,
    pub keys: Vec<TrusteeKeyPair>,
    pub rng: ChaCha20Rng,
}

pub(crate) fn setup(n: u32, t: u32, seed: u64) -> Setup {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let keys: Vec<TrusteeKeyPair> = (0..n).map(|_| TrusteeKeyPair::generate(&mut rng)).collect();
    let regs = keys
        .iter()
        .enumerate()
        .map(|(k, kp)| kp.register(SESSION, k as u32 + 1, &mut rng))
        .collect();
    let params = DkgParams::new(SESSION, t, regs).unwrap();
    Setup { params, keys, rng }
}

impl Setup {
    pub fn trustee(&self, index: u32) -> Trustee<'_> {
        Trustee::new(&self.params, index, &self.keys[index as usize - 1]).unwrap()
    }

    pub fn deal_all(&mut self) -> Vec<Dealing> {
        let mut rng = self.rng.clone();
        let d = (1..=self.params.n())
            .map(|i| self.trustee(i).deal(&mut rng))
            .collect();
        self.rng = rng;
        d
    }

    pub fn complaints(&mut self, dealings: &[Dealing]) -> Vec<Complaint> {
        let mut rng = self.rng.clone();
        let c = (1..=self.params.n())
            .flat_map(|j| self.trustee(j).complaints(dealings, &mut rng))
            .collect();
        self.rng = rng;
        c
    }

    /// Every trustee's view of the end; all must agree.
    pub fn finalize_all(&self, transcript: &DkgTranscript) -> (DkgResult, Vec<SecretShare>) {
        let mut shares = Vec::new();
        let mut result = None;
        for j in 1..=self.params.n() {
            let (r, s) = self
                .trustee(j)
                .finalize(transcript, transcript.dealing(j))
                .unwrap();
            if let Some(prev) = &result {
                assert_eq!(prev, &r);
            }
            result = Some(r);
            shares.push(s);
        }
        (result.unwrap(), shares)
    }
}

/// A whole honest DKG: (setup, transcript, result, shares).
pub(crate) fn honest(
    n: u32,
    t: u32,
    seed: u64,
) -> (Setup, DkgTranscript, DkgResult, Vec<SecretShare>) {
    let mut s = setup(n, t, seed);
    let dealings = s.deal_all();
    let complaints = s.complaints(&dealings);
    assert!(complaints.is_empty());
    let transcript = DkgTranscript::new(s.params.clone(), dealings, complaints).unwrap();
    let (result, shares) = s.finalize_all(&transcript);
    (s, transcript, result, shares)
}

/// `Σ λ_j x_j` over `indices`: the election secret, which nobody forms outside tests.
fn interpolate(shares: &[SecretShare], indices: &[u32]) -> Scalar {
    let lambdas = lagrange_at_zero(indices).unwrap();
    indices
        .iter()
        .zip(lambdas)
        .map(|(j, l)| l * shares[*j as usize - 1].scalar())
        .sum()
}

fn check_threshold(result: &DkgResult, shares: &[SecretShare]) {
    let n = result.key.n();
    let t = result.key.threshold;
    for (j, s) in shares.iter().enumerate() {
        assert_eq!(
            mul_g(s.scalar()).into_affine(),
            result.key.verification_keys[j]
        );
    }
    // Any t shares give the secret of H; t − 1 do not.
    let all: Vec<u32> = (1..=n).collect();
    let first: Vec<u32> = all[..t as usize].to_vec();
    let last: Vec<u32> = all[(n - t) as usize..].to_vec();
    for set in [first.clone(), last] {
        assert_eq!(
            mul_g(&interpolate(shares, &set)).into_affine(),
            result.key.public_key
        );
    }
    if t > 1 {
        let fewer = &first[..t as usize - 1];
        assert_ne!(
            mul_g(&interpolate(shares, fewer)).into_affine(),
            result.key.public_key
        );
    }
}

#[test]
fn honest_dkg_3_of_2_and_7_of_4() {
    for (n, t, seed) in [(3, 2, 1), (7, 4, 2), (1, 1, 3), (4, 4, 4)] {
        let (_, transcript, result, shares) = honest(n, t, seed);
        assert_eq!(result.qualified, (1..=n).collect::<Vec<_>>());
        assert!(result.disqualified.is_empty());
        result.verify(&transcript).unwrap();
        check_threshold(&result, &shares);
        // H = Σ C_i0.
        let h: PointProj = transcript
            .dealings
            .iter()
            .map(|d| d.commitments[0].into_group())
            .sum();
        assert_eq!(h.into_affine(), result.key.public_key);
        // Files round-trip and are checked on load.
        let t2: DkgTranscript = from_json(&to_json(&transcript)).unwrap();
        assert_eq!(t2, transcript);
        let r2: DkgResult = from_json(&to_json(&result)).unwrap();
        r2.verify(&t2).unwrap();
        let s2: SecretShare = from_json(&to_json(&shares[0])).unwrap();
        assert_eq!(&s2, &shares[0]);
        assert!(!format!("{s2:?}").contains(&crate::group::to_decimal(s2.scalar())));
    }
}

/// Dealer `dealer` re-deals with a wrong share for `victim` (`share` as raw bytes).
fn corrupt_share(
    s: &mut Setup,
    dealings: &mut [Dealing],
    dealer: u32,
    victim: u32,
    bytes: [u8; 32],
) {
    let mut rng = s.rng.clone();
    let d = &mut dealings[dealer as usize - 1];
    let key = *s.params.key(victim).unwrap();
    // Encrypt any scalar, then replace the plaintext by `bytes` (same pad).
    let honest = share::encrypt_share(&s.params, dealer, victim, &key, &Scalar::zero(), &mut rng);
    let mut bad = honest.clone();
    for (b, x) in bad.ciphertext.iter_mut().zip(bytes) {
        *b ^= x;
    }
    d.shares[victim as usize - 1] = bad;
    s.trustee(dealer).sign(d, &mut rng);
    s.rng = rng;
}

#[test]
fn a_bad_share_is_complained_about_and_its_dealer_excluded() {
    for (n, t) in [(3, 2), (7, 4)] {
        let mut s = setup(n, t, 10 + n as u64);
        let mut dealings = s.deal_all();
        corrupt_share(
            &mut s,
            &mut dealings,
            2,
            3,
            crate::group::to_le_bytes(&Scalar::from(12345u64)),
        );
        dealings[1].check(&s.params).unwrap(); // publicly fine: signed, proofs hold
        let complaints = s.complaints(&dealings);
        assert_eq!(complaints.len(), 1);
        assert_eq!((complaints[0].complainer, complaints[0].accused), (3, 2));
        let transcript = DkgTranscript::new(s.params.clone(), dealings, complaints).unwrap();
        let (result, shares) = s.finalize_all(&transcript);
        result.verify(&transcript).unwrap();
        assert!(!result.qualified.contains(&2));
        assert_eq!(result.qualified.len(), n as usize - 1);
        assert!(matches!(
            &result.disqualified[..],
            [Disqualified {
                trustee: 2,
                reason: Disqualification::JustifiedComplaint { complainer: 3, .. }
            }]
        ));
        assert!(matches!(
            result.complaints[0].outcome,
            ComplaintOutcome::Justified { .. }
        ));
        check_threshold(&result, &shares);
        // Without dealer 2: H = Σ C_i0 over QUAL.
        let h: PointProj = result
            .qualified
            .iter()
            .map(|i| transcript.dealing(*i).unwrap().commitments[0].into_group())
            .sum();
        assert_eq!(h.into_affine(), result.key.public_key);
    }
}

#[test]
fn a_share_not_below_l_is_a_justified_complaint() {
    let mut s = setup(3, 2, 20);
    let mut dealings = s.deal_all();
    corrupt_share(&mut s, &mut dealings, 1, 2, [0xff; 32]);
    let complaints = s.complaints(&dealings);
    assert_eq!(complaints.len(), 1);
    let transcript = DkgTranscript::new(s.params.clone(), dealings, complaints).unwrap();
    let result = transcript.evaluate().unwrap();
    assert_eq!(result.qualified, vec![2, 3]);
    assert!(matches!(
        &result.complaints[0].outcome,
        ComplaintOutcome::Justified { detail } if detail.contains("below l")
    ));
}

#[test]
fn false_complaints_are_refused() {
    let mut s = setup(3, 2, 30);
    let dealings = s.deal_all();
    let mut rng = s.rng.clone();
    // 1. Trustee 1 opens a good share of dealer 2 with its true key: the share is good.
    let t1 = s.trustee(1);
    let true_key = share::share_key(&s.keys[0].secret().clone(), &dealings[1].shares[0]);
    let honest_open = t1.complain(&dealings[1], &true_key, &mut rng);
    // 2. Trustee 3 claims another key for its share of dealer 1 (a proof made anyway).
    let t3 = s.trustee(3);
    let fake_key = mul_g(&Scalar::from(99u64)).into_affine();
    let forged = t3.complain(&dealings[0], &fake_key, &mut rng);
    // 3. Trustee 2 replays trustee 3's complaint as its own about dealer 1.
    let mut replayed = forged.clone();
    replayed.complainer = 2;
    let transcript = DkgTranscript::new(
        s.params.clone(),
        dealings,
        vec![honest_open, forged, replayed],
    )
    .unwrap();
    let (result, shares) = s.finalize_all(&transcript);
    assert_eq!(result.qualified, vec![1, 2, 3]);
    for (k, c) in result.complaints.iter().enumerate() {
        assert!(
            matches!(c.outcome, ComplaintOutcome::Refused { .. }),
            "complaint {k}: {c:?}"
        );
    }
    assert!(
        matches!(&result.complaints[0].outcome, ComplaintOutcome::Refused { detail } if detail.contains("matches"))
    );
    assert!(
        matches!(&result.complaints[1].outcome, ComplaintOutcome::Refused { detail } if detail.contains("invalid proof"))
    );
    check_threshold(&result, &shares);
}

#[test]
fn publicly_bad_dealings_disqualify_without_complaints() {
    let mut s = setup(7, 4, 40);
    let mut dealings = s.deal_all();
    let mut rng = s.rng.clone();
    // 1: a commitment changed after signing.
    dealings[0].commitments[1] = mul_g(&Scalar::from(5u64)).into_affine();
    // 2: too few commitments, re-signed (the PoK is then over other commitments).
    dealings[1].commitments.pop();
    s.trustee(2).sign(&mut dealings[1], &mut rng);
    // 3: a constant-term proof of another dealing, re-signed.
    dealings[2].constant_proof = dealings[3].constant_proof;
    s.trustee(3).sign(&mut dealings[2], &mut rng);
    // 5: shares out of order, re-signed.
    dealings[4].shares.swap(0, 1);
    s.trustee(5).sign(&mut dealings[4], &mut rng);
    // 6: signed by trustee 7's key.
    s.trustee(7).sign(&mut dealings[5], &mut rng);
    // 7: absent.
    dealings.pop();
    let complaints = s.complaints(&dealings);
    assert!(
        complaints.is_empty(),
        "bad dealings are not complained about"
    );
    let transcript = DkgTranscript::new(s.params.clone(), dealings.clone(), vec![]).unwrap();
    let err = transcript.evaluate().unwrap_err();
    assert!(
        matches!(
            err,
            Error::DkgFailed {
                qualified: 1,
                threshold: 4,
                ..
            }
        ),
        "{err}"
    );
    // With t = 1 the same transcript gives QUAL = {4} and says why for the others.
    let mut s1 = setup(7, 1, 40);
    let mut d1 = s1.deal_all();
    let mut rng = s1.rng.clone();
    d1[0]
        .commitments
        .push(mul_g(&Scalar::from(5u64)).into_affine());
    s1.trustee(1).sign(&mut d1[0], &mut rng);
    d1.remove(6);
    let tr = DkgTranscript::new(s1.params.clone(), d1, vec![]).unwrap();
    let result = tr.evaluate().unwrap();
    assert_eq!(result.qualified, vec![2, 3, 4, 5, 6]);
    assert!(
        matches!(&result.disqualified[0], Disqualified { trustee: 1, reason: Disqualification::InvalidDealing { detail } } if detail.contains("commitments"))
    );
    assert!(matches!(
        &result.disqualified[1],
        Disqualified {
            trustee: 7,
            reason: Disqualification::MissingDealing
        }
    ));
    // A complaint about a publicly bad dealer is moot.
    let _ = &s;
}

#[test]
fn dealing_checks_name_the_field() {
    let mut s = setup(3, 2, 50);
    let dealings = s.deal_all();
    let mut d = dealings[0].clone();
    d.commitments[0] = mul_g(&Scalar::from(5u64)).into_affine();
    let field_of = |d: &Dealing| match d.check(&s.params) {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field_of(&d), "constant_proof");
    let mut d = dealings[0].clone();
    d.shares[2].ciphertext[0] ^= 1;
    assert_eq!(field_of(&d), "signature");
    let mut d = dealings[0].clone();
    d.dealer = 2;
    assert_eq!(field_of(&d), "constant_proof");
    let mut d = dealings[0].clone();
    d.dealer = 4;
    assert_eq!(field_of(&d), "dealer");
    let mut d = dealings[0].clone();
    d.shares[1].recipient = 3;
    assert_eq!(field_of(&d), "shares[1].recipient");
    // A dealing of another session (same keys, same indices) fails everywhere.
    let mut other = setup(3, 2, 50);
    other.params.session = "another".into();
    assert!(dealings[0].check(&other.params).is_err());
}

#[test]
fn a_trustee_that_does_not_complain_cannot_finish() {
    let mut s = setup(3, 2, 60);
    let mut dealings = s.deal_all();
    corrupt_share(
        &mut s,
        &mut dealings,
        1,
        2,
        crate::group::to_le_bytes(&Scalar::one()),
    );
    // Trustee 2 stays silent: dealer 1 stays in QUAL and trustee 2's share is wrong.
    let transcript = DkgTranscript::new(s.params.clone(), dealings, vec![]).unwrap();
    assert_eq!(
        s.trustee(2)
            .finalize(&transcript, transcript.dealing(2))
            .unwrap_err(),
        Error::ShareMismatch { index: 2 }
    );
    s.trustee(1)
        .finalize(&transcript, transcript.dealing(1))
        .unwrap();
    // A transcript without trustee 3's dealing, or with another one, is refused by it.
    let mut missing = transcript.clone();
    let own = missing.dealings.pop().unwrap();
    assert!(s.trustee(3).finalize(&missing, Some(&own)).is_err());
    // A trustee of other parameters.
    let other = setup(3, 2, 61);
    assert!(Trustee::new(&s.params, 1, &other.keys[0]).is_err());
    assert!(matches!(
        Trustee::new(&s.params, 4, &s.keys[0]),
        Err(Error::UnknownTrustee { index: 4, n: 3 })
    ));
}

#[test]
fn a_tampered_result_is_refused() {
    let (_, transcript, result, _) = honest(3, 2, 70);
    let mut bad = result.clone();
    bad.key.public_key = bad.key.verification_keys[0];
    assert!(
        matches!(bad.verify(&transcript), Err(Error::DkgResultMismatch(m)) if m.contains("key.public_key"))
    );
    let mut bad = result.clone();
    bad.qualified.pop();
    assert!(
        matches!(bad.verify(&transcript), Err(Error::DkgResultMismatch(m)) if m.contains("qualified"))
    );
    let mut bad = result.clone();
    bad.session = "x".into();
    assert!(bad.verify(&transcript).is_err());
    // A key file whose verification keys do not follow the commitments.
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&result.key)).unwrap();
    v["verification_keys"][1] =
        serde_json::to_value(point_to_strings(&crate::group::generator())).unwrap();
    let err = from_json::<ElectionKey>(&v.to_string()).unwrap_err();
    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "verification_keys[1]"),
        "{err}"
    );
}

fn params_json(s: &Setup) -> serde_json::Value {
    serde_json::from_str(&to_json(&s.params)).unwrap()
}

fn load_params(v: &serde_json::Value) -> Result<DkgParams> {
    from_json::<DkgParams>(&v.to_string())
}

#[test]
fn hostile_parameter_files_are_refused_naming_the_field() {
    let s = setup(3, 2, 80);
    assert_eq!(load_params(&params_json(&s)).unwrap(), s.params);
    let field = |v: &serde_json::Value| match load_params(v) {
        Err(Error::Json { path, .. }) => path,
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // Threshold out of range.
    for t in [0, 4] {
        let mut v = params_json(&s);
        v["threshold"] = t.into();
        assert_eq!(field(&v), "threshold");
    }
    // Keys: small order, off the subgroup, off the curve, identity, non-canonical.
    let g = crate::group::generator();
    let p_big = <crate::group::Base as ark_ff::PrimeField>::MODULUS.to_string();
    let bad_points: Vec<serde_json::Value> = vec![
        serde_json::to_value(point_to_strings(&hostile::order_two())).unwrap(),
        serde_json::to_value(point_to_strings(&hostile::order_four())).unwrap(),
        serde_json::to_value(point_to_strings(&hostile::shifted(
            &s.params.trustees[1].key,
        )))
        .unwrap(),
        serde_json::to_value(point_to_strings(&hostile::full_order())).unwrap(),
        serde_json::json!([crate::group::to_decimal(&g.x), "1"]),
        serde_json::to_value(point_to_strings(&crate::group::identity())).unwrap(),
        serde_json::json!([
            "0".to_string() + &crate::group::to_decimal(&g.x),
            crate::group::to_decimal(&g.y)
        ]),
        serde_json::json!([p_big, "1"]),
        serde_json::json!([crate::group::to_decimal(&g.x)]),
    ];
    for (k, p) in bad_points.into_iter().enumerate() {
        let mut v = params_json(&s);
        v["trustees"][1]["key"] = p;
        assert_eq!(field(&v), "trustees[1].key", "case {k}");
    }
    // A non-canonical proof scalar (s + l).
    let mut v = params_json(&s);
    let s_plus_l = num_bigint::BigUint::from(s.params.trustees[0].proof.s.into_bigint())
        + num_bigint::BigUint::from(<Scalar as ark_ff::PrimeField>::MODULUS);
    v["trustees"][0]["proof"]["s"] = s_plus_l.to_string().into();
    assert_eq!(field(&v), "trustees[0].proof.s");
    // A tampered proof of possession, a swapped key, duplicate and shuffled indices.
    let mut v = params_json(&s);
    v["trustees"][0]["proof"]["s"] =
        crate::group::to_decimal(&(s.params.trustees[0].proof.s + Scalar::one())).into();
    assert_eq!(field(&v), "trustees[0].proof");
    let mut v = params_json(&s);
    v["trustees"][2]["key"] = v["trustees"][0]["key"].clone();
    assert_eq!(field(&v), "trustees[2].key");
    let mut v = params_json(&s);
    v["trustees"][2]["index"] = 2.into();
    assert!(
        matches!(load_params(&v), Err(Error::Invalid { field, message, .. }) if field == "trustees[2].index" && message.contains("duplicate"))
    );
    let mut v = params_json(&s);
    v["trustees"][2]["index"] = 7.into();
    assert_eq!(field(&v), "trustees[2].index");
    // Version, unknown fields, empty session.
    let mut v = params_json(&s);
    v["version"] = 2.into();
    assert!(matches!(
        load_params(&v),
        Err(Error::UnsupportedVersion {
            found: 2,
            supported: 1,
            ..
        })
    ));
    let mut v = params_json(&s);
    v["extra"] = 1.into();
    assert!(matches!(load_params(&v), Err(Error::Json { .. })));
    let mut v = params_json(&s);
    v["session"] = "".into();
    assert_eq!(field(&v), "session");
    // Registrations made for another session.
    let mut v = params_json(&s);
    v["session"] = "another".into();
    assert_eq!(field(&v), "trustees[0].proof");
}

#[test]
fn hostile_transcript_files_are_refused_naming_the_field() {
    let (_, transcript, _, _) = honest(3, 2, 90);
    let json: serde_json::Value = serde_json::from_str(&to_json(&transcript)).unwrap();
    let field = |v: &serde_json::Value| match from_json::<DkgTranscript>(&v.to_string()) {
        Err(Error::Json { path, .. }) => path,
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let mut v = json.clone();
    v["dealings"][2] = v["dealings"][0].clone();
    assert_eq!(field(&v), "dealings[2].dealer");
    let mut v = json.clone();
    v["dealings"][1]["dealer"] = 0.into();
    assert_eq!(field(&v), "dealings[1].dealer");
    let mut v = json.clone();
    v["dealings"][1]["version"] = 3.into();
    assert_eq!(field(&v), "dealings[1].version");
    let mut v = json.clone();
    v["dealings"][0]["commitments"][1] =
        serde_json::to_value(point_to_strings(&hostile::order_four())).unwrap();
    assert_eq!(field(&v), "dealings[0].commitments");
    let mut v = json.clone();
    v["dealings"][0]["shares"][1]["ephemeral"] =
        serde_json::to_value(point_to_strings(&crate::group::identity())).unwrap();
    assert_eq!(field(&v), "dealings[0].shares[1].ephemeral");
    let mut v = json.clone();
    v["dealings"][0]["shares"][1]["ciphertext"] = "AB".repeat(32).into();
    assert_eq!(field(&v), "dealings[0].shares[1].ciphertext");
    let mut v = json.clone();
    v["params"]["threshold"] = 9.into();
    assert_eq!(field(&v), "threshold");
}

#[test]
fn a_complaint_about_a_publicly_bad_dealer_is_moot() {
    let mut s = setup(3, 1, 95);
    let mut dealings = s.deal_all();
    let mut rng = s.rng.clone();
    let t2 = s.trustee(2);
    let key = share::share_key(s.keys[1].secret(), &dealings[0].shares[1]);
    let complaint = t2.complain(&dealings[0], &key, &mut rng);
    dealings[0].shares[0].ciphertext[5] ^= 1; // breaks dealer 1's signature
    let transcript = DkgTranscript::new(s.params.clone(), dealings, vec![complaint]).unwrap();
    let result = transcript.evaluate().unwrap();
    assert_eq!(result.qualified, vec![2, 3]);
    assert_eq!(result.complaints[0].outcome, ComplaintOutcome::Moot);
    assert!(matches!(
        &result.disqualified[0].reason,
        Disqualification::InvalidDealing { detail } if detail.contains("signature")
    ));
    // A complaint about oneself is refused when the transcript is read.
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&transcript)).unwrap();
    v["complaints"][0]["accused"] = 2.into();
    assert!(matches!(
        from_json::<DkgTranscript>(&v.to_string()),
        Err(Error::Invalid { field, .. }) if field == "complaints[0].accused"
    ));
}
