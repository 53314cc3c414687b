//! Reading a reply: a TAXII message becomes an [`Envelope`]; a plain reply (no
//! `x-taxii-content-type`) becomes the error its `x-taxii-status` names.

use super::AmqpClientConfig;
use crate::properties::WireHeaders;
use crate::status::error_from_plain_reply;
use bytes::Bytes;
use lapin::message::Delivery;
use taxii_core::{Envelope, Error, Identity, Origin};

/// The envelope a reply carries, or the error it stands for.
pub(super) fn envelope_from_reply(
    delivery: Delivery,
    config: &AmqpClientConfig,
    label: &str,
) -> Result<Envelope, Error> {
    let wire = WireHeaders::read(&delivery.properties);
    let body = Bytes::from(delivery.data);
    if body.len() as u64 > config.max_reply_body {
        return Err(Error::TooLarge {
            size: body.len() as u64,
            limit: config.max_reply_body,
        });
    }
    if wire.message_binding.is_none() {
        let text = String::from_utf8_lossy(&body);
        return Err(match &wire.status {
            Some(status) => error_from_plain_reply(status, &text, label),
            None => Error::Internal(format!(
                "{} answered with something that is not a TAXII message (no x-taxii-content-type)",
                label
            )),
        });
    }
    if wire.services.is_none() {
        return Err(Error::Internal(format!(
            "{} answered without x-taxii-services",
            label
        )));
    }
    let origin = Origin {
        listener: config.name.clone(),
        identity: match delivery.properties.user_id() {
            Some(user) => Identity::Basic {
                user: user.to_string(),
            },
            None => Identity::Anonymous,
        },
        remote_addr: None,
        reached_at: Some(label.to_owned()),
    };
    Ok(wire.into_envelope(body, origin))
}
