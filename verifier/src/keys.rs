//! Key files: a fixed header naming the shape and the circuit version, then the key in
//! `ark-serialize` form.
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic: `ZKVOTEVK` (verifying key) or `ZKVOTEPK` (proving key) |
//! | 4 | format version, little-endian ([`KEY_FORMAT_VERSION`] = 3) |
//! | 1 | maximum depth |
//! | 2 | vote fields, little-endian |
//! | 1 | census kind: 0 plain, 1 weighted |
//! | 1 | encoding: 0 compressed, 1 uncompressed |
//! | 1 | the QAP reduction the proving key needs ([`QapReduction`]; 0 in verifying keys) |
//! | 2 | the circuit version the key was made for, little-endian ([`CIRCUIT_VERSION`]) |
//! | … | the key |
//!
//! Format versions 1 and 2 (17 and 18-byte headers, no circuit version) are keys of
//! circuit version 1, whose weighted census lets a ballot claim a weight beyond 2⁶⁴:
//! they are refused with a message saying so, as is any key whose circuit version is
//! not this build's. The digest of a key file is the SHA-256 of all its bytes;
//! elections record the digests of their keys, so that a proving key whose digest
//! matches can be loaded without the (slow) curve and subgroup checks.
//!
//! A key whose points are valid can still let anyone forge: [`check_verifying_key`]
//! refuses the keys that do (points at infinity, `γ = δ`, `δ` the generator of G2),
//! everywhere a key enters zkvote (key files, snarkjs files, zkey imports, the
//! Solidity generator).

use std::path::Path;

use ark_bn254::Bn254;
use ark_groth16::VerifyingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use zkvote_circuits::ballot::{BallotShape, CensusKind, CIRCUIT_VERSION};

use zkvote_engine::keys::{check_verifying_key, QapReduction};

use crate::Error;

pub use zkvote_circuits::labels::{KEY_FORMAT_VERSION, PK_MAGIC, VK_MAGIC};
/// Length of the header.
pub const HEADER_LEN: usize = 20;
/// Length of the headers of format versions 1 and 2, which are refused (circuit
/// version 1).
const OLD_HEADER_LEN: usize = 17;

impl std::fmt::Debug for KeyHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyHeader")
            .field("shape", &self.shape)
            .field("compressed", &matches!(self.compress, Compress::Yes))
            .field("reduction", &self.reduction)
            .field("circuit_version", &self.circuit_version)
            .finish()
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
    /// The circuit version the key was made for (always [`CIRCUIT_VERSION`] in a header
    /// [`read_key_header`] accepted).
    pub circuit_version: u16,
}

/// SHA-256 of some bytes, in hex.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a key file header for the default reduction (verifying keys, and proving
/// keys of arkworks' setup).
pub fn write_header(magic: &[u8; 8], shape: &BallotShape, compress: Compress) -> Vec<u8> {
    write_header_with_reduction(magic, shape, compress, QapReduction::Libsnark)
}

/// Writes a key file header naming the QAP reduction, for this build's circuit version.
pub fn write_header_with_reduction(
    magic: &[u8; 8],
    shape: &BallotShape,
    compress: Compress,
    reduction: QapReduction,
) -> Vec<u8> {
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
    out.push(reduction.to_byte());
    out.extend_from_slice(&CIRCUIT_VERSION.to_le_bytes());
    out
}

/// Reads and checks a key file header; returns the shape, the encoding and the body.
pub fn read_header<'a>(
    file: &str,
    magic: &[u8; 8],
    bytes: &'a [u8],
) -> Result<(BallotShape, Compress, &'a [u8]), Error> {
    let (h, body) = read_key_header(file, magic, bytes)?;
    Ok((h.shape, h.compress, body))
}

/// Reads and checks a key file header; returns it and the body. Keys made for another
/// circuit version (including every key of format versions 1 and 2) are refused.
pub fn read_key_header<'a>(
    file: &str,
    magic: &[u8; 8],
    bytes: &'a [u8],
) -> Result<(KeyHeader, &'a [u8]), Error> {
    let bad = |what: String| Error::KeyFile {
        file: file.to_string(),
        what,
    };
    let old_circuit = |v: u16| {
        bad(format!(
            "made for circuit version {v}, this zkvote proves and checks circuit version \
             {CIRCUIT_VERSION}; keys made before version 2 must not be used (version 1 lets a \
             weighted ballot claim a weight beyond 2^64): make new keys with `zkvote setup` \
             or a new ceremony"
        ))
    };
    if bytes.len() < OLD_HEADER_LEN {
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
    match version {
        1 | 2 => return Err(old_circuit(1)),
        KEY_FORMAT_VERSION => {}
        _ => {
            return Err(bad(format!(
                "key format version {version}, this build reads version {KEY_FORMAT_VERSION}"
            )))
        }
    }
    if bytes.len() < HEADER_LEN {
        return Err(bad(format!(
            "too short for a version-{KEY_FORMAT_VERSION} key file ({} bytes)",
            bytes.len()
        )));
    }
    let circuit_version = u16::from_le_bytes([bytes[18], bytes[19]]);
    if circuit_version != CIRCUIT_VERSION {
        return Err(old_circuit(circuit_version));
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
    let reduction = QapReduction::from_byte(bytes[17])
        .ok_or_else(|| bad(format!("unknown QAP reduction {}", bytes[17])))?;
    let shape = BallotShape::new(depth, fields, census).map_err(|e| bad(e.to_string()))?;
    Ok((
        KeyHeader {
            shape,
            compress,
            reduction,
            circuit_version,
        },
        &bytes[HEADER_LEN..],
    ))
}

/// A verifying key file's bytes (compressed).
pub fn verifying_key_bytes(shape: &BallotShape, vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = write_header(VK_MAGIC, shape, Compress::Yes);
    vk.serialize_compressed(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}

/// Parses a verifying key file with full curve and subgroup checks and
/// [`check_verifying_key`]; `file` names it in errors. Returns the shape, the key and the file digest.
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
    check_verifying_key(&vk).map_err(|e| Error::KeyFile {
        file: file.to_string(),
        what: format!("refused verifying key: {e}"),
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
    use ark_bn254::G2Affine;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Projective};
    use ark_ec::AffineRepr;
    use ark_ec::{CurveGroup, PrimeGroup};
    use zkvote_engine::keys::WeakKey;

    fn shape() -> BallotShape {
        BallotShape::new(4, 3, CensusKind::Weighted).unwrap()
    }

    fn err(bytes: &[u8]) -> String {
        match read_key_header("k.pk", PK_MAGIC, bytes) {
            Ok(_) => panic!("accepted a bad header"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn header_records_shape_reduction_and_circuit_version() {
        let h = write_header_with_reduction(PK_MAGIC, &shape(), Compress::No, QapReduction::Circom);
        assert_eq!(
            h,
            [
                b"ZKVOTEPK".as_slice(),
                &[3, 0, 0, 0, 4, 3, 0, 1, 1, 1],
                &CIRCUIT_VERSION.to_le_bytes()
            ]
            .concat()
        );
        let mut file = h.clone();
        file.push(0xAB);
        let (kh, body) = read_key_header("k", PK_MAGIC, &file).unwrap();
        assert_eq!(kh.reduction, QapReduction::Circom);
        assert_eq!(kh.shape, shape());
        assert_eq!(kh.circuit_version, CIRCUIT_VERSION);
        assert!(matches!(kh.compress, Compress::No));
        assert_eq!(body, [0xAB]);
        let (s, _, body) = read_header("k", PK_MAGIC, &file).unwrap();
        assert_eq!((s, body), (shape(), [0xAB].as_slice()));
        let vk = write_header(VK_MAGIC, &shape(), Compress::Yes);
        assert_eq!(
            read_key_header("k", VK_MAGIC, &vk).unwrap().0.reduction,
            QapReduction::Libsnark
        );
    }

    /// Keys made before circuit version 2 (format versions 1 and 2, the headers every
    /// earlier zkvote wrote) and keys of any other circuit version are refused, saying why.
    #[test]
    fn keys_of_other_circuit_versions_are_refused() {
        // A version-1 header as zkvote wrote it before circuit version 2, and a version 2.
        let v1 = [
            b"ZKVOTEPK".as_slice(),
            &[1, 0, 0, 0, 4, 3, 0, 1, 1],
            &[0; 64],
        ]
        .concat();
        let v2 = [
            b"ZKVOTEPK".as_slice(),
            &[2, 0, 0, 0, 4, 3, 0, 1, 1, 1],
            &[0; 64],
        ]
        .concat();
        for old in [&v1, &v2] {
            let e = err(old);
            assert!(
                e.contains("circuit version 1") && e.contains("must not be used"),
                "{e}"
            );
        }
        for other in [1u16, CIRCUIT_VERSION + 1, u16::MAX] {
            let mut h = write_header(PK_MAGIC, &shape(), Compress::No);
            h[18..20].copy_from_slice(&other.to_le_bytes());
            assert!(err(&h).contains(&format!("circuit version {other}")));
        }
    }

    #[test]
    fn bad_headers_are_rejected_with_a_reason() {
        let h = write_header_with_reduction(PK_MAGIC, &shape(), Compress::No, QapReduction::Circom);
        assert!(err(&h[..19]).contains("too short"));
        let mut bad = h.clone();
        bad[17] = 9;
        assert!(err(&bad).contains("unknown QAP reduction 9"));
        let mut bad = h.clone();
        bad[8] = 4;
        assert!(err(&bad).contains("key format version 4"));
        let mut bad = h.clone();
        bad[15] = 2;
        assert!(err(&bad).contains("unknown census kind 2"));
        let mut bad = h.clone();
        bad[16] = 7;
        assert!(err(&bad).contains("unknown key encoding 7"));
        let mut bad = h.clone();
        bad[12] = 0;
        assert!(err(&bad).contains("depth"));
        assert!(err(&h[..5]).contains("too short"));
        assert!(read_key_header("k", VK_MAGIC, &h).is_err());
    }

    fn g1(k: u64) -> G1Affine {
        (G1Projective::generator() * Fr::from(k)).into_affine()
    }

    fn g2(k: u64) -> G2Affine {
        (G2Projective::generator() * Fr::from(k)).into_affine()
    }

    fn good_vk() -> VerifyingKey<Bn254> {
        VerifyingKey {
            alpha_g1: g1(3),
            beta_g2: g2(5),
            gamma_g2: g2(7),
            delta_g2: g2(11),
            gamma_abc_g1: vec![g1(13), g1(17), g1(19)],
        }
    }

    /// Each forgeable key, built from a good one, is refused; the good one passes, and
    /// so does snarkjs' usual γ = the generator.
    #[test]
    fn forgeable_verifying_keys_are_refused() {
        assert_eq!(check_verifying_key(&good_vk()), Ok(()));
        let snarkjs_gamma = VerifyingKey {
            gamma_g2: G2Affine::generator(),
            ..good_vk()
        };
        assert_eq!(check_verifying_key(&snarkjs_gamma), Ok(()));
        let zero1 = G1Affine::zero();
        let zero2 = G2Affine::zero();
        let cases: Vec<(&str, VerifyingKey<Bn254>)> = vec![
            (
                "alpha",
                VerifyingKey {
                    alpha_g1: zero1,
                    ..good_vk()
                },
            ),
            (
                "beta",
                VerifyingKey {
                    beta_g2: zero2,
                    ..good_vk()
                },
            ),
            (
                "gamma",
                VerifyingKey {
                    gamma_g2: zero2,
                    ..good_vk()
                },
            ),
            (
                "delta",
                VerifyingKey {
                    delta_g2: zero2,
                    ..good_vk()
                },
            ),
            (
                "IC[0]",
                VerifyingKey {
                    gamma_abc_g1: vec![zero1, g1(2)],
                    ..good_vk()
                },
            ),
            (
                "IC[2]",
                VerifyingKey {
                    gamma_abc_g1: vec![g1(1), g1(2), zero1],
                    ..good_vk()
                },
            ),
            (
                "no IC",
                VerifyingKey {
                    gamma_abc_g1: vec![],
                    ..good_vk()
                },
            ),
            (
                "gamma = delta",
                VerifyingKey {
                    gamma_g2: g2(11),
                    ..good_vk()
                },
            ),
            (
                "0000.zkey",
                VerifyingKey {
                    gamma_g2: G2Affine::generator(),
                    delta_g2: G2Affine::generator(),
                    ..good_vk()
                },
            ),
            (
                "delta = g2",
                VerifyingKey {
                    delta_g2: G2Affine::generator(),
                    ..good_vk()
                },
            ),
        ];
        for (name, vk) in cases {
            assert!(check_verifying_key(&vk).is_err(), "{name} accepted");
        }
    }

    /// With γ = δ the proof (α, β, −L(x)) verifies for any public inputs: the attack
    /// the check exists for, run against arkworks' verifier, and the key file refused.
    #[test]
    fn gamma_equal_delta_forges_and_its_key_file_is_refused() {
        use ark_groth16::{prepare_verifying_key, Groth16, Proof};
        let vk = VerifyingKey {
            delta_g2: g2(7),
            ..good_vk()
        };
        let inputs = [Fr::from(123u64), -Fr::from(1u64)];
        let l =
            vk.gamma_abc_g1[0] + vk.gamma_abc_g1[1] * inputs[0] + vk.gamma_abc_g1[2] * inputs[1];
        let forged: Proof<Bn254> = Proof {
            a: vk.alpha_g1,
            b: vk.beta_g2,
            c: (-l).into_affine(),
        };
        assert!(!forged.c.is_zero());
        assert!(
            Groth16::<Bn254>::verify_proof(&prepare_verifying_key(&vk), &forged, &inputs).unwrap()
        );
        assert_eq!(check_verifying_key(&vk), Err(WeakKey::GammaEqualsDelta));
        let mut bytes = write_header(
            VK_MAGIC,
            &BallotShape::new(4, 1, CensusKind::Plain).unwrap(),
            Compress::Yes,
        );
        vk.serialize_compressed(&mut bytes).unwrap();
        let e = parse_verifying_key("forge.vk", &bytes)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("forge.vk: ") && e.contains("gamma equals delta"),
            "{e}"
        );
    }
}
