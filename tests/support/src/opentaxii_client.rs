//! Seeding and reading a running [`OpenTaxii`] over TAXII 1.1 and 1.0, with cabby's
//! Python API (`tests/peers/taxii_client.py`), so a test can put content behind a gateway
//! or check what arrived there without trusting the gateway's own client code.

use crate::opentaxii::{Account, OpenTaxii};
use crate::run_peer_script;
use serde_json::Value;

/// What the server answered instead of success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiRefusal {
    /// The Status_Message's status type (e.g. `UNAUTHORIZED`); `None` for transport errors.
    pub status: Option<String>,
    /// cabby's description of the failure.
    pub error: String,
}

/// One content block polled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolledBlock {
    pub content: String,
    pub binding: String,
    /// The block's Timestamp_Label, ISO 8601, if it had one.
    pub timestamp: Option<String>,
}

impl OpenTaxii {
    /// Pushes one STIX 1.1.1 block over TAXII 1.1 to [`OpenTaxii::INBOX`], destined for
    /// `collections` (that inbox requires at least one).
    pub fn push_11(
        &self,
        account: Account,
        collections: &[&str],
        content: &str,
    ) -> Result<(), TaxiiRefusal> {
        let mut args = self.client_args("push", "1.1", OpenTaxii::INBOX, account);
        for collection in collections {
            args.extend(["--dest".to_string(), (*collection).to_string()]);
        }
        args.push("-".to_string());
        refusal_or_ok(&self.client(&args, Some(content)), "pushed")
    }

    /// Pushes one STIX 1.1.1 block over TAXII 1.0 to [`OpenTaxii::INBOX_B`], which files it
    /// in collection-b. OpenTAXII answers SUCCESS to a 1.0 push from a read-only account
    /// and silently drops the content.
    pub fn push_10(&self, account: Account, content: &str) -> Result<(), TaxiiRefusal> {
        let mut args = self.client_args("push", "1.0", OpenTaxii::INBOX_B, account);
        args.push("-".to_string());
        refusal_or_ok(&self.client(&args, Some(content)), "pushed")
    }

    /// Polls `collection` over TAXII 1.1 from [`OpenTaxii::POLL`], every part.
    pub fn poll_11(
        &self,
        account: Account,
        collection: &str,
    ) -> Result<Vec<PolledBlock>, TaxiiRefusal> {
        self.poll("1.1", account, collection)
    }

    /// Polls feed `collection` over TAXII 1.0 (which has no paging: at most 5 blocks).
    pub fn poll_10(
        &self,
        account: Account,
        collection: &str,
    ) -> Result<Vec<PolledBlock>, TaxiiRefusal> {
        self.poll("1.0", account, collection)
    }

    fn poll(
        &self,
        version: &str,
        account: Account,
        collection: &str,
    ) -> Result<Vec<PolledBlock>, TaxiiRefusal> {
        let mut args = self.client_args("poll", version, OpenTaxii::POLL, account);
        args.extend(["--collection".to_string(), collection.to_string()]);
        let answer = self.client(&args, None);
        refusal_or_ok(&answer, "ok")?;
        let text = |block: &Value, key: &str| block[key].as_str().map(str::to_string);
        Ok(answer["blocks"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|block| PolledBlock {
                content: text(block, "content").unwrap_or_default(),
                binding: text(block, "binding").unwrap_or_default(),
                timestamp: text(block, "timestamp"),
            })
            .collect())
    }

    fn client_args(
        &self,
        command: &str,
        version: &str,
        path: &str,
        account: Account,
    ) -> Vec<String> {
        [
            command,
            "--host",
            "127.0.0.1",
            "--port",
            &self.port().to_string(),
            "--path",
            path,
            "--version",
            version,
            "--username",
            account.username,
            "--password",
            account.password,
        ]
        .map(str::to_string)
        .to_vec()
    }

    /// Runs taxii_client.py; panics (with the server's logs) if it could not run.
    fn client(&self, args: &[String], stdin: Option<&str>) -> Value {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run_peer_script("taxii_client.py", &args, stdin.map(str::as_bytes));
        assert!(
            output.status.success(),
            "taxii-testkit: taxii_client.py {args:?} could not run ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            self.logs()
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "taxii-testkit: taxii_client.py printed no JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }
}

fn refusal_or_ok(answer: &Value, success_key: &str) -> Result<(), TaxiiRefusal> {
    if answer[success_key] == true {
        return Ok(());
    }
    Err(TaxiiRefusal {
        status: answer["status"].as_str().map(str::to_string),
        error: answer["error"]
            .as_str()
            .unwrap_or("no error text")
            .to_string(),
    })
}
