//! A whole secret election on the native side, every message passing through its JSON
//! file form as it would between machines: registration, the DKG with a cheating
//! dealer, encrypted ballots with public weights, decryption with an absent trustee and
//! a lying one, and the public re-verification of every step.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkvote_trustees::decrypt::{combine, partial_decrypt, DecryptionTranscript, PartialDecryption};
use zkvote_trustees::dkg::{
    Complaint, ComplaintOutcome, Dealing, Disqualification, Disqualified, DkgParams, DkgResult,
    DkgTranscript, SecretShare, Trustee,
};
use zkvote_trustees::dlog::DlogTable;
use zkvote_trustees::elgamal::Ciphertext;
use zkvote_trustees::format::{from_json, to_json, Document};
use zkvote_trustees::group::Scalar;
use zkvote_trustees::keys::{TrusteeKeyPair, TrusteePublicKey, TrusteeSecretKeyFile};
use zkvote_trustees::Error;

const SESSION: &str = "dao.example/proposal-9/trustees";
const ELECTION: &str =
    "1813009998237470527470682625294588786692639869972317059170924844492609112699";

/// Through the file form and back, as another machine would read it.
fn wire<T: Document>(doc: &T) -> T {
    from_json(&to_json(doc)).expect("a document this crate wrote loads again")
}

struct Run {
    result: DkgResult,
    shares: Vec<SecretShare>,
}

/// The DKG of `n` trustees with threshold `t`, where dealer `cheater.0` (if any) changes
/// trustee `cheater.1`'s share after signing its dealing.
fn dkg(n: u32, t: u32, cheater: Option<(u32, u32)>, rng: &mut ChaCha20Rng) -> Run {
    // Each trustee makes its key and registers it; the organizer collects the files.
    let key_files: Vec<String> = (0..n)
        .map(|_| to_json(&TrusteeKeyPair::generate(rng).to_file()))
        .collect();
    let keys: Vec<TrusteeKeyPair> = key_files
        .iter()
        .map(|f| {
            from_json::<TrusteeSecretKeyFile>(f)
                .unwrap()
                .key_pair()
                .unwrap()
        })
        .collect();
    let regs: Vec<TrusteePublicKey> = keys
        .iter()
        .zip(1..)
        .map(|(k, i)| k.register(SESSION, i, rng))
        .collect();
    let params: DkgParams = wire(&DkgParams::new(SESSION, t, regs).unwrap());

    // Round 1: every trustee publishes a dealing.
    let mut dealings: Vec<Dealing> = Vec::new();
    for (k, i) in keys.iter().zip(1..) {
        let me = Trustee::new(&params, i, k).unwrap();
        let mut d = me.deal(rng);
        if let Some((bad, victim)) = cheater {
            if bad == i {
                // Dealer `bad` swaps `victim`'s share for one of another dealing after
                // signing: anyone sees that the signature fails and disqualifies it, no
                // complaint needed. (A signed bad share, answered by a complaint, is
                // tested in src/dkg/tests.rs, where a test can sign one.)
                let other = me.deal(rng);
                d.shares[victim as usize - 1] = other.shares[victim as usize - 1].clone();
            }
        }
        dealings.push(wire(&d));
    }
    // Round 2: every trustee checks its shares and complains.
    let mut complaints: Vec<Complaint> = Vec::new();
    for (k, i) in keys.iter().zip(1..) {
        let me = Trustee::new(&params, i, k).unwrap();
        complaints.extend(me.complaints(&dealings, rng).iter().map(wire));
    }
    let transcript: DkgTranscript =
        wire(&DkgTranscript::new(params.clone(), dealings, complaints).unwrap());

    // Each trustee finishes from the public transcript alone; anyone re-verifies.
    let mut shares = Vec::new();
    let mut result: Option<DkgResult> = None;
    for (k, i) in keys.iter().zip(1..) {
        let me = Trustee::new(&params, i, k).unwrap();
        let (r, s) = me.finalize(&transcript, None).unwrap();
        if let Some(prev) = &result {
            assert_eq!(prev, &r, "every trustee computes the same result");
        }
        result = Some(r);
        shares.push(wire(&s));
    }
    let result = wire(&result.unwrap());
    result.verify(&transcript).unwrap();
    Run { result, shares }
}

fn encrypted_tally(result: &DkgResult, rng: &mut ChaCha20Rng) -> (Vec<Ciphertext>, Vec<u64>) {
    // 20 voters, 3 options, one-of-three ballots, weights 1..=4 applied publicly.
    let pk = result.key.elgamal().unwrap();
    let mut columns: Vec<Vec<(Ciphertext, Scalar)>> = vec![Vec::new(); 3];
    let mut totals = vec![0u64; 3];
    for v in 0..20u64 {
        let choice = (v * 7 % 3) as usize;
        let weight = 1 + v % 4;
        for (f, column) in columns.iter_mut().enumerate() {
            let m = u64::from(f == choice);
            let ct: Ciphertext = wire_ct(&pk.encrypt(&Scalar::from(m), rng));
            ct.check_fresh().unwrap();
            column.push((ct, Scalar::from(weight)));
            totals[f] += m * weight;
        }
    }
    (
        columns
            .iter()
            .map(|c| Ciphertext::weighted_sum(c))
            .collect(),
        totals,
    )
}

fn wire_ct(c: &Ciphertext) -> Ciphertext {
    serde_json::from_str(&serde_json::to_string(c).unwrap()).unwrap()
}

fn publish(
    run: &Run,
    cts: &[Ciphertext],
    who: &[u32],
    rng: &mut ChaCha20Rng,
) -> Vec<PartialDecryption> {
    who.iter()
        .map(|j| {
            wire(
                &partial_decrypt(
                    ELECTION,
                    &run.result.key,
                    &run.shares[*j as usize - 1],
                    cts,
                    rng,
                )
                .unwrap(),
            )
        })
        .collect()
}

#[test]
fn three_trustees_threshold_two() {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let run = dkg(3, 2, None, &mut rng);
    assert_eq!(run.result.qualified, vec![1, 2, 3]);
    let (cts, expected) = encrypted_tally(&run.result, &mut rng);
    let table = DlogTable::new(20).unwrap();

    // Trustee 3 is absent: 1 and 2 decrypt.
    let ps = publish(&run, &cts, &[2, 1], &mut rng);
    let d = combine(ELECTION, &run.result.key, &cts, &ps, &table).unwrap();
    assert_eq!(d.totals, expected);

    // Trustee 1 publishes a wrong partial decryption: excluded, 2 and 3 decrypt.
    let mut ps = publish(&run, &cts, &[1, 2, 3], &mut rng);
    ps[0].shares[0].d = ps[0].shares[1].d;
    let d = combine(ELECTION, &run.result.key, &cts, &ps, &table).unwrap();
    assert_eq!(d.totals, expected);
    assert_eq!(d.used, vec![2, 3]);
    assert_eq!(d.excluded.len(), 1);
    assert_eq!(d.excluded[0].trustee, 1);

    // Anyone: the transcript file alone, checked against the election's key.
    let file = to_json(&d);
    let back: DecryptionTranscript = from_json(&file).unwrap();
    back.verify_for(ELECTION, &run.result.key, &table).unwrap();

    // Both at once leaves one valid partial of the two needed, and says so.
    let err = combine(ELECTION, &run.result.key, &cts, &ps[..2], &table).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotEnoughPartials {
                valid: 1,
                needed: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn four_trustees_one_cheating_dealer_one_absent_one_lying() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    // Dealer 4 changes trustee 2's share after signing: disqualified by anyone.
    let run = dkg(4, 2, Some((4, 2)), &mut rng);
    assert_eq!(run.result.qualified, vec![1, 2, 3]);
    assert!(
        matches!(&run.result.disqualified[..], [Disqualified { trustee: 4, reason: Disqualification::InvalidDealing { detail } }] if detail.contains("signature"))
    );
    assert!(run
        .result
        .complaints
        .iter()
        .all(|c| !matches!(c.outcome, ComplaintOutcome::Justified { .. })));
    let (cts, expected) = encrypted_tally(&run.result, &mut rng);
    let table = DlogTable::new(20).unwrap();
    // Trustee 1 absent, trustee 3 lies, trustees 2 and 4 (disqualified as a dealer, still
    // a share holder) decrypt.
    let mut ps = publish(&run, &cts, &[3, 2, 4], &mut rng);
    ps[0].shares[2].proof.c = ps[0].shares[1].proof.c;
    let d = combine(ELECTION, &run.result.key, &cts, &ps, &table).unwrap();
    assert_eq!(d.totals, expected);
    assert_eq!(d.used, vec![2, 4]);
    assert_eq!((d.excluded[0].position, d.excluded[0].trustee), (0, 3));
    from_json::<DecryptionTranscript>(&to_json(&d))
        .unwrap()
        .verify(&table)
        .unwrap();
}
