//! The HTTP layer against real servers on 127.0.0.1.

mod support;

use std::error::Error;
use std::time::{Duration, Instant};

use postie::http::{
    Client, ClientOptions, HttpError, Response, TimeoutPhase, Timings, TlsFailure, USER_AGENT,
};
use postie::request::{Body, Expect, Part, PartValue, ResolvedRequest};
use support::{CertKind, Recorded, TlsSetup};
use tokio::io::AsyncReadExt;

type TestResult = Result<(), Box<dyn Error>>;

fn request(method: &str, url: &str) -> Result<ResolvedRequest, url::ParseError> {
    Ok(ResolvedRequest {
        name: "test".to_owned(),
        method: method.to_owned(),
        url: url::Url::parse(url)?,
        headers: Vec::new(),
        without_headers: Vec::new(),
        body: Body::None,
        timeout: None,
        follow_redirects: true,
        max_redirects: None,
        expect: Expect::default(),
        captures: Vec::new(),
        sign: None,
        expect_webhook: None,
        routes: Default::default(),
    })
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn ok(body: &str) -> support::Reply {
    (200, vec![h("x-test", "yes")], body.as_bytes().to_vec())
}

async fn send(client: &Client, req: &ResolvedRequest) -> Result<Response, HttpError> {
    client.execute(client.prepare(req)?).await
}

async fn read_all(response: Response) -> Result<(Vec<u8>, Timings), std::io::Error> {
    let (mut body, timings) = response.into_body();
    let mut out = Vec::new();
    body.read_to_end(&mut out).await?;
    assert_eq!(timings.bytes(), out.len() as u64);
    Ok((out, timings.get()))
}

fn client(opts: ClientOptions) -> Result<Client, HttpError> {
    Client::new(&opts)
}

fn default_client() -> Result<Client, HttpError> {
    client(ClientOptions::default())
}

/// Deterministic bytes that are not valid UTF-8 and have no repeating short pattern.
fn test_bytes(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn plain_get_returns_head_body_and_ordered_timings() -> TestResult {
    let server = support::http_server(|_| ok("hello"));
    let client = default_client()?;
    let req = request("GET", &server.url("/hello?x=1"))?;

    let prepared = client.prepare(&req)?;
    assert_eq!(
        prepared.headers,
        vec![
            h("user-agent", USER_AGENT),
            h("accept", "*/*"),
            h("accept-encoding", "gzip, deflate, br, zstd"),
        ]
    );
    let response = client.execute(prepared).await?;
    assert_eq!(response.head.status, 200);
    assert_eq!(response.head.reason, "OK");
    assert_eq!(response.head.version, "HTTP/1.1");
    assert_eq!(response.head.header("x-test"), Some("yes"));
    assert_eq!(response.head.content_length, Some(5));
    assert_eq!(response.head.remote_addr, Some(server.addr));
    assert_eq!(response.head.url.as_str(), server.url("/hello?x=1"));

    let (body, t) = read_all(response).await?;
    assert_eq!(body, b"hello");
    assert_eq!(t.dns, None, "IP literal: no DNS");
    assert!(t.connect.is_some());
    assert_eq!(t.tls, None, "plain http: no TLS");
    assert!(!t.reused_connection);
    let download = t.download.ok_or("download missing after EOF")?;
    assert!(t.connect <= Some(t.ttfb));
    assert_eq!(t.total, t.ttfb + download);

    let got = server.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "GET");
    assert_eq!(got[0].uri, "/hello?x=1");
    assert_eq!(got[0].header("user-agent"), Some(USER_AGENT));
    assert_eq!(got[0].header("accept"), Some("*/*"));
    Ok(())
}

#[tokio::test]
async fn post_sends_bytes_and_user_headers_in_order() -> TestResult {
    let server = support::http_server(|r: &Recorded| (201, vec![], r.body.clone()));
    let client = default_client()?;
    let mut req = request("POST", &server.url("/plans"))?;
    req.headers = vec![
        h("Content-Type", "application/json"),
        h("Accept", "application/json"),
        h("X-Trace", "a"),
        h("X-Trace", "b"),
    ];
    req.body = Body::Bytes(br#"{"name":"x"}"#.to_vec());

    let prepared = client.prepare(&req)?;
    assert_eq!(
        prepared.headers,
        vec![
            h("content-type", "application/json"),
            h("accept", "application/json"),
            h("x-trace", "a"),
            h("x-trace", "b"),
            h("user-agent", USER_AGENT),
            h("accept-encoding", "gzip, deflate, br, zstd"),
            h("content-length", "12"),
        ]
    );
    let response = client.execute(prepared).await?;
    assert_eq!(
        (response.head.status, response.head.reason.as_str()),
        (201, "Created")
    );
    let (body, _) = read_all(response).await?;
    assert_eq!(body, br#"{"name":"x"}"#);

    let got = &server.requests()[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.body, br#"{"name":"x"}"#);
    assert_eq!(got.header("content-type"), Some("application/json"));
    let traces: Vec<&str> = got
        .headers
        .iter()
        .filter(|(n, _)| n == "x-trace")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(traces, ["a", "b"]);
    Ok(())
}

#[tokio::test]
async fn https_with_private_ca_negotiates_http2_and_times_tls() -> TestResult {
    let (server, tls) = support::https_server(|_| ok("secure"));
    let client = client(ClientOptions {
        ca_certs: vec![tls.ca_pem_path.clone()],
        ..ClientOptions::default()
    })?;
    let url = server.url("/s");
    assert!(url.starts_with("https://localhost:"));
    let response = send(&client, &request("GET", &url)?).await?;
    assert_eq!(response.head.version, "HTTP/2");
    assert_eq!(response.head.status, 200);
    let (body, t) = read_all(response).await?;
    assert_eq!(body, b"secure");
    assert!(t.dns.is_some(), "`localhost` is resolved");
    assert!(t.connect.is_some());
    assert!(t.tls.is_some());
    assert!(!t.reused_connection);
    assert_eq!(server.requests()[0].version, "HTTP/2");
    Ok(())
}

#[tokio::test]
async fn https_http1_only_server_gets_http11() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::Valid,
        http2: false,
    };
    let (server, tls) = support::https_server_with_cert(setup, |_| ok("one"));
    let client = client(ClientOptions {
        ca_certs: vec![tls.ca_pem_path.clone()],
        ..ClientOptions::default()
    })?;
    let response = send(&client, &request("GET", &server.url("/"))?).await?;
    assert_eq!(response.head.version, "HTTP/1.1");
    let (body, t) = read_all(response).await?;
    assert_eq!(body, b"one");
    assert!(t.tls.is_some());
    assert_eq!(server.requests()[0].version, "HTTP/1.1");
    Ok(())
}

#[tokio::test]
async fn second_request_reuses_the_connection() -> TestResult {
    for tls in [false, true] {
        let (server, fixture) = if tls {
            let (s, f) = support::https_server(|_| ok("again"));
            (s, Some(f))
        } else {
            (support::http_server(|_| ok("again")), None)
        };
        let client = client(ClientOptions {
            ca_certs: fixture.iter().map(|f| f.ca_pem_path.clone()).collect(),
            ..ClientOptions::default()
        })?;
        let req = request("GET", &server.url("/r"))?;
        let (_, first) = read_all(send(&client, &req).await?).await?;
        let (body, second) = read_all(send(&client, &req).await?).await?;
        assert_eq!(body, b"again");
        assert!(!first.reused_connection, "tls={tls}");
        assert_eq!(first.tls.is_some(), tls);
        assert!(second.reused_connection, "tls={tls}");
        assert_eq!((second.dns, second.connect, second.tls), (None, None, None));
        assert_eq!(server.hits(), 2);
    }
    Ok(())
}

#[tokio::test]
async fn file_body_arrives_byte_exact() -> TestResult {
    let server =
        support::http_server(|r: &Recorded| (200, vec![], r.body.len().to_string().into()));
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("upload.bin");
    let data = test_bytes(300_000);
    std::fs::write(&path, &data)?;
    let client = default_client()?;
    let mut req = request("PUT", &server.url("/file"))?;
    req.headers = vec![h("Content-Type", "application/octet-stream")];
    req.body = Body::File(path);

    let prepared = client.prepare(&req)?;
    assert_eq!(
        prepared.headers.last(),
        Some(&h("content-length", "300000"))
    );
    let (body, _) = read_all(client.execute(prepared).await?).await?;
    assert_eq!(body, b"300000");
    let got = &server.requests()[0];
    assert_eq!(got.header("content-length"), Some("300000"));
    assert!(got.body == data, "file body differs from what was sent");
    Ok(())
}

#[tokio::test]
async fn multipart_file_part_arrives_byte_exact() -> TestResult {
    let server = support::http_server(|_| ok("stored"));
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("data.bin");
    let data = test_bytes(70_000);
    std::fs::write(&path, &data)?;
    let client = default_client()?;
    let mut req = request("POST", &server.url("/upload"))?;
    req.body = Body::Multipart(vec![
        Part {
            name: "title".to_owned(),
            value: PartValue::Text("sofa".to_owned()),
        },
        Part {
            name: "upload".to_owned(),
            value: PartValue::File {
                path: path.clone(),
                file_name: None,
                content_type: None,
            },
        },
    ]);

    let prepared = client.prepare(&req)?;
    let content_type = prepared
        .headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| v.clone())
        .ok_or("no content-type")?;
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .ok_or("content-type is not multipart")?
        .to_owned();
    let length = prepared
        .headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.clone())
        .ok_or("no content-length")?;
    let (body, _) = read_all(client.execute(prepared).await?).await?;
    assert_eq!(body, b"stored");

    let got = &server.requests()[0];
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nsofa\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"data.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&data);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert!(got.body == expected, "multipart body differs");
    assert_eq!(got.header("content-type"), Some(content_type.as_str()));
    assert_eq!(length, expected.len().to_string());
    Ok(())
}

#[tokio::test]
async fn missing_body_file_fails_before_sending() -> TestResult {
    let client = default_client()?;
    let mut req = request("POST", "http://127.0.0.1:9/")?;
    req.body = Body::File("/nonexistent/postie/body.json".into());
    let err = client.prepare(&req).err().ok_or("prepare succeeded")?;
    assert_eq!(
        err.to_string(),
        "could not read body file `/nonexistent/postie/body.json`: file not found"
    );
    assert_eq!(err.exit_code(), 2);
    Ok(())
}

#[tokio::test]
async fn invalid_header_is_a_bad_request() -> TestResult {
    let client = default_client()?;
    let mut req = request("GET", "http://127.0.0.1:9/")?;
    req.headers = vec![h("Bad Name", "x")];
    let err = client.prepare(&req).err().ok_or("prepare succeeded")?;
    assert_eq!(err.to_string(), "invalid header name `Bad Name`");
    assert_eq!(err.exit_code(), 2);

    req.headers = vec![h("X-Ok", "line\nbreak")];
    let err = client.prepare(&req).err().ok_or("prepare succeeded")?;
    assert_eq!(err.to_string(), "invalid value for header `X-Ok`");
    assert_eq!(err.exit_code(), 2);
    Ok(())
}

#[tokio::test]
async fn refused_connection_names_the_address() -> TestResult {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?.port()
    };
    let client = default_client()?;
    let req = request("GET", &format!("http://127.0.0.1:{port}/"))?;
    let err = send(&client, &req).await.err().ok_or("request succeeded")?;
    assert_eq!(
        err.to_string(),
        format!("connection refused by 127.0.0.1:{port}")
    );
    assert_eq!(
        err.hint().as_deref(),
        Some("is the server running on that port?")
    );
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

#[tokio::test]
async fn unresolvable_host_is_a_dns_error() -> TestResult {
    let client = default_client()?;
    let req = request("GET", "http://nope.invalid/")?;
    let err = send(&client, &req).await.err().ok_or("request succeeded")?;
    assert_eq!(
        err,
        HttpError::Dns {
            host: "nope.invalid".to_owned()
        }
    );
    assert_eq!(err.to_string(), "could not resolve host `nope.invalid`");
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

#[tokio::test]
async fn server_closing_without_answer_is_reported() -> TestResult {
    let server = support::dropping_server();
    let client = default_client()?;
    let err = send(&client, &request("GET", &server.url("/"))?)
        .await
        .err()
        .ok_or("request succeeded")?;
    assert_eq!(
        err.to_string(),
        "server closed the connection before sending a response"
    );
    assert_eq!(err.exit_code(), 3);
    assert_eq!(server.hits(), 1);
    Ok(())
}

#[tokio::test]
async fn reset_connection_is_reported() -> TestResult {
    let server = support::resetting_server();
    let client = default_client()?;
    let mut req = request("POST", &server.url("/"))?;
    req.body = Body::Bytes(vec![b'x'; 1000]);
    let err = send(&client, &req).await.err().ok_or("request succeeded")?;
    assert_eq!(
        err.to_string(),
        format!("connection reset by 127.0.0.1:{}", server.addr.port())
    );
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

async fn tls_failure(setup: TlsSetup, with_ca: bool) -> Result<HttpError, Box<dyn Error>> {
    let (server, tls) = support::https_server_with_cert(setup, |_| ok("never"));
    let client = client(ClientOptions {
        ca_certs: if with_ca {
            vec![tls.ca_pem_path.clone()]
        } else {
            vec![]
        },
        ..ClientOptions::default()
    })?;
    let err = send(&client, &request("GET", &server.url("/"))?)
        .await
        .err()
        .ok_or("request succeeded")?;
    assert_eq!(server.hits(), 0);
    Ok(err)
}

#[tokio::test]
async fn tls_unknown_issuer_without_the_ca() -> TestResult {
    let err = tls_failure(TlsSetup::default(), false).await?;
    assert_eq!(
        err.to_string(),
        "TLS handshake with `localhost` failed: certificate is not trusted (unknown issuer)"
    );
    assert!(matches!(
        err,
        HttpError::Tls {
            failure: TlsFailure::UnknownIssuer,
            ..
        }
    ));
    assert_eq!(
        err.hint().as_deref(),
        Some("use `--cacert FILE` to trust a private CA, or `--insecure` to skip verification")
    );
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

#[tokio::test]
async fn tls_name_mismatch() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::WrongName,
        http2: true,
    };
    let err = tls_failure(setup, true).await?;
    assert_eq!(
        err.to_string(),
        "TLS handshake with `localhost` failed: certificate is for another host (name mismatch)"
    );
    Ok(())
}

#[tokio::test]
async fn tls_expired_certificate() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::Expired,
        http2: true,
    };
    let err = tls_failure(setup, true).await?;
    assert_eq!(
        err.to_string(),
        "TLS handshake with `localhost` failed: certificate expired"
    );
    Ok(())
}

#[tokio::test]
async fn insecure_accepts_an_unknown_ca_and_still_times_tls() -> TestResult {
    let (server, _tls) = support::https_server(|_| ok("trusted anyway"));
    let client = client(ClientOptions {
        insecure: true,
        ..ClientOptions::default()
    })?;
    let response = send(&client, &request("GET", &server.url("/"))?).await?;
    assert_eq!(response.head.status, 200);
    let (body, t) = read_all(response).await?;
    assert_eq!(body, b"trusted anyway");
    assert!(t.tls.is_some());
    Ok(())
}

#[tokio::test]
async fn timeout_while_waiting_for_the_response() -> TestResult {
    let server = support::stalling_server();
    let client = default_client()?;
    let mut req = request("GET", &server.url("/slow"))?;
    req.timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let err = send(&client, &req).await.err().ok_or("request succeeded")?;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err,
        HttpError::Timeout {
            phase: TimeoutPhase::WaitingForResponse,
            limit: Duration::from_millis(300)
        }
    );
    assert_eq!(
        err.to_string(),
        "timed out after 300ms waiting for the response"
    );
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

#[tokio::test]
async fn default_timeout_applies_while_reading_the_body() -> TestResult {
    let server = support::raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly the start".to_vec(),
    );
    let client = client(ClientOptions {
        timeout: Some(Duration::from_millis(300)),
        ..ClientOptions::default()
    })?;
    let response = send(&client, &request("GET", &server.url("/"))?).await?;
    assert_eq!(response.head.content_length, Some(100));
    let (mut body, timings) = response.into_body();
    let mut out = Vec::new();
    let err = body
        .read_to_end(&mut out)
        .await
        .err()
        .ok_or("body read succeeded")?;
    assert_eq!(out, b"only the start");
    assert_eq!(timings.bytes(), 14);
    assert_eq!(timings.get().download, None);
    assert_eq!(
        HttpError::from_io(&err).map(|e| e.to_string()),
        Some("timed out after 300ms reading the body".to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn redirects_are_followed_or_not_per_request() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.uri.as_str() {
        "/start" => (302, vec![h("location", "/final")], Vec::new()),
        "/loop" => (302, vec![h("location", "/loop")], Vec::new()),
        _ => ok("landed"),
    });
    let client = default_client()?;

    let response = send(&client, &request("GET", &server.url("/start"))?).await?;
    assert_eq!(response.head.status, 200);
    assert_eq!(response.head.url.path(), "/final");
    assert_eq!(read_all(response).await?.0, b"landed");

    let mut no_follow = request("GET", &server.url("/start"))?;
    no_follow.follow_redirects = false;
    let response = send(&client, &no_follow).await?;
    assert_eq!(response.head.status, 302);
    assert_eq!(response.head.header("location"), Some("/final"));

    let err = send(&client, &request("GET", &server.url("/loop"))?)
        .await
        .err()
        .ok_or("redirect loop succeeded")?;
    assert_eq!(
        err.to_string(),
        format!(
            "too many redirects (more than 10) starting from `{}`",
            server.url("/loop")
        )
    );
    assert_eq!(err.exit_code(), 3);
    Ok(())
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.push(1); // final block, stored
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(&data[..usize::from(len)]);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[tokio::test]
async fn gzip_bodies_are_decoded() -> TestResult {
    let plain = b"{\"compressed\":true}".to_vec();
    let gz = gzip_stored(&plain);
    let server =
        support::http_server(move |_| (200, vec![h("content-encoding", "gzip")], gz.clone()));
    let client = default_client()?;
    let response = send(&client, &request("GET", &server.url("/gz"))?).await?;
    assert_eq!(response.head.header("content-encoding"), None);
    let (body, _) = read_all(response).await?;
    assert_eq!(body, plain);
    let sent = server.requests();
    assert_eq!(
        sent[0].header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    Ok(())
}

#[tokio::test]
async fn reason_phrase_and_header_order_come_from_the_server() -> TestResult {
    let server = support::raw_server(
        b"HTTP/1.1 201 Made It\r\nx-zeta: 1\r\nx-alpha: 2\r\ncontent-length: 2\r\n\r\nok".to_vec(),
    );
    let client = default_client()?;
    let response = send(&client, &request("GET", &server.url("/"))?).await?;
    assert_eq!(response.head.status, 201);
    assert_eq!(response.head.reason, "Made It");
    assert_eq!(
        response.head.headers,
        vec![
            h("x-zeta", "1"),
            h("x-alpha", "2"),
            h("content-length", "2")
        ]
    );
    let (body, t) = read_all(response).await?;
    assert_eq!(body, b"ok");
    assert!(t.download.is_some());
    Ok(())
}

#[test]
fn public_types_can_cross_tasks() {
    fn sendable<T: Send + 'static>() {}
    fn shared<T: Send + Sync + 'static>() {}
    fn reader<T: tokio::io::AsyncRead + Send + Unpin + 'static>() {}
    shared::<Client>();
    shared::<HttpError>();
    shared::<postie::http::TimingsHandle>();
    sendable::<postie::http::Prepared>();
    sendable::<Response>();
    reader::<postie::http::BodyReader>();
}
