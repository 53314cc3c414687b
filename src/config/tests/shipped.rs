//! The `routes.toml` at the repository root is what an admin runs first: it must load
//! with no environment at all, and say what the README promises.

use std::path::Path;

use crate::bindings::MessageBindingKind;
use crate::config::{load, load_with_env, summary, CollectionGrant, Environment, PartnerAuth};
use taxii_core::Version;

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("routes.toml")
}

#[test]
fn the_shipped_routes_validate_without_any_environment() {
    let table = match load_with_env(&shipped(), &Environment::default()) {
        Ok(table) => table,
        Err(errors) => panic!("the shipped routes.toml does not validate:\n{errors}"),
    };
    let hub = table.hub.as_ref().expect("a hub");
    assert_eq!(
        hub.data_dir,
        Path::new(env!("CARGO_MANIFEST_DIR")).join("./data")
    );

    let public = table.listener("public").expect("listener public");
    assert_eq!(public.bind(), Some("127.0.0.1:9090".parse().expect("addr")));
    assert_eq!(public.path(), Some("/taxii"));
    assert_eq!(public.message_bindings, MessageBindingKind::ALL);
    assert_eq!(public.versions, Version::ALL);

    let guest = table.partner("guest").expect("partner guest");
    assert_eq!(guest.auth, PartnerAuth::Anonymous);
    assert_eq!(guest.collections, CollectionGrant::All);

    assert!(table.peer("hub").expect("peer hub").is_local());
    let indicators = table.collection("indicators").expect("indicators");
    assert_eq!(indicators.peer, "hub");
    assert_eq!(
        indicators.description.as_deref(),
        Some("Indicators shared through this gateway's built-in hub")
    );
    assert_eq!(
        indicators.content_bindings,
        Some(vec!["urn:stix.mitre.org:xml:1.1.1".to_owned()])
    );
    let advisories = table.collection("advisories").expect("advisories");
    assert_eq!(
        (
            advisories.peer.as_str(),
            advisories.content_bindings.as_ref()
        ),
        ("hub", None)
    );
}

#[test]
fn the_shipped_routes_load_with_the_process_environment() {
    // No test sets TAXII_GATEWAY_* variables, so the file alone decides.
    let table = load(&shipped()).expect("loads");
    let text = summary(&table);
    assert!(
        text.contains("public  http://127.0.0.1:9090/taxii"),
        "{text}"
    );
    assert!(
        text.contains("guest  anonymous  collections * (all)"),
        "{text}"
    );
}
