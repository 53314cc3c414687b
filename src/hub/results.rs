//! Multi-part poll results (TAXII 1.1) and the Poll Fulfillment exchange.
//!
//! A result set is fixed when the first Poll Response is sent: its label range ends at a
//! label already committed, and Data Feed content never changes, so the blocks of every
//! part are the same whenever (and however often) a part is fetched. What is stored is
//! the selection and the end label of each part, so a part is one range scan.
//!
//! Result sets are stored without forcing them to disk (losing one in a crash only means
//! the partner polls again) and pruned after [`super::HubConfig::result_set_ttl`].

use super::codec::{Reader, Writer};
use super::labels::{now_label, to_timestamp, Label};
use super::poll::{invalid_part, stored_timestamp, Selection};
use super::refusal::Refusal;
use super::store::{next_sequence, NEXT_RESULT_SET, RESULT_SETS};
use super::Hub;
use redb::{Durability, ReadableTable};
use taxii_core::{Body, PollFulfillmentRequest, PollResponse, RecordCount};

/// At most this many stale result sets are pruned per new one (bounds the write).
const PRUNE_PER_WRITE: usize = 64;

/// A stored multi-part result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultSet {
    /// Only this requester may fetch its parts.
    pub requester: String,
    pub subscription_id: Option<String>,
    /// The Poll Request's exclusive begin label as written, echoed in part 1.
    pub begin_text: Option<String>,
    pub selection: Selection,
    pub part_size: u64,
    pub total: u64,
    /// The inclusive end label of every part but the last (which ends at the range's end).
    pub part_ends: Vec<Label>,
    pub created: Label,
}

const RESULT_SET: &str = "result set";

impl ResultSet {
    fn parts(&self) -> u64 {
        self.part_ends.len() as u64 + 1
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.requester)
            .opt_str(self.subscription_id.as_deref())
            .opt_str(self.begin_text.as_deref())
            .str(&self.selection.collection)
            .opt_u64(self.selection.after)
            .u64(self.selection.upto)
            .bindings(&self.selection.filter)
            .u64(self.part_size)
            .u64(self.total)
            .u64(self.created)
            .u64(self.part_ends.len() as u64);
        for end in &self.part_ends {
            w.u64(*end);
        }
        w.finish()
    }

    fn decode(record: &[u8]) -> Result<ResultSet, Refusal> {
        let mut r = Reader::new(record, RESULT_SET)?;
        let requester = r.string()?;
        let subscription_id = r.opt_string()?;
        let begin_text = r.opt_string()?;
        let selection = Selection {
            collection: r.string()?,
            after: r.opt_u64()?,
            upto: r.u64()?,
            filter: r.bindings()?,
        };
        let part_size = r.u64()?;
        let total = r.u64()?;
        let created = r.u64()?;
        let n = r.count(8)?;
        let mut part_ends = Vec::with_capacity(n);
        for _ in 0..n {
            part_ends.push(r.u64()?);
        }
        Ok(ResultSet {
            requester,
            subscription_id,
            begin_text,
            selection,
            part_size,
            total,
            part_ends,
            created,
        })
    }
}

impl Hub {
    /// Stores a new result set and returns its id; prunes expired ones on the way.
    pub(super) fn store_result_set(&self, result: &ResultSet) -> Result<u64, Refusal> {
        let ttl = u64::try_from(self.config().result_set_ttl.as_micros()).unwrap_or(u64::MAX);
        let expired_before = now_label().saturating_sub(ttl);
        self.store.write(Durability::None, |txn| {
            let id = next_sequence(txn, NEXT_RESULT_SET)?;
            let mut table = txn.open_table(RESULT_SETS)?;
            for _ in 0..PRUNE_PER_WRITE {
                let oldest = match table.first()? {
                    Some((key, value)) => (key.value(), ResultSet::decode(value.value())),
                    None => break,
                };
                match oldest {
                    (key, Ok(old)) if old.created < expired_before => {
                        table.remove(key)?;
                    }
                    (key, Err(_)) => {
                        table.remove(key)?;
                    }
                    _ => break,
                }
            }
            table.insert(id, result.encode().as_slice())?;
            Ok(id)
        })
    }

    /// Poll Fulfillment: any part of a result set, in any order, as often as asked; the
    /// part right after the last is an empty, final part (cabby asks for it).
    pub(super) fn fulfill(
        &self,
        requester: &str,
        request: &PollFulfillmentRequest,
    ) -> Result<Body, Refusal> {
        let unknown = || Refusal::not_found("result set", &request.result_id);
        let id: u64 = request.result_id.parse().map_err(|_| unknown())?;
        let txn = self.store.read()?;
        let result = {
            let table = txn.open_table(RESULT_SETS)?;
            let record = table.get(id)?.ok_or_else(unknown)?;
            ResultSet::decode(record.value())?
        };
        if result.requester != requester || result.selection.collection != request.collection_name {
            return Err(unknown());
        }
        let parts = result.parts();
        let n = request.result_part_number;
        if n == 0 || n > parts + 1 {
            return Err(invalid_part(n, parts));
        }
        let end_of = |part: u64| match part {
            p if p >= parts => result.selection.upto,
            p => result.part_ends[(p - 1) as usize],
        };
        let (after, upto) = if n == parts + 1 {
            (Some(result.selection.upto), result.selection.upto)
        } else if n == 1 {
            (result.selection.after, end_of(1))
        } else {
            (Some(end_of(n - 1)), end_of(n))
        };
        let part = Selection {
            after,
            upto,
            ..result.selection.clone()
        };
        let blocks = if n == parts + 1 {
            Vec::new()
        } else {
            let limit = usize::try_from(result.part_size).unwrap_or(usize::MAX);
            part.blocks(&txn, limit)?
                .into_iter()
                .map(|(_, b)| b)
                .collect()
        };
        Ok(Body::PollResponse(PollResponse {
            collection_name: result.selection.collection.clone(),
            subscription_id: result.subscription_id.clone(),
            exclusive_begin: match (n, after) {
                (1, _) => stored_timestamp(&result.begin_text),
                (_, Some(after)) => Some(to_timestamp(after)),
                (_, None) => None,
            },
            inclusive_begin: None,
            inclusive_end: Some(to_timestamp(upto)),
            more: n < parts,
            result_id: Some(request.result_id.clone()),
            result_part_number: Some(n),
            record_count: Some(RecordCount {
                count: result.total,
                partial: false,
            }),
            message: None,
            content_blocks: blocks,
        }))
    }
}
