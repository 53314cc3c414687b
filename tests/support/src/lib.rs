//! Test support for taxii-gateway: the real peers our tests talk to, ready to use.
//!
//! * [`venv`], [`python`], [`bin`], [`run_peer_script`]: the pinned Python venv
//!   (`target/peers-venv`, from `tests/peers/requirements.txt`) holding OpenTAXII, cabby,
//!   libtaxii, medallion, taxii2-client and pika, created or refreshed on first use.
//! * [`free_port`]: a loopback port for peers that must be told a number.
//!
//! Not for production code: every function here panics with a fix-it message instead of
//! returning errors, because its callers are tests.

mod ports;
mod venv;
mod workspace;

pub use ports::free_port;
pub use venv::{
    bin, ensure_venv_at, peer_script_command, python, run_peer_script, venv, VenvError,
};
pub use workspace::{peers_dir, workspace_root};
