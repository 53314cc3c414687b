//! Does a JSON string hold an XML element? libtaxii's rule for Extended Header values.
//!
//! The JSON form carries no "is XML" flag for Extended Headers: libtaxii writes an XML
//! value as its serialised element and, reading, tries `etree.fromstring(value)`; a value
//! that parses is XML, anything else is text. This is the same test: one well-formed root
//! element (comments, processing instructions and white space may surround it).

use quick_xml::events::Event;
use quick_xml::Reader;

/// Whether `text` is one well-formed XML element.
pub(crate) fn is_xml_element(text: &str) -> bool {
    // Cheap rejection first: almost every text header is not markup.
    if !text.trim_start().starts_with('<') {
        return false;
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        match reader.read_event() {
            Err(_) => return false,
            Ok(Event::Eof) => return depth == 0 && roots == 1,
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::End(_)) => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            Ok(Event::Empty(_)) => {
                if depth == 0 {
                    roots += 1;
                }
            }
            Ok(Event::Text(t)) if depth == 0 => {
                if !t.iter().all(u8::is_ascii_whitespace) {
                    return false;
                }
            }
            Ok(Event::CData(_)) | Ok(Event::DocType(_)) if depth == 0 => return false,
            Ok(_) => {}
        }
        if roots > 1 {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_element_is_xml() {
        assert!(is_xml_element("<a/>"));
        assert!(is_xml_element("<x:a xmlns:x=\"urn:x\"><b>t</b></x:a>"));
        assert!(is_xml_element("  <!-- c --><a>1</a>\n"));
    }

    #[test]
    fn text_and_broken_markup_are_text() {
        for text in [
            "", "plain", "<", "<a>", "<a></b>", "<a/><b/>", "<a/>tail", "1 < 2",
        ] {
            assert!(!is_xml_element(text), "{text:?} is not one element");
        }
    }
}
