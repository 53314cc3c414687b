//! Escaping for text and attribute values the encoder writes.

use std::borrow::Cow;

/// Escapes character data: `&`, `<`, `>`.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Escapes an attribute value (double-quoted): also `"` and the white space characters
/// attribute normalisation would otherwise turn into spaces.
pub(crate) fn attr(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> Cow<'_, str> {
    let needs = |c: char| {
        matches!(c, '&' | '<' | '>' | '\r') || (attribute && matches!(c, '"' | '\n' | '\t'))
    };
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The first character XML 1.0 cannot carry at all (control characters other than tab,
/// newline and carriage return), if any.
pub(crate) fn invalid_char(s: &str) -> Option<char> {
    s.chars().find(|&c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(super::text("a<b&c>d\""), "a&lt;b&amp;c&gt;d\"");
        assert_eq!(super::attr("a\"b\nc"), "a&quot;b&#10;c");
        assert!(matches!(
            super::text("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(super::invalid_char("ok\tfine\n"), None);
        assert_eq!(super::invalid_char("bad\u{1}"), Some('\u{1}'));
    }
}
