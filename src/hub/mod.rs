//! The built-in hub: collections the gateway stores itself, so partners can push to it
//! and poll from it with no other server (issue 7).
//!
//! The hub is transport-independent: it answers one [`Message`] (TAXII 1.0 or 1.1) for a
//! named requester with one [`Message`] in the request's version. Bindings, listeners,
//! authentication and which partner may see which collection are the gateway's business;
//! Discovery is answered by the gateway too. [`Hub::handle`] is synchronous and may be
//! called from many threads at once (call it from `spawn_blocking` in async code).
//!
//! Data flow:
//!
//! ```text
//! Message --handle--> inbox | poll | fulfillment | collection information | subscriptions
//!            --store (redb: one file, serialized writes, snapshot reads)--> Message
//! ```
//!
//! Semantics (TAXII 1.1 Data Feeds, Services 1.1 §3, §5.2):
//! * **Labels**: one strictly increasing label sequence for all collections, microsecond
//!   precision, UTC, persisted with each write ([`labels`]).
//! * **Inbox**: blocks go to the Destination Collection Names if any are given (either
//!   version: the gateway may name them for 1.0 pushes from its route), else to
//!   [`HubConfig::default_inbox`]. Every block must be accepted by every target collection,
//!   else nothing is stored (UNSUPPORTED_CONTENT). SUCCESS is answered only after the
//!   write transaction committed durably.
//! * **Poll**: exclusive begin, inclusive end, answered with the concrete end label of
//!   the considered range (never past the last committed label, so the next poll from it
//!   misses nothing). 1.1 results larger than [`HubConfig::part_size`] are multi-part:
//!   the result set (label range and filter) is fixed at the first poll, so parts stay
//!   stable while content arrives; any part may be fetched in any order, again and again;
//!   the part after the last is answered with an empty Poll Response (cabby asks for it).
//!   1.0 gets one Poll Response with an Inclusive Begin label, at most
//!   [`HubConfig::max_10_poll_blocks`] blocks (the end label narrowed if there were more).
//! * **Subscriptions**: per requester, durable, by the ordered rules of Services 1.1
//!   §3.5/§4.4.6. Polling with a Subscription ID uses its content bindings and response
//!   type. The hub does not push yet: SUBSCRIBE with Delivery Parameters is refused with
//!   UNSUPPORTED_PROTOCOL, so PAUSE/RESUME only record the state.
//! * Queries are not supported (UNSUPPORTED_QUERY); asynchronous polls are answered
//!   synchronously (which Services 1.1 allows).
//! * **Failures**: an unusable data directory or store file is a [`HubError`] at open. At
//!   run time every storage failure (a full disk, a damaged record) is a FAILURE status
//!   and changes nothing; after an I/O error the store is reopened before the next request,
//!   so the hub recovers by itself once the cause is gone. Concurrent pushes share durable
//!   commits (group commit).

mod codec;
mod config;
mod group_commit;
mod inbox;
mod information;
pub mod labels;
mod poll;
mod refusal;
mod results;
mod store;
mod subscriptions;

#[cfg(test)]
mod tests;

pub use config::{binding_matches, HubCollection, HubConfig, HubError, ServiceAddresses};

use refusal::Refusal;
use std::sync::atomic::{AtomicU64, Ordering};
use store::Store;
use taxii_core::{Body, Header, Message, StatusMessage, StatusType, Version};

/// The built-in hub. Cheap to share: wrap it in an `Arc`.
pub struct Hub {
    /// Swapped whole by [`Hub::reconfigure`] (a route-table reload).
    config: arc_swap::ArcSwap<HubConfig>,
    store: Store,
    /// Message ids of responses: digits (valid in 1.0 and 1.1), unique per process run
    /// because they start at the clock's microseconds.
    next_message_id: AtomicU64,
}

impl Hub {
    /// Opens the hub, creating its data directory and store on first run.
    pub fn open(config: HubConfig) -> Result<Hub, HubError> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(HubError::Config(problems));
        }
        let store = Store::open(&config.data_dir)?;
        Ok(Hub {
            config: arc_swap::ArcSwap::from_pointee(config),
            store,
            next_message_id: AtomicU64::new(labels::now_label()),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> std::sync::Arc<HubConfig> {
        self.config.load_full()
    }

    /// Puts a new set of collections in force (a route-table reload), keeping the store and
    /// the paging limits. Content of a collection that is dropped stays in the store and
    /// is served again if the collection comes back. Every problem is refused at once.
    pub fn reconfigure(&self, collections: Vec<HubCollection>) -> Result<(), HubError> {
        let mut next = HubConfig::clone(&self.config.load());
        next.collections = collections;
        next.default_inbox
            .retain(|name| next.collections.iter().any(|c| &c.name == name));
        let problems = next.problems();
        if !problems.is_empty() {
            return Err(HubError::Config(problems));
        }
        self.config.store(std::sync::Arc::new(next));
        Ok(())
    }

    /// Answers one request message for `requester` (a partner name), in the request's
    /// version. Every failure is a Status Message; this never panics on input.
    pub fn handle(
        &self,
        requester: &str,
        request: &Message,
        addresses: &ServiceAddresses,
    ) -> Message {
        let version = request.version;
        let outcome = match &request.body {
            Body::InboxMessage(inbox) => self.inbox(version, inbox).map(Body::StatusMessage),
            Body::PollRequest(poll) => self.poll(requester, version, poll),
            Body::PollFulfillmentRequest(_) if version == Version::V10 => Err(
                Refusal::bad_message("TAXII 1.0 has no Poll Fulfillment (no multi-part polls)"),
            ),
            Body::PollFulfillmentRequest(fulfillment) => self.fulfill(requester, fulfillment),
            Body::CollectionInformationRequest => Ok(self.collection_information(version, addresses)),
            Body::SubscriptionManagementRequest(manage) => {
                self.manage_subscription(requester, version, manage, addresses)
            }
            Body::DiscoveryRequest => Err(Refusal::failure(
                "the hub does not answer Discovery Requests: send them to the gateway's discovery service",
            )),
            other => Err(Refusal::bad_message(format!(
                "a {} is a response, not a request",
                other.message_type()
            ))),
        };
        let body =
            outcome.unwrap_or_else(|refusal| Body::StatusMessage(refusal.to_status(version)));
        let mut header = Header::new(self.next_message_id());
        header.in_response_to = Some(request.header.message_id.clone());
        Message {
            version,
            header,
            body,
        }
    }

    fn next_message_id(&self) -> String {
        self.next_message_id
            .fetch_add(1, Ordering::Relaxed)
            .to_string()
    }
}

// The gateway shares one hub between tasks and threads.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Hub>();
};

/// A SUCCESS Status Message saying what happened.
fn success(message: impl Into<String>) -> StatusMessage {
    StatusMessage::new(StatusType::Success, message)
}
