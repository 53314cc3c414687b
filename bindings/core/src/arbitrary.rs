//! proptest strategies for random valid messages (filled in next).
