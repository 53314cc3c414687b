//! Locating the cargo workspace root, from which every other path of the testkit is derived.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The directory of the workspace's root `Cargo.toml` (the one with a `[workspace]` table).
///
/// Found by walking up from this crate's `CARGO_MANIFEST_DIR`, so it is the same whichever
/// crate's test binary calls it.
///
/// # Panics
/// If no ancestor holds a `Cargo.toml` with `[workspace]` (the testkit was moved out of
/// its workspace).
pub fn workspace_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let start = Path::new(env!("CARGO_MANIFEST_DIR"));
        find_workspace_root(start).unwrap_or_else(|| {
            panic!(
                "taxii-testkit: no Cargo.toml with a [workspace] table above {}; \
                 the testkit must live inside the taxii-gateway workspace",
                start.display()
            )
        })
    })
}

/// The first directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let declares_workspace = manifest.lines().any(|line| line.trim() == "[workspace]");
        declares_workspace.then(|| dir.to_path_buf())
    })
}

/// `tests/peers/` under the workspace root: the Python side of the test infrastructure.
pub fn peers_dir() -> PathBuf {
    workspace_root().join("tests").join("peers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_root_holds_the_workspace_manifest_and_the_peers_dir() {
        let root = workspace_root();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("root manifest");
        assert!(manifest.contains("[workspace]"));
        assert!(peers_dir().join("requirements.txt").is_file());
    }

    #[test]
    fn a_directory_without_a_workspace_above_has_no_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a").join("b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(dir.path().join("a").join("Cargo.toml"), "[package]\n").expect("write");
        // The temp dir lives outside any workspace, so the walk must come up empty
        // (unless /tmp itself sits under a workspace, which it does not on CI machines).
        assert_eq!(find_workspace_root(&nested), None);
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").expect("w");
        assert_eq!(find_workspace_root(&nested).as_deref(), Some(dir.path()));
    }
}
