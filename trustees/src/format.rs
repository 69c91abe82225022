//! Loading and writing the JSON documents of this crate.
//!
//! Every document has a `version` ([`crate::labels::FORMAT_VERSION`]); unknown fields
//! are refused; every point and scalar is decoded with its checks while parsing, so a
//! bad value is reported with the path of its field (`trustees[1].key`), by
//! `serde_path_to_error`. After parsing, [`Document::validate`] checks the rules that
//! span fields (indices, lengths, thresholds, proofs) and names the field too.

use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result};
use crate::labels::FORMAT_VERSION;

/// A JSON document of this crate.
pub trait Document: Serialize + DeserializeOwned {
    /// What the document is, for messages (`dkg parameters`, `dealing`, …).
    const WHAT: &'static str;
    /// Its `version` field.
    fn version(&self) -> u32;
    /// The rules that span fields (called by [`from_json`] after the version check).
    fn validate(&self) -> Result<()>;
}

/// Parses and checks a document: the JSON and every value in it, then the version,
/// then [`Document::validate`].
pub fn from_json<T: Document>(json: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let doc: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Json {
            what: T::WHAT,
            path,
            message: e.into_inner().to_string(),
        }
    })?;
    if doc.version() != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion {
            what: T::WHAT,
            found: doc.version(),
            supported: FORMAT_VERSION,
        });
    }
    doc.validate()?;
    Ok(doc)
}

/// The document as pretty-printed JSON (for files people read).
pub fn to_json<T: Document>(doc: &T) -> String {
    // Serialising these types cannot fail: every field is a string, a number or a list.
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// An [`Error::Invalid`] for a document's field.
pub(crate) fn invalid(
    what: &'static str,
    field: impl Into<String>,
    message: impl Into<String>,
) -> Error {
    Error::Invalid {
        what,
        field: field.into(),
        message: message.into(),
    }
}
