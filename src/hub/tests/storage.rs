//! Storage failures: an unusable data directory is a clear error at open; a full disk
//! (a real file-size limit on a child process: writes fail with EFBIG) is a FAILURE
//! status for the push that did not fit, and the store is intact afterwards.

use super::child::{child_dir, drain, read_acks, spawn_writer, test_name};
use super::*;
use crate::hub::HubError;
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_data_directory_under_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").expect("write file");
    let data_dir = file.join("hub");
    let error = Hub::open(config(&data_dir, 10))
        .err()
        .expect("open must fail");
    assert!(matches!(error, HubError::DataDir { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("not-a-directory/hub"),
        "names the directory: {text}"
    );
    assert!(
        text.contains("cannot create or write"),
        "says what failed: {text}"
    );
}

#[test]
fn a_read_only_data_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("hub");
    std::fs::create_dir(&data_dir).expect("mkdir");
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let probe = data_dir.join("can-root-write");
    let writable_anyway = std::fs::write(&probe, b"").is_ok();
    let outcome = Hub::open(config(&data_dir, 10));
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755))
        .expect("chmod back");
    if writable_anyway {
        // Root ignores permission bits; then the directory really is writable.
        assert!(
            outcome.is_ok(),
            "a writable directory opens: {:?}",
            outcome.err()
        );
    } else {
        let error = outcome.err().expect("open must fail");
        assert!(matches!(error, HubError::DataDir { .. }), "{error:?}");
        assert!(error.to_string().contains("ermission denied"), "{error}");
    }
}

#[test]
fn a_store_held_by_another_hub_is_a_clear_error() {
    let (dir, _first) = fresh(10);
    let error = Hub::open(config(dir.path(), 10))
        .err()
        .expect("second open must fail");
    assert!(matches!(error, HubError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("hub.redb"), "{error}");
}

#[test]
fn an_inconsistent_configuration_lists_every_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bad = config(dir.path(), 0);
    bad.default_inbox.push("gamma".into());
    bad.collections.push(HubCollection::new("alpha", "twice"));
    let error = Hub::open(bad).err().expect("open must fail");
    let text = error.to_string();
    for problem in ["part_size", "gamma", "configured twice"] {
        assert!(text.contains(problem), "{problem} in {text}");
    }
}

/// Block size for the full-disk writer: big enough to fill the limit quickly.
const BIG: usize = 64 * 1024;
/// The file-size limit of the full-disk writer, in bytes.
const FILE_SIZE_LIMIT: u64 = 8 * 1024 * 1024;

fn big_block(n: u64) -> ContentBlock {
    let mut block = stix(n);
    block.padding = Some(format!("{n}{}", "0".repeat(BIG)));
    block
}

#[test]
fn a_full_disk_fails_the_push_and_keeps_what_was_acknowledged() {
    if let Some(dir) = child_dir() {
        fill_until_refused(&dir);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let name = test_name(
        module_path!(),
        "a_full_disk_fails_the_push_and_keeps_what_was_acknowledged",
    );
    // SIGXFSZ ignored (the disposition survives exec), so a write past the limit fails
    // with EFBIG, just as on a full disk.
    // A soft limit, which the writer lifts again to show the hub recovers by itself.
    let prefix = format!("trap '' XFSZ; ulimit -S -f {};", FILE_SIZE_LIMIT / 1024);
    let mut writer = spawn_writer(&name, dir.path(), &prefix);
    let (mut acks, mut other, rest) = read_acks(&mut writer, |_| false);
    let exit = writer.wait().expect("reap the writer");
    drain(rest, &mut acks, &mut other);
    let mut stderr = String::new();
    if let Some(mut e) = writer.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        exit.success(),
        "writer failed: {exit:?}\n{other:?}\n{stderr}"
    );
    let refused: Vec<&String> = other.iter().filter(|l| l.contains("REFUSED")).collect();
    assert_eq!(refused.len(), 1, "exactly one refused push: {other:?}");
    assert!(
        refused[0].contains("FAILURE") && refused[0].contains("store failed"),
        "{}",
        refused[0]
    );
    assert!(!acks.is_empty(), "some pushes fitted before the limit");
    assert!(
        other.iter().any(|l| l.contains("RECOVERED")),
        "once space is back, pushes succeed again without a restart: {other:?} {acks:?}"
    );

    let hub = Hub::open(config(dir.path(), 1000)).expect("the store opens after a full disk");
    let (blocks, _) = poll_everything(&hub, "alpha", None);
    let numbers: Vec<u64> = blocks.iter().map(block_number).collect();
    let acked: Vec<u64> = acks.iter().map(|a| a.n).collect();
    assert_eq!(numbers, acked, "exactly the acknowledged blocks, in order");
    for block in &blocks {
        assert_eq!(
            block,
            &ContentBlock {
                timestamp_label: block.timestamp_label.clone(),
                ..big_block(block_number(block))
            }
        );
    }
    push(&hub, "alpha", vec![stix(7)]);
}

/// The child: push big blocks until the hub refuses one and print the refusal; then lift
/// the file-size limit (as if space had been freed) and push that block again.
fn fill_until_refused(dir: &std::path::Path) {
    let hub = Hub::open(config(dir, 1000)).expect("writer opens the hub");
    let acknowledge = |n: u64, status: &StatusMessage| {
        let label = status.message.as_deref().and_then(|m| m.rsplit(' ').next());
        println!("ACK {n} {}", label.unwrap_or(""));
    };
    for n in 0..10_000u64 {
        let response = send(&hub, &inbox(&["alpha"], vec![big_block(n)]));
        let refused = status(&response);
        if refused.status_type == StatusType::Success {
            acknowledge(n, refused);
            continue;
        }
        println!(
            "REFUSED {} {}",
            refused.status_type,
            refused.message.as_deref().unwrap_or("")
        );
        let lifted = std::process::Command::new("prlimit")
            .arg(format!("--pid={}", std::process::id()))
            .arg("--fsize=unlimited")
            .status()
            .expect("run prlimit");
        assert!(lifted.success(), "prlimit failed: {lifted:?}");
        let response = send(&hub, &inbox(&["alpha"], vec![big_block(n)]));
        let again = status(&response);
        assert_eq!(again.status_type, StatusType::Success, "{again:?}");
        acknowledge(n, again);
        println!("RECOVERED");
        return;
    }
    println!("NEVER REFUSED");
}

#[test]
fn a_damaged_record_is_a_failure_status_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hub = Hub::open(config(dir.path(), 100)).expect("open");
    push(&hub, "alpha", vec![stix(1)]);
    let subscribe = request(
        Version::V11,
        "urn:sub",
        Body::SubscriptionManagementRequest(taxii_core::SubscriptionManagementRequest {
            collection_name: "alpha".into(),
            action: taxii_core::SubscriptionAction::Subscribe,
            subscription_id: None,
            subscription_parameters: Some(Default::default()),
            push_parameters: None,
        }),
    );
    assert!(matches!(
        send(&hub, &subscribe).body,
        Body::SubscriptionManagementResponse(_)
    ));
    drop(hub);
    {
        // Damage every stored block and subscription, as a bad disk might.
        use crate::hub::store::{BLOCKS, STORE_FILE, SUBSCRIPTIONS};
        use redb::{ReadableTable, ReadableTableMetadata};
        let db = redb::Database::open(dir.path().join(STORE_FILE)).expect("open redb");
        let txn = db.begin_write().expect("write");
        {
            let mut blocks = txn.open_table(BLOCKS).expect("blocks");
            assert_eq!(blocks.len().expect("len"), 1);
            let keys: Vec<(String, u64)> = blocks
                .iter()
                .expect("iter")
                .map(|e| {
                    let (k, _) = e.expect("entry");
                    (k.value().0.to_owned(), k.value().1)
                })
                .collect();
            for (c, l) in &keys {
                blocks
                    .insert((c.as_str(), *l), &b"\x01\xff\xff"[..])
                    .expect("damage");
            }
            let mut subs = txn.open_table(SUBSCRIPTIONS).expect("subscriptions");
            let keys: Vec<(String, String, String)> = subs
                .iter()
                .expect("iter")
                .map(|e| {
                    let (k, _) = e.expect("entry");
                    let (r, c, i) = k.value();
                    (r.to_owned(), c.to_owned(), i.to_owned())
                })
                .collect();
            for (r, c, i) in &keys {
                subs.insert((r.as_str(), c.as_str(), i.as_str()), &b"\x07"[..])
                    .expect("damage");
            }
        }
        txn.commit().expect("commit");
    }
    let hub = Hub::open(config(dir.path(), 100)).expect("reopen");
    let polled = send(&hub, &poll_message(Version::V11, poll("alpha", None, None)));
    let s = status(&polled);
    assert_eq!(s.status_type, StatusType::Failure);
    assert!(s.message.as_deref().unwrap().contains("damaged"), "{s:?}");
    let mut status_request = subscribe.clone();
    if let Body::SubscriptionManagementRequest(r) = &mut status_request.body {
        r.action = taxii_core::SubscriptionAction::Status;
    }
    assert_eq!(
        status(&send(&hub, &status_request)).status_type,
        StatusType::Failure
    );
    // Pushing still works: damage to old records does not stop new content.
    push(&hub, "alpha", vec![stix(2)]);
}

#[test]
fn the_data_directory_is_created_on_first_run_and_a_foreign_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("var").join("lib").join("hub");
    let hub = Hub::open(config(&nested, 10)).expect("creates the directories");
    push(&hub, "alpha", vec![stix(1)]);
    drop(hub);
    assert!(nested.join(crate::hub::store::STORE_FILE).is_file());

    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(
        other.join(crate::hub::store::STORE_FILE),
        b"not a redb file at all",
    )
    .expect("write");
    let error = Hub::open(config(&other, 10))
        .err()
        .expect("a foreign file is refused");
    assert!(matches!(error, HubError::Open { .. }), "{error:?}");
    assert_eq!(
        std::fs::read(other.join(crate::hub::store::STORE_FILE)).expect("read"),
        b"not a redb file at all",
        "and left untouched"
    );
}
