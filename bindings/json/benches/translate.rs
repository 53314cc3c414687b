//! Placeholder replaced once the XML binding exists.
fn main() {}
