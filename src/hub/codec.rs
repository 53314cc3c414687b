//! The byte form of the hub's records: stored content blocks, subscriptions and result
//! sets. Hand-written and versioned (the first byte) so a renamed Rust field never changes
//! what is on disk; every read is checked, so a damaged record is an error, never a panic.

use bytes::Bytes;
use taxii_core::{ContentBinding, ContentBlock, Payload, Signature};

/// The first byte of every record written by this version.
const RECORD_VERSION: u8 = 1;

/// A stored record that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored {what} record is damaged or of an unknown format")]
pub struct CorruptRecord {
    pub what: &'static str,
}

/// Appends fields to a record.
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            buf: vec![RECORD_VERSION],
        }
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        // Records are bounded by the message size limit, far below 4 GiB.
        self.u64(v.len() as u64);
        self.buf.extend_from_slice(v);
        self
    }

    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }

    pub fn opt_str(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            None => self.u8(0),
            Some(s) => self.u8(1).str(s),
        }
    }

    pub fn opt_u64(&mut self, v: Option<u64>) -> &mut Self {
        match v {
            None => self.u8(0),
            Some(n) => self.u8(1).u64(n),
        }
    }

    pub fn bindings(&mut self, v: &[ContentBinding]) -> &mut Self {
        self.u64(v.len() as u64);
        for b in v {
            self.str(&b.binding_id).u64(b.subtypes.len() as u64);
            for s in &b.subtypes {
                self.str(s);
            }
        }
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads fields from a record, in the order they were written.
pub struct Reader<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(record: &'a [u8], what: &'static str) -> Result<Reader<'a>, CorruptRecord> {
        match record.split_first() {
            Some((&RECORD_VERSION, rest)) => Ok(Reader { rest, what }),
            _ => Err(CorruptRecord { what }),
        }
    }

    fn corrupt(&self) -> CorruptRecord {
        CorruptRecord { what: self.what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CorruptRecord> {
        if self.rest.len() < n {
            return Err(self.corrupt());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, CorruptRecord> {
        Ok(self.take(1)?[0])
    }

    pub fn u64(&mut self) -> Result<u64, CorruptRecord> {
        let bytes = self.take(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(array))
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], CorruptRecord> {
        let len = usize::try_from(self.u64()?).map_err(|_| self.corrupt())?;
        self.take(len)
    }

    pub fn string(&mut self) -> Result<String, CorruptRecord> {
        let bytes = self.bytes()?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.corrupt())
    }

    fn flag(&mut self) -> Result<bool, CorruptRecord> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.corrupt()),
        }
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, CorruptRecord> {
        if self.flag()? {
            self.string().map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn opt_u64(&mut self) -> Result<Option<u64>, CorruptRecord> {
        if self.flag()? {
            self.u64().map(Some)
        } else {
            Ok(None)
        }
    }

    /// A count of following items, checked against what is left (each item takes at
    /// least `min_item_len` bytes), so a damaged count cannot make us allocate wildly.
    pub fn count(&mut self, min_item_len: usize) -> Result<usize, CorruptRecord> {
        let n = usize::try_from(self.u64()?).map_err(|_| self.corrupt())?;
        if n.saturating_mul(min_item_len.max(1)) > self.rest.len() {
            return Err(self.corrupt());
        }
        Ok(n)
    }

    pub fn bindings(&mut self) -> Result<Vec<ContentBinding>, CorruptRecord> {
        let n = self.count(16)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let binding_id = self.string()?;
            let m = self.count(8)?;
            let mut subtypes = Vec::with_capacity(m);
            for _ in 0..m {
                subtypes.push(self.string()?);
            }
            out.push(ContentBinding {
                binding_id,
                subtypes,
            });
        }
        Ok(out)
    }
}

const BLOCK: &str = "content block";

/// A content block as stored: binding first (so filters read only that), then content,
/// block message, padding and signature. The timestamp label is the record's key.
pub fn encode_block(block: &ContentBlock) -> Vec<u8> {
    let mut w = Writer::new();
    w.bindings(std::slice::from_ref(&block.content_binding))
        .u8(u8::from(block.content.is_xml))
        .bytes(&block.content.bytes)
        .opt_str(block.message.as_deref())
        .opt_str(block.padding.as_deref());
    match &block.signature {
        None => w.u8(0),
        Some(Signature(bytes)) => w.u8(1).bytes(bytes),
    };
    w.finish()
}

/// Only the content binding of a stored block.
pub fn decode_block_binding(record: &[u8]) -> Result<ContentBinding, CorruptRecord> {
    let mut r = Reader::new(record, BLOCK)?;
    r.bindings()?.pop().ok_or(CorruptRecord { what: BLOCK })
}

/// A stored block, its label written back in.
pub fn decode_block(
    record: &[u8],
    label: taxii_core::Timestamp,
) -> Result<ContentBlock, CorruptRecord> {
    let mut r = Reader::new(record, BLOCK)?;
    let content_binding = r.bindings()?.pop().ok_or(CorruptRecord { what: BLOCK })?;
    let is_xml = r.flag()?;
    let content = Payload {
        bytes: Bytes::copy_from_slice(r.bytes()?),
        is_xml,
    };
    let message = r.opt_string()?;
    let padding = r.opt_string()?;
    let signature = if r.flag()? {
        Some(Signature(Bytes::copy_from_slice(r.bytes()?)))
    } else {
        None
    };
    Ok(ContentBlock {
        content_binding,
        content,
        timestamp_label: Some(label),
        message,
        padding,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_back_with_every_field() {
        let block = ContentBlock {
            content_binding: ContentBinding {
                binding_id: "urn:stix.mitre.org:xml:1.1.1".into(),
                subtypes: vec!["urn:x:sub".into()],
            },
            content: Payload::xml(&b"<a xmlns='urn:a'>\0\xff</a>"[..]),
            timestamp_label: None,
            message: Some("m".into()),
            padding: Some("   ".into()),
            signature: Some(Signature(Bytes::from_static(b"<ds:Signature/>"))),
        };
        let record = encode_block(&block);
        let label = super::super::labels::to_timestamp(1);
        let back = decode_block(&record, label.clone()).unwrap();
        assert_eq!(back.timestamp_label, Some(label));
        assert_eq!(
            ContentBlock {
                timestamp_label: None,
                ..back
            },
            block
        );
        assert_eq!(
            decode_block_binding(&record).unwrap(),
            block.content_binding
        );
    }

    #[test]
    fn damaged_records_are_errors() {
        let record = encode_block(&ContentBlock::new("urn:b", Payload::text("x")));
        for cut in 0..record.len() {
            assert!(decode_block(&record[..cut], super::super::labels::to_timestamp(1)).is_err());
        }
        let mut wrong_version = record.clone();
        wrong_version[0] = 99;
        assert!(decode_block_binding(&wrong_version).is_err());
    }
}
