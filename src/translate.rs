//! `taxii-gateway translate`: one message in, the same message in another binding and
//! version out.
//!
//! ```text
//! bytes --detect binding and version--> Message --convert (if the version differs)--> Message --encode--> bytes
//! ```

use crate::bindings::{detect, MessageBindingKind};
use taxii_core::{convert, Version};

/// Where a message is to be translated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub binding: MessageBindingKind,
    /// The services version to write; `None` keeps the input's (or the binding's only one).
    pub version: Option<Version>,
    /// Replace message ids that are not digits with numeric ones when writing TAXII 1.0,
    /// which allows digits only (the same id always maps to the same number).
    pub renumber_ids: bool,
}

impl Target {
    /// Reads `xml10`, `xml11`, `json10`, `json11` or a Message Binding Version ID, with an
    /// optional services version (`1.0` / `1.1`) that must agree with a short name.
    pub fn parse(to: &str, services: Option<Version>) -> Result<Target, String> {
        let (binding, implied) = match to {
            "xml10" => (MessageBindingKind::Xml10, Some(Version::V10)),
            "xml11" => (MessageBindingKind::Xml11, Some(Version::V11)),
            "json10" => (MessageBindingKind::Json, Some(Version::V10)),
            "json11" => (MessageBindingKind::Json, Some(Version::V11)),
            urn => {
                let binding = MessageBindingKind::from_id(urn).ok_or_else(|| {
                    format!(
                        "unknown target {urn:?}: use xml10, xml11, json10, json11 or one of {}",
                        MessageBindingKind::ALL_IDS.join(", ")
                    )
                })?;
                (binding, binding.only_version())
            }
        };
        match (implied, services) {
            (Some(i), Some(s)) if i != s => Err(format!(
                "--to {to} writes {i} messages, but --services asks for {s}"
            )),
            (i, s) => Ok(Target {
                binding,
                version: s.or(i),
                renumber_ids: false,
            }),
        }
    }
}

/// Translates one message. Errors are one line, fit for a terminal. XML content is not
/// copied out of the input, so a large message is held about twice, not three times.
pub fn translate(input: Vec<u8>, target: Target) -> Result<bytes::Bytes, String> {
    let input = bytes::Bytes::from(input);
    let (source, version) = detect(&input).ok_or_else(|| {
        "input is neither a TAXII XML 1.0/1.1 message nor a CERT-EU JSON message".to_owned()
    })?;
    let message = match source.decode_shared(&input, version) {
        Ok(m) => m,
        // CERT-EU JSON names no version: when the guess fails, the other version may fit.
        Err(first) if source.only_version().is_none() => {
            let other = if version == Version::V10 {
                Version::V11
            } else {
                Version::V10
            };
            source
                .decode(&input, other)
                .map_err(|_| first.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    };
    let to = target.version.unwrap_or(message.version);
    let mut message = message;
    if to == Version::V10 && target.renumber_ids {
        renumber(&mut message.header.message_id);
        if let Some(irt) = message.header.in_response_to.as_mut() {
            renumber(irt);
        }
    }
    let message =
        convert(message, to, chrono::Utc::now().fixed_offset()).map_err(|e| e.to_string())?;
    target.binding.encode(&message).map_err(|e| e.to_string())
}

/// A TAXII 1.0 id for `id`: itself if it is digits, else a stable number derived from it.
fn renumber(id: &mut String) {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        // FNV-1a: stable across runs and platforms, so a request and its response agree.
        let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        *id = hash.to_string();
    }
}
