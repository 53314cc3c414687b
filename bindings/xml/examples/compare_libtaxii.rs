//! Our XML binding against libtaxii on the same messages, in the same run:
//! `cargo run --release -p taxii-xml --example compare_libtaxii`.
//!
//! Writes the 1,000- and 10,000-block Poll Responses of the shared benchmark corpus to
//! `target/bench-data/`, times our decode (copying payloads, and sharing the input's
//! memory as the gateway does) and encode (best of several rounds), runs
//! `tests/peers/bench_libtaxii.py` (libtaxii's `get_message_from_xml` and `to_xml`, in the
//! pinned peer venv) on the very same files, and prints MB/s (10^6 bytes of the document
//! per second) and the ratios.

use std::time::{Duration, Instant};
use taxii_testkit::corpus::poll_response;
use taxii_xml::XmlBinding;

/// Best throughput of `f` over rounds lasting at least `budget` in total, in MB/s.
fn best_mb_s(bytes: usize, budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut best = f64::MAX;
    let mut rounds = 0;
    while rounds < 3 || start.elapsed() < budget {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
        rounds += 1;
    }
    bytes as f64 / best / 1e6
}

fn main() {
    let dir = taxii_testkit::workspace_root().join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("target/bench-data");
    let binding = XmlBinding::v11();
    println!(
        "{:>7} {:>9} | {:>12} {:>12} {:>12} | {:>12} {:>12} | {:>8} {:>8} {:>8}",
        "blocks",
        "MB",
        "ours dec",
        "dec shared",
        "ours enc",
        "lib dec",
        "lib enc",
        "dec x",
        "shared x",
        "enc x"
    );
    for blocks in [1_000, 10_000] {
        let message = poll_response(blocks);
        let bytes = binding.encode_message(&message).expect("encodes");
        let path = dir.join(format!("poll_response_{blocks}.xml"));
        std::fs::write(&path, &bytes).expect("write bench message");
        let decode = best_mb_s(bytes.len(), Duration::from_secs(3), || {
            std::hint::black_box(binding.decode_message(&bytes).expect("decodes"));
        });
        let shared = bytes::Bytes::from(bytes.clone());
        let decode_shared = best_mb_s(bytes.len(), Duration::from_secs(3), || {
            std::hint::black_box(binding.decode_shared(shared.clone()).expect("decodes"));
        });
        let encode = best_mb_s(bytes.len(), Duration::from_secs(3), || {
            std::hint::black_box(binding.encode_message(&message).expect("encodes"));
        });
        let out = taxii_testkit::run_peer_script(
            "bench_libtaxii.py",
            &[path.to_str().expect("utf-8 path"), "--seconds", "3"],
            None,
        );
        assert!(
            out.status.success(),
            "libtaxii bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("libtaxii bench prints JSON");
        let report = if report.is_array() {
            report[0].clone()
        } else {
            report
        };
        let lib_decode = report["decode_mb_s"].as_f64().expect("decode_mb_s");
        let lib_encode = report["encode_mb_s"].as_f64().expect("encode_mb_s");
        println!(
            "{blocks:>7} {:>9.1} | {decode:>7.1} MB/s {decode_shared:>7.1} MB/s {encode:>7.1} MB/s | {lib_decode:>7.1} MB/s {lib_encode:>7.1} MB/s | {:>7.1}x {:>7.1}x {:>7.1}x",
            bytes.len() as f64 / 1e6,
            decode / lib_decode,
            decode_shared / lib_decode,
            encode / lib_encode
        );
    }
}
