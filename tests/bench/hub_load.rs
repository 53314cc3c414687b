//! Load figures for the built-in hub: inbox and poll throughput on a real store.
//!
//! ```text
//! cargo run --release --example hub_load -- [BLOCKS ...] [--batch N] [--clients N] [--part N]
//! ```
//!
//! For each BLOCKS (default: 1000 and 100000) it opens a fresh hub in a temporary
//! directory, pushes that many STIX 1.1.1 blocks (about 1.3 KB each) in Inbox Messages of
//! `--batch` blocks (default 1: every message is its own durable commit, as a partner
//! pushing one package at a time sees it) from `--clients` threads, then polls them all
//! back in TAXII 1.1 (parts of `--part` blocks, default 100, every part fetched) and in
//! TAXII 1.0 (one response). It prints blocks per second. It measures; it asserts nothing
//! beyond the counts being right.

use std::sync::Arc;
use std::time::Instant;
use taxii_core::ids::content::STIX_XML_111;
use taxii_core::{
    Body, ContentBlock, InboxMessage, Message, Payload, PollFulfillmentRequest, PollParameters,
    PollRequest, StatusType, Version,
};
use taxii_gateway::hub::{Hub, HubCollection, HubConfig, ServiceAddresses};

struct Options {
    counts: Vec<u64>,
    batch: u64,
    clients: u64,
    part: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        counts: Vec::new(),
        batch: 1,
        clients: 1,
        part: 100,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--batch" => o.batch = value("--batch")?.max(1),
            "--clients" => o.clients = value("--clients")?.max(1),
            "--part" => o.part = value("--part")?.max(1) as usize,
            n => o
                .counts
                .push(n.parse().map_err(|_| format!("not a block count: {n}"))?),
        }
    }
    if o.counts.is_empty() {
        o.counts = vec![1_000, 100_000];
    }
    Ok(o)
}

fn stix(n: u64) -> ContentBlock {
    ContentBlock::new(
        STIX_XML_111,
        Payload::xml(format!(
            r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:load="http://load.example.invalid" id="load:Package-{n}" version="1.1.1" timestamp="2024-01-01T00:00:00Z">
  <stix:STIX_Header><stix:Title>load sample {n}</stix:Title></stix:STIX_Header>
  <stix:Indicators>
    <stix:Indicator xsi:type="indicator:IndicatorType" id="load:Indicator-{n}" timestamp="2024-01-01T00:00:00Z">
      <indicator:Title>Load test IP watchlist entry {n}</indicator:Title>
      <indicator:Observable id="load:Observable-{n}">
        <cybox:Object id="load:Address-{n}">
          <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
            <AddressObj:Address_Value condition="Equals">198.51.{}.{}</AddressObj:Address_Value>
          </cybox:Properties>
        </cybox:Object>
      </indicator:Observable>
    </stix:Indicator>
  </stix:Indicators>
</stix:STIX_Package>"#,
            (n / 256) % 256,
            n % 256
        )),
    )
}

fn message(id: u64, body: Body, version: Version) -> Message {
    Message::new(version, id.to_string(), body)
}

fn push_all(hub: &Arc<Hub>, blocks: u64, o: &Options) -> Result<(), String> {
    let per_client = blocks.div_ceil(o.clients);
    let workers: Vec<_> = (0..o.clients)
        .map(|c| {
            let hub = Arc::clone(hub);
            let (from, to) = (c * per_client, ((c + 1) * per_client).min(blocks));
            let batch = o.batch;
            std::thread::spawn(move || -> Result<(), String> {
                let mut n = from;
                while n < to {
                    let end = (n + batch).min(to);
                    let body = Body::InboxMessage(InboxMessage {
                        destination_collection_names: vec!["load".into()],
                        content_blocks: (n..end).map(stix).collect(),
                        ..Default::default()
                    });
                    let response = hub.handle(
                        "load",
                        &message(n, body, Version::V11),
                        &ServiceAddresses::default(),
                    );
                    match response.body {
                        Body::StatusMessage(s) if s.status_type == StatusType::Success => {}
                        other => return Err(format!("push refused: {other:?}")),
                    }
                    n = end;
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| "a client thread panicked".to_owned())??;
    }
    Ok(())
}

/// Polls everything in TAXII 1.1, fetching every part; returns the block count.
fn poll_all_11(hub: &Hub) -> Result<u64, String> {
    let request = PollRequest {
        collection_name: "load".into(),
        exclusive_begin: None,
        inclusive_end: None,
        subscription_id: None,
        poll_parameters: Some(PollParameters::default()),
    };
    let addresses = ServiceAddresses::default();
    let first = hub.handle(
        "load",
        &message(1, Body::PollRequest(request), Version::V11),
        &addresses,
    );
    let Body::PollResponse(first) = first.body else {
        return Err(format!("poll refused: {first:?}"));
    };
    let mut count = first.content_blocks.len() as u64;
    let mut more = first.more;
    let mut part = 1;
    while more {
        part += 1;
        let body = Body::PollFulfillmentRequest(PollFulfillmentRequest {
            collection_name: "load".into(),
            result_id: first.result_id.clone().ok_or("no result id")?,
            result_part_number: part,
        });
        let next = hub.handle("load", &message(part, body, Version::V11), &addresses);
        let Body::PollResponse(next) = next.body else {
            return Err(format!("fulfillment refused: {next:?}"));
        };
        count += next.content_blocks.len() as u64;
        more = next.more;
    }
    Ok(count)
}

fn poll_all_10(hub: &Hub) -> Result<u64, String> {
    let request = PollRequest {
        collection_name: "load".into(),
        exclusive_begin: None,
        inclusive_end: None,
        subscription_id: None,
        poll_parameters: None,
    };
    let response = hub.handle(
        "load",
        &message(1, Body::PollRequest(request), Version::V10),
        &ServiceAddresses::default(),
    );
    match response.body {
        Body::PollResponse(p) => Ok(p.content_blocks.len() as u64),
        other => Err(format!("1.0 poll refused: {other:?}")),
    }
}

fn run(blocks: u64, o: &Options) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = HubConfig::new(dir.path(), vec![HubCollection::new("load", "load test")]);
    config.part_size = o.part;
    config.max_10_poll_blocks = usize::try_from(blocks).unwrap_or(usize::MAX);
    let hub = Arc::new(Hub::open(config).map_err(|e| e.to_string())?);

    let started = Instant::now();
    push_all(&hub, blocks, o)?;
    let inbox = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let polled = poll_all_11(&hub)?;
    let poll_11 = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let polled_10 = poll_all_10(&hub)?;
    let poll_10 = started.elapsed().as_secs_f64();
    if polled != blocks || polled_10 != blocks {
        return Err(format!(
            "pushed {blocks}, polled {polled} (1.1) and {polled_10} (1.0)"
        ));
    }
    let store = std::fs::metadata(dir.path().join("hub.redb"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "{blocks:>7} blocks | inbox {:>9.0} blocks/s ({:>8.0} msgs/s, batch {}, {} client(s), {:.2} s) | poll 1.1 {:>9.0} blocks/s ({:.3} s, parts of {}) | poll 1.0 {:>9.0} blocks/s ({:.3} s) | store {:.1} MB",
        blocks as f64 / inbox,
        blocks as f64 / o.batch as f64 / inbox,
        o.batch,
        o.clients,
        inbox,
        blocks as f64 / poll_11,
        poll_11,
        o.part,
        blocks as f64 / poll_10,
        poll_10,
        store as f64 / 1e6
    );
    Ok(())
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("hub_load: {e}");
            std::process::exit(2);
        }
    };
    for &blocks in &o.counts {
        if let Err(e) = run(blocks, &o) {
            eprintln!("hub_load: {e}");
            std::process::exit(1);
        }
    }
}
