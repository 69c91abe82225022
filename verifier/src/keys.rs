//! Key files: a fixed header naming the shape, then the key in `ark-serialize` form.
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic: `ZKVOTEVK` (verifying key) or `ZKVOTEPK` (proving key) |
//! | 4 | format version, little-endian ([`KEY_FORMAT_VERSION`]) |
//! | 1 | maximum depth |
//! | 2 | vote fields, little-endian |
//! | 1 | census kind: 0 plain, 1 weighted |
//! | 1 | encoding: 0 compressed, 1 uncompressed |
//! | … | the key |
//!
//! The digest of a key file is the SHA-256 of all its bytes; elections record the
//! digests of their keys, so that a proving key whose digest matches can be loaded
//! without the (slow) curve and subgroup checks.

use std::path::Path;

use ark_bn254::Bn254;
use ark_groth16::VerifyingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use zkvote_circuits::ballot::{BallotShape, CensusKind};

use crate::Error;

/// Version of the key file format.
pub const KEY_FORMAT_VERSION: u32 = 1;
/// Magic bytes of a verifying key file.
pub const VK_MAGIC: &[u8; 8] = b"ZKVOTEVK";
/// Magic bytes of a proving key file.
pub const PK_MAGIC: &[u8; 8] = b"ZKVOTEPK";
/// Length of the header.
pub const HEADER_LEN: usize = 17;

/// SHA-256 of some bytes, in hex.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a key file header.
pub fn write_header(magic: &[u8; 8], shape: &BallotShape, compress: Compress) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(magic);
    out.extend_from_slice(&KEY_FORMAT_VERSION.to_le_bytes());
    out.push(shape.max_depth as u8);
    out.extend_from_slice(&(shape.fields as u16).to_le_bytes());
    out.push(match shape.census {
        CensusKind::Plain => 0,
        CensusKind::Weighted => 1,
    });
    out.push(match compress {
        Compress::Yes => 0,
        Compress::No => 1,
    });
    out
}

/// Reads and checks a key file header; returns the shape, the encoding and the body.
pub fn read_header<'a>(
    file: &str,
    magic: &[u8; 8],
    bytes: &'a [u8],
) -> Result<(BallotShape, Compress, &'a [u8]), Error> {
    let bad = |what: String| Error::KeyFile {
        file: file.to_string(),
        what,
    };
    if bytes.len() < HEADER_LEN {
        return Err(bad(format!(
            "too short for a key file ({} bytes)",
            bytes.len()
        )));
    }
    if &bytes[..8] != magic {
        return Err(bad(format!(
            "not a zkvote {} (magic {:?})",
            if magic == VK_MAGIC {
                "verifying key"
            } else {
                "proving key"
            },
            String::from_utf8_lossy(&bytes[..8])
        )));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != KEY_FORMAT_VERSION {
        return Err(bad(format!(
            "key format version {version}, this build reads {KEY_FORMAT_VERSION}"
        )));
    }
    let depth = bytes[12] as usize;
    let fields = u16::from_le_bytes([bytes[13], bytes[14]]) as usize;
    let census = match bytes[15] {
        0 => CensusKind::Plain,
        1 => CensusKind::Weighted,
        k => return Err(bad(format!("unknown census kind {k}"))),
    };
    let compress = match bytes[16] {
        0 => Compress::Yes,
        1 => Compress::No,
        k => return Err(bad(format!("unknown key encoding {k}"))),
    };
    let shape = BallotShape::new(depth, fields, census).map_err(|e| bad(e.to_string()))?;
    Ok((shape, compress, &bytes[HEADER_LEN..]))
}

/// A verifying key file's bytes (compressed).
pub fn verifying_key_bytes(shape: &BallotShape, vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = write_header(VK_MAGIC, shape, Compress::Yes);
    vk.serialize_compressed(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}

/// Parses a verifying key file with full curve and subgroup checks; `file` names it
/// in errors. Returns the shape, the key and the file digest.
pub fn parse_verifying_key(
    file: &str,
    bytes: &[u8],
) -> Result<(BallotShape, VerifyingKey<Bn254>, String), Error> {
    let (shape, compress, mut body) = read_header(file, VK_MAGIC, bytes)?;
    let vk = VerifyingKey::<Bn254>::deserialize_with_mode(&mut body, compress, Validate::Yes)
        .map_err(|e| Error::KeyFile {
            file: file.to_string(),
            what: format!("invalid verifying key: {e}"),
        })?;
    if !body.is_empty() {
        return Err(Error::KeyFile {
            file: file.to_string(),
            what: format!("{} trailing bytes after the key", body.len()),
        });
    }
    let expected = zkvote_circuits::ballot::public_inputs::BallotInstance::num_inputs(&shape);
    if vk.gamma_abc_g1.len() != expected + 1 {
        return Err(Error::KeyFile {
            file: file.to_string(),
            what: format!(
                "key has {} public inputs, the shape ({shape}) has {expected}",
                vk.gamma_abc_g1.len().saturating_sub(1)
            ),
        });
    }
    Ok((shape, vk, digest_hex(bytes)))
}

/// Reads a verifying key file.
pub fn read_verifying_key(
    path: &Path,
) -> Result<(BallotShape, VerifyingKey<Bn254>, String), Error> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        file: file.clone(),
        what: e.to_string(),
    })?;
    parse_verifying_key(&file, &bytes)
}
