//! Passwords never show: not in `Debug`, not in the summary, not in error messages.

use super::{fixture_env, load_fixture, TempRoutes};
use crate::config::summary;

const SECRETS: [&str; 3] = ["acme-secret-pw", "isac-secret-pw", "bus-secret-pw"];

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret:?}:\n{text}");
    }
}

#[test]
fn debug_output_of_the_table_shows_no_password() {
    let table = load_fixture("full.toml");
    let debug = format!("{table:?}");
    assert_no_secret("Debug", &debug);
    assert!(debug.contains("Secret(<redacted>)"), "{debug}");
    assert!(
        debug.contains("gw:***@127.0.0.1"),
        "the AMQP URL is redacted: {debug}"
    );
    assert_no_secret("pretty Debug", &format!("{table:#?}"));
}

#[test]
fn the_summary_shows_users_but_no_password() {
    let table = load_fixture("full.toml");
    let text = summary(&table);
    assert_no_secret("summary", &text);
    for shown in [
        "acme  basic user acme  collections indicators  via public",
        "globex  certificate subject CN=globex,O=Globex",
        "isac  https xml11 TAXII 1.1  auth basic user gw",
        "bus  amqp amqp://gw:***@127.0.0.1:5672/%2f queue taxii.in prefetch 8",
        "indicators -> isac/collection-a  services information, poll, inbox, subscription  push to soc-bus/collection-a, legacy/feed-x, hub/collection-a",
        "reports -> legacy/reports  services poll, inbox",
        "legacy  http json TAXII 1.0",
        "      poll http://127.0.0.1:9000/poll",
    ] {
        assert!(text.contains(shown), "summary lacks {shown:?}:\n{text}");
    }
}

#[test]
fn errors_about_an_amqp_url_do_not_repeat_its_password() {
    let routes = TempRoutes::new(
        "[[listener]]\nname = \"bus\"\nprotocol = \"amqp\"\nurl_env = \"BAD_URL\"\n",
    );
    let env = crate::config::Environment::from_vars([("BAD_URL", "http://gw:bus-secret-pw@x/")]);
    let errors = routes.expect_errors(&env);
    let shown = errors.to_string();
    assert_no_secret("error", &shown);
    assert!(shown.contains("gw:***@x"), "{shown}");
    assert_no_secret("Debug of the environment", &format!("{:?}", fixture_env()));
}

#[test]
fn a_password_written_into_the_file_is_refused_and_not_repeated() {
    let routes = TempRoutes::new(
        "[[listener]]\nname = \"bus\"\nprotocol = \"amqp\"\nurl = \"amqp://gw:bus-secret-pw@x/\"\n",
    );
    let errors = routes.expect_errors(&fixture_env());
    let shown = errors.to_string();
    assert!(shown.contains("url_env"), "{shown}");
    assert_no_secret("error", &shown);
}
