//! A JSON partner (libtaxii's CERT-EU JSON form: messages built with `libtaxii.messages_10`
//! / `messages_11` and `to_json()`, answers read with `get_message_from_json()`) -> the
//! gateway -> OpenTAXII in XML 1.1.

mod common;

use common::*;
use taxii_testkit::{OpenTaxii, HARNESS_ACCOUNT};

const PASSWORD_ENV: &str = "GW_TEST_JSON_PASSWORD";

/// The JSON partner: libtaxii builds every request and parses every answer. Prints one JSON
/// object describing what it saw.
const PARTNER: &str = r#"
import json, sys
import requests
from libtaxii import messages_10 as tm10, messages_11 as tm11
from libtaxii.common import generate_message_id
from libtaxii.constants import *

url = sys.argv[1]
JSON_ID = "urn:cert.europa.eu:message:json:1.0"

def post(path, msg, services, module):
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-TAXII-Content-Type": JSON_ID,
        "X-TAXII-Accept": JSON_ID,
        "X-TAXII-Services": services,
        "X-TAXII-Protocol": VID_TAXII_HTTP_10,
    }
    r = requests.post(url + path, data=msg.to_json(), headers=headers, timeout=30)
    assert r.headers.get("X-TAXII-Content-Type") == JSON_ID, (r.status_code, r.headers, r.text)
    return module.get_message_from_json(r.content)

def package(marker):
    return ('<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" version="1.1.1" '
            'id="gwtest:package-%s" xmlns:gwtest="urn:taxii-gateway-test"><stix:STIX_Header>'
            '<stix:Title>%s</stix:Title></stix:STIX_Header></stix:STIX_Package>') % (marker, marker)

def text(content):
    return content.decode() if isinstance(content, bytes) else content

seen = {}
d = post("", tm11.DiscoveryRequest(generate_message_id()), VID_TAXII_SERVICES_11, tm11)
seen["discovery11"] = [[s.service_type, s.service_address, s.message_bindings] for s in d.service_instances]

ci = post("/collection-management", tm11.CollectionInformationRequest(generate_message_id()), VID_TAXII_SERVICES_11, tm11)
seen["collections11"] = [[c.collection_name, [p.poll_address for p in c.polling_service_instances]] for c in ci.collection_informations]

block = tm11.ContentBlock(CB_STIX_XML_111, package("json-11"))
inbox = tm11.InboxMessage(generate_message_id(), destination_collection_names=["indicators"], content_blocks=[block])
st = post("/inbox", inbox, VID_TAXII_SERVICES_11, tm11)
seen["inbox11"] = [st.message_type, st.status_type, st.message]

poll = tm11.PollRequest(generate_message_id(), collection_name="indicators",
                        poll_parameters=tm11.PollRequest.PollParameters())
pr = post("/poll", poll, VID_TAXII_SERVICES_11, tm11)
seen["poll11"] = [pr.message_type, getattr(pr, "collection_name", None), [text(b.content) for b in pr.content_blocks]]

bad = tm11.PollRequest(generate_message_id(), collection_name="no-such-collection",
                       poll_parameters=tm11.PollRequest.PollParameters())
st = post("/poll", bad, VID_TAXII_SERVICES_11, tm11)
seen["poll11_unknown"] = [st.message_type, st.status_type]

d = post("", tm10.DiscoveryRequest(generate_message_id()), VID_TAXII_SERVICES_10, tm10)
seen["discovery10"] = [[s.service_type, s.service_address] for s in d.service_instances]

fi = post("/collection-management", tm10.FeedInformationRequest(generate_message_id()), VID_TAXII_SERVICES_10, tm10)
seen["feeds10"] = [f.feed_name for f in fi.feed_informations]

block = tm10.ContentBlock(CB_STIX_XML_111, package("json-10"))
st = post("/inbox/indicators", tm10.InboxMessage(generate_message_id(), content_blocks=[block]), VID_TAXII_SERVICES_10, tm10)
seen["inbox10"] = [st.message_type, st.status_type, st.message]

pr = post("/poll", tm10.PollRequest(generate_message_id(), feed_name="indicators"), VID_TAXII_SERVICES_10, tm10)
seen["poll10"] = [pr.message_type, pr.feed_name, [text(b.content) for b in pr.content_blocks]]

print(json.dumps(seen))
"#;

#[test]
fn a_json_partner_reaches_opentaxii_through_the_gateway() {
    let server = OpenTaxii::start();
    let base = server.base_url();
    let routes = format!(
        r#"
[[listener]]
name = "json"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"
message_bindings = ["json"]

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["indicators"]

[[peer]]
name = "ot"
protocol = "http"
message = "xml11"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "harness", password_env = "{PASSWORD_ENV}" }} }}

[[collection]]
name = "indicators"
peer = "ot"
remote = "collection-a"
"#
    );
    let gateway = Gateway::start_with_env(&routes, &[(PASSWORD_ENV, "harness-pass")]);
    let url = gateway.url("json");
    let (out, err, ok) = python(PARTNER, &[&url]);
    assert!(
        ok,
        "the JSON partner failed:\n{out}{err}\n{}",
        gateway.logs()
    );
    let seen: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let context = format!("{seen:#}\n{}", gateway.logs());

    // Discovery: JSON only (the listener's one binding), every address at the gateway.
    for key in ["discovery11", "discovery10"] {
        let services = seen[key].as_array().expect(key);
        assert!(services.len() >= 4, "{key}: {context}");
        for s in services {
            let address = s[1].as_str().unwrap_or_default();
            assert!(address.starts_with(&url), "{key}: {address} {context}");
        }
    }
    for s in seen["discovery11"].as_array().unwrap() {
        assert_eq!(s[2], serde_json::json!([JSON]), "{context}");
    }
    assert_eq!(
        seen["collections11"],
        serde_json::json!([["indicators", [format!("{url}/poll")]]]),
        "{context}"
    );
    assert_eq!(
        seen["feeds10"],
        serde_json::json!(["indicators"]),
        "{context}"
    );
    assert_eq!(seen["inbox11"][1], "SUCCESS", "{context}");
    assert_eq!(seen["inbox10"][1], "SUCCESS", "{context}");
    assert_eq!(seen["poll11_unknown"][1], "NOT_FOUND", "{context}");

    // Both pushes reached OpenTAXII's collection-a, in XML.
    let held = server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("OpenTAXII polled directly");
    for marker in ["json-11", "json-10"] {
        assert!(
            held.iter().any(|b| b
                .content
                .contains(&format!("<stix:Title>{marker}</stix:Title>"))),
            "{marker} not in OpenTAXII: {held:?}\n{context}"
        );
    }
    // The 1.1 poll (after the 1.1 push) saw json-11; the 1.0 poll saw both, in JSON.
    assert_eq!(seen["poll11"][1], "indicators", "{context}");
    let polled = seen["poll11"][2].to_string();
    assert!(polled.contains("json-11"), "{context}");
    assert_eq!(seen["poll10"][1], "indicators", "{context}");
    let polled = seen["poll10"][2].to_string();
    assert!(
        polled.contains("json-11") && polled.contains("json-10"),
        "{context}"
    );
}
