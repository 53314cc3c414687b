//! Crash safety: a child process pushes blocks one by one, printing each acknowledged
//! one, and is killed with SIGKILL mid-stream. Every acknowledged block must be there
//! afterwards, byte for byte under the label it was acknowledged with, and the store must
//! open cleanly and keep working.

use super::child::{child_dir, drain, read_acks, spawn_writer, test_name};
use super::*;
use std::time::{Duration, Instant};

/// How many acknowledgements the parent waits for before it kills the writer.
const ACKS_BEFORE_KILL: usize = 150;

#[test]
fn acknowledged_blocks_survive_sigkill() {
    if let Some(dir) = child_dir() {
        write_until_killed(&dir);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let name = test_name(module_path!(), "acknowledged_blocks_survive_sigkill");
    let mut writer = spawn_writer(&name, dir.path(), "");
    let (mut acks, mut other, rest) = read_acks(&mut writer, |acks| acks.len() >= ACKS_BEFORE_KILL);
    writer.kill().expect("SIGKILL the writer");
    let exit = writer.wait().expect("reap the writer");
    drain(rest, &mut acks, &mut other);
    assert!(
        acks.len() >= ACKS_BEFORE_KILL,
        "the writer acknowledged only {} blocks; its other output: {other:?}",
        acks.len()
    );
    assert!(
        !exit.success(),
        "the writer was killed, not finished: {exit:?}"
    );

    let hub = Hub::open(config(dir.path(), 100)).expect("the store opens cleanly after SIGKILL");
    let (blocks, _) = poll_everything(&hub, "alpha", None);
    // Acknowledged blocks are 0..k in order; at most the one in flight may follow them.
    for (i, ack) in acks.iter().enumerate() {
        assert_eq!(ack.n, i as u64, "acknowledgements arrive in push order");
        let block = blocks.get(i).unwrap_or_else(|| {
            panic!(
                "acknowledged block {} is missing after the crash ({} stored)",
                ack.n,
                blocks.len()
            )
        });
        assert_eq!(
            block.content,
            stix(ack.n).content,
            "block {} byte for byte",
            ack.n
        );
        assert_eq!(
            block.timestamp_label.as_ref().map(Timestamp::as_str),
            Some(ack.label.as_str()),
            "block {} keeps the label it was acknowledged with",
            ack.n
        );
    }
    assert!(
        blocks.len() <= acks.len() + 1,
        "only the block in flight may be extra"
    );
    for (i, block) in blocks.iter().enumerate() {
        assert_eq!(block_number(block), i as u64, "no gaps or duplicates");
    }
    // And it keeps working: a new block gets a later label than every acknowledged one.
    push(&hub, "alpha", vec![stix(1_000_000)]);
    let last_ack = Timestamp::parse(&acks[acks.len() - 1].label).expect("acked label");
    let (after, _) = poll_everything(&hub, "alpha", Some(&last_ack));
    assert_eq!(after.last().map(block_number), Some(1_000_000));
}

/// The child: push single blocks and acknowledge each on stdout, until killed (or, if
/// the parent died, for at most a minute).
fn write_until_killed(dir: &std::path::Path) {
    let hub = Hub::open(config(dir, 100)).expect("writer opens the hub");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut n = 0;
    while Instant::now() < deadline {
        let response = send(&hub, &inbox(&["alpha"], vec![stix(n)]));
        let status = status(&response);
        assert_eq!(status.status_type, StatusType::Success, "{status:?}");
        // The SUCCESS message ends with the (single) block's label.
        let label = status
            .message
            .as_deref()
            .and_then(|m| m.rsplit(' ').next())
            .expect("label in the SUCCESS message");
        println!("ACK {n} {label}");
        n += 1;
    }
}
