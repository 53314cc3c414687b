//! Seeding and reading OpenTAXII with the testkit's client, over both TAXII versions,
//! including the peer behaviours other crates' tests must expect.

use taxii_testkit::{OpenTaxii, HARNESS_ACCOUNT, READER_ACCOUNT};

fn stix_package(marker: &str) -> String {
    format!(
        r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="testkit:seed-{marker}" version="1.1.1"><stix:STIX_Header><stix:Title>{marker}</stix:Title></stix:STIX_Header></stix:STIX_Package>"#
    )
}

fn titles(blocks: &[taxii_testkit::PolledBlock]) -> Vec<String> {
    let mut titles: Vec<String> = blocks
        .iter()
        .filter_map(|b| {
            let start = b.content.find("<stix:Title>")? + "<stix:Title>".len();
            let end = b.content[start..].find("</stix:Title>")? + start;
            Some(b.content[start..end].to_string())
        })
        .collect();
    titles.sort();
    titles
}

#[test]
fn taxii_11_pushes_land_in_their_collection_and_poll_back_across_parts() {
    let server = OpenTaxii::start();
    let markers: Vec<String> = (1..=6).map(|n| format!("seed-11-{n}")).collect();
    for marker in &markers {
        server
            .push_11(HARNESS_ACCOUNT, &["collection-a"], &stix_package(marker))
            .unwrap_or_else(|refusal| panic!("{refusal:?}\n{}", server.logs()));
    }
    let polled = server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("poll collection-a");
    assert_eq!(
        titles(&polled),
        markers,
        "six blocks, more than one 5-block part"
    );
    assert!(
        polled
            .iter()
            .all(|b| b.binding == "urn:stix.mitre.org:xml:1.1.1"),
        "{polled:?}"
    );
    assert!(polled.iter().all(|b| b.timestamp.is_some()));
    let other = server
        .poll_11(HARNESS_ACCOUNT, "collection-b")
        .expect("poll collection-b");
    assert!(other.is_empty(), "{other:?}");
}

#[test]
fn taxii_11_refusals_come_back_with_their_status() {
    let server = OpenTaxii::start();
    let refused = server
        .push_11(READER_ACCOUNT, &["collection-a"], &stix_package("reader"))
        .expect_err("the reader account may not write");
    assert_eq!(
        refused.status.as_deref(),
        Some("UNAUTHORIZED"),
        "{refused:?}"
    );

    let no_destination = server
        .push_11(HARNESS_ACCOUNT, &[], &stix_package("nowhere"))
        .expect_err("this inbox requires a destination collection");
    assert_eq!(
        no_destination.status.as_deref(),
        Some("DESTINATION_COLLECTION_ERROR"),
        "{no_destination:?}"
    );
    assert!(server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("poll")
        .is_empty());
}

#[test]
fn taxii_10_pushes_feed_collection_b_and_a_readers_push_is_silently_dropped() {
    let server = OpenTaxii::start();
    server
        .push_10(HARNESS_ACCOUNT, &stix_package("seed-10"))
        .unwrap_or_else(|refusal| panic!("{refusal:?}\n{}", server.logs()));
    // The peer quirk: SUCCESS for a read-only account's 1.0 push, and nothing stored.
    server
        .push_10(READER_ACCOUNT, &stix_package("dropped-10"))
        .expect("OpenTAXII answers SUCCESS to a read-only 1.0 push");

    let over_11 = server
        .poll_11(HARNESS_ACCOUNT, "collection-b")
        .expect("poll 1.1");
    assert_eq!(titles(&over_11), ["seed-10"]);
    let over_10 = server
        .poll_10(HARNESS_ACCOUNT, "collection-b")
        .expect("poll 1.0");
    assert_eq!(titles(&over_10), ["seed-10"]);
    assert!(server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("poll")
        .is_empty());
}
