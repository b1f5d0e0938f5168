//! The printer: the only place that writes what a person reads about an exchange.
//!
//! What the exchange looked like (request line, status, headers, timings, summary) goes to
//! stderr; response bodies go to stdout, byte-exact when piped (see `output::sink`).
//! Formatting is done by pure functions returning `String`s so tests can check exact text.

use std::fmt::Write as _;
use std::io::Write;

use crate::http::Timings;
use crate::output::color::Palette;
use crate::record::{ReceivedResponse, SentRequest};
use crate::request::{Body, PartValue};
use crate::util::mask::Masker;
use crate::util::units::{fmt_duration, human_size};

/// How much of a failed request's response body is shown without `-v`.
pub const FAILURE_BODY_CAP: usize = 2048;

/// How much to show, decided once from the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// `-q`: only failures.
    Quiet,
    Normal,
    /// `-v`: the request as sent and the response headers too.
    Verbose,
}

pub struct Printer {
    pub palette: Palette,
    pub verbosity: Verbosity,
    /// Everything written to stderr passes through it.
    pub masker: Masker,
    /// stderr is a terminal: what a server sent (reasons, headers, bodies) is shown with its
    /// control characters escaped (`output::term`), so that it cannot drive the terminal.
    pub terminal: bool,
}

impl Printer {
    pub fn new(palette: Palette, verbosity: Verbosity) -> Printer {
        Printer {
            palette,
            verbosity,
            masker: Masker::default(),
            terminal: false,
        }
    }

    pub fn with_terminal(mut self, terminal: bool) -> Printer {
        self.terminal = terminal;
        self
    }

    /// A verbose printer like this one (for the request as sent, whatever `-v` says).
    pub fn verbose_copy(&self) -> Printer {
        Printer::new(self.palette, Verbosity::Verbose).with_terminal(self.terminal)
    }

    /// Received text as it is shown (escaped on a terminal).
    fn show<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        crate::output::term::shown(text, self.terminal)
    }

    pub fn with_masker(mut self, masker: Masker) -> Printer {
        self.masker = masker;
        self
    }

    pub fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    pub fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// Write to stderr, secrets masked; a closed stderr is not worth dying for.
    pub fn err(&self, text: &str) {
        let text = self.masker.mask(text);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// Heading for a request of a collection: `shop / create-plan`.
    pub fn heading(&self, collection: &str, request: &str) -> String {
        format!(
            "{}\n",
            self.palette.bold(&format!("{collection} / {request}"))
        )
    }

    /// `→ POST http://…/plans`, then on `-v` the headers and body as sent.
    pub fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &Body,
    ) -> String {
        let mut out = format!(
            "{} {} {url}\n",
            self.palette.dim("→"),
            self.palette.bold(method)
        );
        if self.verbose() {
            for (name, value) in headers {
                let (name, value) = (self.show(name), self.show(value));
                let _ = writeln!(out, "  {}: {value}", self.palette.key(&name));
            }
            let json = headers.iter().any(|(n, v)| {
                n.eq_ignore_ascii_case("content-type")
                    && crate::output::body::classify(Some(v), b"")
                        == crate::output::body::BodyKind::Json
            });
            out.push_str(&self.request_body(body, json));
        }
        out
    }

    fn request_body(&self, body: &Body, json: bool) -> String {
        match body {
            Body::None => String::new(),
            Body::Bytes(bytes)
                if let Some(pretty) = json.then(|| self.pretty_json(bytes)).flatten() =>
            {
                let mut out = String::from("\n");
                for line in pretty.lines() {
                    let _ = writeln!(out, "  {line}");
                }
                out.push('\n');
                out
            }
            Body::Bytes(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => {
                    let mut out = String::from("\n");
                    for line in self.show(text).lines() {
                        let _ = writeln!(out, "  {line}");
                    }
                    out.push('\n');
                    out
                }
                Err(_) => format!(
                    "\n  {}\n\n",
                    self.palette.dim(&format!(
                        "(binary body, {})",
                        human_size(bytes.len() as u64)
                    ))
                ),
            },
            Body::File(path) => format!(
                "\n  {}\n\n",
                self.palette
                    .dim(&format!("(body streamed from `{}`)", path.display()))
            ),
            Body::Multipart(parts) => {
                let mut out = String::from("\n");
                for part in parts {
                    match &part.value {
                        PartValue::Text(text) => {
                            let _ = writeln!(out, "  {}={text}", self.palette.key(&part.name));
                        }
                        PartValue::File { path, .. } => {
                            let _ = writeln!(
                                out,
                                "  {}=@{}",
                                self.palette.key(&part.name),
                                path.display()
                            );
                        }
                    }
                }
                out.push('\n');
                out
            }
        }
    }

    /// A small in-memory JSON request body, pretty and coloured with colored_json (response
    /// bodies, of any size, go through the streaming printer in `output::json` instead).
    fn pretty_json(&self, bytes: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let mode = if self.palette.enabled() {
            colored_json::ColorMode::On
        } else {
            colored_json::ColorMode::Off
        };
        colored_json::to_colored_json(&value, mode).ok()
    }

    /// `← 201 Created  HTTP/2  1.2 KB`, then on `-v` the response headers.
    pub fn response(&self, head: &ReceivedResponse) -> String {
        let status = format!("{} {}", head.status, self.show(&head.reason));
        let mut out = format!(
            "{} {}  {}",
            self.palette.dim("←"),
            self.palette.status(head.status, &status),
            self.palette.dim(&head.version)
        );
        if let Some(size) = head.content_length {
            let _ = write!(out, "  {}", self.palette.dim(&human_size(size)));
        }
        out.push('\n');
        if self.verbose() {
            for (name, value) in &head.headers {
                let (name, value) = (self.show(name), self.show(value));
                let _ = writeln!(out, "  {}: {value}", self.palette.key(&name));
            }
        }
        out
    }

    /// `  dns 0.1 ms · connect 0.2 ms · tls 3.1 ms · ttfb 5.0 ms · download 0.3 ms · total 8.7 ms · 1.2 KB`
    pub fn timings(&self, t: &Timings, bytes: Option<u64>) -> String {
        let mut parts = Vec::new();
        if t.reused_connection {
            parts.push("connection reused".to_string());
        }
        for (label, value) in [("dns", t.dns), ("connect", t.connect), ("tls", t.tls)] {
            if let Some(d) = value {
                parts.push(format!("{label} {}", fmt_duration(d)));
            }
        }
        parts.push(format!("ttfb {}", fmt_duration(t.ttfb)));
        if let Some(d) = t.download {
            parts.push(format!("download {}", fmt_duration(d)));
        }
        parts.push(format!("total {}", fmt_duration(t.total)));
        if let Some(bytes) = bytes {
            parts.push(human_size(bytes));
        }
        format!("  {}\n", self.palette.dim(&parts.join(" · ")))
    }

    /// The whole exchange of a failed request (shown even without `-v`): request headers and
    /// body, response headers and the start of the body (capped at [`FAILURE_BODY_CAP`]).
    pub fn exchange_detail(&self, request: &SentRequest, response: &ReceivedResponse) -> String {
        let shown = self.verbose_copy();
        let mut out = format!("  {}\n", self.palette.bold("request:"));
        let sent = shown.request(
            &request.method,
            &request.url,
            &request.headers,
            &request.body,
        );
        for line in sent.lines() {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(
            out,
            "  {}\n    {} {} {}",
            self.palette.bold("response:"),
            self.show(&response.version),
            response.status,
            self.show(&response.reason)
        );
        for (name, value) in &response.headers {
            let (name, value) = (self.show(name), self.show(value));
            let _ = writeln!(out, "    {}: {value}", self.palette.key(&name));
        }
        match &response.body.kept {
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => {
                let total = response.body.received.unwrap_or(bytes.len() as u64);
                let cut = &bytes[..bytes.len().min(FAILURE_BODY_CAP)];
                let text = if self.terminal {
                    crate::output::term::escape_bytes(cut)
                } else {
                    String::from_utf8_lossy(cut)
                };
                out.push('\n');
                for line in text.lines() {
                    let _ = writeln!(out, "    {line}");
                }
                if cut.len() < bytes.len() || !response.body.complete {
                    let note = format!(
                        "(first {} of {} shown; the whole body with -o FILE)",
                        human_size(cut.len() as u64),
                        human_size(total)
                    );
                    let _ = writeln!(out, "    {}", self.palette.dim(&note));
                }
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "    {}",
                    self.palette.dim(&format!("(body not shown: {why})"))
                );
            }
        }
        out
    }

    /// `  ✗ status: expected 201, got 200`
    pub fn check_failed(&self, what: &str, expected: &str, actual: &str) -> String {
        format!(
            "  {} {what}: expected {expected}, got {}\n",
            self.palette.error("✗"),
            self.show(actual)
        )
    }

    pub fn warning(&self, text: &str) -> String {
        format!("{} {text}\n", self.palette.warn("postie: warning:"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn plain(verbosity: Verbosity) -> Printer {
        Printer::new(Palette::new(false), verbosity)
    }

    #[test]
    fn request_line_and_verbose_headers() {
        let headers = vec![("Accept".to_string(), "application/json".to_string())];
        let body = Body::Bytes(b"{\"a\":1}".to_vec());
        assert_eq!(
            plain(Verbosity::Normal).request("POST", "http://x/p", &headers, &body),
            "→ POST http://x/p\n"
        );
        assert_eq!(
            plain(Verbosity::Verbose).request("POST", "http://x/p", &headers, &body),
            "→ POST http://x/p\n  Accept: application/json\n\n  {\"a\":1}\n\n"
        );
    }

    #[test]
    fn timings_line_lists_phases_present() {
        let t = Timings {
            dns: None,
            connect: Some(Duration::from_micros(200)),
            tls: None,
            ttfb: Duration::from_micros(1_500),
            download: Some(Duration::from_micros(100)),
            total: Duration::from_micros(1_800),
            reused_connection: false,
        };
        assert_eq!(
            plain(Verbosity::Normal).timings(&t, Some(512)),
            format!(
                "  connect 200 µs · ttfb 1.5 ms · download 100 µs · total 1.8 ms · {}\n",
                human_size(512)
            )
        );
    }
}
