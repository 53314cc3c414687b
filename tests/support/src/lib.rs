//! Test support for taxii-gateway: the real peers our tests talk to, ready to use.
//!
//! * [`venv`], [`python`], [`bin`], [`run_peer_script`]: the pinned Python venv
//!   (`target/peers-venv`, from `tests/peers/requirements.txt`) holding OpenTAXII, cabby,
//!   libtaxii, medallion, taxii2-client and pika, created or refreshed on first use.
//! * [`free_port`]: a loopback port for peers that must be told a number.
//! * [`OpenTaxii`]: a real OpenTAXII server (TAXII 1.1/1.0 over HTTP) on its own port and
//!   database, with the services, collections and accounts of `tests/peers/opentaxii/`;
//!   [`OpenTaxii::push_11`], [`OpenTaxii::push_10`], [`OpenTaxii::poll_11`],
//!   [`OpenTaxii::poll_10`] seed and read it with cabby's Python API.
//! * [`require_rabbitmq`]: the AMQP broker at 127.0.0.1:5672, or a panic saying how to
//!   start it.
//! * [`libtaxii_validate`], [`libtaxii_validate_all`], [`assert_libtaxii_valid`],
//!   [`libtaxii_reparse`], [`libtaxii_same`], [`libtaxii_emit`]: libtaxii as the conformance
//!   oracle (`tests/peers/libtaxii_oracle.py`: schema validation, reparse, semantic
//!   equality, reference messages of all 21 TAXII 1.x types). `tests/peers/bench_libtaxii.py`
//!   measures libtaxii's own codec speed for comparison benchmarks.
//!
//! Not for production code: its callers are tests, so apart from [`ensure_venv_at`] its
//! functions panic with a message saying what failed and how to fix it, rather than
//! returning errors.

pub mod corpus;
mod opentaxii;
mod opentaxii_client;
mod oracle;
mod ports;
mod probe;
mod process;
mod rabbitmq;
mod venv;
mod venv_install;
mod workspace;

pub use opentaxii::{Account, OpenTaxii, ADMIN_ACCOUNT, HARNESS_ACCOUNT, READER_ACCOUNT};
pub use opentaxii_client::{PolledBlock, TaxiiRefusal};
pub use oracle::{
    assert_libtaxii_valid, libtaxii_emit, libtaxii_oracle, libtaxii_reparse, libtaxii_same,
    libtaxii_validate, libtaxii_validate_all, EmittedMessage, SchemaVerdict,
};
pub use probe::http_get;
pub use process::PeerProcess;
pub use rabbitmq::{require_rabbitmq, RABBITMQ_ADDRESS};
pub use serde_json;

pub use ports::free_port;
pub use venv::{bin, peer_script_command, python, run_peer_script, venv};
pub use venv_install::{ensure_venv_at, VenvError, VenvState};
pub use workspace::{peers_dir, workspace_root};
