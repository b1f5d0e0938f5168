//! The embedded inbox server, exercised over real loopback connections.

use std::net::SocketAddr;
use std::time::Duration;

use postie::inbox::{Event, InboxServer, MAX_BODY_BYTES, Responder, echo_json};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    match reqwest::Client::builder().no_proxy().build() {
        Ok(c) => c,
        Err(e) => panic!("building the client: {e}"),
    }
}

async fn echo_server() -> InboxServer {
    match InboxServer::start(loopback(), Responder::Echo).await {
        Ok(s) => s,
        Err(e) => panic!("starting the inbox: {e}"),
    }
}

/// reqwest here has no `json` feature: parse the body with serde_json.
async fn json_of(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

/// Write raw bytes on a fresh connection and read until the server closes it.
async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response));
    read.await.expect("server closed in time").expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn echo_answers_with_the_request_as_json() {
    let server = echo_server().await;
    let url = format!("{}/hooks/a%20b?x=1&x=2&y=%C3%A9", server.url());
    let response = client()
        .post(&url)
        .header("X-Trace", "t-1")
        .header("Content-Type", "application/json")
        .body(r#"{"plan":"spring","n":2}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let content_type = response.headers().get("content-type").cloned();
    assert_eq!(
        content_type.as_ref().map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let echo = json_of(response).await;

    let events = server.events();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    let host = server.addr().to_string();
    let expected = json!({
        "id": 1,
        "received_at": humantime::format_rfc3339_millis(event.received_at).to_string(),
        "remote": event.remote.to_string(),
        "method": "POST",
        "url": format!("http://{host}/hooks/a%20b?x=1&x=2&y=%C3%A9"),
        "path": "/hooks/a%20b",
        "version": "HTTP/1.1",
        "args": {"x": ["1", "2"], "y": "é"},
        "headers": {
            "x-trace": "t-1",
            "content-type": "application/json",
            "accept": "*/*",
            "accept-encoding": "zstd,gzip,deflate,br", // this test's own reqwest client
            "host": host,
            "content-length": "23",
        },
        "body": r#"{"plan":"spring","n":2}"#,
        "body_encoding": "utf-8",
        "json": {"plan": "spring", "n": 2},
        "form": {},
        "files": {},
    });
    assert_eq!(echo, expected);
    assert_eq!(echo_json(event), expected);
    assert_eq!(event.remote.ip(), server.addr().ip());
    server.shutdown().await;
}

#[tokio::test]
async fn events_keep_exact_bytes_and_header_order() {
    let server = echo_server().await;
    let request = b"PUT /in?a=b HTTP/1.1\r\nHost: hooks.test\r\nX-Zeta: 1\r\nX-Alpha: two\r\n\
X-Zeta: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\n\x00\xff\r\n!";
    let response = raw_exchange(server.addr(), request).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");

    let events = server.events();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    let headers: Vec<(&str, &str)> = event
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("host", "hooks.test"),
            // Wire order, interleaved repeats where they came (hyper's map groups them).
            ("x-zeta", "1"),
            ("x-alpha", "two"),
            ("x-zeta", "3"),
            ("content-length", "5"),
            ("connection", "close"),
        ]
    );
    assert_eq!(event.id, 1);
    assert_eq!(event.method, "PUT");
    assert_eq!(event.path, "/in");
    assert_eq!(event.query.as_deref(), Some("a=b"));
    assert_eq!(event.version, "HTTP/1.1");
    assert_eq!(event.authority.as_deref(), Some("hooks.test"));
    assert_eq!(&event.body[..], b"\x00\xff\r\n!");
    assert!(!event.body_truncated);
    let echo = echo_json(event);
    assert_eq!(echo["body"], "AP8NCiE=");
    assert_eq!(echo["body_encoding"], "base64");
    assert_eq!(echo["url"], "http://hooks.test/in?a=b");
    server.shutdown().await;
}

#[tokio::test]
async fn ids_follow_arrival_order() {
    let server = echo_server().await;
    let client = client();
    for path in ["/one", "/two", "/three"] {
        let url = format!("{}{path}", server.url());
        let echo = json_of(client.get(url).send().await.expect("send")).await;
        assert_eq!(echo["path"], path);
    }
    let seen: Vec<(u64, String)> = server
        .events()
        .into_iter()
        .map(|e| (e.id, e.path))
        .collect();
    let want = [(1, "/one"), (2, "/two"), (3, "/three")].map(|(i, p)| (i, p.to_owned()));
    assert_eq!(seen, want);
    server.shutdown().await;
}

#[tokio::test]
async fn subscribe_sees_events_live() {
    let server = echo_server().await;
    let mut live = server.subscribe();
    let url = format!("{}/webhook", server.url());
    let sender = tokio::spawn(async move { client().post(url).body("ping").send().await });
    let event = tokio::time::timeout(Duration::from_secs(5), live.recv())
        .await
        .expect("an event within 5 s")
        .expect("channel open");
    assert_eq!(event.path, "/webhook");
    assert_eq!(&event.body[..], b"ping");
    let response = sender.await.expect("join").expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(server.events(), vec![event]);
    server.shutdown().await;
}

#[tokio::test]
async fn urlencoded_and_multipart_bodies_are_decoded() {
    let server = echo_server().await;
    let client = client();
    let echo = client
        .post(server.url())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("a=1&b=x+y%26z&a=2")
        .send()
        .await
        .expect("send");
    let echo = json_of(echo).await;
    assert_eq!(echo["form"], json!({"a": ["1", "2"], "b": "x y&z"}));
    assert_eq!(echo["files"], json!({}));

    let file = reqwest::multipart::Part::bytes(vec![0xff, 0xad, 0x00])
        .file_name("blob.bin")
        .mime_str("application/octet-stream")
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("title", "Spring sale ☀")
        .part("upload", file);
    let echo = client
        .post(server.url())
        .multipart(form)
        .send()
        .await
        .expect("send");
    let echo = json_of(echo).await;
    assert_eq!(echo["form"], json!({"title": "Spring sale ☀"}));
    let want = json!({"upload": {
        "filename": "blob.bin",
        "content_type": "application/octet-stream",
        "size": 3,
        "body": "/60A",
        "body_encoding": "base64",
    }});
    assert_eq!(echo["files"], want);
    server.shutdown().await;
}

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let server = echo_server().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let h2 = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .expect("client");
    let response = h2
        .get(format!("{}/h2?k=v", server.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let echo = json_of(response).await;
    assert_eq!(echo["version"], "HTTP/2.0");
    assert_eq!(echo["url"], format!("{}/h2?k=v", server.url()));
    assert_eq!(echo["args"], json!({"k": "v"}));
    server.shutdown().await;
}

#[tokio::test]
async fn oversize_body_gets_413_and_is_recorded_truncated() {
    let server = echo_server().await;
    let body = vec![b'x'; MAX_BODY_BYTES + 1];
    let response = client()
        .post(server.url())
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    let error = json_of(response).await;
    let want = json!({
        "error": "request body is larger than 10485760 bytes",
        "limit": 10485760,
        "id": 1,
    });
    assert_eq!(error, want);
    let events = server.events();
    assert_eq!(events.len(), 1);
    assert!(events[0].body_truncated);
    assert_eq!(events[0].body.len(), MAX_BODY_BYTES);

    // Exactly at the limit is kept whole and echoed.
    let body = vec![b'y'; MAX_BODY_BYTES];
    let response = client()
        .post(server.url())
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let last: Option<Event> = server.events().pop();
    let last = last.expect("a second event");
    assert_eq!(
        (last.id, last.body.len(), last.body_truncated),
        (2, MAX_BODY_BYTES, false)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_request_gets_400_and_the_server_keeps_answering() {
    let server = echo_server().await;
    let response = raw_exchange(server.addr(), b"GARBAGE\x01 / NOT-HTTP\r\n\r\n").await;
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{response}"
    );
    let response = raw_exchange(
        server.addr(),
        b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
    )
    .await;
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{response}"
    );
    assert_eq!(server.events(), vec![]);

    let response = client().get(server.url()).send().await.expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(server.events().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn fixed_responder_answers_the_same_every_time() {
    let responder = Responder::Fixed {
        status: 202,
        headers: vec![("X-Inbox".into(), "yes".into())],
        body: bytes::Bytes::from_static(b"accepted"),
    };
    let server = InboxServer::start(loopback(), responder)
        .await
        .expect("start");
    for _ in 0..2 {
        let response = client()
            .post(server.url())
            .body("{}")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 202);
        let inbox = response
            .headers()
            .get("x-inbox")
            .map(|v| v.as_bytes().to_vec());
        assert_eq!(inbox, Some(b"yes".to_vec()));
        assert_eq!(response.text().await.expect("text"), "accepted");
    }
    assert_eq!(server.events().len(), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_fixed_responses_are_refused_at_start() {
    let bad_status = Responder::Fixed {
        status: 42,
        headers: vec![],
        body: bytes::Bytes::new(),
    };
    let err = InboxServer::start(loopback(), bad_status)
        .await
        .expect_err("an error");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "invalid response status `42`");

    let headers = vec![("Bad Name".into(), "v".into())];
    let bad_header = Responder::Fixed {
        status: 200,
        headers,
        body: bytes::Bytes::new(),
    };
    let err = InboxServer::start(loopback(), bad_header)
        .await
        .expect_err("an error");
    assert_eq!(err.to_string(), "invalid response header name `Bad Name`");
}

#[tokio::test]
async fn shutdown_returns_promptly_and_closes_the_port() {
    let server = echo_server().await;
    let addr = server.addr();
    let response = client().get(server.url()).send().await.expect("send");
    assert_eq!(response.status(), 200);
    // An idle keep-alive connection and one that never sends a request must not hold it up.
    let _idle = TcpStream::connect(addr).await.expect("connect");
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(3), server.shutdown())
        .await
        .expect("shutdown within 3 s");
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = echo_server().await;
    let addr = server.addr();
    drop(server);
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "still accepting 3 s after drop"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

mod curl_export {
    use super::*;
    use postie::output::curl::to_curl;
    use postie::request::{Body, Expect, Part, PartValue, ResolvedRequest};
    use std::path::PathBuf;

    fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Body) -> ResolvedRequest {
        ResolvedRequest {
            name: String::new(),
            method: method.to_owned(),
            url: url::Url::parse(url).expect("url"),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            without_headers: Vec::new(),
            body,
            timeout: Some(Duration::from_secs(5)),
            follow_redirects: true,
            max_redirects: None,
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
            routes: Default::default(),
        }
    }

    /// Run the generated command with `sh -c`, away from any proxy or `.curlrc`, and
    /// return the single event the inbox recorded.
    async fn run_curl(server: &InboxServer, req: &ResolvedRequest) -> Event {
        let command = to_curl(req);
        let home = tempfile::tempdir().expect("temp home");
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c")
            .arg(format!("{command} -sS -o /dev/null"))
            .env("HOME", home.path())
            .env("CURL_HOME", home.path());
        for proxy in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
            sh.env_remove(proxy);
        }
        // Blocking wait off the runtime thread, which must keep serving the inbox.
        let output = tokio::task::spawn_blocking(move || sh.output())
            .await
            .expect("join")
            .expect("run sh");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "curl failed: {stderr}\ncommand:\n{command}"
        );
        let mut events = server.events();
        assert_eq!(events.len(), 1, "command:\n{command}");
        events.remove(0)
    }

    /// The headers the request set, in the order the server received them (curl adds its
    /// own `Host`, `User-Agent`, `Accept`, `Content-Length`).
    fn ours<'a>(event: &'a Event, req: &ResolvedRequest) -> Vec<(&'a str, &'a str)> {
        let wanted: Vec<String> = req
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        event
            .headers
            .iter()
            .filter(|(n, _)| wanted.contains(n))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[tokio::test]
    async fn text_body_with_tricky_quoting_arrives_intact() {
        let server = echo_server().await;
        let url = format!("{}/plans/caf%C3%A9?x=1&y=it%27s", server.url());
        let body = "{\"note\": \"it's `pwd` $HOME \\\\ 100%\"}\nline 2 ☀\n";
        let headers = [
            ("X-Note", "it's $HOME \"quoted\" ☀"),
            ("X-Empty", ""),
            ("Content-Type", "application/json"),
        ];
        let req = request(
            "PATCH",
            &url,
            &headers,
            Body::Bytes(body.as_bytes().to_vec()),
        );
        let event = run_curl(&server, &req).await;
        assert_eq!(event.method, "PATCH");
        assert_eq!(event.path, "/plans/caf%C3%A9");
        assert_eq!(event.query.as_deref(), Some("x=1&y=it%27s"));
        assert_eq!(
            ours(&event, &req),
            [
                ("x-note", "it's $HOME \"quoted\" ☀"),
                ("x-empty", ""),
                ("content-type", "application/json"),
            ]
        );
        assert_eq!(&event.body[..], body.as_bytes());
        server.shutdown().await;
    }

    #[tokio::test]
    async fn binary_body_without_content_type_arrives_intact() {
        let server = echo_server().await;
        let body = b"\x00\xff%s\\n'\"\r\n\x7f end".to_vec();
        let req = request("POST", &server.url(), &[], Body::Bytes(body.clone()));
        let event = run_curl(&server, &req).await;
        assert_eq!(event.method, "POST");
        assert_eq!(event.path, "/");
        assert_eq!(event.header("content-type"), None);
        assert_eq!(&event.body[..], &body[..]);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn get_without_body_sends_get() {
        let server = echo_server().await;
        let url = format!("{}/search?q=a+b", server.url());
        let req = request("GET", &url, &[("Accept", "application/json")], Body::None);
        let event = run_curl(&server, &req).await;
        assert_eq!(
            (event.method.as_str(), event.path.as_str()),
            ("GET", "/search")
        );
        assert_eq!(event.query.as_deref(), Some("q=a+b"));
        assert_eq!(ours(&event, &req), [("accept", "application/json")]);
        assert!(event.body.is_empty());
        server.shutdown().await;
    }

    #[tokio::test]
    async fn file_and_multipart_bodies_arrive_intact() {
        let server = echo_server().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("it's a plan; v1.bin");
        let contents = b"\x00\x01binary\xff".to_vec();
        std::fs::write(&path, &contents).expect("write");
        let headers = [("Content-Type", "application/octet-stream")];
        let req = request("PUT", &server.url(), &headers, Body::File(path.clone()));
        let event = run_curl(&server, &req).await;
        assert_eq!(event.method, "PUT");
        assert_eq!(&event.body[..], &contents[..]);
        server.shutdown().await;

        let server = echo_server().await;
        let parts = vec![
            Part {
                name: "title".into(),
                value: PartValue::Text("@not-a-file; it's ☀".into()),
            },
            Part {
                name: "doc".into(),
                value: PartValue::File {
                    path: PathBuf::from(&path),
                    file_name: Some("report \"q1\".bin".into()),
                    content_type: Some("application/x-plan".into()),
                },
            },
        ];
        let req = request(
            "POST",
            &format!("{}/up", server.url()),
            &[],
            Body::Multipart(parts),
        );
        let event = run_curl(&server, &req).await;
        let echo = echo_json(&event);
        assert_eq!(echo["method"], "POST");
        assert_eq!(echo["form"], json!({"title": "@not-a-file; it's ☀"}));
        // curl (like browsers, per the HTML multipart rules) sends `"` in file names as `%22`.
        let want = json!({"doc": {
            "filename": "report %22q1%22.bin",
            "content_type": "application/x-plan",
            "size": 9,
            "body": "AAFiaW5hcnn/",
            "body_encoding": "base64",
        }});
        assert_eq!(echo["files"], want);
        server.shutdown().await;
    }
}
