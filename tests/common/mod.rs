//! The gateway under test, as a real process: a launcher that writes a `routes.toml` into a
//! temp dir, runs `taxii-gateway run --routes FILE`, waits for its `listener NAME on URL`
//! lines, keeps its stderr (the logs) in a file and kills it on drop; plus a raw HTTP
//! TAXII client for exchanges that cabby and libtaxii cannot express (or too slowly).
//!
//! Each test binary uses a part of this module only.
#![allow(dead_code)]

pub mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use taxii_core::{Message, Version};
use taxii_gateway::bindings::MessageBindingKind;
use taxii_testkit::{bin, Account};

pub const XML10: &str = "urn:taxii.mitre.org:message:xml:1.0";
pub const XML11: &str = "urn:taxii.mitre.org:message:xml:1.1";
pub const JSON: &str = "urn:cert.europa.eu:message:json:1.0";
pub const SERVICES10: &str = "urn:taxii.mitre.org:services:1.0";
pub const SERVICES11: &str = "urn:taxii.mitre.org:services:1.1";
pub const PROTOCOL_HTTP: &str = "urn:taxii.mitre.org:protocol:http:1.0";
pub const STIX111: &str = "urn:stix.mitre.org:xml:1.1.1";

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `taxii-gateway run`. Dropping it kills the process.
pub struct Gateway {
    child: Child,
    dir: tempfile::TempDir,
    routes: PathBuf,
    stderr_log: PathBuf,
    listeners: Vec<(String, String)>,
    stdout_lines: Arc<Mutex<Vec<String>>>,
}

impl Gateway {
    /// Starts the gateway on `routes` (the text of a routes.toml; relative paths in it are
    /// relative to the temp dir it is written to).
    pub fn start(routes: &str) -> Gateway {
        Gateway::start_with_env(routes, &[])
    }

    /// Like [`Gateway::start`], with extra environment variables (partner passwords).
    pub fn start_with_env(routes: &str, env: &[(&str, &str)]) -> Gateway {
        let dir = tempfile::Builder::new()
            .prefix("taxii-gateway-test-")
            .tempdir()
            .expect("temp dir");
        let routes_path = dir.path().join("routes.toml");
        std::fs::write(&routes_path, routes).expect("write routes.toml");
        let stderr_log = dir.path().join("gateway.stderr.log");
        let stderr = std::fs::File::create(&stderr_log).expect("stderr log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"));
        command
            .arg("run")
            .arg("--routes")
            .arg(&routes_path)
            .current_dir(dir.path())
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn taxii-gateway");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let mut gateway = Gateway {
            child,
            dir,
            routes: routes_path,
            stderr_log,
            listeners: Vec::new(),
            stdout_lines: lines,
        };
        let expected = listener_count(routes);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            gateway.listeners = gateway.listener_lines();
            if gateway.listeners.len() >= expected && expected > 0 {
                break;
            }
            if let Ok(Some(status)) = gateway.child.try_wait() {
                panic!(
                    "taxii-gateway exited ({status}) before listening:\n{}",
                    gateway.logs()
                );
            }
            assert!(
                Instant::now() < deadline,
                "taxii-gateway did not print {expected} listener lines within {START_TIMEOUT:?}:\n{}",
                gateway.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        gateway
    }

    fn listener_lines(&self) -> Vec<(String, String)> {
        self.stdout_lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| {
                let rest = l.strip_prefix("taxii-gateway: listener ")?;
                let (name, url) = rest.split_once(" on ")?;
                Some((name.to_owned(), url.to_owned()))
            })
            .collect()
    }

    /// The URL the listener `name` printed, e.g. `http://127.0.0.1:41234/taxii`.
    pub fn url(&self, name: &str) -> String {
        self.listeners
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| panic!("no listener {name:?} in {:?}", self.listeners))
    }

    /// The port of listener `name`.
    pub fn port(&self, name: &str) -> u16 {
        url::Url::parse(&self.url(name))
            .expect("listener URL")
            .port()
            .expect("listener port")
    }

    /// The path of listener `name`, e.g. `/taxii`.
    pub fn path(&self, name: &str) -> String {
        url::Url::parse(&self.url(name))
            .expect("listener URL")
            .path()
            .to_owned()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn routes_path(&self) -> &Path {
        &self.routes
    }

    /// Everything the gateway logged so far (stderr), plus its stdout.
    pub fn logs(&self) -> String {
        let stderr = std::fs::read(&self.stderr_log).unwrap_or_default();
        format!(
            "--- taxii-gateway stderr ---\n{}\n--- stdout ---\n{}",
            String::from_utf8_lossy(&stderr),
            self.stdout_lines.lock().unwrap().join("\n")
        )
    }

    /// The stderr log alone.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.stderr_log).unwrap_or_default()).into_owned()
    }

    /// Replaces routes.toml: written beside it, then renamed over it, so the watcher never
    /// reads half a file.
    pub fn rewrite_routes(&self, routes: &str) {
        let staging = self.dir.path().join("routes.toml.new");
        std::fs::write(&staging, routes).expect("write staged routes");
        std::fs::rename(&staging, &self.routes).expect("rename routes");
    }

    /// Sends SIGHUP.
    pub fn sighup(&self) {
        self.signal("HUP");
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits until the stderr log has more than `count` occurrences of `needle`.
    pub fn wait_for_log(&self, needle: &str, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.stderr().matches(needle).count() > count {
                return true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        false
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGTERM and waits for the exit status (at most `timeout`).
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        self.signal("TERM");
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many `[[listener]]` entries a routes text has (0 if it does not parse).
fn listener_count(routes: &str) -> usize {
    routes
        .parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|doc| {
            doc.get("listener")
                .and_then(|l| l.as_array_of_tables())
                .map(|a| a.len())
        })
        .unwrap_or(0)
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as the TAXII message its headers say it is.
    pub fn message(&self) -> Result<Message, String> {
        let binding_id = self
            .header("X-TAXII-Content-Type")
            .ok_or_else(|| format!("no X-TAXII-Content-Type in {self:?}"))?;
        let binding = MessageBindingKind::from_id(binding_id)
            .ok_or_else(|| format!("unknown binding {binding_id}"))?;
        let version = match self.header("X-TAXII-Services") {
            Some(SERVICES10) => Version::V10,
            Some(SERVICES11) => Version::V11,
            other => return Err(format!("bad X-TAXII-Services {other:?}")),
        };
        binding
            .decode(&self.body, version)
            .map_err(|e| format!("undecodable {binding_id} answer ({e}): {}", self.text()))
    }
}

/// POSTs `body` to `url` with `headers`, over a fresh connection (HTTP/1.1, closed after).
pub fn http_post(url: &str, headers: &[(&str, String)], body: &[u8]) -> Result<HttpAnswer, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    let host = parsed.host_str().ok_or("no host")?.to_owned();
    let port = parsed.port_or_known_default().ok_or("no port")?;
    let mut stream =
        TcpStream::connect((host.as_str(), port)).map_err(|e| format!("connect {url}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut request = format!(
        "POST {} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        parsed.path(),
        body.len()
    );
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {host}:{port}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.write_all(body))
        .map_err(|e| format!("send to {url}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("read from {url}: {e}"))?;
    parse_response(&raw).ok_or_else(|| {
        format!(
            "not an HTTP response from {url}: {:?}",
            String::from_utf8_lossy(&raw)
        )
    })
}

fn parse_response(raw: &[u8]) -> Option<HttpAnswer> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    } else if let Some((_, len)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        let len: usize = len.parse().ok()?;
        if body.len() < len {
            return None;
        }
        body.truncate(len);
    }
    Some(HttpAnswer {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The TAXII HTTP headers of a request in `binding` (an ID) for `services` (an ID).
pub fn taxii_headers(
    binding: &str,
    services: &str,
    auth: Option<Account>,
) -> Vec<(&'static str, String)> {
    let content_type = if binding == JSON {
        "application/json"
    } else {
        "application/xml"
    };
    let mut headers = vec![
        ("Content-Type", content_type.to_owned()),
        ("Accept", content_type.to_owned()),
        ("X-TAXII-Content-Type", binding.to_owned()),
        ("X-TAXII-Accept", binding.to_owned()),
        ("X-TAXII-Services", services.to_owned()),
        ("X-TAXII-Protocol", PROTOCOL_HTTP.to_owned()),
    ];
    if let Some(account) = auth {
        headers.push(("Authorization", basic(account.username, account.password)));
    }
    headers
}

/// `Basic base64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// POSTs a raw TAXII message (XML or JSON text) to `url`.
pub fn post_taxii(
    url: &str,
    binding: &str,
    services: &str,
    auth: Option<Account>,
    body: &str,
) -> Result<HttpAnswer, String> {
    http_post(
        url,
        &taxii_headers(binding, services, auth),
        body.as_bytes(),
    )
}

/// POSTs a raw TAXII message and decodes the answer, panicking with the gateway's logs when
/// the exchange fails or the answer is not a TAXII message.
pub fn exchange(
    gateway: &Gateway,
    url: &str,
    binding: &str,
    services: &str,
    auth: Option<Account>,
    body: &str,
) -> (u16, Message) {
    let answer = post_taxii(url, binding, services, auth, body)
        .unwrap_or_else(|e| panic!("{e}\n{}", gateway.logs()));
    let message = answer
        .message()
        .unwrap_or_else(|e| panic!("{e}\n{}", gateway.logs()));
    (answer.status, message)
}

/// A minimal STIX 1.1.1 package titled `marker`, so a poll can find it again.
pub fn stix_package(marker: &str) -> String {
    format!(
        r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:gwtest="urn:taxii-gateway-test" id="gwtest:package-{marker}" version="1.1.1"><stix:STIX_Header><stix:Title>{marker}</stix:Title></stix:STIX_Header></stix:STIX_Package>"#
    )
}

/// Runs a cabby CLI tool (`taxii-discovery`, ...) against `port` + `path`; stdout + stderr.
pub fn cabby(tool: &str, port: u16, path: &str, auth: Option<Account>, args: &[&str]) -> String {
    let mut command = Command::new(bin(tool));
    command.args([
        "--host",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--path",
        path,
    ]);
    if let Some(account) = auth {
        command.args([
            "--username",
            account.username,
            "--password",
            account.password,
        ]);
    }
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a Python snippet in the peer venv (cabby, libtaxii importable); stdout, stderr, ok.
pub fn python(script: &str, args: &[&str]) -> (String, String, bool) {
    let output = Command::new(taxii_testkit::python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

/// The value of `attribute="..."` on the first element whose tag ends with `element`.
pub fn xml_attribute(xml: &str, element: &str, attribute: &str) -> Option<String> {
    let at = xml
        .find(&format!(":{element} "))
        .or_else(|| xml.find(&format!("<{element} ")))?;
    let tag_end = xml[at..].find('>')? + at;
    let tag = &xml[at..tag_end];
    let key = format!("{attribute}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}
