//! Checkpoints: round trip, the exact text, and every kind of tampering refused.

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::log::{leaf_hash, EMPTY_ROOT};

fn key(seed: u64) -> SigningKey {
    generate_key(&mut ChaCha20Rng::seed_from_u64(seed))
}

fn sample() -> Checkpoint {
    Checkpoint {
        box_name: "vote.example.org/box1".into(),
        election_id: "5661231209489872799690659392244290523332707373897840544756507576626450023644"
            .into(),
        size: 1234,
        root: leaf_hash(b"root"),
        timestamp: 1_790_000_000,
    }
}

fn vkey(cp: &Checkpoint, k: &SigningKey) -> VerifierKey {
    VerifierKey::new(&cp.box_name, k.verifying_key()).unwrap()
}

#[test]
fn round_trip() {
    let k = key(1);
    let cp = sample();
    let note = cp.sign(&k).unwrap();
    assert_eq!(open(&note, &vkey(&cp, &k)).unwrap(), cp);
    // Sizes 0 and u64::MAX, a hex election id, the empty root.
    for (size, id) in [(0, "0x1f"), (u64::MAX, "0"), (7, "0x0")] {
        let cp = Checkpoint {
            size,
            election_id: id.into(),
            root: EMPTY_ROOT,
            ..sample()
        };
        assert_eq!(open(&cp.sign(&k).unwrap(), &vkey(&cp, &k)).unwrap(), cp);
    }
}

#[test]
fn the_note_has_the_documented_form() {
    let k = key(1);
    let cp = sample();
    let note = cp.sign(&k).unwrap();
    let body = format!(
        "vote.example.org/box1/{}\n1234\n{}\ntime 1790000000\n",
        cp.election_id,
        B64.encode(cp.root)
    );
    assert!(note.starts_with(&format!("{body}\n\u{2014} vote.example.org/box1 ")));
    assert!(note.ends_with('\n'));
    assert_eq!(note.lines().count(), 6);
    // The signature line's blob: key id, then an Ed25519 signature over the body.
    let b64 = note.lines().last().unwrap().rsplit(' ').next().unwrap();
    let blob = B64.decode(b64).unwrap();
    assert_eq!(blob.len(), 68);
    let v = vkey(&cp, &k);
    assert_eq!(blob[..4], v.key_id());
    let sig = Signature::from_slice(&blob[4..]).unwrap();
    k.verifying_key()
        .verify_strict(body.as_bytes(), &sig)
        .unwrap();
}

/// The key id is C2SP's: SHA-256(name || 0x0A || 0x01 || key)[:4], recomputed here by hand.
#[test]
fn key_id_and_vkey_encoding() {
    let k = key(2);
    let v = VerifierKey::new("vote.example.org", k.verifying_key()).unwrap();
    let mut pre = b"vote.example.org\n\x01".to_vec();
    pre.extend_from_slice(k.verifying_key().as_bytes());
    let d = Sha256::digest(&pre);
    assert_eq!(v.key_id(), d[..4]);
    let s = v.encode();
    let parts: Vec<&str> = s.split('+').collect();
    assert_eq!(parts[0], "vote.example.org");
    assert_eq!(parts[1], hex::encode(&d[..4]));
    assert_eq!(B64.decode(parts[2]).unwrap()[0], 0x01);
    assert_eq!(VerifierKey::parse(&s).unwrap(), v);
}

#[test]
fn malformed_vkeys_are_refused() {
    let k = key(2);
    let s = VerifierKey::new("box", k.verifying_key()).unwrap().encode();
    let other = VerifierKey::new("box", key(3).verifying_key())
        .unwrap()
        .encode();
    let (name, rest) = s.split_once('+').unwrap();
    let (id, b64) = rest.split_once('+').unwrap();
    let mut blob = B64.decode(b64).unwrap();
    blob[0] = 0x02;
    let wrong_type = format!("{name}+{id}+{}", B64.encode(&blob));
    let short = format!("{name}+{id}+{}", B64.encode(&blob[..20]));
    let other_id = other.split('+').nth(1).unwrap();
    for bad in [
        String::new(),
        "box".into(),
        format!("{name}+{id}"),
        format!("{s}+extra"),
        format!("{name}+{id}+{b64}+"),
        format!("{name}+{}+{b64}", id.to_uppercase()),
        format!("{name}+{other_id}+{b64}"),
        format!("other+{id}+{b64}"),
        format!("{name}+{id}+{}", &b64[..b64.len() - 1]),
        format!("{name}+{id}+{b64}="),
        format!("{name} +{id}+{b64}"),
        wrong_type,
        short,
    ] {
        assert!(VerifierKey::parse(&bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn names_and_election_ids_are_checked() {
    for ok in ["a", "vote.example.org/x_1-2:3"] {
        check_name(ok).unwrap();
    }
    for bad in ["", "a b", "a+b", "é", "a\tb", &"x".repeat(201)] {
        assert!(matches!(check_name(bad), Err(Error::BadName(_))), "{bad:?}");
    }
    for ok in ["0", "12", "0x0", "0xabc"] {
        check_election_id(ok).unwrap();
    }
    for bad in [
        "",
        "01",
        "-1",
        "1 ",
        "0x",
        "0x0a",
        "0xAB",
        "0xg",
        "1/2",
        &"9".repeat(81),
    ] {
        assert!(
            matches!(check_election_id(bad), Err(Error::BadElectionId(_))),
            "{bad:?}"
        );
    }
    let cp = Checkpoint {
        election_id: "007".into(),
        ..sample()
    };
    assert!(matches!(cp.sign(&key(1)), Err(Error::BadElectionId(_))));
}

/// Every edit of the note's text refused with a typed error, never a panic.
#[test]
fn tampered_notes_are_refused() {
    let k = key(1);
    let cp = sample();
    let v = vkey(&cp, &k);
    let note = cp.sign(&k).unwrap();
    let (body, sig_line) = note.split_once("\n\n").unwrap();
    let body = format!("{body}\n");
    let lines: Vec<&str> = body.lines().collect();
    let resign = |text: &str| -> String {
        // A well-signed note over a non-canonical text: the parser must still refuse it.
        let sig = k.sign(text.as_bytes());
        let mut blob = v.key_id().to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("{text}\n\u{2014} {} {}\n", v.name(), B64.encode(blob))
    };
    let root_b64 = lines[2];
    let mut bytes = B64.decode(root_b64).unwrap();
    bytes.push(0);
    let long_root = B64.encode(&bytes);
    // Texts that are not canonical (each re-signed, so only the form is at fault).
    let bodies = [
        body.replace("\n1234\n", "\n01234\n"),
        body.replace("\n1234\n", "\n 1234\n"),
        body.replace("\n1234\n", "\n1234 \n"),
        body.replace("\n1234\n", "\n+1234\n"),
        body.replace("\n1234\n", "\n18446744073709551616\n"),
        body.replace("time 1790000000", "time  1790000000"),
        body.replace("time 1790000000", "time 01790000000"),
        body.replace("time 1790000000", "Time 1790000000"),
        body.replace("time 1790000000\n", ""),
        format!("{body}extra line\n"),
        body.replace('\n', "\r\n"),
        body.replace(root_b64, root_b64.trim_end_matches('=')),
        body.replace(root_b64, &long_root),
        body.replace(root_b64, &root_b64.replace('=', "A")),
        body.replace("vote.example.org/box1/", "vote.example.org/box1 /"),
        body.replace("vote.example.org/box1/", ""),
        body.replace(&cp.election_id, &format!("0{}", cp.election_id)),
        format!("\n{body}"),
        body.trim_end().to_owned(),
    ];
    for (i, b) in bodies.iter().enumerate() {
        let forged = resign(b);
        match open(&forged, &v) {
            Err(Error::MalformedCheckpoint(_)) => {}
            other => panic!("body {i} {b:?}: {other:?}"),
        }
    }
    // Changes to the signed values, not re-signed: the signature fails.
    for (from, to) in [
        ("\n1234\n", "\n1235\n"),
        ("time 1790000000", "time 1790000001"),
        ("/5661", "/5662"),
    ] {
        let forged = note.replacen(from, to, 1);
        assert!(
            matches!(open(&forged, &v), Err(Error::BadSignature(_))),
            "{from} -> {to}"
        );
    }
    let mut root = cp.root;
    root[0] ^= 1;
    let forged = note.replace(root_b64, &B64.encode(root));
    assert!(matches!(open(&forged, &v), Err(Error::BadSignature(_))));
    // Every single-bit change of the signature.
    let sig_b64 = sig_line.rsplit(' ').next().unwrap().trim_end();
    let blob = B64.decode(sig_b64).unwrap();
    for bit in 32..blob.len() * 8 {
        let mut b = blob.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        let forged = note.replace(sig_b64, &B64.encode(&b));
        assert!(
            matches!(open(&forged, &v), Err(Error::BadSignature(_))),
            "bit {bit}"
        );
    }
    // A changed key id: not our signature (C2SP: ignored), so the note is unsigned.
    for bit in 0..32 {
        let mut b = blob.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        let forged = note.replace(sig_b64, &B64.encode(&b));
        assert!(
            matches!(open(&forged, &v), Err(Error::NotSignedByKey { .. })),
            "bit {bit}"
        );
    }
    // Malformed signature blocks.
    let no_nl = note.trim_end().to_owned();
    let other_name = note.replace("\u{2014} vote.example.org/box1 ", "\u{2014} other ");
    let cases = [
        body.clone(),
        format!("{body}\n"),
        no_nl,
        note.replace('\u{2014}', "-"),
        note.replace("\u{2014} ", "\u{2014}  "),
        format!("{note}\n"),
        format!("{note} "),
        note.replace(sig_b64, "AAAA"),
        note.replace("\n\n", "\n"),
        format!("{note}{}", sig_line.trim_start()),
    ];
    for (i, c) in cases.iter().enumerate() {
        match open(c, &v) {
            Err(Error::MalformedCheckpoint(_)) => {}
            other => panic!("case {i} {c:?}: {other:?}"),
        }
    }
    // Our key id with a blob of the wrong length: our line, and it does not verify.
    let short = note.replace(sig_b64, &sig_b64[..sig_b64.len() - 4]);
    assert!(matches!(open(&short, &v), Err(Error::BadSignature(_))));
    assert!(matches!(
        open(&other_name, &v),
        Err(Error::NotSignedByKey { .. })
    ));
    let many = format!("{note}{}", sig_line_of("w", 17));
    assert!(matches!(
        open(&many, &v),
        Err(Error::MalformedCheckpoint(_))
    ));
}

/// `n` well-formed signature lines of an unknown key.
fn sig_line_of(name: &str, n: usize) -> String {
    (0..n)
        .map(|_| format!("\u{2014} {name} {}\n", B64.encode([7u8; 68])))
        .collect()
}

#[test]
fn other_keys_are_refused_and_cosignatures_ignored() {
    let (k, other) = (key(1), key(2));
    let cp = sample();
    let v = vkey(&cp, &k);
    // Signed by another key under the same name: another key id, so not our signature.
    let by_other = cp.sign(&other).unwrap();
    assert!(matches!(
        open(&by_other, &v),
        Err(Error::NotSignedByKey { .. })
    ));
    // Another key's signature blob under our key id: the signature fails.
    let ours = cp.sign(&k).unwrap();
    let theirs = by_other.lines().last().unwrap().rsplit(' ').next().unwrap();
    let mut blob = B64.decode(theirs).unwrap();
    blob[..4].copy_from_slice(&v.key_id());
    let mine = ours.lines().last().unwrap().rsplit(' ').next().unwrap();
    let forged = ours.replace(mine, &B64.encode(&blob));
    assert!(matches!(open(&forged, &v), Err(Error::BadSignature(_))));
    // A box key for another box name signing this box's log.
    let cp_other_box = Checkpoint {
        box_name: "evil.example".into(),
        ..cp.clone()
    };
    let evil_key = VerifierKey::new("evil.example", other.verifying_key()).unwrap();
    let note = cp_other_box.sign(&other).unwrap();
    assert_eq!(open(&note, &evil_key).unwrap(), cp_other_box);
    let v_other_name = VerifierKey::new("evil.example", k.verifying_key()).unwrap();
    let note = Checkpoint {
        box_name: "vote.example.org/box1".into(),
        ..cp.clone()
    };
    // Our key under the evil name would sign a note whose origin is our box: refused.
    let body = note.body().unwrap();
    let sig = k.sign(body.as_bytes());
    let mut b = v_other_name.key_id().to_vec();
    b.extend_from_slice(&sig.to_bytes());
    let forged = format!("{body}\n\u{2014} evil.example {}\n", B64.encode(b));
    assert!(matches!(
        open(&forged, &v_other_name),
        Err(Error::OriginMismatch { .. })
    ));
    // Cosignatures of other keys (e.g. witnesses) before or after ours are ignored.
    let with_cosigs = format!("{ours}{}", sig_line_of("witness.example", 3));
    assert_eq!(open(&with_cosigs, &v).unwrap(), cp);
    // Twice our own line: not canonical.
    let sig_line = ours.lines().last().unwrap();
    let twice = format!("{ours}{sig_line}\n");
    assert!(matches!(
        open(&twice, &v),
        Err(Error::MalformedCheckpoint(_))
    ));
}

proptest! {
    /// Round trip for any values, and no input string makes `open` panic.
    #[test]
    fn round_trip_any(size: u64, ts: u64, root: [u8; 32], id: u128, hex_id: bool) {
        let k = key(9);
        let election_id = if hex_id { format!("{id:#x}") } else { id.to_string() };
        let cp = Checkpoint { box_name: "b.example".into(), election_id, size, root, timestamp: ts };
        let v = vkey(&cp, &k);
        prop_assert_eq!(open(&cp.sign(&k).unwrap(), &v).unwrap(), cp);
    }

    #[test]
    fn open_never_panics(s in "\\PC*", cut in 0usize..400) {
        let k = key(9);
        let v = VerifierKey::new("vote.example.org/box1", k.verifying_key()).unwrap();
        let _ = open(&s, &v);
        let note = sample().sign(&k).unwrap();
        let mut cut = cut.min(note.len());
        while !note.is_char_boundary(cut) {
            cut -= 1;
        }
        let _ = open(&format!("{}{s}", &note[..cut]), &v);
        let _ = VerifierKey::parse(&s);
    }
}
