//! Labels are strictly increasing: within a push, across pushes, across a reopen, and
//! when the clock is behind the last label the store assigned.

use super::*;
use crate::hub::labels::{bound_of, now_label, RequestedBound};

fn labels_of(hub: &Hub) -> Vec<u64> {
    poll_everything(hub, "alpha", None)
        .0
        .iter()
        .map(
            |b| match bound_of(b.timestamp_label.as_ref().expect("label")) {
                RequestedBound::At(label) => label,
                RequestedBound::BeforeEveryLabel => panic!("labels are after the epoch"),
            },
        )
        .collect()
}

fn strictly_increasing(labels: &[u64]) -> bool {
    labels.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn labels_increase_strictly_within_and_across_pushes_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let hub = Hub::open(config(dir.path(), 1000)).unwrap();
        // 200 blocks in one push land within microseconds: each still gets its own label.
        push(&hub, "alpha", (0..200).map(stix).collect());
        push(&hub, "alpha", vec![stix(200)]);
    }
    let hub = Hub::open(config(dir.path(), 1000)).unwrap();
    push(&hub, "alpha", vec![stix(201)]);
    let labels = labels_of(&hub);
    assert_eq!(labels.len(), 202);
    assert!(strictly_increasing(&labels), "{labels:?}");
}

#[test]
fn labels_keep_increasing_when_the_clock_is_behind_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let an_hour = 3_600_000_000;
    let ahead = now_label() + an_hour;
    Hub::open(config(dir.path(), 1000)).unwrap();
    {
        // As if the clock had been an hour ahead when the last label was assigned.
        let db = redb::Database::open(dir.path().join(crate::hub::store::STORE_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(crate::hub::store::META)
            .unwrap()
            .insert(crate::hub::store::LAST_LABEL, ahead)
            .unwrap();
        txn.commit().unwrap();
    }
    let hub = Hub::open(config(dir.path(), 1000)).unwrap();
    push(&hub, "alpha", vec![stix(0), stix(1)]);
    push(&hub, "alpha", vec![stix(2)]);
    let labels = labels_of(&hub);
    assert_eq!(labels, vec![ahead + 1, ahead + 2, ahead + 3]);
}
