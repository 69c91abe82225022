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
//! | 1 | version 2 only: the QAP reduction the proving key needs ([`QapReduction`]) |
//! | … | the key |
//!
//! Version 1 files (17-byte header) are keys of arkworks' own setup and use
//! [`QapReduction::Libsnark`]. Version 2 adds one byte naming the reduction; it is
//! written only when that byte is not the version-1 default (keys imported from a
//! snarkjs ceremony), so that the files, and the digests elections record, of every
//! existing key stay as they were. Verification does not depend on the reduction (the
//! verifying equation is the same), so verifying keys are always written as version 1.
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

/// Version of the key file format written for keys with the default reduction
/// ([`QapReduction::Libsnark`]).
pub const KEY_FORMAT_VERSION: u32 = 1;
/// Version of the key file format with a QAP-reduction byte (keys from a snarkjs
/// ceremony).
pub const KEY_FORMAT_VERSION_QAP: u32 = 2;
/// Magic bytes of a verifying key file.
pub const VK_MAGIC: &[u8; 8] = b"ZKVOTEVK";
/// Magic bytes of a proving key file.
pub const PK_MAGIC: &[u8; 8] = b"ZKVOTEPK";
/// Length of a version-1 header.
pub const HEADER_LEN: usize = 17;
/// Length of a version-2 header (with the reduction byte).
pub const HEADER_LEN_QAP: usize = 18;

/// How a Groth16 prover maps the R1CS witness to the quotient polynomial `h`: the
/// proving key's `h_query` bases are made for one of them, and a proof made with the
/// other does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QapReduction {
    /// arkworks' default (`LibsnarkReduction`): `h` in coefficient form, `h_query` =
    /// `τ^i·Z(τ)/δ` for `i < n − 1`. Keys from [`ark_groth16`]'s setup.
    Libsnark,
    /// snarkjs/circom: `h` evaluated on the odd powers of the `2n`-th root of unity,
    /// `h_query` = the Lagrange bases there, divided by `δ` (`n` of them). Keys from a
    /// snarkjs `.zkey`.
    Circom,
}

impl QapReduction {
    /// The header byte.
    pub fn to_byte(self) -> u8 {
        match self {
            QapReduction::Libsnark => 0,
            QapReduction::Circom => 1,
        }
    }

    /// From the header byte.
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(QapReduction::Libsnark),
            1 => Some(QapReduction::Circom),
            _ => None,
        }
    }
}

impl std::fmt::Debug for KeyHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyHeader")
            .field("shape", &self.shape)
            .field("compressed", &matches!(self.compress, Compress::Yes))
            .field("reduction", &self.reduction)
            .finish()
    }
}

impl std::fmt::Display for QapReduction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QapReduction::Libsnark => "arkworks (libsnark) reduction",
            QapReduction::Circom => "circom (snarkjs) reduction",
        })
    }
}

/// A parsed key file header.
#[derive(Clone, Copy)]
pub struct KeyHeader {
    /// The circuit shape.
    pub shape: BallotShape,
    /// The encoding of the key.
    pub compress: Compress,
    /// The QAP reduction the (proving) key is made for.
    pub reduction: QapReduction,
}

/// SHA-256 of some bytes, in hex.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a key file header (version 1: the default reduction).
pub fn write_header(magic: &[u8; 8], shape: &BallotShape, compress: Compress) -> Vec<u8> {
    write_header_with_reduction(magic, shape, compress, QapReduction::Libsnark)
}

/// Writes a key file header naming the QAP reduction: version 1 for
/// [`QapReduction::Libsnark`] (byte for byte what [`write_header`] writes), version 2
/// with the reduction byte otherwise.
pub fn write_header_with_reduction(
    magic: &[u8; 8],
    shape: &BallotShape,
    compress: Compress,
    reduction: QapReduction,
) -> Vec<u8> {
    let version = match reduction {
        QapReduction::Libsnark => KEY_FORMAT_VERSION,
        _ => KEY_FORMAT_VERSION_QAP,
    };
    let mut out = Vec::with_capacity(HEADER_LEN_QAP);
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
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
    if version == KEY_FORMAT_VERSION_QAP {
        out.push(reduction.to_byte());
    }
    out
}

/// Reads and checks a key file header; returns the shape, the encoding and the body.
/// Reads both versions (see [`read_key_header`] for the reduction).
pub fn read_header<'a>(
    file: &str,
    magic: &[u8; 8],
    bytes: &'a [u8],
) -> Result<(BallotShape, Compress, &'a [u8]), Error> {
    let (h, body) = read_key_header(file, magic, bytes)?;
    Ok((h.shape, h.compress, body))
}

/// Reads and checks a key file header of either version; returns it and the body.
pub fn read_key_header<'a>(
    file: &str,
    magic: &[u8; 8],
    bytes: &'a [u8],
) -> Result<(KeyHeader, &'a [u8]), Error> {
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
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    let (reduction, header_len) = match version {
        KEY_FORMAT_VERSION => (QapReduction::Libsnark, HEADER_LEN),
        KEY_FORMAT_VERSION_QAP => {
            let b = *bytes.get(HEADER_LEN).ok_or_else(|| {
                bad("too short for a version-2 key file (no reduction byte)".into())
            })?;
            let r = QapReduction::from_byte(b)
                .ok_or_else(|| bad(format!("unknown QAP reduction {b}")))?;
            (r, HEADER_LEN_QAP)
        }
        _ => {
            return Err(bad(format!(
                "key format version {version}, this build reads {KEY_FORMAT_VERSION} and {KEY_FORMAT_VERSION_QAP}"
            )))
        }
    };
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
    Ok((
        KeyHeader {
            shape,
            compress,
            reduction,
        },
        &bytes[header_len..],
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> BallotShape {
        BallotShape::new(4, 3, CensusKind::Weighted).unwrap()
    }

    #[test]
    fn version_1_header_is_unchanged_and_means_libsnark() {
        let h = write_header(PK_MAGIC, &shape(), Compress::No);
        // The bytes every existing key file starts with.
        assert_eq!(
            h,
            [b"ZKVOTEPK".as_slice(), &[1, 0, 0, 0, 4, 3, 0, 1, 1]].concat()
        );
        assert_eq!(
            write_header_with_reduction(PK_MAGIC, &shape(), Compress::No, QapReduction::Libsnark),
            h
        );
        let mut file = h.clone();
        file.push(0xAB);
        let (kh, body) = read_key_header("k", PK_MAGIC, &file).unwrap();
        assert_eq!(kh.reduction, QapReduction::Libsnark);
        assert_eq!(kh.shape, shape());
        assert_eq!(body, [0xAB]);
    }

    #[test]
    fn version_2_header_records_the_reduction() {
        let h = write_header_with_reduction(PK_MAGIC, &shape(), Compress::No, QapReduction::Circom);
        assert_eq!(h.len(), HEADER_LEN_QAP);
        assert_eq!(&h[8..12], &2u32.to_le_bytes());
        assert_eq!(h[17], 1);
        let mut file = h.clone();
        file.push(7);
        let (kh, body) = read_key_header("k", PK_MAGIC, &file).unwrap();
        assert_eq!(kh.reduction, QapReduction::Circom);
        assert!(matches!(kh.compress, Compress::No));
        assert_eq!(body, [7]);
        // The old entry point reads it too, and skips the extra byte.
        let (s, _, body) = read_header("k", PK_MAGIC, &file).unwrap();
        assert_eq!((s, body), (shape(), [7].as_slice()));
    }

    #[test]
    fn bad_headers_are_rejected_with_a_reason() {
        let h = write_header_with_reduction(PK_MAGIC, &shape(), Compress::No, QapReduction::Circom);
        let err = |bytes: &[u8]| match read_key_header("k.pk", PK_MAGIC, bytes) {
            Ok(_) => panic!("accepted a bad header"),
            Err(e) => e.to_string(),
        };
        assert!(err(&h[..17]).contains("no reduction byte"));
        let mut bad = h.clone();
        bad[17] = 9;
        assert!(err(&bad).contains("unknown QAP reduction 9"));
        let mut bad = h.clone();
        bad[8] = 3;
        assert!(err(&bad).contains("key format version 3"));
        assert!(err(&h[..5]).contains("too short"));
        assert!(read_key_header("k", VK_MAGIC, &h).is_err());
    }
}
