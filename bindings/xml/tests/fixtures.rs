//! Every message type of both versions, from fixtures written to the spec: decode, encode,
//! decode again; and the awkward parts checked one by one.

mod common;

use common::{encode, fixture, fixtures};
use taxii_core::*;
use taxii_xml::XmlBinding;

#[test]
fn every_fixture_round_trips_through_the_model() {
    for version in Version::ALL {
        let files = fixtures(version);
        let expected = if version == Version::V10 { 10 } else { 11 };
        assert_eq!(
            files.len(),
            expected,
            "one fixture per {version} message type"
        );
        let mut types = std::collections::BTreeSet::new();
        for (name, bytes) in files {
            let binding = XmlBinding::new(version);
            let first = binding
                .decode_message(&bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(types.insert(first.message_type()), "{name}: duplicate type");
            let written = encode(&first);
            let second = binding.decode_message(&written).unwrap_or_else(|e| {
                panic!("{name} re-read: {e}\n{}", String::from_utf8_lossy(&written))
            });
            assert_eq!(first, second, "{name}");
            let shared = binding
                .decode_shared(bytes::Bytes::from(bytes.clone()))
                .unwrap();
            assert_eq!(
                first, shared,
                "{name}: decoding from shared bytes reads the same"
            );
            assert_eq!(
                written,
                encode(&second),
                "{name}: encoding is deterministic"
            );
        }
    }
}

#[test]
fn content_using_prefixes_of_the_envelope_stands_alone() {
    let m = fixture(Version::V11, "Poll_Response.xml");
    let Body::PollResponse(r) = &m.body else {
        panic!()
    };
    let content = r.content_blocks[0].content.as_str().unwrap();
    assert!(r.content_blocks[0].content.is_xml);
    assert!(
        content.starts_with("<stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\""),
        "{content}"
    );
    // xsi and indicator are used only in an attribute value and inner elements: still carried.
    assert!(
        content.contains("xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""),
        "{content}"
    );
    assert!(
        content.contains("xmlns:indicator=\"http://stix.mitre.org/Indicator-2\""),
        "{content}"
    );
    // The TAXII and signature namespaces are not used by the content, so not added.
    assert!(!content.contains("taxii_xml_binding"), "{content}");
    assert!(!content.contains("xmldsig"), "{content}");
    // Apart from the added declarations the bytes are exactly the original.
    assert!(content.ends_with("<indicator:Title>Inherited prefixes: stix, indicator and xsi are declared on the envelope</indicator:Title></stix:Indicator></stix:Indicators></stix:STIX_Package>"));
    // And it parses on its own.
    let standalone = format!("<root>{content}</root>");
    let mut reader = quick_xml::NsReader::from_str(&standalone);
    loop {
        match reader.read_resolved_event() {
            Ok((quick_xml::name::ResolveResult::Unknown(p), _)) => {
                panic!("unbound prefix {:?}", String::from_utf8_lossy(&p))
            }
            Ok((_, quick_xml::events::Event::Eof)) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed on its own: {e}"),
        }
    }
}

#[test]
fn non_xml_content_is_kept_as_text_exactly() {
    let m = fixture(Version::V11, "Poll_Response.xml");
    let Body::PollResponse(r) = &m.body else {
        panic!()
    };
    let smime = &r.content_blocks[1].content;
    assert!(!smime.is_xml);
    assert!(smime
        .as_str()
        .unwrap()
        .starts_with("MIAGCSqGSIb3DQEHA6CAMIACAQAx"));
    assert!(
        smime.as_str().unwrap().contains("+\nAgEBMA0G"),
        "line breaks inside base64 kept"
    );
    assert_eq!(
        r.content_blocks[1].content_binding.subtypes,
        vec!["urn:example:subtype:smime".to_owned()]
    );
    assert_eq!(
        r.content_blocks[2].content.as_str(),
        Some("plain text with markup characters: a < b && c > d")
    );
    let m10 = fixture(Version::V10, "Poll_Response.xml");
    let Body::PollResponse(r10) = &m10.body else {
        panic!()
    };
    assert_eq!(
        r10.content_blocks[1].content.as_str(),
        Some("ip,first_seen\n192.0.2.1,2014-01-06"),
        "CDATA is text"
    );
}

#[test]
fn signatures_are_kept_byte_exact_with_their_namespace() {
    let m = fixture(Version::V11, "Poll_Response.xml");
    let Body::PollResponse(r) = &m.body else {
        panic!()
    };
    let sig = std::str::from_utf8(&r.content_blocks[0].signature.as_ref().unwrap().0).unwrap();
    assert!(
        sig.starts_with(
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
        ),
        "{sig}"
    );
    assert!(
        sig.ends_with("<ds:SignatureValue>YmxvY2stc2lnbmF0dXJl</ds:SignatureValue></ds:Signature>")
    );
    let inbox = fixture(Version::V11, "Inbox_Message.xml");
    let sig = std::str::from_utf8(&inbox.header.signature.as_ref().unwrap().0).unwrap();
    assert!(
        sig.starts_with("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"),
        "{sig}"
    );
    assert_eq!(
        sig.matches("xmlns:ds").count(),
        1,
        "its own declaration is not duplicated"
    );
}

#[test]
fn extended_headers_keep_text_and_xml_values() {
    let m = fixture(Version::V11, "Inbox_Message.xml");
    let h = &m.header.extended_headers;
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].name, "urn:example:header:routing");
    assert!(h[0].value.is_xml);
    assert_eq!(h[0].value.as_str(), Some("<route xmlns=\"urn:example:routing\" hops=\"2\"><hop>gw-1</hop><hop>gw-2</hop></route>"));
    assert_eq!(h[1].value, Payload::text("AMBER"));
    let d = fixture(Version::V10, "Discovery_Request.xml");
    assert_eq!(
        d.header.extended_headers[0].value,
        Payload::text("libtaxii-compatible <test>")
    );
}

#[test]
fn default_query_is_parsed_not_opaque() {
    let m = fixture(Version::V11, "Subscription_Management_Request.xml");
    let Body::SubscriptionManagementRequest(r) = &m.body else {
        panic!()
    };
    let params = r.subscription_parameters.as_ref().unwrap();
    assert_eq!(params.response_type, ResponseType::CountOnly);
    let Some(Query::Default(q)) = &params.query else {
        panic!("not a default query")
    };
    assert_eq!(q.targeting_expression_id, ids::content::STIX_XML_111);
    assert_eq!(q.criteria.operator, Operator::Or);
    let CriteriaItem::Criterion(first) = &q.criteria.items[0] else {
        panic!()
    };
    assert!(first.negate);
    assert_eq!(first.target, "**/@id");
    assert_eq!(first.test.relationship, "begins_with");
    assert_eq!(
        first.test.parameters,
        vec![
            ("value".to_owned(), "example:".to_owned()),
            ("case_sensitive".to_owned(), "true".to_owned())
        ]
    );
    let CriteriaItem::Criteria(nested) = &q.criteria.items[1] else {
        panic!()
    };
    assert_eq!(nested.operator, Operator::And);
    let d = fixture(Version::V11, "Discovery_Response.xml");
    let Body::DiscoveryResponse(dr) = &d.body else {
        panic!()
    };
    let QueryInfo::Default(info) = &dr.service_instances[1].supported_queries[0] else {
        panic!()
    };
    assert_eq!(
        info.capability_modules,
        vec![
            ids::QUERY_CAPABILITY_CORE.to_owned(),
            ids::QUERY_CAPABILITY_REGEX.to_owned()
        ]
    );
    assert_eq!(
        info.targeting_expression_infos[0].preferred_scope,
        vec!["**/Simple_Hash_Value".to_owned()]
    );
}

#[test]
fn multi_part_poll_fields_and_version_specific_fields_are_read() {
    let m = fixture(Version::V11, "Poll_Response.xml");
    let Body::PollResponse(r) = &m.body else {
        panic!()
    };
    assert!(r.more);
    assert_eq!(r.result_id.as_deref(), Some("urn:example:result:77"));
    assert_eq!(r.result_part_number, Some(2));
    assert_eq!(
        r.record_count,
        Some(RecordCount {
            count: 250,
            partial: true
        })
    );
    assert_eq!(
        r.exclusive_begin.as_ref().map(Timestamp::as_str),
        Some("2014-01-01T00:00:00Z")
    );
    let f = fixture(Version::V11, "Poll_Fulfillment.xml");
    assert_eq!(
        f.body,
        Body::PollFulfillmentRequest(PollFulfillmentRequest {
            collection_name: "indicators".into(),
            result_id: "urn:example:result:77".into(),
            result_part_number: 3
        })
    );
    let m10 = fixture(Version::V10, "Poll_Response.xml");
    let Body::PollResponse(r10) = &m10.body else {
        panic!()
    };
    assert_eq!(
        r10.inclusive_begin.as_ref().map(Timestamp::as_str),
        Some("2014-01-01T00:00:00.000001Z")
    );
    assert_eq!(
        r10.subscription_id.as_deref(),
        Some("urn:example:subscription:10")
    );
    let s10 = fixture(Version::V10, "Status_Message.xml");
    let Body::StatusMessage(s) = &s10.body else {
        panic!()
    };
    assert_eq!(
        s.details,
        StatusDetails::Text(
            "urn:taxii.mitre.org:message:xml:1.0 urn:cert.europa.eu:message:json:1.0".into()
        )
    );
    let f10 = fixture(Version::V10, "Feed_Information_Response.xml");
    let Body::CollectionInformationResponse(fi) = &f10.body else {
        panic!()
    };
    assert_eq!(fi.collections[1].collection_name, "advisories");
    assert!(fi.collections[1].push_methods.is_empty());
}

#[test]
fn the_root_namespace_decides_the_binding() {
    for version in Version::ALL {
        for (name, bytes) in fixtures(version) {
            let detected =
                taxii_xml::detect(&bytes).unwrap_or_else(|| panic!("{name} not detected"));
            assert_eq!(detected.version(), version, "{name}");
        }
    }
    assert!(taxii_xml::detect(b"{\"message_type\": \"Poll_Request\"}").is_none());
    assert!(taxii_xml::detect(b"<other xmlns=\"urn:x\"/>").is_none());
}

#[test]
fn a_1_0_binding_will_not_write_a_1_1_message_and_vice_versa() {
    let m = fixture(Version::V11, "Discovery_Request.xml");
    let err = XmlBinding::v10().encode_message(&m).unwrap_err();
    assert!(err.to_string().contains("convert it first"), "{err}");
    let m = fixture(Version::V10, "Discovery_Request.xml");
    assert!(XmlBinding::v11().encode_message(&m).is_err());
}
