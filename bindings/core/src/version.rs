//! The two TAXII Services versions a message can belong to.

use crate::ids;

/// The TAXII Services version a message was written in (and is to be written in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// TAXII Services 1.0 (`urn:taxii.mitre.org:services:1.0`).
    V10,
    /// TAXII Services 1.1 (`urn:taxii.mitre.org:services:1.1`).
    V11,
}

impl Version {
    /// Both versions, oldest first.
    pub const ALL: [Version; 2] = [Version::V10, Version::V11];

    /// The Services Version ID, as carried in `X-TAXII-Services`.
    pub fn services_id(self) -> &'static str {
        match self {
            Version::V10 => ids::SERVICES_10,
            Version::V11 => ids::SERVICES_11,
        }
    }

    /// The version named by a Services Version ID.
    pub fn from_services_id(id: &str) -> Option<Version> {
        match id {
            ids::SERVICES_10 => Some(Version::V10),
            ids::SERVICES_11 => Some(Version::V11),
            _ => None,
        }
    }

    /// The short form used on the command line and in `routes.toml`: `1.0` or `1.1`.
    pub fn short(self) -> &'static str {
        match self {
            Version::V10 => "1.0",
            Version::V11 => "1.1",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TAXII {}", self.short())
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "1.0" | "10" => Ok(Version::V10),
            "1.1" | "11" => Ok(Version::V11),
            other => Version::from_services_id(other).ok_or_else(|| {
                format!("unknown TAXII services version {other:?} (expected 1.0 or 1.1)")
            }),
        }
    }
}
