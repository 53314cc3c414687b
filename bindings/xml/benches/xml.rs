//! Decode and encode of a TAXII 1.1 Poll Response with 1,000 (~3 MB) and 10,000 (~30 MB)
//! STIX 1.1.1 content blocks, the same messages libtaxii is measured on by
//! `cargo run --release -p taxii-xml --example compare_libtaxii`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;
use taxii_testkit::corpus::poll_response;
use taxii_xml::XmlBinding;

fn xml(c: &mut Criterion) {
    let binding = XmlBinding::v11();
    let mut group = c.benchmark_group("xml11_poll_response");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for blocks in [1_000, 10_000] {
        let message = poll_response(blocks);
        let bytes = binding.encode_message(&message).expect("encodes");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("decode", blocks), &bytes, |b, bytes| {
            b.iter(|| binding.decode_message(bytes).expect("decodes"))
        });
        group.bench_with_input(BenchmarkId::new("encode", blocks), &message, |b, m| {
            b.iter(|| binding.encode_message(m).expect("encodes"))
        });
    }
    group.finish();
}

criterion_group!(benches, xml);
criterion_main!(benches);
