//! The `taxii-gateway` command line.

use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use taxii_core::Version;
use taxii_gateway::translate::{translate, Target};

/// taxii-gateway: translates TAXII 1.0/1.1 exchanges between message bindings (XML 1.0,
/// XML 1.1, CERT-EU JSON) and protocol bindings, so communities that speak different
/// bindings can share threat intelligence.
#[derive(Parser)]
#[command(name = "taxii-gateway", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway on a route table until SIGTERM or SIGINT, then drain.
    ///
    /// Prints where it listens, logs one line per exchange, and reloads the table when the
    /// file changes or on SIGHUP (an invalid edit is logged and the running table stays).
    /// Log verbosity: RUST_LOG (default info).
    Run {
        /// The route table.
        #[arg(long, default_value = "routes.toml", value_name = "FILE")]
        routes: PathBuf,
    },
    /// Validate a route table: print every error and exit 1, or a summary and exit 0.
    Check {
        /// The route table.
        #[arg(default_value = "routes.toml", value_name = "FILE")]
        file: PathBuf,
    },
    /// Translate one TAXII message to another message binding and/or TAXII version.
    ///
    /// Reads one message from FILE (or standard input), detects its binding (XML 1.0,
    /// XML 1.1 or CERT-EU JSON) and TAXII version, converts between TAXII 1.0 and 1.1 when
    /// the target differs, and writes the result to standard output. Content (STIX and
    /// anything else) is carried byte for byte. Exit status 0 on success; 2 with a
    /// one-line error on standard error when the input is not a valid TAXII message or the
    /// target cannot express it.
    ///
    /// Examples:
    ///   taxii-gateway translate --to xml10 poll_response_11.xml
    ///   cat inbox.xml | taxii-gateway translate --to json11
    ///   taxii-gateway translate --to urn:cert.europa.eu:message:json:1.0 --services 1.0 msg.xml
    #[command(verbatim_doc_comment)]
    Translate {
        /// Target binding: xml10, xml11, json10, json11, or a Message Binding Version ID
        /// (urn:taxii.mitre.org:message:xml:1.0, ...:xml:1.1, urn:cert.europa.eu:message:json:1.0).
        #[arg(long, value_name = "BINDING")]
        to: String,
        /// TAXII services version to write (1.0 or 1.1); defaults to the one --to implies,
        /// else the input's.
        #[arg(long, value_name = "1.0|1.1")]
        services: Option<Version>,
        /// When writing TAXII 1.0, replace message ids that are not digits (1.1 allows any
        /// URI; 1.0 only digits) with stable numbers derived from them.
        #[arg(long)]
        renumber_ids: bool,
        /// The message to read; standard input when absent or "-".
        file: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { routes } => run(&routes),
        Command::Check { file } => check(&file),
        Command::Translate {
            to,
            services,
            renumber_ids,
            file,
        } => run_translate(&to, services, renumber_ids, file),
    }
}

fn run(routes: &std::path::Path) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(taxii_gateway::serve::run(routes, |addresses| {
        for (name, url) in addresses {
            println!("taxii-gateway: listener {name} on {url}");
        }
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("taxii-gateway: {e}");
            ExitCode::from(1)
        }
    }
}

fn check(file: &std::path::Path) -> ExitCode {
    match taxii_gateway::config::load(file) {
        Ok(table) => {
            print!("{}", taxii_gateway::config::summary(&table));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in errors.iter() {
                eprintln!("{e}");
            }
            eprintln!("{}: {} error(s)", file.display(), errors.len());
            ExitCode::from(1)
        }
    }
}

fn run_translate(
    to: &str,
    services: Option<Version>,
    renumber_ids: bool,
    file: Option<PathBuf>,
) -> ExitCode {
    let result = Target::parse(to, services).and_then(|mut target| {
        target.renumber_ids = renumber_ids;
        let input = read_input(file.as_ref())?;
        translate(input, target)
    });
    match result {
        Ok(output) => match std::io::stdout().lock().write_all(&output) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot write the result: {e}")),
        },
        Err(e) => fail(&e),
    }
}

fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    let mut input = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            input =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut input)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
        }
    }
    Ok(input)
}

fn fail(message: &str) -> ExitCode {
    let line = message.replace('\n', " ");
    eprintln!("taxii-gateway: {line}");
    ExitCode::from(2)
}
