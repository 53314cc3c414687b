//! Tests of the route table: a full table loads to exactly what it says, the environment
//! overrides what it may and only that, broken tables report every problem with its line
//! and key, and no secret ever shows.

mod broken;
mod environment;
mod full_table;
mod secrets;
mod shipped;
mod spans;

use std::path::{Path, PathBuf};

use super::{load_with_env, ConfigErrors, Environment, RouteTable};

/// `tests/fixtures/routes/<name>`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/routes")
        .join(name)
}

/// The variables the fixtures' secrets come from.
fn fixture_env() -> Environment {
    Environment::from_vars([
        ("ACME_PASSWORD", "acme-secret-pw"),
        ("BUS_URL", "amqp://gw:bus-secret-pw@127.0.0.1:5672/%2f"),
    ])
}

fn load_fixture(name: &str) -> RouteTable {
    match load_with_env(&fixture(name), &fixture_env()) {
        Ok(table) => table,
        Err(errors) => panic!("{name} should load, but:\n{errors}"),
    }
}

/// A routes file written to a temporary directory (which lives as long as the value).
struct TempRoutes {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl TempRoutes {
    fn new(text: &str) -> TempRoutes {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("routes.toml");
        std::fs::write(&path, text).expect("write routes");
        TempRoutes { dir, path }
    }

    fn load(&self, env: &Environment) -> Result<RouteTable, ConfigErrors> {
        load_with_env(&self.path, env)
    }

    fn expect_errors(&self, env: &Environment) -> ConfigErrors {
        match self.load(env) {
            Ok(table) => panic!("should not load, but gave {table:?}"),
            Err(errors) => errors,
        }
    }
}
