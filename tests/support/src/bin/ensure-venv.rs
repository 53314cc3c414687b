//! `cargo run -p taxii-testkit --bin ensure-venv`: builds (or confirms) the peer venv ahead
//! of `cargo test`, so the first test binaries do not all wait on the install.

fn main() {
    let dir = taxii_testkit::venv();
    println!("peer venv ready at {}", dir.display());
}
