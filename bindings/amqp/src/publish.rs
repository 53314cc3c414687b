//! One publish with a publisher confirm (and `mandatory` where the broker honours it): the only way either side sends.
//! It returns `Ok` only once the broker has taken responsibility for a routable message.

use crate::AmqpError;
use lapin::options::BasicPublishOptions;
use lapin::{BasicProperties, Channel, Confirmation};
use std::time::Duration;

/// Where one publish goes, for routing and for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub exchange: &'a str,
    pub routing_key: &'a str,
    /// How the destination is named in errors (an address, or `reply_to ...`).
    pub label: &'a str,
    /// Ask the broker to return the message if no queue takes it.
    pub mandatory: bool,
}

/// Publishes `payload` and waits up to `confirm_timeout` for the broker's confirm.
pub(crate) async fn publish_confirmed(
    channel: &Channel,
    target: Target<'_>,
    payload: &[u8],
    properties: BasicProperties,
    confirm_timeout: Duration,
) -> Result<(), AmqpError> {
    let exchange = lapin::types::ShortString::try_new(target.exchange)
        .map_err(|_| AmqpError::Config(format!("exchange name too long: {}", target.label)))?;
    let routing_key = lapin::types::ShortString::try_new(target.routing_key)
        .map_err(|_| AmqpError::Config(format!("routing key too long: {}", target.label)))?;
    let options = BasicPublishOptions {
        mandatory: target.mandatory,
        immediate: false,
    };
    let lost = |awaited: &'static str, error: lapin::Error| AmqpError::ConnectionLost {
        destination: target.label.to_owned(),
        awaited,
        reason: error.to_string(),
    };
    let confirm = channel
        .basic_publish(exchange, routing_key, options, payload, properties)
        .await
        .map_err(|e| lost("publish", e))?;
    let confirmation = match tokio::time::timeout(confirm_timeout, confirm).await {
        Err(_) => {
            return Err(AmqpError::Timeout {
                destination: target.label.to_owned(),
                awaited: "publisher confirm",
                waited_ms: confirm_timeout.as_millis(),
            })
        }
        Ok(Err(e)) => return Err(lost("publisher confirm", e)),
        Ok(Ok(confirmation)) => confirmation,
    };
    match confirmation {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(returned)) | Confirmation::Nack(Some(returned)) => {
            Err(AmqpError::Unroutable {
                destination: target.label.to_owned(),
                code: returned.reply_code,
                text: returned.reply_text.to_string(),
            })
        }
        Confirmation::Nack(None) => Err(AmqpError::Nacked {
            destination: target.label.to_owned(),
        }),
        Confirmation::NotRequested => Err(AmqpError::Config(
            "publisher confirms are not enabled on the channel".to_owned(),
        )),
    }
}
