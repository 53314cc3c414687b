//! Which message binding and version a request is in, and which to answer in.

use crate::bindings::MessageBindingKind;
use crate::config::ListenerRoute;
use taxii_core::{Envelope, Error, Version};

/// The binding and version of a request, checked against what the listener accepts.
pub fn request_binding(
    listener: &ListenerRoute,
    envelope: &Envelope,
) -> Result<(MessageBindingKind, Version), Error> {
    let supported = || {
        listener
            .message_bindings
            .iter()
            .map(|b| b.id().to_owned())
            .collect::<Vec<_>>()
    };
    let binding = MessageBindingKind::from_id(&envelope.message_binding)
        .filter(|b| listener.accepts_binding(*b))
        .ok_or_else(|| Error::UnsupportedMessageBinding {
            binding: envelope.message_binding.clone(),
            supported: supported(),
        })?;
    let version = Version::from_services_id(&envelope.services).ok_or_else(|| {
        Error::BadRequest(format!(
            "unknown TAXII services version {:?}",
            envelope.services
        ))
    })?;
    if !listener.accepts_version(version) {
        let accepted: Vec<&str> = listener.versions.iter().map(|v| v.services_id()).collect();
        return Err(Error::BadRequest(format!(
            "{version} is not served on this listener (served: {})",
            accepted.join(", ")
        )));
    }
    if binding.only_version().is_some_and(|v| v != version) {
        return Err(Error::BadRequest(format!(
            "{} carries {} messages, not {version}",
            binding.id(),
            binding.only_version().map_or(version, |v| v)
        )));
    }
    Ok((binding, version))
}

/// The binding to answer in: the partner's most preferred acceptable binding that carries
/// `version` and the listener speaks, else the request's own.
pub fn response_binding(
    listener: &ListenerRoute,
    accept: &[String],
    request: MessageBindingKind,
    version: Version,
) -> MessageBindingKind {
    let fits = |b: &MessageBindingKind| {
        listener.accepts_binding(*b) && b.only_version().is_none_or(|v| v == version)
    };
    accept
        .iter()
        .filter_map(|id| MessageBindingKind::from_id(id))
        .find(fits)
        .or_else(|| fits(&request).then_some(request))
        .or_else(|| listener.message_bindings.iter().copied().find(fits))
        .unwrap_or(request)
}
