//! Signed checkpoints: the box's signed statement "the log of this election has `size`
//! entries and this root", in the C2SP `tlog-checkpoint` / `signed-note` format.
//!
//! # The note
//! ```text
//! <box name>/<election id>\n          origin line: one log per election of a box
//! <tree size>\n                       decimal, no leading zeros
//! <base64 of the 32-byte root>\n      standard base64 with padding (RFC 4648 §4)
//! time <unix seconds>\n               extension line: when the box signed it
//! \n                                  blank line
//! — <box name> <base64(key id || ed25519 signature)>\n
//! ```
//! The signature is Ed25519 (RFC 8032, `ed25519-dalek`, verified with `verify_strict`)
//! over the note text: the four body lines, final newline included. The key id is
//! `SHA-256(box name || 0x0A || 0x01 || 32-byte public key)[:4]` (C2SP signed-note,
//! signature type 0x01), so one box key signs the checkpoints of all its elections.
//!
//! # The public key in the election bundle
//! The C2SP verifier-key ("vkey") string, [`VerifierKey::encode`]:
//! `<box name>+<key id, 8 lowercase hex>+<base64(0x01 || 32-byte public key)>`, the same
//! string Go's `golang.org/x/mod/sumdb/note` and the transparency-dev witnesses read.
//!
//! # Strictness
//! [`open`] accepts exactly what [`Checkpoint::sign`] writes: UTF-8 with no control
//! character but newline (so no CR), exactly the four body lines, no extra spaces,
//! canonical numbers and base64, the blank line, then 1 to 16 signature lines. Following
//! C2SP, signature lines of other keys (witness cosignatures, later) are ignored, and
//! one line of the box's key (name and key id) must verify; a failing one rejects the note.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::log::Hash;

/// C2SP signed-note signature type of Ed25519.
pub const ED25519_TYPE: u8 = 0x01;
/// The prefix of a signature line: em dash (U+2014) and a space.
pub const SIGNATURE_PREFIX: &str = "\u{2014} ";
/// The keyword of the timestamp extension line.
pub const TIME_KEYWORD: &str = "time";
/// The most signature lines a note may carry (C2SP: verifiers must accept at least 16).
pub const MAX_SIGNATURES: usize = 16;
/// The longest box name accepted.
pub const MAX_NAME_LEN: usize = 200;
/// The longest election id accepted (a BN254 field element has 77 decimal digits).
pub const MAX_ELECTION_ID_LEN: usize = 80;

/// A new box signing key, from the caller's randomness (`OsRng` only at the edges).
pub fn generate_key<R: RngCore + CryptoRng>(rng: &mut R) -> SigningKey {
    SigningKey::generate(rng)
}

/// Checks a box (key) name: 1 to [`MAX_NAME_LEN`] printable ASCII characters other
/// than space and `+` (C2SP key names: no spaces, no `+`; ASCII to keep it simple).
///
/// # Errors
/// [`Error::BadName`].
pub fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b'+');
    if ok {
        Ok(())
    } else {
        Err(Error::BadName(name.to_owned()))
    }
}

/// Checks an election id: a decimal number without leading zeros (`0` itself allowed),
/// or `0x` followed by lowercase hex digits without leading zeros; at most
/// [`MAX_ELECTION_ID_LEN`] characters. One spelling per number, so one log per election.
///
/// # Errors
/// [`Error::BadElectionId`].
pub fn check_election_id(id: &str) -> Result<(), Error> {
    let ok = id.len() <= MAX_ELECTION_ID_LEN
        && match id.strip_prefix("0x") {
            Some(hex) => {
                !hex.is_empty()
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    && (hex == "0" || !hex.starts_with('0'))
            }
            None => is_canonical_decimal(id),
        };
    if ok {
        Ok(())
    } else {
        Err(Error::BadElectionId(id.to_owned()))
    }
}

fn is_canonical_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn parse_u64(s: &str, what: &str) -> Result<u64, Error> {
    if !is_canonical_decimal(s) {
        return Err(Error::MalformedCheckpoint(format!(
            "{what} {s:?} is not a decimal number without leading zeros"
        )));
    }
    s.parse()
        .map_err(|_| Error::MalformedCheckpoint(format!("{what} {s:?} does not fit in 64 bits")))
}

/// What a checkpoint says: the log of `election_id` in box `box_name` had `size`
/// entries with root `root` at time `timestamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The box's name, also the name of its signing key (a schema-less URL is
    /// recommended, e.g. `vote.example.org`).
    pub box_name: String,
    /// The election whose log this is.
    pub election_id: String,
    /// The number of entries in the log.
    pub size: u64,
    /// The RFC 6962 root of those entries.
    pub root: Hash,
    /// When the box signed it, in whole seconds since the Unix epoch.
    pub timestamp: u64,
}

impl Checkpoint {
    /// The origin line: `<box name>/<election id>`.
    pub fn origin(&self) -> String {
        format!("{}/{}", self.box_name, self.election_id)
    }

    /// The canonical note text (the four body lines, each ending in a newline).
    ///
    /// # Errors
    /// [`Error::BadName`] or [`Error::BadElectionId`] for a field the format cannot carry.
    pub fn body(&self) -> Result<String, Error> {
        check_name(&self.box_name)?;
        check_election_id(&self.election_id)?;
        Ok(format!(
            "{}\n{}\n{}\n{TIME_KEYWORD} {}\n",
            self.origin(),
            self.size,
            B64.encode(self.root),
            self.timestamp
        ))
    }

    /// The signed note: the body, a blank line and the box's signature line.
    ///
    /// The key signs under the checkpoint's box name (see [`VerifierKey`]).
    ///
    /// # Errors
    /// As [`Checkpoint::body`].
    pub fn sign(&self, key: &SigningKey) -> Result<String, Error> {
        let body = self.body()?;
        let vkey = VerifierKey::new(&self.box_name, key.verifying_key())?;
        let sig = key.sign(body.as_bytes());
        let mut blob = Vec::with_capacity(4 + 64);
        blob.extend_from_slice(&vkey.key_id);
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{body}\n{SIGNATURE_PREFIX}{} {}\n",
            self.box_name,
            B64.encode(blob)
        ))
    }
}

/// A box's public key with its name: what a voter or auditor trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
    key_id: [u8; 4],
}

impl VerifierKey {
    /// The verifier key of `key` under `name`.
    ///
    /// # Errors
    /// [`Error::BadName`].
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, Error> {
        check_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &key),
            key,
        })
    }

    /// The key name (the box name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Ed25519 public key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The C2SP key id: `SHA-256(name || 0x0A || 0x01 || public key)[:4]`.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// The C2SP vkey string: `<name>+<key id hex>+<base64(0x01 || public key)>`.
    pub fn encode(&self) -> String {
        let mut blob = Vec::with_capacity(33);
        blob.push(ED25519_TYPE);
        blob.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex_lower(&self.key_id),
            B64.encode(blob)
        )
    }

    /// Parses a vkey string strictly (the inverse of [`VerifierKey::encode`]).
    ///
    /// # Errors
    /// [`Error::MalformedKey`] for any other form, a key id that does not match the key,
    /// or bytes that are not an Ed25519 public key; [`Error::BadName`].
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::MalformedKey(format!("{why} in {s:?}"));
        // Base64 may contain '+': the name and the id may not, so split twice from the left.
        let mut parts = s.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("not <name>+<key id>+<key>"));
        };
        check_name(name)?;
        let blob = decode_b64(b64).ok_or_else(|| bad("key is not canonical base64"))?;
        let (&[ty], pk) = blob.split_at_checked(1).ok_or_else(|| bad("empty key"))? else {
            return Err(bad("empty key"));
        };
        if ty != ED25519_TYPE {
            return Err(bad("not an Ed25519 key (type byte is not 0x01)"));
        }
        let pk: [u8; 32] = pk
            .try_into()
            .map_err(|_| bad("Ed25519 key is not 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&pk).map_err(|_| bad("not an Ed25519 point"))?;
        let vkey = Self::new(name, key)?;
        if id != hex_lower(&vkey.key_id) {
            return Err(bad("key id does not match the key"));
        }
        Ok(vkey)
    }
}

fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519_TYPE]);
    h.update(key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding, canonical only (re-encoding gives the same string).
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let bytes = B64.decode(s).ok()?;
    (B64.encode(&bytes) == s).then_some(bytes)
}

/// Parses a signed checkpoint strictly and verifies the box's signature on it.
///
/// Returns the checkpoint only if the note is in canonical form, is for a log of the
/// key's box (`origin` = `<key name>/<election id>`), and carries a valid signature by
/// exactly this key (name and key id).
///
/// # Errors
/// [`Error::MalformedCheckpoint`] for any deviation from the canonical form;
/// [`Error::NotSignedByKey`] when no signature line has the key's name and id (a
/// signature by another key, or a wrong key id); [`Error::BadSignature`] when that line
/// does not verify; [`Error::OriginMismatch`] for another box's log.
pub fn open(note: &str, key: &VerifierKey) -> Result<Checkpoint, Error> {
    let bad = |why: String| Error::MalformedCheckpoint(why);
    if let Some(c) = note.chars().find(|&c| c < ' ' && c != '\n') {
        return Err(bad(format!("control character {:?}", c)));
    }
    // The text ends at the last blank line; the checkpoint body has no blank line.
    let Some(split) = note.rfind("\n\n") else {
        return Err(bad("no blank line before the signatures".into()));
    };
    let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .collect();
    let [origin, size, root, time] = lines[..] else {
        return Err(bad(format!(
            "{} body lines, 4 expected (origin, size, root, time)",
            lines.len()
        )));
    };

    // Origin: `<box>/<election id>`; the id has no '/', so split at the last one.
    let Some((box_name, election_id)) = origin.rsplit_once('/') else {
        return Err(bad(format!(
            "origin {origin:?} is not <box name>/<election id>"
        )));
    };
    check_name(box_name).map_err(|_| bad(format!("box name {box_name:?} in the origin")))?;
    check_election_id(election_id)
        .map_err(|_| bad(format!("election id {election_id:?} in the origin")))?;
    let size = parse_u64(size, "tree size")?;
    let root: Hash = decode_b64(root)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad(format!("root {root:?} is not canonical base64 of 32 bytes")))?;
    let Some(ts) = time
        .strip_prefix(TIME_KEYWORD)
        .and_then(|t| t.strip_prefix(' '))
    else {
        return Err(bad(format!(
            "extension line {time:?} is not \"time <seconds>\""
        )));
    };
    let timestamp = parse_u64(ts, "time")?;

    // Signatures.
    if sigs.is_empty() || !sigs.ends_with('\n') {
        return Err(bad("no signature lines, or no final newline".into()));
    }
    let sig_lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
    if sig_lines.len() > MAX_SIGNATURES {
        return Err(bad(format!(
            "{} signature lines, at most {MAX_SIGNATURES}",
            sig_lines.len()
        )));
    }
    let mut ours = None;
    for line in &sig_lines {
        let Some(rest) = line.strip_prefix(SIGNATURE_PREFIX) else {
            return Err(bad(format!(
                "signature line {line:?} does not start with \"— \""
            )));
        };
        let Some((name, b64)) = rest.split_once(' ') else {
            return Err(bad(format!("signature line {line:?} has no signature")));
        };
        check_name(name).map_err(|_| bad(format!("key name {name:?} in a signature line")))?;
        let blob = decode_b64(b64).filter(|b| b.len() > 4).ok_or_else(|| {
            bad(format!(
                "signature of {name:?} is not canonical base64 of a key id and a signature"
            ))
        })?;
        if name == key.name && blob[..4] == key.key_id {
            if ours.is_some() {
                return Err(bad(format!("two signature lines of {name:?}")));
            }
            ours = Some(blob);
        }
    }
    let Some(blob) = ours else {
        return Err(Error::NotSignedByKey {
            name: key.name.clone(),
            key_id: hex_lower(&key.key_id),
        });
    };
    let sig =
        Signature::from_slice(&blob[4..]).map_err(|_| Error::BadSignature(key.name.clone()))?;
    key.key
        .verify_strict(text.as_bytes(), &sig)
        .map_err(|_| Error::BadSignature(key.name.clone()))?;

    if box_name != key.name {
        return Err(Error::OriginMismatch {
            origin: box_name.to_owned(),
            key: key.name.clone(),
        });
    }
    let cp = Checkpoint {
        box_name: box_name.to_owned(),
        election_id: election_id.to_owned(),
        size,
        root,
        timestamp,
    };
    // Belt and braces: what we accept is byte for byte what we would write.
    if cp.body()? != text {
        return Err(bad("body is not in canonical form".into()));
    }
    Ok(cp)
}

#[cfg(test)]
mod tests;
