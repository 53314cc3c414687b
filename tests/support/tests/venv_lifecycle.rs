//! The venv stamp logic on a real, small venv: concurrent first use installs once, then
//! reuse, adoption of an unstamped venv, reinstall when the pins change, and recreation of
//! a broken venv. Needs python3 with `venv` and PyPI, like the peer venv itself.

use std::fs;
use std::path::Path;
use std::process::Command;
use taxii_testkit::{ensure_venv_at, VenvError, VenvState};

fn frozen(venv: &Path) -> String {
    let output = Command::new(venv.join("bin").join("python"))
        .args(["-m", "pip", "freeze", "--disable-pip-version-check"])
        .output()
        .expect("pip freeze runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_venv_is_installed_once_then_reused_adopted_and_reinstalled_as_pins_change() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let venv = scratch.path().join("venv");
    let requirements = scratch.path().join("requirements.txt");
    fs::write(&requirements, "# one tiny pin\nsix==1.17.0\n").expect("write pins");

    // Three callers at once: the lock lets one install while the others wait and reuse it.
    let mut outcomes: Vec<VenvState> = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| ensure_venv_at(&venv, &requirements)))
            .collect();
        callers
            .into_iter()
            .map(|caller| {
                caller
                    .join()
                    .expect("no panic")
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    });
    outcomes.sort_by_key(|state| format!("{state:?}"));
    assert_eq!(
        outcomes,
        [VenvState::Installed, VenvState::Reused, VenvState::Reused]
    );
    assert!(frozen(&venv).contains("six==1.17.0"));

    let again = ensure_venv_at(&venv, &requirements).expect("reuse");
    assert_eq!(again, VenvState::Reused);

    fs::remove_file(venv.join(".taxii-testkit-stamp")).expect("drop the stamp");
    assert_eq!(
        ensure_venv_at(&venv, &requirements).expect("adopt"),
        VenvState::Adopted
    );

    fs::write(&requirements, "six==1.16.0\n").expect("change the pin");
    assert_eq!(
        ensure_venv_at(&venv, &requirements).expect("reinstall"),
        VenvState::Installed
    );
    assert!(frozen(&venv).contains("six==1.16.0"), "{}", frozen(&venv));

    fs::remove_file(venv.join("bin").join("python")).expect("break the venv");
    assert_eq!(
        ensure_venv_at(&venv, &requirements).expect("recreate"),
        VenvState::Installed
    );
    assert!(frozen(&venv).contains("six==1.16.0"));
}

#[test]
fn failures_say_what_failed_and_how_to_fix_it() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let venv = scratch.path().join("venv");

    let missing = scratch.path().join("absent.txt");
    let error = ensure_venv_at(&venv, &missing).expect_err("no pins file");
    assert!(
        matches!(error, VenvError::RequirementsUnreadable(..)),
        "{error:?}"
    );
    assert!(error.to_string().contains("absent.txt"), "{error}");

    let requirements = scratch.path().join("requirements.txt");
    fs::write(
        &requirements,
        "taxii-testkit-no-such-package-anywhere==0.0.1\n",
    )
    .expect("w");
    let error = ensure_venv_at(&venv, &requirements).expect_err("pip cannot find it");
    assert!(matches!(error, VenvError::PipFailed(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("pip install") && text.contains("taxii-testkit-no-such-package-anywhere"),
        "{text}"
    );
    assert!(
        !venv.join(".taxii-testkit-stamp").exists(),
        "a failed install must not be stamped"
    );
}
