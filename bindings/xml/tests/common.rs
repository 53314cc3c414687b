//! Shared helpers of the XML binding's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use taxii_core::{Message, Version};
use taxii_xml::XmlBinding;

/// Every fixture of `version`, written by us to the spec: (file name, bytes).
pub fn fixtures(version: Version) -> Vec<(String, Vec<u8>)> {
    let dir = fixture_dir(version);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

pub fn fixture_dir(version: Version) -> PathBuf {
    let sub = match version {
        Version::V10 => "xml10",
        Version::V11 => "xml11",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(sub)
}

pub fn fixture(version: Version, name: &str) -> Message {
    let path = fixture_dir(version).join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    XmlBinding::new(version)
        .decode_message(&bytes)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn encode(m: &Message) -> Vec<u8> {
    XmlBinding::new(m.version)
        .encode_message(m)
        .unwrap_or_else(|e| panic!("encode {}: {e}", m.message_type()))
}
