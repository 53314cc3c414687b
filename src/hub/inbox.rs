//! The Inbox exchange: store pushed content blocks, byte for byte, under new labels.
//!
//! Where blocks go: the Destination Collection Names when the message gives any (1.1; a
//! 1.0 message may carry them too when the gateway fills them in from its route), else
//! the configured default inbox collections. Labels a sender put on blocks are advisory
//! (Services 1.1 §3.2) and replaced. The answer is SUCCESS only once the write is durable;
//! any refusal stores nothing (the sender discards the whole message on non-SUCCESS).

use super::codec::encode_block;
use super::labels::to_timestamp;
use super::refusal::Refusal;
use super::{success, Hub};
use taxii_core::status::detail;
use taxii_core::{InboxMessage, StatusMessage, StatusType, Version};

impl Hub {
    pub(super) fn inbox(
        &self,
        version: Version,
        inbox: &InboxMessage,
    ) -> Result<StatusMessage, Refusal> {
        let targets = self.inbox_targets(version, inbox)?;
        let config = self.config();
        for (index, block) in inbox.content_blocks.iter().enumerate() {
            for target in &targets {
                let Some(collection) = config.collection(target) else {
                    return Err(Refusal::unknown_collection(target));
                };
                if !collection.accepts(&block.content_binding) {
                    return Err(Refusal::new(
                        StatusType::UnsupportedContent,
                        format!(
                            "content block {} has content binding {:?}{}, which collection {:?} does not accept; nothing was stored",
                            index + 1,
                            block.content_binding.binding_id,
                            match block.content_binding.subtypes.as_slice() {
                                [] => String::new(),
                                subtypes => format!(" (subtype {})", subtypes.join(", ")),
                            },
                            collection.name
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
            }
        }
        if inbox.content_blocks.is_empty() {
            return Ok(success(
                "the message held no content blocks; nothing to store",
            ));
        }
        let encoded: Vec<Vec<u8>> = inbox.content_blocks.iter().map(encode_block).collect();
        let target_names: Vec<&str> = targets.iter().map(String::as_str).collect();
        let labels = self.store.append(&target_names, encoded)?;
        let (first, last) = match (labels.first(), labels.last()) {
            (Some(first), Some(last)) => (*first, *last),
            _ => return Err(Refusal::failure("the store assigned no labels")),
        };
        Ok(success(format!(
            "stored {} content block(s) in {}, labels {} to {}",
            labels.len(),
            targets.join(", "),
            to_timestamp(first),
            to_timestamp(last)
        )))
    }

    /// The collections an Inbox Message goes to, each named once.
    fn inbox_targets<'a>(
        &'a self,
        version: Version,
        inbox: &'a InboxMessage,
    ) -> Result<Vec<String>, Refusal> {
        let config = self.config();
        let acceptable = || {
            config
                .collections
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        };
        let named = &inbox.destination_collection_names;
        if named.is_empty() {
            if !config.default_inbox.is_empty() {
                return Ok(config.default_inbox.clone());
            }
            return Err(match version {
                Version::V11 => Refusal::new(
                    StatusType::DestinationCollectionError,
                    "this hub needs a Destination_Collection_Name: name one of the acceptable destinations",
                )
                .with_details(detail::ACCEPTABLE_DESTINATION, acceptable()),
                Version::V10 => Refusal::failure(
                    "this hub has no default collection for TAXII 1.0 pushes; push in TAXII 1.1 with a Destination_Collection_Name",
                ),
            });
        }
        let mut targets: Vec<String> = Vec::with_capacity(named.len());
        for name in named {
            if config.collection(name).is_none() {
                return Err(Refusal::new(
                    StatusType::DestinationCollectionError,
                    format!(
                        "destination collection {name:?} does not exist here; nothing was stored"
                    ),
                )
                .with_details(detail::ACCEPTABLE_DESTINATION, acceptable()));
            }
            if !targets.contains(name) {
                targets.push(name.clone());
            }
        }
        Ok(targets)
    }
}
