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
use super::labels::{next_label, now_label, Label};
use super::refusal::Refusal;
use redb::{
    Database, Durability, ReadTransaction, ReadableTable, TableDefinition, WriteTransaction,
};
use std::ops::ControlFlow;
use std::path::Path;

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

/// The open store.
pub struct Store {
    db: Database,
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
            path,
            source: Box::new(source),
        })?;
        Ok(Store { db })
    }

    /// Stores `blocks` (encoded) in each of `collections`, one new label per block, and
    /// returns the labels once the transaction is durably committed.
    pub fn append(&self, collections: &[&str], blocks: &[Vec<u8>]) -> Result<Vec<Label>, Refusal> {
        let txn = self.db.begin_write()?;
        let mut labels = Vec::with_capacity(blocks.len());
        {
            let mut meta = txn.open_table(META)?;
            let mut table = txn.open_table(BLOCKS)?;
            let mut last = meta.get(LAST_LABEL)?.map(|v| v.value()).unwrap_or(0);
            let now = now_label();
            for block in blocks {
                last = next_label(last, now);
                for collection in collections {
                    table.insert((*collection, last), block.as_slice())?;
                }
                labels.push(last);
            }
            meta.insert(LAST_LABEL, last)?;
        }
        txn.commit()?;
        Ok(labels)
    }

    /// A consistent snapshot.
    pub fn read(&self) -> Result<ReadTransaction, Refusal> {
        Ok(self.db.begin_read()?)
    }

    /// Runs `change` in one write transaction, committed only if it returns `Ok` (a
    /// refusal changes nothing).
    pub fn write<T>(
        &self,
        durability: Durability,
        change: impl FnOnce(&WriteTransaction) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(durability);
        let out = change(&txn)?;
        txn.commit()?;
        Ok(out)
    }
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
