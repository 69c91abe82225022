//! Threshold decryption against the math, absent trustees and wrong partials.

use super::*;
use crate::dkg::tests::honest;
use crate::format::{from_json, to_json};
use crate::group::{hostile, point_to_strings, to_decimal};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;

const ELECTION: &str =
    "5661231209489872799690659392244290523332707373897840544756507576626450023644";

fn table() -> &'static DlogTable {
    static T: OnceLock<DlogTable> = OnceLock::new();
    T.get_or_init(|| DlogTable::new(24).unwrap())
}

/// Ballots of 8 fields with public weights, summed: (ciphertexts, expected totals).
fn tally(key: &ElectionKey, voters: usize, seed: u64) -> (Vec<Ciphertext>, Vec<u64>) {
    let pk = key.elgamal().unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut sums: Vec<Vec<(Ciphertext, Scalar)>> = vec![Vec::new(); 8];
    let mut totals = vec![0u64; 8];
    for v in 0..voters {
        let weight = 1 + (v as u64 * 7) % 5;
        for (f, sum) in sums.iter_mut().enumerate() {
            let m = ((v + f) % 3) as u64;
            sum.push((pk.encrypt(&Scalar::from(m), &mut rng), Scalar::from(weight)));
            totals[f] += m * weight;
        }
    }
    (
        sums.iter().map(|s| Ciphertext::weighted_sum(s)).collect(),
        totals,
    )
}

fn partials(
    key: &ElectionKey,
    shares: &[SecretShare],
    cts: &[Ciphertext],
    who: &[u32],
    seed: u64,
) -> Vec<PartialDecryption> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    who.iter()
        .map(|j| partial_decrypt(ELECTION, key, &shares[*j as usize - 1], cts, &mut rng).unwrap())
        .collect()
}

#[test]
fn any_t_of_n_decrypt_the_tally() {
    for (n, t) in [(3u32, 2u32), (7, 4)] {
        let (_, _, result, shares) = honest(n, t, 100 + u64::from(n));
        let key = &result.key;
        let (cts, expected) = tally(key, 12, 5);
        let all = partials(key, &shares, &cts, &(1..=n).collect::<Vec<_>>(), 6);
        for p in &all {
            verify_partial(ELECTION, key, &cts, p).unwrap();
        }
        let d = combine(ELECTION, key, &cts, &all, table()).unwrap();
        assert_eq!(d.totals, expected);
        assert_eq!(d.used, (1..=t).collect::<Vec<_>>());
        assert!(d.excluded.is_empty());
        d.verify_for(ELECTION, key, table()).unwrap();
        // Every window of t trustees (absent ones: the others), in any order.
        for start in 0..=(n - t) {
            let mut subset: Vec<PartialDecryption> =
                all[start as usize..(start + t) as usize].to_vec();
            subset.reverse();
            let d = combine(ELECTION, key, &cts, &subset, table()).unwrap();
            assert_eq!(d.totals, expected, "trustees {start}+1..");
            d.verify(table()).unwrap();
        }
        // t − 1 are not enough.
        let few = &all[..t as usize - 1];
        assert!(matches!(
            combine(ELECTION, key, &cts, few, table()),
            Err(Error::NotEnoughPartials { needed, .. }) if needed == t
        ));
        // The transcript round-trips as JSON and re-verifies.
        let back: DecryptionTranscript = from_json(&to_json(&d)).unwrap();
        back.verify(table()).unwrap();
    }
}

#[test]
fn wrong_partials_are_identified_and_excluded() {
    // n = 3, t = 2: trustee 1 lies on one ciphertext, trustee 2 is absent... not enough;
    // trustee 2 lies, trustee 3 absent... Here: 1 lies, 2 and 3 decrypt.
    let (_, _, result, shares) = honest(3, 2, 110);
    let key = &result.key;
    let (cts, expected) = tally(key, 9, 7);
    let mut ps = partials(key, &shares, &cts, &[1, 2, 3], 8);
    // Trustee 1: D + G on ciphertext 3, proof unchanged.
    ps[0].shares[3].d = (ps[0].shares[3].d.into_group() + generator()).into_affine();
    let d = combine(ELECTION, key, &cts, &ps, table()).unwrap();
    assert_eq!(d.totals, expected);
    assert_eq!(d.used, vec![2, 3]);
    assert_eq!(d.excluded.len(), 1);
    assert_eq!(d.excluded[0].trustee, 1);
    assert!(
        d.excluded[0].reason.contains("shares[3].proof"),
        "{}",
        d.excluded[0].reason
    );
    d.verify(table()).unwrap();
    // With trustee 3 absent, trustee 1's lie leaves only one: not enough, and says why.
    let err = combine(ELECTION, key, &cts, &ps[..2], table()).unwrap_err();
    assert!(
        matches!(&err, Error::NotEnoughPartials { valid: 1, needed: 2, excluded } if excluded.contains("trustee 1")),
        "{err}"
    );

    // n = 7, t = 4: trustee 4 absent, two liars (2: a proof of its lie that is valid for
    // another verification key; 5: a partial made for another election), four honest.
    let (_, _, result, shares) = honest(7, 4, 111);
    let key = &result.key;
    let (cts, expected) = tally(key, 5, 9);
    let mut ps = partials(key, &shares, &cts, &[1, 2, 3, 5, 6, 7], 10);
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let wrong = SecretShare::from_parts("s", 2, Scalar::from(77u64));
    let mut lying_key = key.clone();
    lying_key.verification_keys[1] = mul_g(&Scalar::from(77u64)).into_affine();
    ps[1] = partial_decrypt(ELECTION, &lying_key, &wrong, &cts, &mut rng).unwrap();
    ps[3] = partial_decrypt("another election", key, &shares[4], &cts, &mut rng).unwrap();
    let d = combine(ELECTION, key, &cts, &ps, table()).unwrap();
    assert_eq!(d.totals, expected);
    assert_eq!(d.used, vec![1, 3, 6, 7]);
    assert_eq!(
        d.excluded
            .iter()
            .map(|e| (e.position, e.trustee))
            .collect::<Vec<_>>(),
        vec![(1, 2), (3, 5)]
    );
    d.verify(table()).unwrap();
    // Without trustee 7, three valid partials are not enough.
    assert!(matches!(
        combine(ELECTION, key, &cts, &ps[..5], table()),
        Err(Error::NotEnoughPartials {
            valid: 3,
            needed: 4,
            ..
        })
    ));
}

#[test]
fn partials_are_checked_for_their_context() {
    let (_, _, result, shares) = honest(3, 2, 120);
    let key = &result.key;
    let (cts, _) = tally(key, 3, 1);
    let p = partials(key, &shares, &cts, &[2], 2).remove(0);
    verify_partial(ELECTION, key, &cts, &p).unwrap();
    let field = |r: Result<()>| match r {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // Another election, another trustee index, other ciphertexts, swapped shares.
    assert_eq!(
        field(verify_partial("another", key, &cts, &p)),
        "shares[0].proof"
    );
    let mut q = p.clone();
    q.trustee = 3;
    assert_eq!(
        field(verify_partial(ELECTION, key, &cts, &q)),
        "shares[0].proof"
    );
    q.trustee = 4;
    assert_eq!(field(verify_partial(ELECTION, key, &cts, &q)), "trustee");
    let mut other = cts.clone();
    other.swap(0, 1);
    assert_eq!(
        field(verify_partial(ELECTION, key, &other, &p)),
        "shares[0].proof"
    );
    let mut q = p.clone();
    q.shares.swap(1, 2);
    assert_eq!(
        field(verify_partial(ELECTION, key, &cts, &q)),
        "shares[1].proof"
    );
    // A tampered proof, a missing share.
    let mut q = p.clone();
    q.shares[4].proof.s += Scalar::from(1u64);
    assert_eq!(
        field(verify_partial(ELECTION, key, &cts, &q)),
        "shares[4].proof"
    );
    let mut q = p.clone();
    q.shares.pop();
    assert_eq!(field(verify_partial(ELECTION, key, &cts, &q)), "shares");
    // A trustee cannot decrypt with a share that is not its own.
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let stolen = SecretShare::from_parts("s", 1, *shares[1].scalar());
    assert_eq!(
        partial_decrypt(ELECTION, key, &stolen, &cts, &mut rng).unwrap_err(),
        Error::ShareMismatch { index: 1 }
    );
    // A repeated partial is excluded as such.
    let ps = partials(key, &shares, &cts, &[3, 3, 1], 4);
    let d = combine(ELECTION, key, &cts, &ps, table()).unwrap();
    assert_eq!(d.used, vec![1, 3]);
    assert!(d.excluded[0].reason.contains("a second partial"));
}

#[test]
fn empty_sums_and_totals_out_of_bound() {
    let (_, _, result, shares) = honest(3, 2, 130);
    let key = &result.key;
    // The sum of no ballots is (O, O): decrypts to 0.
    let cts = vec![Ciphertext::sum([]), Ciphertext::zero()];
    let ps = partials(key, &shares, &cts, &[1, 2], 1);
    let d = combine(ELECTION, key, &cts, &ps, table()).unwrap();
    assert_eq!(d.totals, vec![0, 0]);
    // A total at the bound is an error, not a wrong number.
    let pk = key.elgamal().unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let small = DlogTable::new(10).unwrap();
    let cts = vec![
        pk.encrypt(&Scalar::from(1023u64), &mut rng),
        pk.encrypt(&Scalar::from(1024u64), &mut rng),
    ];
    let ps = partials(key, &shares, &cts, &[2, 3], 3);
    assert_eq!(
        combine(ELECTION, key, &cts, &ps, &small).unwrap_err(),
        Error::DlogOutOfBound { bound: 1024 }
    );
    assert_eq!(
        combine(ELECTION, key, &cts[..1], &[], &small).unwrap_err(),
        Error::NotEnoughPartials {
            valid: 0,
            needed: 2,
            excluded: String::new()
        }
    );
    let ps1: Vec<PartialDecryption> = partials(key, &shares, &cts[..1], &[2, 3], 3);
    assert_eq!(
        combine(ELECTION, key, &cts[..1], &ps1, &small)
            .unwrap()
            .totals,
        vec![1023]
    );
}

#[test]
fn tampered_transcripts_and_hostile_files_are_refused() {
    let (_, _, result, shares) = honest(3, 2, 140);
    let key = &result.key;
    let (cts, _) = tally(key, 4, 1);
    let ps = partials(key, &shares, &cts, &[1, 3], 2);
    let d = combine(ELECTION, key, &cts, &ps, table()).unwrap();
    let mut bad = d.clone();
    bad.totals[2] += 1;
    assert!(
        matches!(bad.verify(table()), Err(Error::DecryptionMismatch(m)) if m.contains("totals"))
    );
    let mut bad = d.clone();
    bad.used = vec![1, 2];
    assert!(matches!(bad.verify(table()), Err(Error::DecryptionMismatch(m)) if m.contains("used")));
    let mut bad = d.clone();
    bad.excluded.push(Excluded {
        position: 9,
        trustee: 2,
        reason: "x".into(),
    });
    assert!(
        matches!(bad.verify(table()), Err(Error::DecryptionMismatch(m)) if m.contains("excluded"))
    );
    assert!(d.verify_for("another", key, table()).is_err());
    let (_, _, other, _) = honest(3, 2, 141);
    assert!(d.verify_for(ELECTION, &other.key, table()).is_err());
    // Another ciphertext under the same partials: the proofs fail, not enough remain.
    let mut bad = d.clone();
    bad.ciphertexts[0] = bad.ciphertexts[1];
    assert!(matches!(
        bad.verify(table()),
        Err(Error::NotEnoughPartials { valid: 0, .. })
    ));

    // Hostile values in a partial decryption file name their field.
    let json: serde_json::Value = serde_json::from_str(&to_json(&ps[0])).unwrap();
    let path = |v: &serde_json::Value| match from_json::<PartialDecryption>(&v.to_string()) {
        Err(Error::Json { path, .. }) => path,
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    for p in [
        hostile::order_two(),
        hostile::order_four(),
        hostile::full_order(),
        hostile::shifted(&ps[0].shares[0].d),
    ] {
        let mut v = json.clone();
        v["shares"][0]["d"] = serde_json::to_value(point_to_strings(&p)).unwrap();
        assert_eq!(path(&v), "shares[0].d");
    }
    let mut v = json.clone();
    v["shares"][1]["proof"]["c"] = <Scalar as ark_ff::PrimeField>::MODULUS.to_string().into();
    assert_eq!(path(&v), "shares[1].proof.c");
    let mut v = json.clone();
    v["shares"][1]["proof"]["c"] = format!("0{}", to_decimal(&ps[0].shares[1].proof.c)).into();
    assert_eq!(path(&v), "shares[1].proof.c");
    let mut v = json.clone();
    v["trustee"] = 0.into();
    assert_eq!(path(&v), "trustee");
    let mut v = json.clone();
    v["version"] = 0.into();
    assert!(matches!(
        from_json::<PartialDecryption>(&v.to_string()),
        Err(Error::UnsupportedVersion { found: 0, .. })
    ));
    // The transcript file: a ciphertext point off the subgroup.
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&d)).unwrap();
    v["ciphertexts"][2]["a"] =
        serde_json::to_value(point_to_strings(&hostile::order_two())).unwrap();
    assert!(
        matches!(from_json::<DecryptionTranscript>(&v.to_string()), Err(Error::Json { path, .. }) if path == "ciphertexts[2].a")
    );
}
