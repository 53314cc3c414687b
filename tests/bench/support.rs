//! What the benchmark programs under `tests/bench/` share: a child process stopped when it
//! goes out of scope, and the TAXII XML 1.1 POST they all send. Included with
//! `#[path = "support.rs"] mod support;`.
#![allow(dead_code)]

use std::process::{Child, Command};
use taxii_core::ids;

/// A child process (the gateway, nginx), stopped on drop with SIGTERM: nginx's master then
/// stops its workers too (a killed master leaves them holding the port and our stdout),
/// and the gateway drains.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// A POST of an XML 1.1 TAXII message to `path` on `host`, with the binding's headers
/// (add a body, and any credentials, to finish it).
pub fn taxii_xml11_post(host: &str, path: &str) -> hyper::http::request::Builder {
    hyper::Request::post(path)
        .header("host", host)
        .header("content-type", "application/xml")
        .header("x-taxii-content-type", ids::MESSAGE_XML_11)
        .header("x-taxii-accept", ids::MESSAGE_XML_11)
        .header("x-taxii-services", ids::SERVICES_11)
        .header("x-taxii-protocol", ids::PROTOCOL_HTTP_10)
}
