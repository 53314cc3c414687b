//! # taxii-gateway
//!
//! The gateway itself: the command line, the route table, the router and the running
//! listeners, plus the built-in hub (collections the gateway stores itself). The TAXII model
//! and the bindings live in the crates under `bindings/`.

pub mod bindings;
pub mod config;
pub mod gateway;
pub mod hub;
pub mod serve;
pub mod translate;
