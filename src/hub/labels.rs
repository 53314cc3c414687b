//! Timestamp labels as the hub keeps them: microseconds since the Unix epoch (UTC), the
//! granularity TAXII labels have, so a label and its text convert both ways exactly.
//!
//! One label sequence serves every collection, assigned inside the store's (serialized)
//! write transactions and persisted with them: labels are strictly increasing in commit
//! order even if the clock stalls or goes back, and across restarts.

use chrono::{DateTime, FixedOffset, Utc};
use taxii_core::Timestamp;

/// A label: microseconds since 1970-01-01T00:00:00Z.
pub type Label = u64;

/// The label to assign after `last`, given the clock reads `now`.
pub fn next_label(last: Label, now: Label) -> Label {
    now.max(last.saturating_add(1))
}

/// The clock, as a label.
pub fn now_label() -> Label {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A label written as TAXII text (`2026-12-03T08:04:34.388076Z`).
pub fn to_timestamp(label: Label) -> Timestamp {
    let micros = i64::try_from(label).unwrap_or(i64::MAX);
    let instant = DateTime::<Utc>::from_timestamp_micros(micros)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
        .fixed_offset();
    Timestamp::from_instant(instant)
}

/// Where a requested bound falls among labels. Labels before the epoch do not exist, so
/// such a bound is below every label.
pub fn bound_of(timestamp: &Timestamp) -> RequestedBound {
    let instant: DateTime<FixedOffset> = timestamp.instant();
    match u64::try_from(instant.timestamp_micros()) {
        Ok(label) => RequestedBound::At(label),
        Err(_) => RequestedBound::BeforeEveryLabel,
    }
}

/// A requested bound, placed among labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedBound {
    BeforeEveryLabel,
    At(Label),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_increase_when_the_clock_stalls_or_goes_back() {
        assert_eq!(next_label(100, 500), 500);
        assert_eq!(next_label(500, 500), 501);
        assert_eq!(next_label(500, 10), 501);
    }

    #[test]
    fn labels_and_their_text_convert_both_ways() {
        let label = 1_796_372_674_388_076;
        let text = to_timestamp(label);
        assert_eq!(text.as_str(), "2026-12-04T08:24:34.388076Z");
        assert_eq!(bound_of(&text), RequestedBound::At(label));
        let zoned = Timestamp::parse("2026-12-04T10:24:34.388076+02:00").unwrap();
        assert_eq!(bound_of(&zoned), RequestedBound::At(label));
        let ancient = Timestamp::parse("1969-12-31T23:59:59Z").unwrap();
        assert_eq!(bound_of(&ancient), RequestedBound::BeforeEveryLabel);
    }
}
