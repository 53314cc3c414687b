//! HTTPS listeners with cabby: server certificates, HTTPS addresses in discovery, a Basic
//! partner over TLS, and a partner identified by its client certificate (subject written as
//! routes.toml documents it, `CN=acme,O=Acme`). Certificates are made per test with the
//! system's `openssl`.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// ca.pem, server.pem/server.key (for 127.0.0.1), client.pem/client.key (CN=acme, O=Acme),
/// other.pem/other.key (CN=mallory, by the same CA).
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Gateway Test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &ca);
    for (name, subject, ext) in [
        (
            "server",
            "/CN=127.0.0.1",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "/CN=acme/O=Acme", "extendedKeyUsage=clientAuth\n"),
        (
            "other",
            "/CN=initech/O=Initech",
            "extendedKeyUsage=clientAuth\n",
        ),
        (
            "stranger",
            "/CN=mallory/O=Elsewhere",
            "extendedKeyUsage=clientAuth\n",
        ),
    ] {
        let mut req = vec!["req"];
        req.extend(ec);
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let pem = format!("{name}.pem");
        let extfile = format!("{name}.ext");
        req.extend(["-keyout", &key, "-out", &csr, "-subj", subject]);
        openssl(dir, &req);
        std::fs::write(dir.join(&extfile), ext).expect("ext file");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &extfile,
            ],
        );
    }
}

/// `AB:CD:...`, as `openssl x509 -fingerprint -sha256` prints it.
fn fingerprint(pem: &Path) -> String {
    let output = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(pem)
        .output()
        .expect("openssl fingerprint");
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .split_once('=')
        .map(|(_, f)| f.to_owned())
        .unwrap_or_else(|| panic!("no fingerprint in {text:?}"))
}

const ROUTES: &str = r#"
[hub]
data_dir = "./data"

[[listener]]
name = "secure"
protocol = "https"
bind = "127.0.0.1:0"
path = "/taxii"
tls = { cert_file = "server.pem", key_file = "server.key", client_ca_file = "ca.pem" }

[[partner]]
name = "acme"
auth = { certificate = { subject = "CN=acme,O=Acme" } }
collections = ["indicators"]

[[partner]]
name = "globex"
auth = { basic = { user = "globex", password_env = "GW_TEST_HTTPS_GLOBEX" } }
collections = ["advisories"]

[[partner]]
name = "initech"
auth = { certificate = { sha256 = "@FINGERPRINT@" } }
collections = ["advisories"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "indicators"
peer = "hub"

[[collection]]
name = "advisories"
peer = "hub"
"#;

/// Starts the gateway with the certificates in its own dir (written before start).
fn start() -> (Gateway, tempfile::TempDir) {
    let certs = tempfile::tempdir().expect("tempdir");
    certificates(certs.path());
    let dir = certs.path().display().to_string();
    let routes = ROUTES
        .replace("\"server.pem\"", &format!("\"{dir}/server.pem\""))
        .replace("\"server.key\"", &format!("\"{dir}/server.key\""))
        .replace("\"ca.pem\"", &format!("\"{dir}/ca.pem\""))
        .replace(
            "@FINGERPRINT@",
            &fingerprint(&certs.path().join("other.pem")),
        );
    let gateway = Gateway::start_with_env(&routes, &[("GW_TEST_HTTPS_GLOBEX", "globex-tls-pass")]);
    (gateway, certs)
}

fn cabby_tls(gateway: &Gateway, certs: &Path, tool: &str, args: &[&str]) -> String {
    let ca = certs.join("ca.pem");
    let output = Command::new(taxii_testkit::bin(tool))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &gateway.port("secure").to_string(),
        ])
        .args([
            "--path",
            "/taxii",
            "--https",
            "--verify",
            &ca.to_string_lossy(),
        ])
        // requests prefers these to the CA it is given.
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn https_discovery_names_https_addresses_and_basic_works_over_tls() {
    let (gateway, certs) = start();
    assert!(gateway.url("secure").starts_with("https://127.0.0.1:"));
    let output = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-discovery",
        &["--username", "globex", "--password", "globex-tls-pass"],
    );
    assert!(!output.contains("ERROR"), "{output}\n{}", gateway.logs());
    assert!(
        output.contains(&format!("{}/poll", gateway.url("secure")))
            && output.contains("urn:taxii.mitre.org:protocol:https:1.0"),
        "{output}"
    );
    assert!(
        !output.contains("http://"),
        "plain HTTP address advertised:\n{output}"
    );
    let collections = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-collections",
        &["--username", "globex", "--password", "globex-tls-pass"],
    );
    assert!(
        collections.contains("Collection Name: advisories") && !collections.contains("indicators"),
        "{collections}\n{}",
        gateway.logs()
    );
    let refused = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-collections",
        &["--username", "globex", "--password", "wrong"],
    );
    assert!(refused.contains("ERROR"), "{refused}");
}

#[test]
fn a_partner_is_known_by_its_client_certificate() {
    let (gateway, certs) = start();
    let dir = certs.path();
    let client = |name: &str| {
        cabby_tls(
            &gateway,
            dir,
            "taxii-collections",
            &[
                "--cert",
                &dir.join(format!("{name}.pem")).to_string_lossy(),
                "--key",
                &dir.join(format!("{name}.key")).to_string_lossy(),
            ],
        )
    };
    let acme = client("client");
    assert!(
        !acme.contains("ERROR")
            && acme.contains("Collection Name: indicators")
            && !acme.contains("advisories"),
        "acme by certificate:\n{acme}\n{}",
        gateway.logs()
    );
    // Known by its fingerprint.
    let initech = client("other");
    assert!(
        !initech.contains("ERROR")
            && initech.contains("Collection Name: advisories")
            && !initech.contains("indicators"),
        "initech by fingerprint:\n{initech}\n{}",
        gateway.logs()
    );
    // A certificate from the same CA that no partner has: refused.
    let mallory = client("stranger");
    assert!(
        mallory.contains("ERROR") && !mallory.contains("Collection Name"),
        "an unknown certificate got in:\n{mallory}"
    );
    // No certificate, no password: refused.
    let nobody = cabby_tls(&gateway, dir, "taxii-collections", &[]);
    assert!(nobody.contains("ERROR"), "{nobody}");
}
