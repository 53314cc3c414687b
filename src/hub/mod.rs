//! The built-in hub: collections the gateway stores itself (work in progress).
