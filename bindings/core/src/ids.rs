//! Every identifier TAXII 1.x puts on the wire: services, message and protocol binding
//! Version IDs, Default Query IDs and the Content Binding IDs of the Content Binding Reference.
//!
//! Only exact matches count (TAXII Overview 1.1 §3): `xml:1.0` and `xml:1.1` are different
//! bindings, so these are compared as plain strings.

/// TAXII Services 1.0.
pub const SERVICES_10: &str = "urn:taxii.mitre.org:services:1.0";
/// TAXII Services 1.1.
pub const SERVICES_11: &str = "urn:taxii.mitre.org:services:1.1";

/// XML Message Binding 1.0.
pub const MESSAGE_XML_10: &str = "urn:taxii.mitre.org:message:xml:1.0";
/// XML Message Binding 1.1.
pub const MESSAGE_XML_11: &str = "urn:taxii.mitre.org:message:xml:1.1";
/// CERT-EU's JSON message binding (third party; defined by libtaxii's `to_dict()`).
pub const MESSAGE_JSON_CERT_EU_10: &str = "urn:cert.europa.eu:message:json:1.0";

/// HTTP Protocol Binding 1.0.
pub const PROTOCOL_HTTP_10: &str = "urn:taxii.mitre.org:protocol:http:1.0";
/// HTTPS Protocol Binding 1.0.
pub const PROTOCOL_HTTPS_10: &str = "urn:taxii.mitre.org:protocol:https:1.0";

/// TAXII Default Query 1.0 (a TAXII 1.1 query format).
pub const QUERY_DEFAULT_10: &str = "urn:taxii.mitre.org:query:default:1.0";
/// Default Query capability module: core relationships.
pub const QUERY_CAPABILITY_CORE: &str = "urn:taxii.mitre.org:query:capability:core-1";
/// Default Query capability module: regular expressions.
pub const QUERY_CAPABILITY_REGEX: &str = "urn:taxii.mitre.org:query:capability:regex-1";
/// Default Query capability module: timestamps.
pub const QUERY_CAPABILITY_TIMESTAMP: &str = "urn:taxii.mitre.org:query:capability:timestamp-1";

/// XML namespaces of the two XML message bindings and of their companions.
pub mod ns {
    /// XML Message Binding 1.0 (kept for every 1.0.x revision).
    pub const XML_10: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1";
    /// XML Message Binding 1.1.
    pub const XML_11: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";
    /// TAXII Default Query 1.0.
    pub const DEFAULT_QUERY_10: &str = "http://taxii.mitre.org/query/taxii_default_query-1";
    /// XML Signature.
    pub const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
}

/// Content Binding IDs from the TAXII Content Binding Reference (v1-v4).
pub mod content {
    pub const STIX_XML_10: &str = "urn:stix.mitre.org:xml:1.0";
    pub const STIX_XML_101: &str = "urn:stix.mitre.org:xml:1.0.1";
    pub const STIX_XML_11: &str = "urn:stix.mitre.org:xml:1.1";
    pub const STIX_XML_111: &str = "urn:stix.mitre.org:xml:1.1.1";
    pub const STIX_XML_12: &str = "urn:stix.mitre.org:xml:1.2";
    pub const STIX_XML_121: &str = "urn:oasis:cti:stix:xml:1.2.1";
    pub const CAP_11: &str = "urn:oasis:names:tc:emergency:cap:1.1";
    pub const CAP_12: &str = "urn:oasis:names:tc:emergency:cap:1.2";
    pub const XML_ENCRYPTION: &str = "http://www.w3.org/2001/04/xmlenc#";
    /// S/MIME as the reference lists it.
    pub const SMIME: &str = "application/pkcs7-mime";
    /// S/MIME as libtaxii spells it.
    pub const SMIME_LIBTAXII: &str = "application/x-pkcs7-mime";
    /// S/MIME as java-taxii and cabby spell it (sic).
    pub const SMIME_CABBY: &str = "application/x-pks7-mime";
}
