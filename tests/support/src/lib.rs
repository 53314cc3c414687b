//! Test support for taxii-gateway (filled in by the test-infrastructure work).
