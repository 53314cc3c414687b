//! Subscription management (Services 1.1 §3.5, §4.4.6; 1.0 §3.4.6), kept durably per
//! requester. The rules apply in the spec's order: unknown collection -> NOT_FOUND;
//! UNSUBSCRIBE of an unknown id succeeds (idempotent); what the hub cannot do ->
//! UNSUPPORTED_*; a duplicate SUBSCRIBE returns the existing id; PAUSE of a paused (RESUME
//! of an active) subscription changes nothing; PAUSE/RESUME/STATUS of an unknown id ->
//! NOT_FOUND. A refusal changes no state (the write transaction is not committed).
//!
//! The hub does not push content yet: a SUBSCRIBE asking for delivery is refused, and
//! PAUSE/RESUME only record the state (polling with the Subscription ID is unaffected).

use super::codec::{Reader, Writer};
use super::config::ServiceAddresses;
use super::refusal::Refusal;
use super::store::{next_sequence, NEXT_SUBSCRIPTION, SUBSCRIPTIONS};
use super::Hub;
use redb::{Durability, ReadTransaction, ReadableTable, Table};
use taxii_core::status::detail;
use taxii_core::{
    Body, ContentBinding, ResponseType, StatusType, SubscriptionAction, SubscriptionInstance,
    SubscriptionManagementRequest, SubscriptionManagementResponse, SubscriptionParameters,
    SubscriptionStatus, Version,
};

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub status: SubscriptionStatus,
    pub response_type: ResponseType,
    /// Empty = all.
    pub content_bindings: Vec<ContentBinding>,
}

const SUBSCRIPTION: &str = "subscription";

impl Subscription {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(match self.status {
            SubscriptionStatus::Active => 0,
            SubscriptionStatus::Paused => 1,
            SubscriptionStatus::Unsubscribed => 2,
        })
        .u8(match self.response_type {
            ResponseType::Full => 0,
            ResponseType::CountOnly => 1,
        })
        .bindings(&self.content_bindings);
        w.finish()
    }

    fn decode(id: &str, record: &[u8]) -> Result<Subscription, Refusal> {
        let mut r = Reader::new(record, SUBSCRIPTION)?;
        let corrupt = || Refusal::storage(super::codec::CorruptRecord { what: SUBSCRIPTION });
        let status = match r.u8()? {
            0 => SubscriptionStatus::Active,
            1 => SubscriptionStatus::Paused,
            2 => SubscriptionStatus::Unsubscribed,
            _ => return Err(corrupt()),
        };
        let response_type = match r.u8()? {
            0 => ResponseType::Full,
            1 => ResponseType::CountOnly,
            _ => return Err(corrupt()),
        };
        Ok(Subscription {
            id: id.to_owned(),
            status,
            response_type,
            content_bindings: r.bindings()?,
        })
    }

    fn instance(&self, version: Version, addresses: &ServiceAddresses) -> SubscriptionInstance {
        SubscriptionInstance {
            subscription_id: self.id.clone(),
            status: self.status,
            subscription_parameters: (version == Version::V11).then(|| SubscriptionParameters {
                response_type: self.response_type,
                content_bindings: self.content_bindings.clone(),
                query: None,
            }),
            push_parameters: None,
            poll_instances: addresses.poll.clone(),
        }
    }
}

/// The requester's subscription `id` on `collection`, if it exists.
pub fn find_subscription(
    txn: &ReadTransaction,
    requester: &str,
    collection: &str,
    id: &str,
) -> Result<Option<Subscription>, Refusal> {
    let table = txn.open_table(SUBSCRIPTIONS)?;
    let found = table.get((requester, collection, id))?;
    found
        .map(|record| Subscription::decode(id, record.value()))
        .transpose()
}

/// Every subscription of the requester on `collection`, in id order.
fn all_subscriptions<T>(
    table: &T,
    requester: &str,
    collection: &str,
) -> Result<Vec<Subscription>, Refusal>
where
    T: ReadableTable<(&'static str, &'static str, &'static str), &'static [u8]>,
{
    // The smallest collection name after `collection` bounds the range.
    let next_collection = format!("{collection}\0");
    let mut out = Vec::new();
    for entry in
        table.range((requester, collection, "")..(requester, next_collection.as_str(), ""))?
    {
        let (key, value) = entry?;
        out.push(Subscription::decode(key.value().2, value.value())?);
    }
    Ok(out)
}

type SubscriptionTable<'txn> =
    Table<'txn, (&'static str, &'static str, &'static str), &'static [u8]>;

impl Hub {
    pub(super) fn manage_subscription(
        &self,
        requester: &str,
        version: Version,
        request: &SubscriptionManagementRequest,
        addresses: &ServiceAddresses,
    ) -> Result<Body, Refusal> {
        let name = request.collection_name.as_str();
        let config = self.config();
        let Some(collection) = config.collection(name) else {
            return Err(Refusal::unknown_collection(name));
        };
        let action = request.action;
        if version == Version::V10
            && matches!(
                action,
                SubscriptionAction::Pause | SubscriptionAction::Resume
            )
        {
            return Err(Refusal::bad_message(format!(
                "TAXII 1.0 has no {} action",
                action.as_str()
            )));
        }
        let id_required = || {
            request.subscription_id.as_deref().ok_or_else(|| {
                Refusal::bad_message(format!("{} needs a Subscription ID", action.as_str()))
            })
        };
        let (subscriptions, message) = match action {
            SubscriptionAction::Subscribe => {
                if request.push_parameters.is_some() {
                    return Err(Refusal::new(
                        StatusType::UnsupportedProtocol,
                        "the hub does not push content yet: subscribe without delivery parameters and poll with the Subscription ID",
                    ));
                }
                let parameters = request.subscription_parameters.clone().unwrap_or_default();
                if let Some(query) = &parameters.query {
                    return Err(Refusal::new(
                        StatusType::UnsupportedQuery,
                        format!(
                            "the hub does not evaluate queries (got {})",
                            query.format_id()
                        ),
                    ));
                }
                if let Some(refused) = parameters
                    .content_bindings
                    .iter()
                    .find(|b| !collection.accepts(b))
                {
                    return Err(Refusal::new(
                        StatusType::UnsupportedContent,
                        format!(
                            "collection {name:?} holds no content in binding {:?}",
                            refused.binding_id
                        ),
                    )
                    .with_details(
                        detail::SUPPORTED_CONTENT,
                        collection
                            .accepted_content
                            .iter()
                            .map(|b| b.binding_id.clone()),
                    ));
                }
                let subscription = self.store.write(Durability::Immediate, |txn| {
                    let mut table = txn.open_table(SUBSCRIPTIONS)?;
                    subscribe(txn, &mut table, requester, name, parameters)
                })?;
                (vec![subscription], "subscribed")
            }
            SubscriptionAction::Unsubscribe => {
                let id = id_required()?;
                let removed = self.store.write(Durability::Immediate, |txn| {
                    let mut table = txn.open_table(SUBSCRIPTIONS)?;
                    let removed = table.remove((requester, name, id))?;
                    removed
                        .map(|r| Subscription::decode(id, r.value()))
                        .transpose()
                })?;
                let message = if removed.is_some() {
                    "unsubscribed"
                } else {
                    "no such subscription (nothing to do)"
                };
                let mut gone = removed.unwrap_or(Subscription {
                    id: id.to_owned(),
                    status: SubscriptionStatus::Unsubscribed,
                    response_type: ResponseType::Full,
                    content_bindings: Vec::new(),
                });
                gone.status = SubscriptionStatus::Unsubscribed;
                (vec![gone], message)
            }
            SubscriptionAction::Pause | SubscriptionAction::Resume => {
                let id = id_required()?;
                let wanted = if action == SubscriptionAction::Pause {
                    SubscriptionStatus::Paused
                } else {
                    SubscriptionStatus::Active
                };
                let subscription = self.store.write(Durability::Immediate, |txn| {
                    let mut table = txn.open_table(SUBSCRIPTIONS)?;
                    let mut subscription = match table.get((requester, name, id))? {
                        Some(record) => Subscription::decode(id, record.value())?,
                        None => return Err(Refusal::not_found("subscription", id)),
                    };
                    if subscription.status != wanted {
                        subscription.status = wanted;
                        table.insert((requester, name, id), subscription.encode().as_slice())?;
                    }
                    Ok(subscription)
                })?;
                (
                    vec![subscription],
                    if wanted == SubscriptionStatus::Paused {
                        "paused (the hub does not push, so this only records the state)"
                    } else {
                        "active"
                    },
                )
            }
            SubscriptionAction::Status => {
                let txn = self.store.read()?;
                match request.subscription_id.as_deref() {
                    Some(id) => {
                        let found = find_subscription(&txn, requester, name, id)?
                            .ok_or_else(|| Refusal::not_found("subscription", id))?;
                        (vec![found], "status")
                    }
                    None => {
                        let table = txn.open_table(SUBSCRIPTIONS)?;
                        (
                            all_subscriptions(&table, requester, name)?,
                            "status of all your subscriptions to this collection",
                        )
                    }
                }
            }
        };
        Ok(Body::SubscriptionManagementResponse(
            SubscriptionManagementResponse {
                collection_name: name.to_owned(),
                message: Some(message.to_owned()),
                subscriptions: subscriptions
                    .iter()
                    .map(|s| s.instance(version, addresses))
                    .collect(),
            },
        ))
    }
}

/// SUBSCRIBE: the existing subscription with the same parameters, or a new one.
fn subscribe(
    txn: &redb::WriteTransaction,
    table: &mut SubscriptionTable<'_>,
    requester: &str,
    collection: &str,
    parameters: SubscriptionParameters,
) -> Result<Subscription, Refusal> {
    let existing = all_subscriptions(table, requester, collection)?;
    if let Some(same) = existing.into_iter().find(|s| {
        s.response_type == parameters.response_type
            && s.content_bindings == parameters.content_bindings
    }) {
        return Ok(same);
    }
    let subscription = Subscription {
        id: next_sequence(txn, NEXT_SUBSCRIPTION)?.to_string(),
        status: SubscriptionStatus::Active,
        response_type: parameters.response_type,
        content_bindings: parameters.content_bindings,
    };
    table.insert(
        (requester, collection, subscription.id.as_str()),
        subscription.encode().as_slice(),
    )?;
    Ok(subscription)
}
