//! JSON string escaping for content, eight bytes at a time.
//!
//! Content is nearly all of a Poll Response, and serde_json's escaper looks at one byte per
//! step. This one tests eight bytes at once for the three things JSON must escape (`"`,
//! `\` and control characters) and copies clean runs whole. Its output is byte-identical
//! to serde_json's (`\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`), so a
//! message is written the same whichever path wrote a string.

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `word` is `"`, `\` or below 0x20.
#[inline]
fn needs_escape(word: u64) -> bool {
    let has_zero = |x: u64| x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS != 0;
    let below_space = word.wrapping_sub(LOW_BITS * 0x20) & !word & HIGH_BITS != 0;
    below_space
        || has_zero(word ^ (LOW_BITS * b'"' as u64))
        || has_zero(word ^ (LOW_BITS * b'\\' as u64))
}

/// The escape of one byte, if it needs one.
#[inline]
fn escape(byte: u8) -> Option<&'static [u8]> {
    const CONTROL: [&[u8]; 32] = [
        b"\\u0000", b"\\u0001", b"\\u0002", b"\\u0003", b"\\u0004", b"\\u0005", b"\\u0006",
        b"\\u0007", b"\\b", b"\\t", b"\\n", b"\\u000b", b"\\f", b"\\r", b"\\u000e", b"\\u000f",
        b"\\u0010", b"\\u0011", b"\\u0012", b"\\u0013", b"\\u0014", b"\\u0015", b"\\u0016",
        b"\\u0017", b"\\u0018", b"\\u0019", b"\\u001a", b"\\u001b", b"\\u001c", b"\\u001d",
        b"\\u001e", b"\\u001f",
    ];
    match byte {
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        0..=0x1f => Some(CONTROL[byte as usize]),
        _ => None,
    }
}

/// Appends `text` to `out` as a quoted JSON string.
pub(crate) fn write_json_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + bytes.len() / 16 + 2);
    out.push(b'"');
    let mut clean_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !needs_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        for (j, &byte) in bytes.iter().enumerate().take(end).skip(i) {
            if let Some(escaped) = escape(byte) {
                out.extend_from_slice(&bytes[clean_from..j]);
                out.extend_from_slice(escaped);
                clean_from = j + 1;
            }
        }
        i = end;
    }
    out.extend_from_slice(&bytes[clean_from..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        write_json_string(&mut out, text);
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    #[test]
    fn escapes_exactly_like_serde_json() {
        let all_controls: String = (0u8..0x20).map(char::from).collect();
        for text in [
            "",
            "plain",
            "<a href=\"x\">1 < 2 \\ 3</a>\n\t\r",
            "exactly8",
            "\"\"\"\"\"\"\"\"\"",
            "é中\u{7f}\u{2028}",
            &all_controls,
        ] {
            assert_eq!(ours(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn matches_serde_json_on_any_text(text in "(?s).{0,200}") {
            prop_assert_eq!(ours(&text), serde_json::to_string(&text).unwrap());
        }

        #[test]
        fn matches_serde_json_on_markup(text in "[<>\"'\\\\a-z \n\t\u{1}]{0,200}") {
            prop_assert_eq!(ours(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
