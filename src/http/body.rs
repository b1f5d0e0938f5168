//! Request bodies streamed from files, and the response `BodyReader`.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::io::{ReaderStream, StreamReader};

use super::error::{ErrorContext, HttpError, Stage, classify, io_reason};
use super::timing::TimingsHandle;

fn file_error(path: &Path, err: &io::Error) -> HttpError {
    HttpError::BodyFile {
        path: path.to_path_buf(),
        reason: io_reason(err),
    }
}

/// A file opened now (so a missing file fails before sending) and streamed when sent.
pub(crate) struct FileBody {
    /// The length of a regular file; `None` for a pipe, FIFO or device, sent as it comes.
    pub(crate) len: Option<u64>,
    pub(crate) body: reqwest::Body,
}

pub(crate) fn open_file(path: &Path) -> Result<FileBody, HttpError> {
    let file = File::open(path).map_err(|e| file_error(path, &e))?;
    let meta = file.metadata().map_err(|e| file_error(path, &e))?;
    if meta.is_dir() {
        return Err(HttpError::BodyFile {
            path: path.to_path_buf(),
            reason: "is a directory".to_owned(),
        });
    }
    let owned: PathBuf = path.to_path_buf();
    let stream =
        ReaderStream::new(tokio::fs::File::from_std(file)).map_err(move |e| file_error(&owned, &e));
    Ok(FileBody {
        len: meta.is_file().then_some(meta.len()),
        body: reqwest::Body::wrap_stream(stream),
    })
}

type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// The (decoded) response body as `tokio::io::AsyncRead`.
///
/// Read errors are `io::Error`s wrapping an [`HttpError`]; get it back with
/// [`HttpError::from_io`]. Reading to the end stops the timing clock.
pub struct BodyReader {
    inner: StreamReader<ByteStream, Bytes>,
    timings: TimingsHandle,
}

impl BodyReader {
    pub(crate) fn new(
        response: reqwest::Response,
        timings: TimingsHandle,
        ctx: ErrorContext,
    ) -> Self {
        let stream = response.bytes_stream().map(move |chunk| {
            chunk.map_err(|e| {
                classify(&e, e.is_connect(), e.is_redirect(), &ctx, Stage::Body).into_io()
            })
        });
        BodyReader {
            inner: StreamReader::new(Box::pin(stream)),
            timings,
        }
    }
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("bytes", &self.timings.bytes())
            .finish_non_exhaustive()
    }
}

impl AsyncRead for BodyReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let wanted = buf.remaining() > 0;
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let read = buf.filled().len().saturating_sub(before);
            if read > 0 {
                this.timings.add_bytes(read as u64);
            } else if wanted {
                this.timings.mark_eof();
            }
        }
        result
    }
}
