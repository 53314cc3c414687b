//! Random valid messages of both versions survive encode -> decode unchanged.

use proptest::prelude::*;
use taxii_core::{arbitrary, convert, Version};
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

    #[test]
    fn every_1_0_message_converted_to_1_1_is_valid_xml_1_1(m in arbitrary::message(Version::V10)) {
        let now = chrono::Utc::now().fixed_offset();
        let m11 = convert(m, Version::V11, now).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let xml = XmlBinding::v11().encode_message(&m11).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(XmlBinding::v11().decode_message(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?, m11);
    }

    #[test]
    fn every_1_1_message_1_0_can_express_converts_to_valid_xml_1_0(m in arbitrary::message(Version::V11)) {
        let now = chrono::Utc::now().fixed_offset();
        if let Ok(m10) = convert(m, Version::V10, now) {
            let xml = XmlBinding::v10().encode_message(&m10).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(XmlBinding::v10().decode_message(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?, m10);
        }
    }
}
