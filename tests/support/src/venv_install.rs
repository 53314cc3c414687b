//! Creating and refreshing a venv from a pins file, safely under concurrency.
//!
//! A stamp file inside the venv records a hash of the pins: equal hash means reuse,
//! different hash means `pip install -r` again. A venv that predates the stamp is adopted
//! when `pip freeze` already shows every pin. All of it happens under an exclusive lock on
//! `<venv>.lock`, so when many test binaries start at once exactly one installs and the
//! others wait for it, then reuse its work.

use std::fmt;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) const STAMP_FILE: &str = ".taxii-testkit-stamp";

/// Why the venv could not be made usable; each variant's text says how to fix it.
#[derive(Debug)]
pub enum VenvError {
    RequirementsUnreadable(PathBuf, std::io::Error),
    Io(&'static str, PathBuf, std::io::Error),
    PythonMissing(std::io::Error),
    VenvModuleFailed(String),
    PipFailed(String),
    PinsNotInstalled(Vec<String>),
}

impl fmt::Display for VenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RequirementsUnreadable(path, e) => {
                write!(f, "cannot read the pins {}: {e}", path.display())
            }
            Self::Io(what, path, e) => write!(f, "cannot {what} {}: {e}", path.display()),
            Self::PythonMissing(e) => write!(
                f,
                "`python3` cannot be run ({e}). Install Python 3.11 \
                 (`apt-get install -y python3 python3-venv`) and put python3 on PATH"
            ),
            Self::VenvModuleFailed(stderr) => write!(
                f,
                "`python3 -m venv` failed. On Debian/Ubuntu install the venv module with \
                 `apt-get install -y python3-venv` (or run .ci/run as root). stderr:\n{stderr}"
            ),
            Self::PipFailed(stderr) => write!(
                f,
                "`pip install -r tests/peers/requirements.txt` failed. Check that PyPI is \
                 reachable and the pins exist; delete target/peers-venv to start clean. \
                 stderr:\n{stderr}"
            ),
            Self::PinsNotInstalled(missing) => write!(
                f,
                "pip reported success but `pip freeze` lacks these pins: {}; \
                 delete target/peers-venv and run again",
                missing.join(", ")
            ),
        }
    }
}

impl std::error::Error for VenvError {}

/// What [`ensure_venv_at`] had to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenvState {
    /// The stamp matched the pins: nothing was run.
    Reused,
    /// No (or a stale) stamp, but `pip freeze` already showed every pin: stamp written.
    Adopted,
    /// `pip install -r` ran (after creating the venv if it was missing or broken).
    Installed,
}

/// Makes `dir` a venv holding exactly the pins of `requirements`, reusing it when its
/// stamp (or, for a venv without a stamp, its `pip freeze`) already matches.
pub fn ensure_venv_at(dir: &Path, requirements: &Path) -> Result<VenvState, VenvError> {
    let pins = fs::read_to_string(requirements)
        .map_err(|e| VenvError::RequirementsUnreadable(requirements.to_path_buf(), e))?;
    let digest = stamp_digest(&pins);
    let parent = dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| VenvError::Io("create", parent.to_path_buf(), e))?;

    let lock_path = dir.with_extension("lock");
    let lock = File::create(&lock_path).map_err(|e| VenvError::Io("open", lock_path.clone(), e))?;
    lock.lock()
        .map_err(|e| VenvError::Io("lock", lock_path.clone(), e))?;

    let stamp = dir.join(STAMP_FILE);
    let python = dir.join("bin").join("python");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(digest.as_str()) && python.is_file() {
        return Ok(VenvState::Reused);
    }
    let interpreter_works = Command::new(&python)
        .args(["-c", "import pip"])
        .output()
        .is_ok_and(|out| out.status.success());
    if interpreter_works && missing_pins(&python, &pins)?.is_empty() {
        eprintln!(
            "taxii-testkit: adopting {} (pip freeze matches the pins)",
            dir.display()
        );
        return write_stamp(&stamp, &digest).map(|()| VenvState::Adopted);
    }
    if !interpreter_works {
        create_venv(dir)?;
    }
    // No stamp while pip runs: a crash mid-install must not leave a venv that looks done.
    match fs::remove_file(&stamp) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(VenvError::Io("remove", stamp, e)),
        _ => {}
    }
    eprintln!(
        "taxii-testkit: installing {} into {} (about 15 s)",
        requirements.display(),
        dir.display()
    );
    let install = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
        ])
        .arg(requirements)
        .output()
        .map_err(|e| VenvError::Io("run pip in", dir.to_path_buf(), e))?;
    if !install.status.success() {
        return Err(VenvError::PipFailed(
            String::from_utf8_lossy(&install.stderr).into_owned(),
        ));
    }
    let missing = missing_pins(&python, &pins)?;
    if !missing.is_empty() {
        return Err(VenvError::PinsNotInstalled(missing));
    }
    write_stamp(&stamp, &digest).map(|()| VenvState::Installed)
}

/// Creates a fresh venv at `dir` (removing a broken one first) with the system python3.
fn create_venv(dir: &Path) -> Result<(), VenvError> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| VenvError::Io("remove", dir.to_path_buf(), e))?;
    }
    Command::new("python3")
        .arg("--version")
        .output()
        .map_err(VenvError::PythonMissing)?;
    eprintln!("taxii-testkit: creating a venv at {}", dir.display());
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .map_err(VenvError::PythonMissing)?;
    if created.status.success() && dir.join("bin").join("python").is_file() {
        Ok(())
    } else {
        let mut text = String::from_utf8_lossy(&created.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&created.stdout));
        Err(VenvError::VenvModuleFailed(text))
    }
}

/// The stamp's content for a pins file: its FNV-1a hash in hex.
pub(crate) fn stamp_digest(pins: &str) -> String {
    format!("{:016x}", fnv1a64(pins.as_bytes()))
}

fn write_stamp(stamp: &Path, digest: &str) -> Result<(), VenvError> {
    fs::write(stamp, digest).map_err(|e| VenvError::Io("write", stamp.to_path_buf(), e))
}

/// The pins of `requirements` that `pip freeze` of `python` does not show at that version.
pub(crate) fn missing_pins(python: &Path, requirements: &str) -> Result<Vec<String>, VenvError> {
    let freeze = Command::new(python)
        .args(["-m", "pip", "freeze", "--disable-pip-version-check"])
        .output()
        .map_err(|e| VenvError::Io("run pip freeze with", python.to_path_buf(), e))?;
    let installed: Vec<(String, String)> =
        parse_pins(&String::from_utf8_lossy(&freeze.stdout)).collect();
    Ok(parse_pins(requirements)
        .filter(|pin| !installed.contains(pin))
        .map(|(name, version)| format!("{name}=={version}"))
        .collect())
}

/// `name==version` lines as (normalised name, version); comments and other lines skipped.
/// Names are normalised as pip does (case-insensitive, `-`, `_`, `.` equivalent).
fn parse_pins(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.lines().filter_map(|line| {
        let line = line.split('#').next()?.trim();
        let (name, version) = line.split_once("==")?;
        let name = name.trim().to_ascii_lowercase().replace(['_', '.'], "-");
        Some((name, version.trim().to_string()))
    })
}

/// 64-bit FNV-1a: a tiny, stable hash, enough to notice that the pins changed.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_normalised_like_pip_and_comments_ignored() {
        let pins: Vec<_> =
            parse_pins("# c\nFlask-HTTPAuth==4.8.1\nmypy_extensions==1.2.0 # x\n\n").collect();
        assert_eq!(
            pins,
            vec![
                ("flask-httpauth".to_string(), "4.8.1".to_string()),
                ("mypy-extensions".to_string(), "1.2.0".to_string())
            ]
        );
    }

    #[test]
    fn the_stamp_hash_is_stable_and_sees_a_changed_pin() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a64(b"lxml==6.1.3\n"), fnv1a64(b"lxml==6.1.2\n"));
    }
}
