//! Concurrent writers and readers on one hub, from threads: readers that poll on from
//! each answered end label see every block exactly once, in label order, while writers
//! keep pushing (no duplicates, no gaps in any poll range).

use super::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const WRITERS: u64 = 4;
const PUSHES_PER_WRITER: u64 = 60;
const READERS: usize = 3;

/// Polls on from `begin`; returns the blocks (checked to lie in the answered range) and
/// the new end label.
fn poll_on(hub: &Hub, begin: Option<&Timestamp>) -> (Vec<ContentBlock>, Timestamp) {
    let (blocks, end) = poll_everything(hub, "alpha", begin);
    for block in &blocks {
        let label = block.timestamp_label.as_ref().unwrap().instant();
        assert!(label <= end.instant(), "a block after the answered end");
        if let Some(begin) = begin {
            assert!(
                label > begin.instant(),
                "a block at or before the exclusive begin"
            );
        }
    }
    (blocks, end)
}

#[test]
fn concurrent_writers_and_readers_see_no_duplicates_and_no_gaps() {
    let (_dir, hub) = fresh(64);
    let hub = Arc::new(hub);
    let writing = Arc::new(AtomicBool::new(true));

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let hub = Arc::clone(&hub);
            std::thread::spawn(move || {
                let mut n = w * 100_000;
                for i in 0..PUSHES_PER_WRITER {
                    let size = 1 + (i % 5);
                    push(&hub, "alpha", (n..n + size).map(stix).collect());
                    n += size;
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let hub = Arc::clone(&hub);
            let writing = Arc::clone(&writing);
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut end: Option<Timestamp> = None;
                loop {
                    let done = !writing.load(Ordering::SeqCst);
                    let (blocks, new_end) = poll_on(&hub, end.as_ref());
                    seen.extend(blocks);
                    end = Some(new_end);
                    if done {
                        return seen;
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    writing.store(false, Ordering::SeqCst);

    let expected: BTreeSet<u64> = (0..WRITERS)
        .flat_map(|w| {
            let total: u64 = (0..PUSHES_PER_WRITER).map(|i| 1 + i % 5).sum();
            (w * 100_000..w * 100_000 + total).collect::<Vec<_>>()
        })
        .collect();
    for r in readers {
        let seen = r.join().expect("reader");
        let numbers: Vec<u64> = seen.iter().map(block_number).collect();
        let unique: BTreeSet<u64> = numbers.iter().copied().collect();
        assert_eq!(unique.len(), numbers.len(), "no block seen twice");
        assert_eq!(unique, expected, "every block seen");
        let labels: Vec<_> = seen
            .iter()
            .map(|b| b.timestamp_label.as_ref().unwrap().instant())
            .collect();
        assert!(
            labels.windows(2).all(|w| w[0] < w[1]),
            "in strictly increasing label order"
        );
        for w in 0..WRITERS {
            let mine: Vec<u64> = numbers
                .iter()
                .copied()
                .filter(|n| n / 100_000 == w)
                .collect();
            assert!(
                mine.windows(2).all(|p| p[0] < p[1]),
                "writer {w}'s blocks in push order"
            );
        }
    }
}
