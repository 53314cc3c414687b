//! Resource limits the decoder enforces, so hostile input costs bounded time and memory.

/// Decoder limits. The defaults fit real TAXII traffic (a 30 MB Poll Response of 10,000
/// STIX packages passes) and refuse bombs early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting, counting the TAXII envelope and the content inside it.
    pub max_depth: usize,
    /// Most attributes on one element.
    pub max_attributes: usize,
    /// Longest attribute value, in bytes.
    pub max_attribute_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 256,
            max_attributes: 256,
            max_attribute_len: 1024 * 1024,
        }
    }
}
