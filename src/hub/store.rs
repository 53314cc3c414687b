//! The hub's embedded store: one redb file (`hub.redb`) in the data directory.
//!
//! redb commits are atomic and, at the default durability, on disk when `commit` returns;
//! a crash (even `kill -9`) leaves the last committed state. Write transactions are
//! serialized, which is what makes the single label sequence strictly increasing in
//! commit order; a read transaction is a consistent snapshot, so a poll sees every block
//! up to the last committed label and none after it.
//!
//! Tables:
//! * `meta`: the last assigned label and the id sequences;
//! * `blocks`: (collection, label) -> stored block ([`super::codec`]);
//! * `subscriptions`: (requester, collection, subscription id) -> subscription;
//! * `result_sets`: result id -> a multi-part poll result set.

use super::config::HubError;
use super::group_commit::{GroupCommit, Push};
use super::labels::{next_label, now_label, Label};
use super::refusal::Refusal;
use redb::{
    Database, Durability, ReadTransaction, ReadableTable, TableDefinition, WriteTransaction,
};
use std::ops::{ControlFlow, Deref};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const BLOCKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("blocks");
pub const SUBSCRIPTIONS: TableDefinition<(&str, &str, &str), &[u8]> =
    TableDefinition::new("subscriptions");
pub const RESULT_SETS: TableDefinition<u64, &[u8]> = TableDefinition::new("result_sets");

/// `meta` keys.
pub const LAST_LABEL: &str = "last_label";
pub const NEXT_SUBSCRIPTION: &str = "next_subscription";
pub const NEXT_RESULT_SET: &str = "next_result_set";

/// The file name of the store inside the data directory.
pub const STORE_FILE: &str = "hub.redb";

/// The open store. After an I/O error (a full disk, say) redb refuses every further
/// operation until the file is reopened; the store then reopens it before the next
/// operation, so the hub recovers by itself once the cause is gone.
pub struct Store {
    path: PathBuf,
    /// `None` only while a reopen after an I/O error has not succeeded yet.
    db: RwLock<Option<Database>>,
    io_failed: AtomicBool,
    pushes: GroupCommit,
}

/// A consistent snapshot; holds the store open while it lives.
pub struct Snapshot<'a> {
    txn: ReadTransaction,
    _db: RwLockReadGuard<'a, Option<Database>>,
}

impl Deref for Snapshot<'_> {
    type Target = ReadTransaction;
    fn deref(&self) -> &ReadTransaction {
        &self.txn
    }
}

impl Store {
    /// Opens (creating on first run) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store, HubError> {
        let dir_error = |source| HubError::DataDir {
            path: data_dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(dir_error)?;
        // A clear error now rather than a puzzling one at the first push.
        let probe = data_dir.join(".hub-write-probe");
        std::fs::write(&probe, b"probe").map_err(dir_error)?;
        std::fs::remove_file(&probe).map_err(dir_error)?;

        let path = data_dir.join(STORE_FILE);
        let db = Database::create(&path).map_err(|source| HubError::Open {
            path: path.clone(),
            source: Box::new(source),
        })?;
        // Creates the tables, and starts the label sequence at the clock on first run (so
        // a poll of an empty hub can still answer a concrete end label).
        #[allow(clippy::result_large_err)] // called once, at open
        let prepare = || -> Result<(), redb::Error> {
            let txn = db.begin_write()?;
            {
                let mut meta = txn.open_table(META)?;
                if meta.get(LAST_LABEL)?.is_none() {
                    meta.insert(LAST_LABEL, now_label())?;
                }
                txn.open_table(BLOCKS)?;
                txn.open_table(SUBSCRIPTIONS)?;
                txn.open_table(RESULT_SETS)?;
            }
            txn.commit()?;
            Ok(())
        };
        prepare().map_err(|source| HubError::Storage {
            path: path.clone(),
            source: Box::new(source),
        })?;
        Ok(Store {
            path,
            db: RwLock::new(Some(db)),
            io_failed: AtomicBool::new(false),
            pushes: GroupCommit::default(),
        })
    }

    /// Stores `blocks` (encoded) in each of `collections`, one new label per block, and
    /// returns the labels once the transaction is durably committed. Concurrent calls
    /// share commits ([`GroupCommit`]).
    pub fn append(
        &self,
        collections: &[&str],
        blocks: Vec<Vec<u8>>,
    ) -> Result<Vec<Label>, Refusal> {
        self.pushes.push(collections, blocks, |group| {
            let db = self.database()?;
            self.noting_io_failure(write_group(db.as_ref(), group))
        })
    }

    /// A consistent snapshot.
    pub fn read(&self) -> Result<Snapshot<'_>, Refusal> {
        let db = self.database()?;
        let txn = self.noting_io_failure(
            db.as_ref()
                .map_or_else(|| Err(closed()), |db| Ok(db.begin_read()?)),
        )?;
        Ok(Snapshot { txn, _db: db })
    }

    /// Runs `change` in one write transaction, committed only if it returns `Ok` (a
    /// refusal changes nothing).
    pub fn write<T>(
        &self,
        durability: Durability,
        change: impl FnOnce(&WriteTransaction) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let db = self.database()?;
        self.noting_io_failure((|| {
            let mut txn = db.as_ref().ok_or_else(closed)?.begin_write()?;
            txn.set_durability(durability);
            let out = change(&txn)?;
            txn.commit()?;
            Ok(out)
        })())
    }

    /// The database, reopened first if an I/O error has made redb refuse it.
    fn database(&self) -> Result<RwLockReadGuard<'_, Option<Database>>, Refusal> {
        if self.io_failed.load(Ordering::Acquire) {
            self.reopen();
        }
        let db = self.db.read().unwrap_or_else(PoisonError::into_inner);
        if db.is_none() {
            return Err(closed());
        }
        Ok(db)
    }

    /// Closes and reopens the file (redb repairs it if a commit was cut short). Waits for
    /// every snapshot and transaction to end: each holds a read guard.
    fn reopen(&self) {
        let mut db = self.db.write().unwrap_or_else(PoisonError::into_inner);
        if !self.io_failed.load(Ordering::Acquire) {
            return; // another thread reopened it meanwhile
        }
        *db = None; // releases the file lock
        match Database::create(&self.path) {
            Ok(reopened) => {
                *db = Some(reopened);
                self.io_failed.store(false, Ordering::Release);
                tracing::warn!(path = %self.path.display(), "hub store reopened after an I/O error");
            }
            Err(error) => {
                tracing::error!(path = %self.path.display(), %error, "hub store cannot be reopened yet");
            }
        }
    }

    fn noting_io_failure<T>(&self, outcome: Result<T, Refusal>) -> Result<T, Refusal> {
        if matches!(&outcome, Err(refusal) if refusal.store_io_failed) {
            self.io_failed.store(true, Ordering::Release);
        }
        outcome
    }
}

fn closed() -> Refusal {
    let mut refusal =
        Refusal::storage("the store is closed after an I/O error and cannot be reopened yet");
    refusal.store_io_failed = true;
    refusal
}

/// Writes a group of pushes in one transaction, labels in queue order.
fn write_group(db: Option<&Database>, group: &[Push]) -> Result<Vec<Vec<Label>>, Refusal> {
    let txn = db.ok_or_else(closed)?.begin_write()?;
    let mut labels = Vec::with_capacity(group.len());
    {
        let mut meta = txn.open_table(META)?;
        let mut table = txn.open_table(BLOCKS)?;
        let mut last = meta.get(LAST_LABEL)?.map(|v| v.value()).unwrap_or(0);
        let now = now_label();
        for push in group {
            let mut assigned = Vec::with_capacity(push.blocks.len());
            for block in &push.blocks {
                last = next_label(last, now);
                for collection in &push.collections {
                    table.insert((collection.as_str(), last), block.as_slice())?;
                }
                assigned.push(last);
            }
            labels.push(assigned);
        }
        meta.insert(LAST_LABEL, last)?;
    }
    txn.commit()?;
    Ok(labels)
}

/// Takes the next value of the id sequence `key` (starting at 1).
pub fn next_sequence(txn: &WriteTransaction, key: &str) -> Result<u64, Refusal> {
    let mut meta = txn.open_table(META)?;
    let next = meta.get(key)?.map(|v| v.value()).unwrap_or(1);
    meta.insert(key, next.saturating_add(1))?;
    Ok(next)
}

/// The last label assigned as of this snapshot.
pub fn last_label(txn: &ReadTransaction) -> Result<Label, Refusal> {
    let meta = txn.open_table(META)?;
    let last = meta.get(LAST_LABEL)?.map(|v| v.value()).unwrap_or(0);
    Ok(last)
}

/// Visits the blocks of `collection` with labels in (`after`, `upto`], in label order,
/// until `visit` breaks.
pub fn scan_blocks(
    txn: &ReadTransaction,
    collection: &str,
    after: Option<Label>,
    upto: Label,
    mut visit: impl FnMut(Label, &[u8]) -> Result<ControlFlow<()>, Refusal>,
) -> Result<(), Refusal> {
    let low = match after {
        None => 0,
        Some(label) => match label.checked_add(1) {
            Some(low) => low,
            None => return Ok(()),
        },
    };
    if low > upto {
        return Ok(());
    }
    let table = txn.open_table(BLOCKS)?;
    for entry in table.range((collection, low)..=(collection, upto))? {
        let (key, value) = entry?;
        if visit(key.value().1, value.value())?.is_break() {
            break;
        }
    }
    Ok(())
}
