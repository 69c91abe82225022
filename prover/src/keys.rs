//! Setup and proving keys.
//!
//! The proving key file has the header of [`zkvote_verifier::keys`] and the key
//! uncompressed. Loading it with full validation (curve and subgroup checks on every
//! point) takes longer than a proof, so [`read_proving_key`] skips the checks when the
//! file's SHA-256 equals the digest the election recorded, and validates otherwise.

use std::path::Path;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};
use zkvote_circuits::ballot::{circuit::BallotCircuit, BallotShape};
use zkvote_engine::keys::reduction_of;
use zkvote_verifier::keys::{digest_hex, read_key_header, write_header_with_reduction, PK_MAGIC};

use crate::Error;

/// A Groth16 setup for one shape, from `rng`: whoever knows `rng`'s output can forge
/// ballots, so this is for tests, demos and single-organizer elections; real elections
/// import a ceremony's key.
pub fn setup<R: RngCore + CryptoRng>(
    shape: BallotShape,
    rng: &mut R,
) -> Result<(ProvingKey<Bn254>, VerifyingKey<Bn254>), Error> {
    Groth16::<Bn254>::circuit_specific_setup(BallotCircuit::for_setup(shape), rng)
        .map_err(|e| Error::Synthesis(e.to_string()))
}

/// Number of constraints of a shape's circuit.
pub fn constraint_count(shape: BallotShape) -> Result<usize, Error> {
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    BallotCircuit::for_setup(shape)
        .generate_constraints(cs.clone())
        .map_err(|e| Error::Synthesis(e.to_string()))?;
    cs.finalize();
    Ok(cs.num_constraints())
}

/// The bytes of a proving key file; the header records the key's QAP reduction
/// ([`reduction_of`]) and this build's circuit version.
pub fn proving_key_bytes(shape: &BallotShape, pk: &ProvingKey<Bn254>) -> Vec<u8> {
    let mut out = write_header_with_reduction(PK_MAGIC, shape, Compress::No, reduction_of(pk));
    pk.serialize_uncompressed(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}

/// Parses a proving key file. With `trusted_digest` equal to the file's SHA-256 the
/// points are not re-validated (fast path); otherwise every point is checked. Either
/// way the key must pass [`check_proving_key`].
/// Returns the shape and the key.
pub fn parse_proving_key(
    file: &str,
    bytes: &[u8],
    trusted_digest: Option<&str>,
) -> Result<(BallotShape, ProvingKey<Bn254>), Error> {
    let (header, mut body) = read_key_header(file, PK_MAGIC, bytes)?;
    let (shape, compress) = (header.shape, header.compress);
    let validate = match trusted_digest {
        Some(d) => {
            let actual = digest_hex(bytes);
            if actual != d {
                return Err(Error::KeyFile {
                    file: file.to_string(),
                    what: format!("digest {actual} differs from the election's {d}"),
                });
            }
            Validate::No
        }
        None => Validate::Yes,
    };
    let pk =
        ProvingKey::<Bn254>::deserialize_with_mode(&mut body, compress, validate).map_err(|e| {
            Error::KeyFile {
                file: file.to_string(),
                what: format!("invalid proving key: {e}"),
            }
        })?;
    if !body.is_empty() {
        return Err(Error::KeyFile {
            file: file.to_string(),
            what: format!("{} trailing bytes after the key", body.len()),
        });
    }
    check_proving_key(file, &pk)?;
    if reduction_of(&pk) != header.reduction {
        return Err(Error::KeyFile {
            file: file.to_string(),
            what: format!(
                "the header names the {} but the key ({} H bases) is made for the {}",
                header.reduction,
                pk.h_query.len(),
                reduction_of(&pk)
            ),
        });
    }
    Ok((shape, pk))
}

/// [`zkvote_engine::keys::check_proving_key`], with the file's name in the error.
pub fn check_proving_key(file: &str, pk: &ProvingKey<Bn254>) -> Result<(), Error> {
    zkvote_engine::keys::check_proving_key(pk).map_err(|e| Error::KeyFile {
        file: file.to_string(),
        what: format!("refused proving key: {e}"),
    })
}

/// Reads a proving key file (see [`parse_proving_key`]).
pub fn read_proving_key(
    path: &Path,
    trusted_digest: Option<&str>,
) -> Result<(BallotShape, ProvingKey<Bn254>), Error> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        file: file.clone(),
        what: e.to_string(),
    })?;
    parse_proving_key(&file, &bytes, trusted_digest)
}
