//! Shared by the integration tests: our own fixtures, and the two bindings under test.
#![allow(dead_code)]

use std::path::PathBuf;
use taxii_core::{Message, MessageBinding, Version};
use taxii_json::JsonBinding;
use taxii_xml::XmlBinding;

/// One fixture file: its version, name and bytes.
pub struct Fixture {
    pub version: Version,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every fixture in `tests/fixtures/v10` and `tests/fixtures/v11`, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all = Vec::new();
    for (dir, version) in [("v10", Version::V10), ("v11", Version::V11)] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("cannot list tests/fixtures/{dir}: {e}"))
            .map(|e| e.expect("readable directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for path in entries {
            all.push(Fixture {
                version,
                name: format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()),
                bytes: std::fs::read(&path).expect("readable fixture"),
            });
        }
    }
    assert!(all.len() >= 21, "expected the fixtures of both versions");
    all
}

/// The fixture's model.
pub fn decode(fixture: &Fixture) -> Message {
    JsonBinding::new()
        .decode(&fixture.bytes, fixture.version)
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.name))
}

pub fn json(message: &Message) -> Vec<u8> {
    JsonBinding::new()
        .encode(message)
        .unwrap_or_else(|e| panic!("JSON encode of {:?}: {e}", message.message_type()))
        .to_vec()
}

pub fn xml_binding(version: Version) -> XmlBinding {
    XmlBinding::new(version)
}

pub fn xml(message: &Message) -> Vec<u8> {
    xml_binding(message.version)
        .encode(message)
        .unwrap_or_else(|e| panic!("XML encode of {:?}: {e}", message.message_type()))
        .to_vec()
}

pub fn from_xml(bytes: &[u8], version: Version) -> Message {
    xml_binding(version)
        .decode(bytes, version)
        .unwrap_or_else(|e| panic!("XML decode: {e}\n{}", String::from_utf8_lossy(bytes)))
}

pub fn from_json(bytes: &[u8], version: Version) -> Message {
    JsonBinding::new()
        .decode(bytes, version)
        .unwrap_or_else(|e| panic!("JSON decode: {e}\n{}", String::from_utf8_lossy(bytes)))
}
