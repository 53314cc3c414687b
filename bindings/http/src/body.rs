//! Reading a request body under a size limit, counted while streaming (a chunked body has
//! no `Content-Length` to check first), without copying a body that arrives in one piece.

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// More than the limit arrived; `read` is how much had arrived when reading stopped.
    TooLarge { read: u64 },
    /// The client broke off or sent malformed chunked framing.
    Broken(String),
}

/// Reads the whole body, or stops as soon as more than `limit` bytes have arrived.
pub(crate) async fn read_limited<B>(mut body: B, limit: u64) -> Result<Bytes, BodyError>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut read: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry nothing TAXII needs
        };
        read += data.len() as u64;
        if read > limit {
            return Err(BodyError::TooLarge { read });
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(data),
            (Some(head), None) => {
                let mut joined = BytesMut::with_capacity(head.len() + data.len());
                joined.extend_from_slice(head);
                joined.extend_from_slice(&data);
                rest = Some(joined);
            }
            (Some(_), Some(joined)) => joined.extend_from_slice(&data),
        }
    }
    Ok(match (first, rest) {
        (_, Some(joined)) => joined.freeze(),
        (Some(one), None) => one,
        (None, None) => Bytes::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::body::{Body, Frame, SizeHint};
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body that arrives in the given pieces.
    struct Pieces(VecDeque<Bytes>);

    impl Body for Pieces {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
        }
        fn size_hint(&self) -> SizeHint {
            SizeHint::default()
        }
    }

    fn pieces(parts: &[&'static [u8]]) -> Pieces {
        Pieces(parts.iter().map(|p| Bytes::from_static(p)).collect())
    }

    #[tokio::test]
    async fn pieces_are_joined_in_order() {
        let body = read_limited(pieces(&[b"<Discovery", b"_Request/>"]), 100)
            .await
            .expect("read");
        assert_eq!(&body[..], b"<Discovery_Request/>");
        let empty = read_limited(pieces(&[]), 100).await.expect("read");
        assert!(empty.is_empty());
    }

    #[tokio::test]
    async fn reading_stops_as_soon_as_the_limit_is_passed() {
        let err = read_limited(pieces(&[b"12345", b"67890", b"never read"]), 8)
            .await
            .expect_err("too large");
        assert!(matches!(err, BodyError::TooLarge { read: 10 }), "{err:?}");
        let exact = read_limited(pieces(&[b"1234", b"5678"]), 8)
            .await
            .expect("fits");
        assert_eq!(exact.len(), 8);
    }
}
