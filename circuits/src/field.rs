//! Reading and writing BN254 scalar field elements as decimal strings, the way
//! the Semaphore and snarkjs JSON files carry them.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;

use crate::Error;

/// Parses a decimal string into a field element, refusing anything that is not
/// plain digits or that is not below the modulus `r` (no silent reduction).
pub fn parse_fr(s: &str) -> Result<Fr, Error> {
    if s.is_empty() || s.len() > 100 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::NotDecimal(truncate(s)));
    }
    let n = BigUint::parse_bytes(s.as_bytes(), 10).ok_or_else(|| Error::NotDecimal(truncate(s)))?;
    let modulus: BigUint = Fr::MODULUS.into();
    if n >= modulus {
        return Err(Error::NotInField(truncate(s)));
    }
    Ok(Fr::from(n))
}

/// [`parse_fr`], and the number must be in canonical form: no leading zero (but `0`
/// itself). What JSON files hold, so that a value has one spelling.
pub fn parse_fr_canonical(s: &str) -> Result<Fr, Error> {
    let x = parse_fr(s)?;
    if s.len() > 1 && s.starts_with('0') {
        return Err(Error::NotCanonical(truncate(s)));
    }
    Ok(x)
}

/// The canonical decimal form of a field element.
pub fn fr_to_decimal(x: &Fr) -> String {
    x.into_bigint().to_string()
}

/// The 32 little-endian bytes of a field element's canonical integer.
pub fn fr_to_le_bytes(x: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 90 {
        let head: String = s.chars().take(80).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

/// Serde helpers for a field element stored as a decimal string.
pub mod serde_decimal {
    use super::*;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Serialises as a decimal string.
    pub fn serialize<S: Serializer>(x: &Fr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fr_to_decimal(x))
    }

    /// Deserialises from a decimal string, with the checks of [`parse_fr_canonical`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
        let s = String::deserialize(d)?;
        parse_fr_canonical(&s).map_err(D::Error::custom)
    }
}

/// Serde helpers for a list of field elements stored as decimal strings.
pub mod serde_decimal_vec {
    use super::*;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Serialises as a list of decimal strings.
    pub fn serialize<S: Serializer>(xs: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(xs.iter().map(fr_to_decimal))
    }

    /// Deserialises from a list of decimal strings, with the checks of [`parse_fr_canonical`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| parse_fr_canonical(s).map_err(D::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_bad_decimals() {
        for s in ["", "-1", "1 ", "0x10", "1e3", "١٢"] {
            assert!(matches!(parse_fr(s), Err(Error::NotDecimal(_))), "{s:?}");
        }
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
        assert!(matches!(parse_fr(r), Err(Error::NotInField(_))));
        let r_minus_1 =
            "21888242871839275222246405745257275088548364400416034343698204186575808495616";
        assert_eq!(parse_fr(r_minus_1).unwrap(), -Fr::from(1u64));
        // JSON files: one spelling per number.
        assert_eq!(parse_fr("007").unwrap(), Fr::from(7u64));
        assert!(matches!(
            parse_fr_canonical("007"),
            Err(Error::NotCanonical(_))
        ));
        assert!(matches!(
            parse_fr_canonical("00"),
            Err(Error::NotCanonical(_))
        ));
        assert_eq!(parse_fr_canonical("0").unwrap(), Fr::from(0u64));
        assert_eq!(parse_fr_canonical("70").unwrap(), Fr::from(70u64));
        #[derive(serde::Deserialize, Debug)]
        struct One {
            #[serde(with = "serde_decimal")]
            _x: Fr,
        }
        assert!(serde_json::from_str::<One>(r#"{"_x":"01"}"#).is_err());
        assert!(serde_json::from_str::<One>(r#"{"_x":"1"}"#).is_ok());
    }

    proptest! {
        #[test]
        fn decimal_round_trip(limbs in any::<[u64; 4]>()) {
            let x = Fr::from_le_bytes_mod_order(&limbs.iter().flat_map(|l| l.to_le_bytes()).collect::<Vec<_>>());
            prop_assert_eq!(parse_fr(&fr_to_decimal(&x)).unwrap(), x);
        }
    }
}
