//! The Poll exchange: which blocks a Poll Request selects, and the first (or only) Poll
//! Response. TAXII 1.1 results beyond one part become a stored result set
//! ([`super::results`]); TAXII 1.0 gets everything in one response, capped.
//!
//! The considered range is (exclusive begin, inclusive end], its end never past the last
//! label committed when the poll's snapshot was taken: content arriving later gets later
//! labels, so a partner that polls again from the answered end label misses nothing and
//! sees nothing twice.

use super::codec::{decode_block, decode_block_binding};
use super::labels::{bound_of, to_timestamp, Label, RequestedBound};
use super::refusal::Refusal;
use super::results::ResultSet;
use super::store::{last_label, scan_blocks};
use super::subscriptions::find_subscription;
use super::{binding_matches, Hub};
use redb::ReadTransaction;
use std::ops::ControlFlow;
use taxii_core::status::detail;
use taxii_core::{
    Body, ContentBinding, ContentBlock, PollRequest, PollResponse, RecordCount, ResponseType,
    StatusType, Timestamp, Version,
};

/// The blocks a poll selects: one collection, a label range, a content binding filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub collection: String,
    /// Exclusive lower bound; `None` = from the first block.
    pub after: Option<Label>,
    /// Inclusive upper bound.
    pub upto: Label,
    /// Empty = any binding.
    pub filter: Vec<ContentBinding>,
}

impl Selection {
    /// Visits the matching blocks in label order until `visit` breaks.
    pub fn scan(
        &self,
        txn: &ReadTransaction,
        mut visit: impl FnMut(Label, &[u8]) -> Result<ControlFlow<()>, Refusal>,
    ) -> Result<(), Refusal> {
        scan_blocks(
            txn,
            &self.collection,
            self.after,
            self.upto,
            |label, record| {
                if !self.filter.is_empty()
                    && !binding_matches(&self.filter, &decode_block_binding(record)?)
                {
                    return Ok(ControlFlow::Continue(()));
                }
                visit(label, record)
            },
        )
    }

    /// The first `limit` matching blocks, decoded, with their labels.
    pub fn blocks(
        &self,
        txn: &ReadTransaction,
        limit: usize,
    ) -> Result<Vec<(Label, ContentBlock)>, Refusal> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        self.scan(txn, |label, record| {
            out.push((label, decode_block(record, to_timestamp(label))?));
            Ok(if out.len() >= limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        })?;
        Ok(out)
    }
}

impl Hub {
    pub(super) fn poll(
        &self,
        requester: &str,
        version: Version,
        poll: &PollRequest,
    ) -> Result<Body, Refusal> {
        let name = &poll.collection_name;
        if self.config().collection(name).is_none() {
            return Err(Refusal::unknown_collection(name));
        }
        let txn = self.store.read()?;
        let (filter, response_type) = match &poll.subscription_id {
            Some(id) => {
                let subscription = find_subscription(&txn, requester, name, id)?
                    .ok_or_else(|| Refusal::not_found("subscription", id))?;
                (subscription.content_bindings, subscription.response_type)
            }
            None => {
                let parameters = poll.poll_parameters.clone().unwrap_or_default();
                if let Some(query) = &parameters.query {
                    return Err(Refusal::new(
                        StatusType::UnsupportedQuery,
                        format!(
                            "the hub does not evaluate queries (got {})",
                            query.format_id()
                        ),
                    ));
                }
                (parameters.content_bindings, parameters.response_type)
            }
        };
        let after = match poll.exclusive_begin.as_ref().map(bound_of) {
            None | Some(RequestedBound::BeforeEveryLabel) => None,
            Some(RequestedBound::At(label)) => Some(label),
        };
        let last = last_label(&txn)?;
        let upto = match poll.inclusive_end.as_ref().map(bound_of) {
            None => last,
            Some(RequestedBound::BeforeEveryLabel) => 0,
            Some(RequestedBound::At(end)) => end.min(last),
        };
        if let (Some(begin), Some(end)) = (&poll.exclusive_begin, &poll.inclusive_end) {
            if end.instant() <= begin.instant() {
                return Err(Refusal::bad_message(format!(
                    "the inclusive end label {end} must be later than the exclusive begin label {begin}"
                )));
            }
        }
        let selection = Selection {
            collection: name.clone(),
            after,
            // An empty range answers its own begin as its end.
            upto: upto.max(after.unwrap_or(0)),
            filter,
        };
        let (mut response, result_set) = match version {
            Version::V10 => (self.poll_10(&txn, &selection)?, None),
            Version::V11 => self.poll_11(&txn, requester, poll, selection, response_type)?,
        };
        // The snapshot ends before the result set is written: no operation holds the
        // store twice.
        drop(txn);
        if let Some(result_set) = result_set {
            response.result_id = Some(self.store_result_set(&result_set)?.to_string());
        }
        response.subscription_id = poll.subscription_id.clone();
        Ok(Body::PollResponse(response))
    }

    /// TAXII 1.0: every block of the range in one response, at most `max_10_poll_blocks`;
    /// past that the range is narrowed to end at the last block sent.
    fn poll_10(
        &self,
        txn: &ReadTransaction,
        selection: &Selection,
    ) -> Result<PollResponse, Refusal> {
        let cap = self.config().max_10_poll_blocks;
        let mut blocks = selection.blocks(txn, cap.saturating_add(1))?;
        let mut end = selection.upto;
        let mut message = None;
        if blocks.len() > cap {
            blocks.truncate(cap);
            if let Some((label, _)) = blocks.last() {
                end = *label;
            }
            message = Some(format!(
                "more than {cap} blocks matched: this response holds the first {cap}; poll again from its end label for the rest"
            ));
        }
        let blocks = blocks
            .into_iter()
            .map(|(_, mut block)| {
                // 1.0 has neither subtypes nor block messages.
                block.content_binding.subtypes.clear();
                block.message = None;
                block
            })
            .collect();
        Ok(PollResponse {
            collection_name: selection.collection.clone(),
            subscription_id: None,
            exclusive_begin: None,
            inclusive_begin: selection
                .after
                .map(|after| to_timestamp(after.saturating_add(1))),
            inclusive_end: Some(to_timestamp(end)),
            more: false,
            result_id: None,
            result_part_number: None,
            record_count: None,
            message,
            content_blocks: blocks,
        })
    }

    /// TAXII 1.1: the first part (or the whole result, or only its count), and the result
    /// set to store when there are more parts.
    fn poll_11(
        &self,
        txn: &ReadTransaction,
        requester: &str,
        poll: &PollRequest,
        selection: Selection,
        response_type: ResponseType,
    ) -> Result<(PollResponse, Option<ResultSet>), Refusal> {
        let part_size = self.config().part_size;
        let mut total: u64 = 0;
        let mut part_ends = Vec::new();
        let mut first_part = Vec::new();
        selection.scan(txn, |label, record| {
            total += 1;
            if response_type == ResponseType::Full && first_part.len() < part_size {
                first_part.push(decode_block(record, to_timestamp(label))?);
            }
            if total % part_size as u64 == 0 {
                part_ends.push(label);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        // The last part ends at the end of the range, not at its last block.
        if total % part_size as u64 == 0 {
            part_ends.pop();
        }
        let mut response = PollResponse {
            collection_name: selection.collection.clone(),
            subscription_id: None,
            exclusive_begin: poll.exclusive_begin.clone(),
            inclusive_begin: None,
            inclusive_end: Some(to_timestamp(selection.upto)),
            more: false,
            result_id: None,
            result_part_number: None,
            record_count: Some(RecordCount {
                count: total,
                partial: false,
            }),
            message: None,
            content_blocks: Vec::new(),
        };
        if response_type == ResponseType::CountOnly || part_ends.is_empty() {
            response.content_blocks = first_part;
            return Ok((response, None));
        }
        let first_end = part_ends[0];
        let result = ResultSet {
            requester: requester.to_owned(),
            subscription_id: poll.subscription_id.clone(),
            begin_text: poll.exclusive_begin.as_ref().map(|t| t.as_str().to_owned()),
            selection,
            part_size: part_size as u64,
            total,
            part_ends,
            created: super::labels::now_label(),
        };
        response.more = true;
        response.result_part_number = Some(1);
        response.inclusive_end = Some(to_timestamp(first_end));
        response.content_blocks = first_part;
        Ok((response, Some(result)))
    }
}

/// The 1.1 `MAX_PART_NUMBER` refusal for a part outside a result set.
pub fn invalid_part(requested: u64, parts: u64) -> Refusal {
    Refusal::new(
        StatusType::InvalidResponsePart,
        format!("part {requested} does not exist: the result set has parts 1 to {parts}"),
    )
    .with_details(detail::MAX_PART_NUMBER, [parts.to_string()])
}

/// A stored timestamp text, read back (it was valid when stored).
pub fn stored_timestamp(text: &Option<String>) -> Option<Timestamp> {
    text.as_deref().and_then(|t| Timestamp::parse(t).ok())
}
