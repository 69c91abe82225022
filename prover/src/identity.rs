//! Semaphore v4 identities, bit for bit as `@semaphore-protocol/identity` 4.x.
//!
//! An identity is a 32-byte private key. From it, as zk-kit's `eddsa-poseidon`
//! (`deriveSecretScalar`, `derivePublicKey`) and Semaphore's `Identity`:
//! ```text
//! h       = BLAKE-512(private key)[0..32]          (the original BLAKE, not BLAKE2)
//! h[0]   &= 0xF8;  h[31] &= 0x7F;  h[31] |= 0x40   (prune, as EdDSA)
//! secret  = (h read little-endian >> 3) mod l      (l: Baby Jubjub subgroup order)
//! (Ax,Ay) = secret · Base8                         (circom-form Baby Jubjub)
//! commitment = Poseidon(Ax, Ay)
//! ```
//! The export format is JS `Identity.export()`: standard base64 of the 32 key bytes.
//! The JS library also accepts keys of other lengths (text passwords); this one accepts
//! exactly 32 bytes, which is what `new Identity()` creates and `export()` writes.

use ark_ff::{BigInteger, PrimeField};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use blake_hash::{Blake512, Digest};
use num_bigint::BigUint;
use rand::{CryptoRng, RngCore};
use zkvote_circuits::{
    babyjubjub::{subgroup_order, Point},
    poseidon, Fr,
};

use crate::Error;

/// Length of a private key in bytes.
pub const PRIVATE_KEY_LEN: usize = 32;

/// A Semaphore v4 identity: a private key and what derives from it.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    private_key: [u8; PRIVATE_KEY_LEN],
    secret_scalar: Fr,
    public_key: Point,
    commitment: Fr,
}

impl std::fmt::Debug for Identity {
    /// Shows the commitment only; the private key and secret scalar stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("commitment", &self.commitment.into_bigint().to_string())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The identity of a 32-byte private key.
    pub fn from_private_key(private_key: &[u8; PRIVATE_KEY_LEN]) -> Identity {
        let secret_scalar = derive_secret_scalar(private_key);
        // The secret is reduced mod l, so this is `derive_public_key(&secret_scalar)`
        // without its range check (tested against it below).
        let public_key = Point::base8().mul(&secret_scalar);
        let commitment = poseidon::hash2(public_key.x, public_key.y);
        Identity {
            private_key: *private_key,
            secret_scalar,
            public_key,
            commitment,
        }
    }

    /// A fresh identity from 32 random bytes of `rng`.
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Identity {
        let mut key = [0u8; PRIVATE_KEY_LEN];
        rng.fill_bytes(&mut key);
        Identity::from_private_key(&key)
    }

    /// Imports an identity exported by [`Identity::export`] or by the Semaphore JS
    /// library's `Identity.export()`: standard base64 of the 32-byte private key
    /// (surrounding whitespace, such as a file's final newline, is ignored).
    pub fn import(base64: &str) -> Result<Identity, Error> {
        let bytes = STANDARD
            .decode(base64.trim())
            .map_err(|e| Error::BadBase64(e.to_string()))?;
        let key: [u8; PRIVATE_KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::BadPrivateKeyLength(bytes.len()))?;
        Ok(Identity::from_private_key(&key))
    }

    /// The private key as standard base64, as the Semaphore JS library's `export()`.
    pub fn export(&self) -> String {
        STANDARD.encode(self.private_key)
    }

    /// The 32-byte private key.
    pub fn private_key(&self) -> &[u8; PRIVATE_KEY_LEN] {
        &self.private_key
    }

    /// The secret scalar (`< l`), the circuit's private input.
    pub fn secret_scalar(&self) -> Fr {
        self.secret_scalar
    }

    /// The public key `secret · Base8`.
    pub fn public_key(&self) -> Point {
        self.public_key
    }

    /// The commitment `Poseidon(Ax, Ay)`, the member's leaf in a census.
    pub fn commitment(&self) -> Fr {
        self.commitment
    }

    /// The key that tags the proving tables this identity builds (see
    /// [`zkvote_engine::tables`]): only tables the voter made herself are used.
    pub fn tables_key(&self) -> zkvote_engine::tables::TablesKey {
        zkvote_engine::tables::TablesKey::from_secret(self.private_key())
    }
}

/// zk-kit's `deriveSecretScalar` for a private key of any length (see the module docs).
pub fn derive_secret_scalar(private_key: &[u8]) -> Fr {
    let digest = Blake512::digest(private_key);
    let mut h = [0u8; 32];
    h.copy_from_slice(&digest[..32]);
    h[0] &= 0xF8;
    h[31] &= 0x7F;
    h[31] |= 0x40;
    let s = (BigUint::from_bytes_le(&h) >> 3u32) % subgroup_order();
    // s < l < r: the conversion does not reduce.
    let fr = Fr::from(s.clone());
    debug_assert_eq!(BigUint::from_bytes_le(&fr.into_bigint().to_bytes_le()), s);
    fr
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use zkvote_circuits::test_vectors::vectors;

    #[test]
    fn matches_semaphore_js_vectors() {
        let cases = vectors().identities;
        assert_eq!(cases.len(), 6);
        for case in cases {
            let id = Identity::import(&case.private_key_base64).unwrap();
            assert_eq!(id.secret_scalar(), case.secret_scalar);
            assert_eq!(vec![id.public_key().x, id.public_key().y], case.public_key);
            assert_eq!(id.commitment(), case.commitment);
            assert_eq!(id.export(), case.private_key_base64);
            assert_eq!(
                zkvote_circuits::babyjubjub::derive_public_key(&id.secret_scalar()),
                Ok(id.public_key())
            );
        }
    }

    #[test]
    fn rejects_malformed_exports() {
        for bad in [
            "not base64!",
            "WFKssSwQErLem/uSuKHC7SWsR7EljxtugtE6fIzlqq",
            "=",
            "a",
        ] {
            assert!(
                matches!(Identity::import(bad), Err(Error::BadBase64(_))),
                "{bad:?}"
            );
        }
        for len in [0usize, 1, 31, 33, 64] {
            let s = STANDARD.encode(vec![7u8; len]);
            assert_eq!(
                Identity::import(&s),
                Err(Error::BadPrivateKeyLength(len)),
                "{len}"
            );
        }
        let msg = Identity::import(&STANDARD.encode([1u8; 31]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("32 bytes") && msg.contains("31"), "{msg}");
    }

    #[test]
    fn random_identities_differ_and_debug_hides_the_key() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let a = Identity::random(&mut rng);
        let b = Identity::random(&mut rng);
        assert_ne!(a, b);
        assert_ne!(a.commitment(), b.commitment());
        let dbg = format!("{a:?}");
        assert!(!dbg.contains(&a.export()));
        assert!(!dbg.contains(&a.secret_scalar().into_bigint().to_string()));
    }

    proptest! {
        #[test]
        fn export_import_round_trip(key in any::<[u8; 32]>()) {
            let id = Identity::from_private_key(&key);
            let back = Identity::import(&id.export()).unwrap();
            prop_assert_eq!(back.private_key(), &key);
            prop_assert_eq!(&back, &id);
            prop_assert!(BigUint::from(id.secret_scalar().into_bigint()) < subgroup_order());
        }
    }
}
