//! TAXII XML Message Binding 1.0 and 1.1 (in progress).
