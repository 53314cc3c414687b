//! Round trips of the 1.0 <-> 1.1 conversion table.
