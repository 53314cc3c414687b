//! Hostile and broken input: each gets a clear error naming what and where, no panic, and
//! bounded memory (nothing is expanded, and limits stop work early).

use taxii_core::{Error, Version};
use taxii_xml::{Limits, XmlBinding};

fn refuse(version: Version, input: &[u8]) -> String {
    match XmlBinding::new(version).decode_message(input) {
        Ok(m) => panic!("accepted hostile input as {m:?}"),
        Err(Error::Decode(e)) => {
            assert!(e.location.is_some(), "error without a location: {e}");
            e.to_string()
        }
        Err(other) => panic!("not a decode error: {other}"),
    }
}

const NS11: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";

#[test]
fn billion_laughs_is_refused_at_the_doctype() {
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><Discovery_Request xmlns=\"{NS11}\" message_id=\"&lol3;\"/>"
    );
    let e = refuse(Version::V11, bomb.as_bytes());
    assert!(e.contains("DOCTYPE refused"), "{e}");
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn external_entities_are_refused() {
    let xxe = format!("<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Discovery_Request xmlns=\"{NS11}\" message_id=\"1\">&xxe;</Discovery_Request>");
    assert!(refuse(Version::V11, xxe.as_bytes()).contains("DOCTYPE refused"));
    // Without a DTD an entity reference cannot be defined: also refused, in content too.
    let undefined = format!("<Discovery_Request xmlns=\"{NS11}\" message_id=\"&xxe;\"/>");
    let e = refuse(Version::V11, undefined.as_bytes());
    assert!(e.contains("Discovery_Request") && e.contains("xxe"), "{e}");
    let in_content = format!(
        "<Inbox_Message xmlns=\"{NS11}\" message_id=\"1\"><Content_Block><Content_Binding binding_id=\"x\"/><Content><a>&xxe;</a></Content></Content_Block></Inbox_Message>"
    );
    assert!(refuse(Version::V11, in_content.as_bytes()).contains("xxe"));
}

#[test]
fn a_depth_bomb_stops_at_the_depth_limit() {
    let depth = 100_000;
    let mut doc = format!("<Inbox_Message xmlns=\"{NS11}\" message_id=\"1\"><Content_Block><Content_Binding binding_id=\"x\"/><Content>");
    doc.push_str(&"<a>".repeat(depth));
    doc.push_str(&"</a>".repeat(depth));
    doc.push_str("</Content></Content_Block></Inbox_Message>");
    let e = refuse(Version::V11, doc.as_bytes());
    assert!(e.contains("nesting deeper than 256"), "{e}");
}

#[test]
fn huge_attributes_and_too_many_attributes_are_refused() {
    let huge = format!(
        "<Discovery_Request xmlns=\"{NS11}\" message_id=\"{}\"/>",
        "9".repeat(2 * 1024 * 1024)
    );
    assert!(refuse(Version::V11, huge.as_bytes()).contains("exceeds the limit"));
    let attrs: String = (0..300).map(|i| format!(" a{i}=\"v\"")).collect();
    let many = format!("<Discovery_Request xmlns=\"{NS11}\" message_id=\"1\"{attrs}/>");
    assert!(refuse(Version::V11, many.as_bytes()).contains("more than 256 attributes"));
}

#[test]
fn documents_over_the_size_limit_are_refused_before_parsing() {
    let limits = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let doc = format!(
        "<Discovery_Request xmlns=\"{NS11}\" message_id=\"1\">{}</Discovery_Request>",
        " ".repeat(2048)
    );
    let e = XmlBinding::v11()
        .with_limits(limits)
        .decode_message(doc.as_bytes())
        .unwrap_err();
    assert!(
        e.to_string().contains("exceeds the limit of 1024 bytes"),
        "{e}"
    );
}

#[test]
fn truncated_documents_say_where_they_end() {
    let doc = format!("<Poll_Request xmlns=\"{NS11}\" message_id=\"1\" collection_name=\"c\">\n  <Poll_Parameters>\n    <Response_Type>FULL");
    let e = refuse(Version::V11, doc.as_bytes());
    assert!(e.contains("ends before"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(refuse(Version::V11, b"").contains("no root element"));
    assert!(refuse(Version::V11, b"<").contains("not well-formed"));
}

#[test]
fn wrong_or_missing_namespaces_are_named() {
    let v10 = "<Discovery_Request xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1\" message_id=\"1\"/>";
    let e = refuse(Version::V11, v10.as_bytes());
    assert!(e.contains("that is the namespace of XML 1.0"), "{e}");
    assert!(
        refuse(Version::V11, b"<Discovery_Request message_id=\"1\"/>").contains("no namespace")
    );
    let unbound = format!("<t:Discovery_Request xmlns=\"{NS11}\" message_id=\"1\"/>");
    assert!(refuse(Version::V11, unbound.as_bytes()).contains("prefix \"t\" is not declared"));
}

#[test]
fn unknown_message_types_and_elements_are_refused() {
    let unknown = format!("<Gossip_Request xmlns=\"{NS11}\" message_id=\"1\"/>");
    assert!(refuse(Version::V11, unknown.as_bytes())
        .contains("Gossip_Request is not a TAXII 1.1 message type"));
    let fulfillment_10 = "<Poll_Fulfillment xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1\" message_id=\"1\" feed_name=\"f\" result_id=\"r\" result_part_number=\"1\"/>";
    assert!(
        refuse(Version::V10, fulfillment_10.as_bytes()).contains("not a TAXII 1.0 message type")
    );
    let stray = format!(
        "<Discovery_Request xmlns=\"{NS11}\" message_id=\"1\"><Surprise/></Discovery_Request>"
    );
    let e = refuse(Version::V11, stray.as_bytes());
    assert!(
        e.contains("Surprise is not allowed in Discovery_Request"),
        "{e}"
    );
}

#[test]
fn a_1_0_message_id_must_be_digits() {
    let doc = "<Discovery_Request xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1\" message_id=\"abc-1\"/>";
    let e = refuse(Version::V10, doc.as_bytes());
    assert!(e.contains("\"abc-1\" is not digits"), "{e}");
}

#[test]
fn invalid_utf8_and_other_encodings_are_refused() {
    let mut doc = format!("<Discovery_Request xmlns=\"{NS11}\" message_id=\"1\"/>").into_bytes();
    doc.insert(10, 0xff);
    assert!(refuse(Version::V11, &doc).contains("not UTF-8"));
    let latin1 = format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Discovery_Request xmlns=\"{NS11}\" message_id=\"1\"/>");
    assert!(refuse(Version::V11, latin1.as_bytes()).contains("only UTF-8"));
}

#[test]
fn missing_required_fields_and_bad_values_are_named() {
    let no_collection = format!("<Poll_Fulfillment xmlns=\"{NS11}\" message_id=\"1\" result_id=\"r\" result_part_number=\"1\"/>");
    assert!(refuse(Version::V11, no_collection.as_bytes())
        .contains("missing required attribute collection_name"));
    let bad_part = format!("<Poll_Fulfillment xmlns=\"{NS11}\" message_id=\"1\" collection_name=\"c\" result_id=\"r\" result_part_number=\"-1\"/>");
    assert!(refuse(Version::V11, bad_part.as_bytes()).contains("non-negative integer"));
    let bad_label = format!("<Poll_Request xmlns=\"{NS11}\" message_id=\"1\" collection_name=\"c\"><Exclusive_Begin_Timestamp>yesterday</Exclusive_Begin_Timestamp><Subscription_ID>s</Subscription_ID></Poll_Request>");
    let e = refuse(Version::V11, bad_label.as_bytes());
    assert!(
        e.contains("<Exclusive_Begin_Timestamp>") && e.contains("not a TAXII timestamp label"),
        "{e}"
    );
    let both = format!("<Poll_Request xmlns=\"{NS11}\" message_id=\"1\" collection_name=\"c\"/>");
    assert!(refuse(Version::V11, both.as_bytes())
        .contains("exactly one of Subscription_ID and Poll_Parameters"));
}

#[test]
fn random_bytes_never_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in 0..2000usize {
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(b"<>/=\"' :&;#xabAZ_\n"[(seed % 18) as usize]);
        }
        let _ = XmlBinding::v11().decode_message(&bytes);
        let _ = XmlBinding::v10().decode_message(&bytes);
    }
}
