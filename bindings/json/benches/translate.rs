//! XML <-> JSON translation of a TAXII 1.1 Poll Response with 1,000 and 10,000 STIX 1.1.1
//! content blocks (a ~3 KB indicator each), against libtaxii in the same run.
//!
//! `cargo bench -p taxii-json --bench translate` runs criterion on
//! * `xml_to_json`: `XmlBinding::v11().decode` + `JsonBinding::encode`,
//! * `json_to_xml`: `JsonBinding::decode` + `XmlBinding::v11().encode`,
//!
//! then times the same two translations with a plain loop and runs
//! `benches/libtaxii_to_json.py` (libtaxii's `get_message_from_xml(x).to_json()`, in the
//! pinned peer venv) on the very same XML, and prints MB/s (10^6 bytes of the input
//! document per second) and the ratio. Set `TAXII_JSON_BENCH_SKIP_LIBTAXII=1` to skip the
//! libtaxii part.

use criterion::{BenchmarkId, Criterion, Throughput};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use taxii_core::*;
use taxii_json::JsonBinding;
use taxii_testkit::corpus::poll_response;
use taxii_xml::XmlBinding;

struct Case {
    blocks: usize,
    xml: Vec<u8>,
    json: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let (xml, json) = (XmlBinding::v11(), JsonBinding::new());
    [1_000, 10_000]
        .into_iter()
        .map(|blocks| {
            let m = poll_response(blocks);
            let x = xml.encode(&m).expect("XML encode").to_vec();
            let j = json.encode(&m).expect("JSON encode").to_vec();
            // The two are the same message.
            assert_eq!(json.decode(&j, Version::V11).expect("JSON decode"), m);
            assert_eq!(xml.decode(&x, Version::V11).expect("XML decode"), m);
            Case {
                blocks,
                xml: x,
                json: j,
            }
        })
        .collect()
}

fn xml_to_json(xml: &[u8]) -> usize {
    let m = XmlBinding::v11()
        .decode(xml, Version::V11)
        .expect("XML decode");
    JsonBinding::new().encode(&m).expect("JSON encode").len()
}

fn json_to_xml(json: &[u8]) -> usize {
    let m = JsonBinding::new()
        .decode(json, Version::V11)
        .expect("JSON decode");
    XmlBinding::v11().encode(&m).expect("XML encode").len()
}

fn criterion_benches(c: &mut Criterion, cases: &[Case]) {
    let mut group = c.benchmark_group("poll_response_11");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for case in cases {
        group.throughput(Throughput::Bytes(case.xml.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("xml_to_json", case.blocks),
            &case.xml,
            |b, x| b.iter(|| xml_to_json(x)),
        );
        group.throughput(Throughput::Bytes(case.json.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("json_to_xml", case.blocks),
            &case.json,
            |b, j| b.iter(|| json_to_xml(j)),
        );
    }
    group.finish();
}

/// Seconds per call of `f`, over at least two seconds.
fn seconds_per_call(f: impl Fn() -> usize) -> f64 {
    let start = Instant::now();
    let mut iterations = 0u32;
    while start.elapsed() < Duration::from_secs(2) || iterations < 3 {
        std::hint::black_box(f());
        iterations += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(iterations)
}

/// libtaxii's `get_message_from_xml(x).to_json()` on the case's XML: seconds per call and
/// how it was measured.
fn libtaxii_seconds(case: &Case) -> Option<(f64, String)> {
    if std::env::var_os("TAXII_JSON_BENCH_SKIP_LIBTAXII").is_some() {
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let file = std::env::temp_dir().join(format!(
        "taxii-json-bench-{}-{}.xml",
        std::process::id(),
        case.blocks
    ));
    std::fs::write(&file, &case.xml).expect("write the bench XML");
    let output = Command::new(taxii_testkit::python())
        .arg(dir.join("benches/libtaxii_to_json.py"))
        .arg(&file)
        .output()
        .expect("run benches/libtaxii_to_json.py");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "libtaxii bench failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    Some((
        report["seconds_per_iteration"]
            .as_f64()
            .expect("seconds_per_iteration"),
        report["method"].as_str().unwrap_or("?").to_owned(),
    ))
}

fn main() {
    let cases = cases();
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &cases);
    c.final_summary();

    // MB/s count each direction's input document; ratios compare time per message.
    println!(
        "\nblocks  XML MB  JSON MB  xml->json MB/s  json->xml MB/s  libtaxii MB/s  \
         xml->json vs libtaxii  json->xml vs libtaxii"
    );
    for case in &cases {
        let x2j = seconds_per_call(|| xml_to_json(&case.xml));
        let j2x = seconds_per_call(|| json_to_xml(&case.json));
        let (theirs, method) = libtaxii_seconds(case).unwrap_or((f64::NAN, "skipped".into()));
        let mb_s = |bytes: usize, seconds: f64| bytes as f64 / seconds / 1e6;
        println!(
            "{:>6}  {:>6.1}  {:>7.1}  {:>14.0}  {:>14.0}  {:>13.1}  {:>20.0}x  {:>20.0}x",
            case.blocks,
            case.xml.len() as f64 / 1e6,
            case.json.len() as f64 / 1e6,
            mb_s(case.xml.len(), x2j),
            mb_s(case.json.len(), j2x),
            mb_s(case.xml.len(), theirs),
            theirs / x2j,
            theirs / j2x,
        );
        println!("        libtaxii measured as: {method}");
    }

    // Where the time goes: each binding's half of the two translations.
    println!("\nblocks  XML decode MB/s  JSON encode MB/s  JSON decode MB/s  XML encode MB/s");
    for case in &cases {
        let model = XmlBinding::v11()
            .decode(&case.xml, Version::V11)
            .expect("XML decode");
        let mb_s = |bytes: usize, seconds: f64| bytes as f64 / seconds / 1e6;
        let xml_decode = seconds_per_call(|| {
            let m = XmlBinding::v11()
                .decode(&case.xml, Version::V11)
                .expect("XML decode");
            m.header.message_id.len()
        });
        let json_encode =
            seconds_per_call(|| JsonBinding::new().encode(&model).expect("encode").len());
        let json_decode = seconds_per_call(|| {
            let m = JsonBinding::new()
                .decode(&case.json, Version::V11)
                .expect("JSON decode");
            m.header.message_id.len()
        });
        let xml_encode =
            seconds_per_call(|| XmlBinding::v11().encode(&model).expect("encode").len());
        println!(
            "{:>6}  {:>15.0}  {:>16.0}  {:>16.0}  {:>15.0}",
            case.blocks,
            mb_s(case.xml.len(), xml_decode),
            mb_s(case.json.len(), json_encode),
            mb_s(case.json.len(), json_decode),
            mb_s(case.xml.len(), xml_encode),
        );
    }
}
