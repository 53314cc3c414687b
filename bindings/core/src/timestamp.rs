//! Timestamp Labels: RFC 3339 date-times with a mandatory zone and at most six
//! fractional digits (TAXII Services 1.1 §4.1.4; the XSD `TimestampLabelType`).
//!
//! A [`Timestamp`] keeps the exact text it was read from, so a message that passes
//! through unchanged is written back byte for byte; the parsed instant is used only
//! where TAXII asks for arithmetic (1.0 inclusive <-> 1.1 exclusive begin bounds).

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat};

/// A validated Timestamp Label.
///
/// Two labels are equal when they denote the same instant (`...T00:00:00Z` equals
/// `...T02:00:00+02:00`); the text each was written with is kept for writing it back.
#[derive(Debug, Clone)]
pub struct Timestamp {
    text: String,
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Timestamp) -> bool {
        self.text == other.text || self.instant() == other.instant()
    }
}

impl Eq for Timestamp {}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.instant().timestamp_micros().hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Timestamp) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// Chronological order.
    fn cmp(&self, other: &Timestamp) -> std::cmp::Ordering {
        self.instant().cmp(&other.instant())
    }
}

/// Why a string is not a Timestamp Label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a TAXII timestamp label (RFC 3339 with a zone, at most 6 fractional digits): {reason}")]
pub struct TimestampError {
    pub text: String,
    pub reason: &'static str,
}

impl Timestamp {
    /// Validates `text` and keeps it as written.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let err = |reason| TimestampError {
            text: text.to_owned(),
            reason,
        };
        let t = text.trim();
        if t.len() != text.len() {
            return Err(err("surrounding white space"));
        }
        // chrono accepts lower-case 't'/'z' and a space separator; TAXII's pattern does not.
        let bytes = t.as_bytes();
        if bytes.len() < 20 || bytes.get(10) != Some(&b'T') {
            return Err(err("expected YYYY-MM-DDThh:mm:ss followed by a zone"));
        }
        if let Some(dot) = t.find('.') {
            let digits = t[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err("empty fraction"));
            }
            if digits > 6 {
                return Err(err("more than 6 fractional digits"));
            }
        }
        if t.ends_with('z') {
            return Err(err("zone must be 'Z' or +hh:mm"));
        }
        let instant =
            DateTime::parse_from_rfc3339(t).map_err(|_| err("not a valid RFC 3339 date-time"))?;
        if instant.offset().local_minus_utc().abs() > 14 * 3600 {
            return Err(err("zone offset beyond ±14:00 (xs:dateTime)"));
        }
        Ok(Timestamp {
            text: text.to_owned(),
        })
    }

    /// The label as it was written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, with the zone it was written in.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        // Validated in `parse`, so this cannot fail.
        DateTime::parse_from_rfc3339(&self.text).expect("validated timestamp")
    }

    /// This label shifted by `micros` microseconds, written with six fractional digits in
    /// the same zone (TAXII labels have microsecond granularity).
    pub fn shifted_micros(&self, micros: i64) -> Timestamp {
        let shifted = self.instant() + Duration::microseconds(micros);
        let zulu = self.text.ends_with('Z');
        Timestamp {
            text: shifted.to_rfc3339_opts(SecondsFormat::Micros, zulu),
        }
    }

    /// Builds a label from an instant, written with six fractional digits.
    pub fn from_instant(instant: DateTime<FixedOffset>) -> Timestamp {
        let zulu = instant.offset().local_minus_utc() == 0;
        Timestamp {
            text: instant.to_rfc3339_opts(SecondsFormat::Micros, zulu),
        }
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_it_was_given() {
        for t in [
            "2014-01-02T00:00:00Z",
            "2014-01-02T00:00:00.5+05:30",
            "2014-12-31T23:59:59.123456-04:00",
        ] {
            assert_eq!(Timestamp::parse(t).unwrap().as_str(), t);
        }
    }

    #[test]
    fn refuses_what_the_xsd_pattern_refuses() {
        for t in [
            "2014-01-02",
            "2014-01-02T00:00:00",
            "2014-01-02 00:00:00Z",
            "2014-01-02T00:00:00.1234567Z",
            "2014-01-02T00:00:00z",
            " 2014-01-02T00:00:00Z",
            "2014-13-02T00:00:00Z",
            "2014-01-02T00:00:00.Z",
            "2014-01-02T00:00:00+14:30",
        ] {
            assert!(Timestamp::parse(t).is_err(), "{t} should be refused");
        }
    }

    #[test]
    fn equality_is_by_instant_and_the_text_is_kept() {
        let a = Timestamp::parse("2014-01-02T00:00:00Z").unwrap();
        let b = Timestamp::parse("2014-01-02T02:00:00.000+02:00").unwrap();
        assert_eq!(a, b);
        assert_ne!(a.as_str(), b.as_str());
        assert!(Timestamp::parse("2014-01-02T00:00:00.000001Z").unwrap() > a);
    }

    #[test]
    fn shifting_by_a_microsecond_crosses_midnight_and_keeps_the_zone() {
        let t = Timestamp::parse("2014-01-02T00:00:00Z").unwrap();
        assert_eq!(t.shifted_micros(-1).as_str(), "2014-01-01T23:59:59.999999Z");
        let t = Timestamp::parse("2014-01-02T00:00:00+02:00").unwrap();
        assert_eq!(
            t.shifted_micros(1).as_str(),
            "2014-01-02T00:00:00.000001+02:00"
        );
        assert_eq!(
            t.shifted_micros(-1).shifted_micros(1).instant(),
            t.instant()
        );
    }
}
