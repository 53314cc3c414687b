//! Random valid messages of both versions survive encode -> decode unchanged.

use proptest::prelude::*;
use taxii_core::{arbitrary, Version};
use taxii_xml::XmlBinding;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_1_0_message_survives_encode_then_decode(m in arbitrary::message(Version::V10)) {
        let xml = XmlBinding::v10().encode_message(&m).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = XmlBinding::v10().decode_message(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&xml))))?;
        prop_assert_eq!(back, m);
    }

    #[test]
    fn every_1_1_message_survives_encode_then_decode(m in arbitrary::message(Version::V11)) {
        let xml = XmlBinding::v11().encode_message(&m).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = XmlBinding::v11().decode_message(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&xml))))?;
        prop_assert_eq!(back, m);
    }
}
