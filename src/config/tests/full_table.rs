//! `full.toml` uses every key; it loads to exactly the values it names, and the lookups
//! find them.

use std::net::SocketAddr;
use std::time::Duration;

use taxii_core::Version;

use super::{fixture, load_fixture};
use crate::bindings::MessageBindingKind;
use crate::config::*;

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("socket address")
}

#[test]
fn hub_paths_are_relative_to_the_routes_file() {
    let table = load_fixture("full.toml");
    assert_eq!(table.source, fixture("full.toml"));
    let hub = table.hub.expect("hub");
    assert_eq!(hub.data_dir, fixture("hub-data"));
    assert_eq!((hub.part_size, hub.max_10_poll_blocks), (50, 500));
}

#[test]
fn listeners_load_with_their_protocols_and_limits() {
    let table = load_fixture("full.toml");
    let names: Vec<&str> = table.listeners.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["public", "secure", "bus"]);

    let public = table.listener("public").expect("public");
    assert!(matches!(&public.protocol,
        ListenerProtocol::Http { bind, path } if *bind == addr("127.0.0.1:9090") && path == "/taxii"));
    assert_eq!(
        public.message_bindings,
        [MessageBindingKind::Xml11, MessageBindingKind::Json]
    );
    assert_eq!(public.versions, [Version::V11]);
    assert!(public.accepts_binding(MessageBindingKind::Json));
    assert!(!public.accepts_binding(MessageBindingKind::Xml10));
    assert!(!public.accepts_version(Version::V10));
    assert_eq!(
        public.public_url.as_deref(),
        Some("https://taxii.example.org/taxii")
    );
    assert_eq!(public.max_body_bytes, 1_048_576);
    assert_eq!(public.header_timeout, Duration::from_millis(2000));
    assert_eq!(public.max_connections, 16);

    let secure = table.listener("secure").expect("secure");
    assert_eq!(secure.bind(), Some(addr("0.0.0.0:9443")));
    assert_eq!(secure.path(), Some("/taxii"), "default path");
    assert_eq!(
        secure.message_bindings,
        MessageBindingKind::ALL,
        "default bindings"
    );
    assert_eq!(secure.versions, Version::ALL, "default versions");
    assert_eq!(secure.max_body_bytes, 64 * 1024 * 1024);
    assert_eq!(secure.header_timeout, Duration::from_millis(10_000));
    assert_eq!(secure.max_connections, 1024);
    let ListenerProtocol::Https { tls, .. } = &secure.protocol else {
        panic!("secure is https: {:?}", secure.protocol);
    };
    assert_eq!(
        *tls,
        ServerTls {
            cert_file: fixture("files/server.pem"),
            key_file: fixture("files/server.key"),
            client_ca_file: Some(fixture("files/ca.pem")),
            require_client_cert: true,
        }
    );

    let bus = table.listener("bus").expect("bus");
    assert_eq!((bus.bind(), bus.path()), (None, None));
    let ListenerProtocol::Amqp {
        url,
        queue,
        prefetch,
    } = &bus.protocol
    else {
        panic!("bus is amqp: {:?}", bus.protocol);
    };
    assert_eq!(url.expose(), "amqp://gw:bus-secret-pw@127.0.0.1:5672/%2f");
    assert_eq!((queue.as_str(), *prefetch), ("taxii.in", 8));
    assert!(table.listener("nope").is_none());
}

#[test]
fn partners_load_with_auth_grants_and_listeners() {
    let table = load_fixture("full.toml");
    let acme = table.partner("acme").expect("acme");
    let PartnerAuth::Basic { user, password } = &acme.auth else {
        panic!("acme uses basic: {:?}", acme.auth);
    };
    assert_eq!(user, "acme");
    assert!(password.matches("acme-secret-pw"));
    assert!(acme.may_see("indicators"));
    assert!(!acme.may_see("reports"));
    assert!(acme.may_use_listener("public"));
    assert!(!acme.may_use_listener("secure"));

    let globex = table.partner("globex").expect("globex");
    assert_eq!(
        globex.auth,
        PartnerAuth::CertificateSubject("CN=globex,O=Globex".into())
    );
    assert_eq!(
        globex.collections,
        CollectionGrant::Only(vec!["indicators".into(), "reports".into()])
    );

    let initech = table.partner("initech").expect("initech");
    assert_eq!(
        initech.auth,
        PartnerAuth::CertificateSha256(
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".into()
        ),
        "colons dropped, lower case"
    );
    assert_eq!(initech.collections, CollectionGrant::All);
    assert!(initech.may_see("local-stix"));
    assert!(initech.may_use_listener("bus"), "no listeners key: any");
    let seen: Vec<&str> = table
        .collections_for(initech)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(seen, ["indicators", "reports", "local-stix"]);

    assert_eq!(
        table.partner("guest").expect("guest").auth,
        PartnerAuth::Anonymous
    );
    assert!(table.partner("nobody").is_none());
}

#[test]
fn peers_load_with_bindings_versions_addresses_and_auth() {
    let table = load_fixture("full.toml");
    let isac = table.peer("isac").expect("isac");
    assert_eq!(isac.protocol, PeerProtocol::Https);
    assert_eq!(isac.message, Some(MessageBindingKind::Xml11));
    assert_eq!(isac.services, Version::V11, "implied by xml11");
    assert_eq!(
        isac.address(PeerService::Poll),
        Some("https://isac.example/services/poll")
    );
    assert_eq!(
        isac.address(PeerService::CollectionManagement),
        Some("https://isac.example/services/collection-management")
    );
    assert!(!isac.inbox_destination, "set to false");
    let PeerAuth::Basic { user, password } = &isac.auth else {
        panic!("isac uses basic: {:?}", isac.auth);
    };
    assert_eq!(user, "gw");
    assert_eq!(
        password.expose(),
        "isac-secret-pw",
        "one trailing newline dropped"
    );
    assert_eq!(
        isac.tls,
        Some(ClientTls {
            ca_file: Some(fixture("files/peer-ca.pem")),
            server_name: Some("isac.internal".into()),
        })
    );
    assert_eq!(isac.proxy.as_deref(), Some("http://127.0.0.1:3128"));
    assert_eq!(isac.connect_timeout, Duration::from_millis(1000));
    assert_eq!(isac.timeout, Duration::from_millis(9000));

    let legacy = table.peer("legacy").expect("legacy");
    assert_eq!(
        (legacy.message, legacy.services),
        (Some(MessageBindingKind::Json), Version::V10)
    );
    assert!(!legacy.inbox_destination, "1.0 has no destination");
    assert!(!legacy.offers(PeerService::CollectionManagement));
    assert_eq!(legacy.auth, PeerAuth::None);
    assert_eq!(legacy.connect_timeout, Duration::from_millis(5000));
    assert_eq!(legacy.timeout, Duration::from_millis(30_000));

    let bus = table.peer("soc-bus").expect("soc-bus");
    assert_eq!(
        (bus.protocol, bus.services),
        (PeerProtocol::Amqp, Version::V10)
    );

    let mtls = table.peer("mtls").expect("mtls");
    assert_eq!(
        mtls.auth,
        PeerAuth::Certificate {
            cert_file: fixture("files/client.pem"),
            key_file: fixture("files/client.key"),
        }
    );

    let hub = table.peer("hub").expect("hub");
    assert!(hub.is_local());
    assert_eq!((hub.message, hub.services), (None, Version::V11));
    assert!(hub.inbox_destination);
    assert!(
        hub.offers(PeerService::Poll),
        "local peers serve everything"
    );
    assert!(table.peer("isec").is_none());
}

#[test]
fn collections_load_with_remote_names_services_and_fan_out() {
    let table = load_fixture("full.toml");
    let indicators = table.collection("indicators").expect("indicators");
    assert_eq!(
        *indicators,
        CollectionRoute {
            name: "indicators".into(),
            peer: "isac".into(),
            remote: "collection-a".into(),
            description: Some("Indicators from the ISAC".into()),
            services: CollectionService::ALL.to_vec(),
            push_to: vec![
                PushTarget {
                    peer: "soc-bus".into(),
                    remote: "collection-a".into()
                },
                PushTarget {
                    peer: "legacy".into(),
                    remote: "feed-x".into()
                },
                PushTarget {
                    peer: "hub".into(),
                    remote: "collection-a".into()
                },
            ],
            content_bindings: None,
        }
    );
    let reports = table.collection("reports").expect("reports");
    assert_eq!(reports.remote, "reports", "remote defaults to the name");
    assert_eq!(
        reports.services,
        [CollectionService::Poll, CollectionService::Inbox]
    );
    assert!(!reports.offers(CollectionService::Information));
    let local = table.collection("local-stix").expect("local-stix");
    assert_eq!(
        local.content_bindings,
        Some(vec!["urn:stix.mitre.org:xml:1.1.1".to_owned()])
    );
    assert!(table.collection("nope").is_none());
}

#[test]
fn tables_compare_equal_exactly_when_their_values_do() {
    // The router compares tables on reload (what to rebind, what to keep).
    let first = load_fixture("full.toml");
    assert_eq!(first, load_fixture("full.toml"));
    let mut changed = first.clone();
    changed.listeners[0].max_connections += 1;
    assert_ne!(first, changed);
}
