//! Test support for taxii-gateway: the real peers our tests talk to, ready to use.
//!
//! * [`venv`], [`python`], [`bin`], [`run_peer_script`]: the pinned Python venv
//!   (`target/peers-venv`, from `tests/peers/requirements.txt`) holding OpenTAXII, cabby,
//!   libtaxii, medallion, taxii2-client and pika, created or refreshed on first use.
//! * [`free_port`]: a loopback port for peers that must be told a number.
//! * [`OpenTaxii`]: a real OpenTAXII server (TAXII 1.1/1.0 over HTTP) on its own port and
//!   database, with the services, collections and accounts of `tests/peers/opentaxii/`.
//! * [`require_rabbitmq`]: the AMQP broker at 127.0.0.1:5672, or a panic saying how to
//!   start it.
//! * `tests/peers/libtaxii_oracle.py` (run it with [`run_peer_script`]): libtaxii as the
//!   conformance oracle (schema validation, reparse, semantic equality, reference messages).
//!
//! Not for production code: every function here panics with a fix-it message instead of
//! returning errors, because its callers are tests.

mod opentaxii;
mod ports;
mod probe;
mod process;
mod rabbitmq;
mod venv;
mod workspace;

pub use opentaxii::{Account, OpenTaxii, ADMIN_ACCOUNT, HARNESS_ACCOUNT, READER_ACCOUNT};
pub use probe::http_get;
pub use process::PeerProcess;
pub use rabbitmq::{require_rabbitmq, RABBITMQ_ADDRESS};

pub use ports::free_port;
pub use venv::{
    bin, ensure_venv_at, peer_script_command, python, run_peer_script, venv, VenvError, VenvState,
};
pub use workspace::{peers_dir, workspace_root};
