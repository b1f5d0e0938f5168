//! Where a response body goes: a file (`-o`, streamed, exact bytes, progress bar on a terminal),
//! stdout piped (byte-exact), or stdout on a terminal (pretty JSON, text as text, a note for
//! binary). Bodies are streamed in fixed-size chunks, never held whole in memory.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::http::{BodyReader, HttpError};
use crate::output::body::{BodyKind, classify};
use crate::output::json::{PrettyOutcome, pretty_print};
use crate::util::mask::Masker;
use crate::util::units::human_size;

const CHUNK: usize = 64 * 1024;
/// Bytes looked at to tell JSON, text and binary apart.
const SNIFF: usize = 1024;
/// Bodies smaller than this get no progress bar.
const PROGRESS_MIN: u64 = 1024 * 1024;

/// Decided once per run from the flags and the terminal facts.
#[derive(Debug, Clone)]
pub enum BodyMode {
    /// `-o FILE`: exact bytes to the file, with a progress bar if `progress`.
    File { path: PathBuf, progress: bool },
    /// stdout: `pretty` on a terminal or with `--pretty`; `color` for JSON colouring;
    /// `terminal` decides whether binary bodies are withheld.
    Stdout {
        /// Masks secrets in the body (a server may echo them back).
        masker: Masker,
        pretty: bool,
        color: bool,
        terminal: bool,
    },
    /// Read and drop the body (quiet mode): timings still complete.
    Discard,
}

/// What happened to the body, for the printer.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyWritten {
    Printed,
    Empty,
    /// Binary on a terminal: not printed, nor downloaded (size as the server declared it).
    Withheld {
        size: Option<u64>,
    },
    /// Declared JSON but not valid: printed as received.
    NotJson,
    /// JSON that breaks midway: pretty up to `raw_from`, then the rest as received.
    BrokenJson {
        error_at: u64,
        raw_from: u64,
        message: &'static str,
    },
    Saved {
        path: PathBuf,
        size: u64,
    },
    Discarded,
    /// stdout was closed (`| head`): stop quietly.
    BrokenPipe,
}

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The network failed while the body was being read.
    #[error("{0}")]
    Http(HttpError),
    /// The output file could not be written.
    #[error("could not write `{}`: {}", path.display(), io_reason(source))]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading or writing the stream failed otherwise.
    #[error("{0}")]
    Io(std::io::Error),
}

fn from_read_error(err: std::io::Error) -> SinkError {
    match HttpError::from_io(&err) {
        Some(http) => SinkError::Http(http.clone()),
        None => SinkError::Io(err),
    }
}

/// The body kept for checks and captures, or why it wasn't.
pub type Kept = Result<Vec<u8>, String>;

/// What to keep of a body: up to `limit` bytes; `complete`: the whole body is needed (checks),
/// so it is read to the end even where it wouldn't be (a binary body on a terminal).
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    pub limit: usize,
    pub complete: bool,
}

/// Write the body where `mode` says. With `keep = Some(limit)` the body is also kept in memory
/// (up to `limit` bytes) for checks and captures, whatever happens to it on the way out.
pub async fn write_body(
    reader: BodyReader,
    content_type: Option<&str>,
    content_length: Option<u64>,
    mode: &BodyMode,
    keep: Option<Keep>,
) -> Result<(BodyWritten, Option<Kept>), SinkError> {
    let Some(Keep { limit, complete }) = keep else {
        let written = write_to(reader, content_type, content_length, mode, false).await?;
        return Ok((written, None));
    };
    let kept = Arc::new(Mutex::new(KeptBuf {
        data: Vec::new(),
        limit,
        overflow: false,
        excerpt: !complete,
    }));
    let tee = Tee {
        inner: reader,
        kept: Arc::clone(&kept),
    };
    let written = write_to(tee, content_type, content_length, mode, complete).await?;
    let mut guard = match kept.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let result = if guard.overflow && !guard.excerpt {
        Err(format!(
            "the body is larger than {} and was not kept for checks",
            human_size(limit as u64)
        ))
    } else {
        Ok(std::mem::take(&mut guard.data))
    };
    Ok((written, Some(result)))
}

/// Write a body already held in memory (the last attempt of a retried request) as `mode` says.
pub async fn write_kept(
    bytes: Vec<u8>,
    content_type: Option<&str>,
    mode: &BodyMode,
) -> Result<BodyWritten, SinkError> {
    let length = bytes.len() as u64;
    write_to(
        std::io::Cursor::new(bytes),
        content_type,
        Some(length),
        mode,
        false,
    )
    .await
}

struct KeptBuf {
    data: Vec<u8>,
    limit: usize,
    overflow: bool,
    /// Only the start is wanted (to show, for reports): on overflow keep the first `limit`
    /// bytes rather than none.
    excerpt: bool,
}

/// Copies what is read into a bounded buffer.
struct Tee<R> {
    inner: R,
    kept: Arc<Mutex<KeptBuf>>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tee<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = &polled {
            let fresh = &buf.filled()[before..];
            if let Ok(mut kept) = self.kept.lock()
                && !kept.overflow
            {
                if kept.data.len() + fresh.len() > kept.limit {
                    kept.overflow = true;
                    if kept.excerpt {
                        let room = kept.limit - kept.data.len();
                        kept.data.extend_from_slice(&fresh[..room]);
                    } else {
                        kept.data = Vec::new();
                    }
                } else {
                    kept.data.extend_from_slice(fresh);
                }
            }
        }
        polled
    }
}

async fn write_to<R: AsyncRead + Unpin + Send + 'static>(
    mut reader: R,
    content_type: Option<&str>,
    content_length: Option<u64>,
    mode: &BodyMode,
    read_all: bool,
) -> Result<BodyWritten, SinkError> {
    match mode {
        BodyMode::File { path, progress } => save(reader, path, content_length, *progress).await,
        BodyMode::Discard => {
            tokio::io::copy(&mut reader, &mut tokio::io::sink())
                .await
                .map_err(from_read_error)?;
            Ok(BodyWritten::Discarded)
        }
        BodyMode::Stdout {
            masker,
            pretty,
            color,
            terminal,
        } => {
            let mut head = Vec::with_capacity(SNIFF);
            (&mut reader)
                .take(SNIFF as u64)
                .read_to_end(&mut head)
                .await
                .map_err(from_read_error)?;
            if head.is_empty() {
                return Ok(BodyWritten::Empty);
            }
            let kind = classify(content_type, &head);
            match kind {
                BodyKind::Json if *pretty => {
                    pretty_to_stdout(head, reader, *color, *terminal, masker).await
                }
                // Not worth downloading what won't be shown: stop reading (the connection is
                // dropped) and say how big it is, if the server said — unless checks need it.
                BodyKind::Binary if *terminal => {
                    if read_all {
                        tokio::io::copy(&mut reader, &mut tokio::io::sink())
                            .await
                            .map_err(from_read_error)?;
                    }
                    Ok(BodyWritten::Withheld {
                        size: content_length,
                    })
                }
                _ => raw_to_stdout(head, reader, *terminal, masker).await,
            }
        }
    }
}

/// Byte-exact copy to stdout; on a terminal a missing final newline is added so the prompt
/// doesn't end up glued to the body.
async fn raw_to_stdout<R: AsyncRead + Unpin>(
    head: Vec<u8>,
    mut reader: R,
    terminal: bool,
    masker: &Masker,
) -> Result<BodyWritten, SinkError> {
    let mut out = MaskedStdout {
        mask: masker.is_active().then(|| masker.stream()),
        masked: Vec::new(),
        // A sender must not drive the terminal: its control characters are shown escaped.
        escape: terminal.then(crate::output::term::Escaper::new),
        escaped: Vec::new(),
    };
    let mut last = head.last().copied();
    let result = async {
        out.write(&head)?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = reader
                .read(&mut buf)
                .await
                .map_err(|e| std::io::Error::other(Tagged(from_read_error(e))))?;
            if n == 0 {
                break;
            }
            last = Some(buf[n - 1]);
            out.write(&buf[..n])?;
        }
        let newline = terminal && last != Some(b'\n');
        out.finish(newline)?;
        crate::output::note_stdout_end(if newline { Some(b'\n') } else { last });
        Ok(())
    }
    .await;
    finish_stdout(result, BodyWritten::Printed)
}

/// stdout through the masker, with plain blocking writes: a write to a pipe or a file is
/// short, and tokio's stdout would hand every chunk to another thread (measured: 40,000
/// context switches for 1 GiB). Secrets echoed back by a server are masked, piped or not.
struct MaskedStdout {
    mask: Option<crate::util::mask::StreamMask>,
    masked: Vec<u8>,
    /// On a terminal: control characters of the body are shown escaped.
    escape: Option<crate::output::term::Escaper>,
    escaped: Vec<u8>,
}

impl MaskedStdout {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let bytes = match &mut self.mask {
            Some(mask) => {
                self.masked.clear();
                mask.push(bytes, &mut self.masked);
                &self.masked[..]
            }
            None => bytes,
        };
        let mut out = std::io::stdout().lock();
        match &mut self.escape {
            Some(escape) => {
                self.escaped.clear();
                escape.push(bytes, &mut self.escaped);
                out.write_all(&self.escaped)
            }
            None => out.write_all(bytes),
        }
    }

    /// Write what the masker and the escaper held back, and a final newline if asked.
    fn finish(&mut self, newline: bool) -> std::io::Result<()> {
        let mut tail = Vec::new();
        if let Some(mask) = &mut self.mask {
            mask.finish(&mut tail);
        }
        let mut out = std::io::stdout().lock();
        match &mut self.escape {
            Some(escape) => {
                self.escaped.clear();
                escape.push(&tail, &mut self.escaped);
                escape.finish(&mut self.escaped);
                out.write_all(&self.escaped)?;
            }
            None => out.write_all(&tail)?,
        }
        if newline {
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}

/// Pretty JSON to stdout. A body that turns out not to be JSON is written as received; on a
/// terminal a missing final newline is then added, as for text.
async fn pretty_to_stdout<R: AsyncRead + Unpin + Send + 'static>(
    head: Vec<u8>,
    reader: R,
    color: bool,
    terminal: bool,
    masker: &Masker,
) -> Result<BodyWritten, SinkError> {
    let bridge = tokio_util::io::SyncIoBridge::new(reader);
    let masker = masker.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let input = Read::chain(std::io::Cursor::new(head), ReadErrors(bridge));
        let stdout = std::io::stdout();
        let escape = terminal.then(|| crate::output::term::Escaper::for_pretty_json(color));
        let mut out = LastByte {
            inner: masker.writer(crate::output::term::EscapeWriter::new(
                stdout.lock(),
                escape,
            )),
            last: None,
        };
        let outcome = pretty_print(input, &mut out, color)?;
        if terminal && out.last.is_some_and(|b| b != b'\n') {
            out.write_all(b"\n")?;
        }
        out.inner.finish()?;
        crate::output::note_stdout_end(out.last);
        Ok::<_, std::io::Error>(outcome)
    })
    .await;
    let result = match joined {
        Ok(result) => result,
        Err(join) => Err(std::io::Error::other(join.to_string())),
    };
    match result {
        Ok(PrettyOutcome::NotJson) => Ok(BodyWritten::NotJson),
        Ok(PrettyOutcome::BrokenJson {
            error_at,
            raw_from,
            message,
        }) => Ok(BodyWritten::BrokenJson {
            error_at,
            raw_from,
            message,
        }),
        other => finish_stdout(other.map(|_| ()), BodyWritten::Printed),
    }
}

/// A writer that remembers the last byte written through it.
struct LastByte<W> {
    inner: W,
    last: Option<u8>,
}

impl<W: Write> Write for LastByte<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(&b) = buf.get(..n).and_then(<[u8]>::last) {
            self.last = Some(b);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Map the end of a stdout copy: a closed pipe is a quiet stop, a tagged read error is the network.
fn finish_stdout(result: std::io::Result<()>, ok: BodyWritten) -> Result<BodyWritten, SinkError> {
    match result {
        Ok(()) => Ok(ok),
        Err(err) if crate::error::is_broken_pipe(&err) => Ok(BodyWritten::BrokenPipe),
        Err(err) => match err.into_inner() {
            Some(inner) => match inner.downcast::<Tagged>() {
                Ok(tagged) => Err(tagged.0),
                Err(other) => Err(from_read_error(std::io::Error::other(other))),
            },
            None => Err(SinkError::Io(std::io::Error::other(
                "write to stdout failed",
            ))),
        },
    }
}

/// A body read error carried through an `io::Error` so it isn't mistaken for a stdout error.
#[derive(Debug)]
struct Tagged(SinkError);

impl std::fmt::Display for Tagged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Tagged {}

/// Wraps the body reader inside the blocking pretty-printer so a read error stays recognisable.
struct ReadErrors<R>(R);

impl<R: Read> Read for ReadErrors<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0
            .read(buf)
            .map_err(|e| std::io::Error::other(Tagged(from_read_error(e))))
    }
}

async fn save(
    mut reader: impl AsyncRead + Unpin,
    path: &Path,
    content_length: Option<u64>,
    progress: bool,
) -> Result<BodyWritten, SinkError> {
    let file_err = |source| SinkError::File {
        path: path.to_path_buf(),
        source,
    };
    // A plain file, written from this thread: tokio's File hands every write to a blocking
    // thread with an extra copy (measured: 1.8x curl's time for 1 GiB; this way 1.0x).
    let mut file = OutputFile::open(path).map_err(file_err)?;
    let bar = (progress && content_length.is_none_or(|len| len >= PROGRESS_MIN))
        .then(|| progress_bar(content_length));
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf).await.map_err(from_read_error)?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n]).map_err(file_err)?;
        size += n as u64;
        if let Some(bar) = &bar {
            bar.set_position(size);
        }
    }
    file.finish().map_err(file_err)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(BodyWritten::Saved {
        path: path.to_path_buf(),
        size,
    })
}

/// A file postie writes (`-o`, and report files through `crate::report::file`), opened the way
/// curl opens `-o PATH`, but without ever replacing what is not a regular file:
/// - a regular file, or a path that does not exist yet, is written to a temporary file in the
///   same directory and renamed over the path when complete (readers never see half of it; a
///   failed download leaves the old file, or nothing);
/// - a symlink is followed and its target truncated and written, as `curl -o` does (the link
///   stays a link);
/// - a device or FIFO (`/dev/stdout`, `/dev/null`, a named pipe) is opened and written through.
///
/// A directory goes the atomic way, where the rename fails naming the path.
pub enum OutputFile {
    Atomic {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
    },
    Through(std::fs::File),
}

impl OutputFile {
    /// Open `path` for writing; its parent directory must exist.
    pub fn open(path: &Path) -> std::io::Result<OutputFile> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        match meta {
            Some(meta) if !meta.is_file() && !meta.is_dir() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(path)?;
                Ok(OutputFile::Through(file))
            }
            meta => {
                let dir = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                let mut builder = tempfile::Builder::new();
                builder.prefix(".postie-");
                // The new file gets the old one's mode, or what `open(2)` gives a new file
                // under the umask (tempfile's default would be 0600).
                #[cfg(unix)]
                builder.permissions(match meta {
                    Some(meta) if meta.is_file() => meta.permissions(),
                    _ => new_file_permissions(),
                });
                #[cfg(not(unix))]
                let _ = meta;
                let temp = builder.tempfile_in(dir)?;
                Ok(OutputFile::Atomic {
                    temp,
                    path: path.to_path_buf(),
                })
            }
        }
    }

    /// Flush, and for an atomic file rename it over its path.
    pub fn finish(self) -> std::io::Result<()> {
        match self {
            OutputFile::Atomic { mut temp, path } => {
                temp.flush()?;
                temp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
            OutputFile::Through(mut file) => file.flush(),
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            OutputFile::Atomic { temp, .. } => temp.write(buf),
            OutputFile::Through(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            OutputFile::Atomic { temp, .. } => temp.flush(),
            OutputFile::Through(file) => file.flush(),
        }
    }
}

#[cfg(unix)]
fn new_file_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

/// An I/O error in words: a full device says so plainly.
pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::StorageFull => "no space left on device".to_string(),
        _ => err.to_string(),
    }
}

fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    let bar = match len {
        Some(len) => indicatif::ProgressBar::new(len),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let template = if len.is_some() {
        "{bar:30} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {decimal_bytes} {decimal_bytes_per_sec}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}

/// One line describing a body that wasn't printed to stdout.
pub fn describe(written: &BodyWritten) -> Option<String> {
    match written {
        BodyWritten::Withheld { size: Some(size) } => Some(format!(
            "binary body ({}) not shown: use `-o FILE` to save it",
            human_size(*size)
        )),
        BodyWritten::Withheld { size: None } => {
            Some("binary body not shown: use `-o FILE` to save it".to_string())
        }
        BodyWritten::Saved { path, size } => Some(format!(
            "saved {} to `{}`",
            human_size(*size),
            path.display()
        )),
        BodyWritten::NotJson => Some("body is not valid JSON: shown as received".to_string()),
        BodyWritten::BrokenJson {
            error_at,
            raw_from,
            message,
        } => Some(format!(
            "body is not valid JSON at byte {error_at} ({message}): shown as received from byte {raw_from}"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_name_the_fix() {
        assert_eq!(
            describe(&BodyWritten::Withheld { size: Some(2048) }).as_deref(),
            Some(
                format!(
                    "binary body ({}) not shown: use `-o FILE` to save it",
                    human_size(2048)
                )
                .as_str()
            )
        );
        assert_eq!(describe(&BodyWritten::Printed), None);
        assert_eq!(
            describe(&BodyWritten::BrokenJson {
                error_at: 10,
                raw_from: 8,
                message: "expected `,` or `]`"
            })
            .as_deref(),
            Some(
                "body is not valid JSON at byte 10 (expected `,` or `]`): shown as received from byte 8"
            )
        );
    }

    #[test]
    fn last_byte_tracks_what_went_through() {
        let mut out = LastByte {
            inner: Vec::new(),
            last: None,
        };
        out.write_all(b"").unwrap();
        assert_eq!(out.last, None);
        out.write_all(b"ab\n").unwrap();
        out.write_all(b"c").unwrap();
        assert_eq!(
            (out.inner.as_slice(), out.last),
            (&b"ab\nc"[..], Some(b'c'))
        );
    }

    #[tokio::test]
    async fn save_streams_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let written = save(&data[..], &path, Some(data.len() as u64), false)
            .await
            .unwrap();
        assert_eq!(
            written,
            BodyWritten::Saved {
                path: path.clone(),
                size: data.len() as u64
            }
        );
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }
}
