//! `TAXII_GATEWAY_HUB__*` overrides the `[hub]` keys; nothing else can be overridden, and
//! a problem a variable causes names the variable.

use super::TempRoutes;
use crate::config::{Environment, Origin};

const WITH_HUB: &str = r#"
[hub]
data_dir = "from-file"
part_size = 10

[[peer]]
name = "hub"
protocol = "local"
"#;

fn env(vars: &[(&str, &str)]) -> Environment {
    Environment::from_vars(vars.iter().copied())
}

fn from_env(variable: &str) -> Origin {
    Origin::Env {
        variable: variable.to_owned(),
    }
}

#[test]
fn hub_keys_are_overridden_and_numbers_parsed() {
    let routes = TempRoutes::new(WITH_HUB);
    let table = routes
        .load(&env(&[
            ("TAXII_GATEWAY_HUB__DATA_DIR", "from-env"),
            ("TAXII_GATEWAY_HUB__PART_SIZE", "25"),
            (
                "TAXII_GATEWAY_ROUTES",
                "ignored: it belongs to the command line",
            ),
        ]))
        .expect("loads");
    let hub = table.hub.expect("hub");
    assert_eq!(hub.data_dir, routes.dir.path().join("from-env"));
    assert_eq!(hub.part_size, 25);
    assert_eq!(hub.max_10_poll_blocks, 10_000, "not overridden: default");
}

#[test]
fn without_overrides_the_file_counts() {
    let routes = TempRoutes::new(WITH_HUB);
    let hub = routes.load(&env(&[])).expect("loads").hub.expect("hub");
    assert_eq!(hub.data_dir, routes.dir.path().join("from-file"));
    assert_eq!(hub.part_size, 10);
}

#[test]
fn an_override_can_give_a_table_its_hub() {
    let routes = TempRoutes::new("[[peer]]\nname = \"hub\"\nprotocol = \"local\"\n");
    let errors = routes.expect_errors(&env(&[]));
    assert!(errors.to_string().contains("add a [hub] table"), "{errors}");
    let table = routes
        .load(&env(&[("TAXII_GATEWAY_HUB__DATA_DIR", "/var/lib/taxii")]))
        .expect("loads");
    assert_eq!(
        table.hub.expect("hub").data_dir,
        std::path::PathBuf::from("/var/lib/taxii")
    );
}

#[test]
fn bad_override_values_name_their_variable() {
    let routes = TempRoutes::new(WITH_HUB);
    let errors = routes.expect_errors(&env(&[
        ("TAXII_GATEWAY_HUB__PART_SIZE", "lots"),
        ("TAXII_GATEWAY_HUB__MAX_10_POLL_BLOCKS", "0"),
    ]));
    let found: Vec<(Origin, String)> = errors
        .iter()
        .map(|e| (e.origin.clone(), e.key.to_string()))
        .collect();
    assert_eq!(
        found,
        [(
            from_env("TAXII_GATEWAY_HUB__PART_SIZE"),
            "hub.part_size".to_owned()
        )],
        "deserialization stops the hub at its first bad value:\n{errors}"
    );
    let errors = routes.expect_errors(&env(&[("TAXII_GATEWAY_HUB__MAX_10_POLL_BLOCKS", "0")]));
    let only = errors.iter().next().expect("one error");
    assert_eq!(
        only.origin,
        from_env("TAXII_GATEWAY_HUB__MAX_10_POLL_BLOCKS")
    );
    assert_eq!(only.key.to_string(), "hub.max_10_poll_blocks");
    assert_eq!(
        only.to_string(),
        "environment variable TAXII_GATEWAY_HUB__MAX_10_POLL_BLOCKS: hub.max_10_poll_blocks: must be at least 1"
    );
}

#[test]
fn unknown_hub_keys_from_the_environment_are_errors() {
    let routes = TempRoutes::new(WITH_HUB);
    let errors = routes.expect_errors(&env(&[("TAXII_GATEWAY_HUB__COLOUR", "blue")]));
    let only = errors.iter().next().expect("one error");
    assert_eq!(only.origin, from_env("TAXII_GATEWAY_HUB__COLOUR"));
    assert_eq!(only.key.to_string(), "hub.colour");
    assert!(only.message.contains("unknown key"), "{only}");
    assert_eq!(errors.len(), 1, "{errors}");
}

#[test]
fn arrays_of_tables_are_file_only() {
    let routes = TempRoutes::new(WITH_HUB);
    let errors = routes.expect_errors(&env(&[
        ("TAXII_GATEWAY_LISTENER__0__BIND", "0.0.0.0:80"),
        ("TAXII_GATEWAY_HUB", "x"),
    ]));
    let origins: Vec<Origin> = errors.iter().map(|e| e.origin.clone()).collect();
    assert_eq!(
        origins,
        [
            from_env("TAXII_GATEWAY_HUB"),
            from_env("TAXII_GATEWAY_LISTENER__0__BIND"),
        ],
        "{errors}"
    );
    assert!(errors.to_string().contains("routes file only"), "{errors}");
}
