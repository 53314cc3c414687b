//! The gateway: partners reach one endpoint; the route table says who may see what and
//! where each collection really lives; every exchange is translated to the binding and
//! version of the other side.
//!
//! ```text
//! Envelope --negotiate: binding, version--> Message --authenticate, authorize-->
//!   discovery | collection information   (answered here, addresses pointing at the gateway)
//!   poll | fulfillment | inbox | subscription --forward: names mapped, version converted-->
//!       peer (HTTP/HTTPS/AMQP client, or the built-in hub)
//!   <-- response: names mapped back, addresses rewritten, converted --> Envelope
//! ```
//!
//! [`Router`] is the [`taxii_core::Exchange`] every listener hands its envelopes to. It
//! holds the running [`Runtime`] (a route table plus the clients it needs) behind an
//! `ArcSwap`: a reload swaps it atomically, in-flight exchanges finish on the one they
//! started with. Every failure becomes a Status Message in the partner's version.

mod amqp;
mod authenticate;
mod discovery;
mod endpoint;
mod forward;
mod forward_inbox;
mod information;
mod negotiate;
mod peers;
mod router;
mod runtime;
mod status_writer;

pub use amqp::{listener_address as amqp_listener_address, AmqpStatusWriter};
pub use endpoint::Endpoint;
pub use router::Router;
pub use runtime::{Runtime, RuntimeError};
pub use status_writer::GatewayStatusWriter;
