//! Webhook signatures, differentially: postie's verifier (`postie::webhook::verify`, and
//! `postie listen --verify` end to end for a sample) must accept exactly what the official
//! libraries accept, and postie's signer (`postie::webhook::sign`, behind `sign = {…}` and
//! `inbox replay --sign`) must produce headers every one of them accepts.
//!
//! The references run for real, installed by `scripts/test`: Python `stripe`
//! (`WebhookSignature.verify_header` with `Webhook.DEFAULT_TOLERANCE`, and on event bodies
//! `Webhook.construct_event` too, which must agree with it), `standardwebhooks` (`Webhook(secret).verify`) and `svix`
//! (`Webhook(secret).verify`) in one Python process, npm `@octokit/webhooks-methods` (`verify`)
//! in one node process: all cases go in as JSON, one verdict per case comes out. The
//! references' clocks are set to each case's `now` (stripe's `time.time`, standardwebhooks'
//! `datetime.now`), so boundary cases are exact; the cases' clock is years in the past, so a
//! reference that ignored it would reject every valid case and the test would fail.
//!
//! Signatures here are computed with the `hmac` crate directly, not with postie's signer.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use postie::signing::Scheme;
use postie::webhook::{self, Verdict};
use serde_json::{Value, json};
use sha2::Sha256;

use support::tools;

/// A case's headers, in order.
type Headers = Vec<(String, String)>;
/// A named variant of a GitHub request: name, secret, headers.
type Variant<'a> = (&'a str, &'a str, Headers);
/// Cases with their place in the full list.
type Indexed<'a> = Vec<(usize, &'a Case)>;

/// The cases' clock: 2023-11-14, whole seconds.
const NOW: i64 = 1_700_000_000;
const SEC: i64 = 1_000_000;

/// Which official library judges a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lib {
    Octokit,
    Stripe,
    StandardWebhooks,
    Svix,
}

impl Lib {
    fn name(self) -> &'static str {
        match self {
            Lib::Octokit => "octokit",
            Lib::Stripe => "stripe",
            Lib::StandardWebhooks => "standardwebhooks",
            Lib::Svix => "svix",
        }
    }

    fn scheme(self) -> Scheme {
        match self {
            Lib::Octokit => Scheme::Github,
            Lib::Stripe => Scheme::Stripe,
            Lib::StandardWebhooks | Lib::Svix => Scheme::Standard,
        }
    }
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    lib: Lib,
    secret: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The clock, in microseconds since the epoch.
    now: i64,
    /// Within a second of a tolerance edge: only with a clock both sides share exactly.
    edge: bool,
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let mut big = String::from("{\"items\":[");
    for i in 0..800 {
        big.push_str(&format!("{{\"n\":{i},\"s\":\"ünïcødé {i}\"}},"));
    }
    big.push_str("{}]}");
    vec![
        (
            "json",
            br#"{"id":"evt_1","object":"event","type":"charge.succeeded"}"#.to_vec(),
        ),
        ("empty", Vec::new()),
        (
            "non-ascii",
            "{\"name\":\"Zoë — ✓ 日本語 🎉\"}".as_bytes().to_vec(),
        ),
        ("bom", "\u{feff}{\"a\":1}".as_bytes().to_vec()),
        ("crlf", b"line1\r\nline2\n\ttab trailing ".to_vec()),
        ("big", big.into_bytes()),
        ("not-utf8", vec![b'{', 0xff, 0xfe, b'"', 0xe9, b'}']),
    ]
}

fn h(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

/// GitHub: `X-Hub-Signature-256: sha256=<hex>`, judged by `@octokit/webhooks-methods`.
fn github_cases(now: i64) -> Vec<Case> {
    let secret = "It's a Secret to Everybody";
    let mut cases = Vec::new();
    for (body_name, body) in bodies() {
        let sig = hex(&mac(secret.as_bytes(), &[&body]));
        let other = hex(&mac(b"another secret", &[&body]));
        let tampered = hex(&mac(secret.as_bytes(), &[&body, b" "]));
        let mixed = format!("{}{}", upper(&sig[..32]), &sig[32..]);
        let mut variants: Vec<Variant> = vec![
            (
                "valid",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={sig}"))],
            ),
            (
                "lower-case name",
                secret,
                vec![h("x-hub-signature-256", format!("sha256={sig}"))],
            ),
            (
                "upper-case hex",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={}", upper(&sig)))],
            ),
            (
                "mixed-case hex",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={mixed}"))],
            ),
            (
                "upper-case prefix",
                secret,
                vec![h("X-Hub-Signature-256", format!("SHA256={sig}"))],
            ),
            (
                "no prefix",
                secret,
                vec![h("X-Hub-Signature-256", sig.clone())],
            ),
            (
                "space after =",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256= {sig}"))],
            ),
            (
                "trailing =",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={sig}="))],
            ),
            (
                "truncated",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={}", &sig[..62]))],
            ),
            (
                "two, valid first",
                secret,
                vec![h(
                    "X-Hub-Signature-256",
                    format!("sha256={sig},sha256={other}"),
                )],
            ),
            (
                "two, valid second",
                secret,
                vec![h(
                    "X-Hub-Signature-256",
                    format!("sha256={other}, sha256={sig}"),
                )],
            ),
            (
                "tampered body",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={tampered}"))],
            ),
            (
                "wrong secret",
                secret,
                vec![h("X-Hub-Signature-256", format!("sha256={other}"))],
            ),
            (
                "sha1 only",
                secret,
                vec![h("X-Hub-Signature", format!("sha1={}", &sig[..40]))],
            ),
            (
                "sha1 and sha256",
                secret,
                vec![
                    h("X-Hub-Signature", format!("sha1={}", &sig[..40])),
                    h("X-Hub-Signature-256", format!("sha256={sig}")),
                ],
            ),
            ("unsigned", secret, vec![]),
            ("empty header", secret, vec![h("X-Hub-Signature-256", "")]),
        ];
        let unicode = hex(&mac("sécret 🔑".as_bytes(), &[&body]));
        variants.push((
            "unicode secret",
            "sécret 🔑",
            vec![h("X-Hub-Signature-256", format!("sha256={unicode}"))],
        ));
        let blank = hex(&mac(b" ", &[&body]));
        variants.push((
            "blank secret",
            " ",
            vec![h("X-Hub-Signature-256", format!("sha256={blank}"))],
        ));
        let empty = hex(&mac(b"", &[&body]));
        variants.push((
            "empty secret",
            "",
            vec![h("X-Hub-Signature-256", format!("sha256={empty}"))],
        ));
        for (name, secret, headers) in variants {
            cases.push(Case {
                name: format!("github {name}, {body_name} body"),
                lib: Lib::Octokit,
                secret: secret.to_owned(),
                headers,
                body: body.clone(),
                now,
                edge: false,
            });
        }
    }
    cases
}

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex of HMAC("t.body")>`, judged by stripe-python.
fn stripe_cases(now: i64) -> Vec<Case> {
    let secret = "whsec_test_stripe_secret";
    let t = now / SEC;
    let sign = |secret: &str, t: &str, body: &[u8]| {
        hex(&mac(secret.as_bytes(), &[t.as_bytes(), b".", body]))
    };
    let mut cases = Vec::new();
    let mut push =
        |name: String, secret: &str, header: Option<String>, body: &[u8], now: i64, edge: bool| {
            cases.push(Case {
                name,
                lib: Lib::Stripe,
                secret: secret.to_owned(),
                headers: header
                    .map(|v| vec![h("Stripe-Signature", v)])
                    .unwrap_or_default(),
                body: body.to_vec(),
                now,
                edge,
            });
        };
    for (body_name, body) in bodies() {
        let ts = t.to_string();
        let sig = sign(secret, &ts, &body);
        let bad = sign("whsec_other", &ts, &body);
        let headers: Vec<(&str, String)> = vec![
            ("valid", format!("t={t},v1={sig}")),
            ("v1 first", format!("v1={sig},t={t}")),
            ("upper-case hex", format!("t={t},v1={}", upper(&sig))),
            ("space after comma", format!("t={t}, v1={sig}")),
            ("space before comma", format!("t={t} ,v1={sig}")),
            ("space after t=", format!("t= {t},v1={sig}")),
            ("space after v1=", format!("t={t},v1= {sig}")),
            ("upper-case keys", format!("T={t},V1={sig}")),
            ("two v1, valid second", format!("t={t},v1={bad},v1={sig}")),
            ("two v1, valid first", format!("t={t},v1={sig},v1={bad}")),
            ("v0 and v1", format!("t={t},v0={bad},v1={sig}")),
            ("v0 only", format!("t={t},v0={sig}")),
            (
                "non-ASCII v1 before the valid one",
                format!("t={t},v1=é,v1={sig}"),
            ),
            (
                "non-ASCII v1 after the valid one",
                format!("t={t},v1={sig},v1=é"),
            ),
            (
                "two t, right first",
                format!("t={t},t={},v1={sig}", t - 1000),
            ),
            (
                "two t, right second",
                format!("t={},t={t},v1={sig}", t - 1000),
            ),
            ("no t", format!("v1={sig}")),
            ("t without =", format!("t,t={t},v1={sig}")),
            ("v1 without =", format!("t={t},v1={sig},v1")),
            ("trailing = after v1", format!("t={t},v1={sig}=")),
            ("= junk after t", format!("t={t}=junk,v1={sig}")),
            ("empty item", format!("t={t},,v1={sig}")),
            (
                "leading zero t, signed as read",
                format!("t=0{t},v1={}", sign(secret, &format!("0{t}"), &body)),
            ),
            ("leading zero t, signed as %d", format!("t=0{t},v1={sig}")),
            ("plus t", format!("t=+{t},v1={sig}")),
            (
                "underscores in t",
                format!("t=1_700_000_000,v1={}", sign(secret, "1700000000", &body)),
            ),
            (
                "double underscore in t",
                format!("t=1__700_000_000,v1={}", sign(secret, "1700000000", &body)),
            ),
            (
                "t not a number",
                format!("t=abc,v1={}", sign(secret, "abc", &body)),
            ),
            (
                "negative t",
                format!("t=-5,v1={}", sign(secret, "-5", &body)),
            ),
            ("truncated", format!("t={t},v1={}", &sig[..63])),
            ("wrong secret", format!("t={t},v1={bad}")),
            (
                "tampered body",
                format!("t={t},v1={}", sign(secret, &ts, b"tampered")),
            ),
            ("empty header", String::new()),
        ];
        for (name, header) in headers {
            push(
                format!("stripe {name}, {body_name} body"),
                secret,
                Some(header),
                &body,
                now,
                false,
            );
        }
        push(
            format!("stripe unsigned, {body_name} body"),
            secret,
            None,
            &body,
            now,
            false,
        );
        for (name, key) in [
            ("empty secret", ""),
            ("blank secret", "  "),
            ("unicode secret", "clé 🔑"),
        ] {
            let header = format!("t={t},v1={}", sign(key, &ts, &body));
            push(
                format!("stripe {name}, {body_name} body"),
                key,
                Some(header),
                &body,
                now,
                false,
            );
        }
    }
    // The timestamp against the clock (stripe checks the age only): each offset signed right.
    let body = br#"{"id":"evt_2","object":"event"}"#;
    for (clock, frac) in [("whole-second clock", 0), ("clock at .25 s", SEC / 4)] {
        let now = now + frac;
        for offset in [
            -100_000,
            -301,
            -300,
            -299,
            0,
            1,
            299,
            300,
            301,
            86_400,
            1_000_000_000_000,
        ] {
            let t = (now / SEC + offset).to_string();
            let header = format!("t={t},v1={}", sign(secret, &t, body));
            let edge = (offset.abs() - 300).abs() <= 1;
            push(
                format!("stripe timestamp {offset:+} s, {clock}"),
                secret,
                Some(header),
                body,
                now,
                edge,
            );
        }
    }
    let huge = "99999999999999999999999";
    let header = format!("t={huge},v1={}", sign(secret, huge, body));
    push(
        "stripe timestamp of 23 digits".into(),
        secret,
        Some(header),
        body,
        now,
        false,
    );
    cases
}

/// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`,
/// judged by standardwebhooks and by svix (also with its `svix-` header names).
fn standard_cases(now: i64) -> Vec<Case> {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let key = B64
        .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .expect("base64");
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    let t = now / SEC;
    let sign = |key: &[u8], ts: &str, body: &[u8]| {
        B64.encode(mac(key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]))
    };
    let headers = |prefix: &str, ts: &str, sig: &str| {
        vec![
            h(&format!("{prefix}-id"), id),
            h(&format!("{prefix}-timestamp"), ts),
            h(&format!("{prefix}-signature"), sig),
        ]
    };
    let mut cases = Vec::new();
    let mut push = |name: &str,
                    secret: &str,
                    headers: Vec<(String, String)>,
                    body: &[u8],
                    now: i64,
                    edge: bool| {
        let svix_names = headers.iter().any(|(n, _)| n.starts_with("svix-"));
        let libs: &[Lib] = if svix_names {
            &[Lib::Svix]
        } else {
            &[Lib::StandardWebhooks, Lib::Svix]
        };
        for &lib in libs {
            cases.push(Case {
                name: format!("{} {name}", lib.name()),
                lib,
                secret: secret.to_owned(),
                headers: headers.clone(),
                body: body.to_vec(),
                now,
                edge,
            });
        }
    };
    for (body_name, body) in bodies() {
        let ts = t.to_string();
        let sig = sign(&key, &ts, &body);
        let bad = sign(b"another key", &ts, &body);
        let junk = format!("{}!{}", &sig[..10], &sig[10..]);
        let unpadded = sig.trim_end_matches('=').to_owned();
        let sigs: Vec<(&str, String)> = vec![
            ("valid", format!("v1,{sig}")),
            ("valid second of two", format!("v1,{bad} v1,{sig}")),
            ("valid first of two", format!("v1,{sig} v1,{bad}")),
            ("v2 and v1", format!("v2,{bad} v1,{sig}")),
            ("v2 only", format!("v2,{sig}")),
            (
                "two spaces before the valid one",
                format!("v1,{bad}  v1,{sig}"),
            ),
            (
                "two spaces after the valid one",
                format!("v1,{sig}  v1,{bad}"),
            ),
            ("tab between", format!("v1,{bad}\tv1,{sig}")),
            (
                "extra comma before the valid one",
                format!("v1,{bad},x v1,{sig}"),
            ),
            ("extra comma in the valid one", format!("v1,{sig},x")),
            ("no version", sig.clone()),
            ("unpadded base64", format!("v1,{unpadded}")),
            ("junk inside the base64", format!("v1,{junk}")),
            (
                "url-safe base64",
                format!("v1,{}", sig.replace('+', "-").replace('/', "_")),
            ),
            ("wrong secret", format!("v1,{bad}")),
            (
                "tampered body",
                format!("v1,{}", sign(&key, &ts, b"tampered")),
            ),
        ];
        for (name, value) in sigs {
            let name = format!("{name}, {body_name} body");
            push(
                &name,
                secret,
                headers("webhook", &ts, &value),
                &body,
                now,
                false,
            );
        }
        let name = format!("svix- names, {body_name} body");
        push(
            &name,
            secret,
            headers("svix", &ts, &format!("v1,{sig}")),
            &body,
            now,
            false,
        );
    }
    let body = br#"{"type":"invoice.paid"}"#;
    // Timestamps: each signed as the libraries sign it (its whole seconds) unless named.
    for (clock, frac) in [("whole-second clock", 0), ("clock at .25 s", SEC / 4)] {
        let now = now + frac;
        let t = now / SEC;
        for offset in [-100_000, -301, -300, -299, 0, 299, 300, 301, 100_000] {
            let ts = (t + offset).to_string();
            let edge = (offset.abs() - 300).abs() <= 1;
            let name = format!("timestamp {offset:+} s, {clock}");
            push(
                &name,
                secret,
                headers("webhook", &ts, &format!("v1,{}", sign(&key, &ts, body))),
                body,
                now,
                edge,
            );
        }
        for (name, ts, signed) in [
            ("fraction", format!("{t}.5"), t.to_string()),
            (
                "fraction, signed as read",
                format!("{t}.5"),
                format!("{t}.5"),
            ),
            (
                "fraction rounding up",
                format!("{t}.9999996"),
                (t + 1).to_string(),
            ),
            (
                "fraction rounding up, signed as floor",
                format!("{t}.9999996"),
                t.to_string(),
            ),
            ("leading zero", format!("0{t}"), t.to_string()),
            (
                "leading zero, signed as read",
                format!("0{t}"),
                format!("0{t}"),
            ),
            ("plus sign", format!("+{t}"), t.to_string()),
            (
                "underscores",
                "1_700_000_000".to_owned(),
                "1700000000".to_owned(),
            ),
            ("exponent", "1.7e9".to_owned(), "1700000000".to_owned()),
            ("trailing point", format!("{t}."), t.to_string()),
            ("not a number", "abc".to_owned(), "abc".to_owned()),
            ("infinity", "inf".to_owned(), "inf".to_owned()),
            ("nan", "nan".to_owned(), "nan".to_owned()),
            ("empty", String::new(), String::new()),
        ] {
            let value = format!("v1,{}", sign(&key, &signed, body));
            // Only the named timestamps that equal 1_700_000_000 mean "now" on a shifted clock.
            let name = format!("timestamp {name}, {clock}");
            push(
                &name,
                secret,
                headers("webhook", &ts, &value),
                body,
                now,
                false,
            );
        }
    }
    // Secrets: the same key written in different ways, and broken ones.
    let ts = t.to_string();
    let key20 = b"twenty bytes of key!";
    let b64_20 = B64.encode(key20); // 28 characters, one `=`
    for (name, secret, key) in [
        (
            "no whsec_ prefix",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            key.clone(),
        ),
        ("extra padding", format!("{secret}=="), key.clone()),
        ("padded secret", format!("whsec_{b64_20}"), key20.to_vec()),
        (
            "unpadded secret",
            format!("whsec_{}", b64_20.trim_end_matches('=')),
            key20.to_vec(),
        ),
        (
            "space inside the secret",
            "whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            key.clone(),
        ),
        ("empty secret", "whsec_".to_owned(), Vec::new()),
        ("secret of junk", "whsec_!!!!".to_owned(), Vec::new()),
        (
            "secret one character over",
            "whsec_MfKQ9".to_owned(),
            b"1\xf2\x90".to_vec(),
        ),
        (
            "non-ASCII secret",
            "whsec_MfKQ9r8GKYqrTwjé".to_owned(),
            key.clone(),
        ),
    ] {
        let value = format!("v1,{}", sign(&key, &ts, body));
        push(
            name,
            &secret,
            headers("webhook", &ts, &value),
            body,
            now,
            false,
        );
    }
    let valid = format!("v1,{}", sign(&key, &ts, body));
    let mut missing_id = headers("webhook", &ts, &valid);
    missing_id.remove(0);
    push("missing id", secret, missing_id, body, now, false);
    let mut missing_ts = headers("webhook", &ts, &valid);
    missing_ts.remove(1);
    push("missing timestamp", secret, missing_ts, body, now, false);
    let mut empty_id = headers("webhook", &ts, &valid);
    empty_id[0].1.clear();
    push("empty id", secret, empty_id, body, now, false);
    push("unsigned", secret, Vec::new(), body, now, false);
    push(
        "empty signature",
        secret,
        headers("webhook", &ts, ""),
        body,
        now,
        false,
    );
    cases
}

fn all_cases(now: i64) -> Vec<Case> {
    let mut cases = github_cases(now);
    cases.extend(stripe_cases(now));
    cases.extend(standard_cases(now));
    cases
}

/// The Python side: one process, JSON cases on stdin, `[{ok, why}]` on stdout.
const PYTHON: &str = r#"
import base64, datetime, json, sys, types
import stripe, stripe._webhook
import standardwebhooks.webhooks
import svix.webhooks

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
clock = {"us": 0}

class FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return EPOCH + datetime.timedelta(microseconds=clock["us"])

standardwebhooks.webhooks.datetime = FrozenDatetime
stripe._webhook.time = types.SimpleNamespace(time=lambda: clock["us"] / 1e6)

def attempt(f):
    try:
        f()
        return None
    except Exception as e:
        return e

def is_event(body):
    try:
        event = json.loads(body)
    except Exception:
        return False
    return isinstance(event, dict) and event.get("object") == "event"

def judge(case):
    clock["us"] = case["now"]
    body = base64.b64decode(case["body"])
    headers = dict(case["headers"])
    lib = case["lib"]
    if lib == "stripe":
        value = next((v for n, v in case["headers"] if n.lower() == "stripe-signature"), None)
        secret = case["secret"]
        tolerance = stripe.Webhook.DEFAULT_TOLERANCE
        error = attempt(lambda: stripe.WebhookSignature.verify_header(body, value, secret, tolerance))
        if is_event(body):
            # construct_event (verify_header, then the event) must say the same.
            constructed = attempt(lambda: stripe.Webhook.construct_event(body, value, secret))
            if (error is None) != (constructed is None):
                raise SystemExit("construct_event and verify_header disagree: " + case["name"])
        if error is not None:
            raise error
    elif lib == "standardwebhooks":
        standardwebhooks.webhooks.Webhook(case["secret"]).verify(body, headers, json_parse=False)
    elif lib == "svix":
        svix.webhooks.Webhook(case["secret"]).verify(body, headers)
    else:
        raise SystemExit("unknown library " + lib)

out = []
for case in json.load(sys.stdin):
    try:
        judge(case)
        out.append({"ok": True, "why": ""})
    except SystemExit:
        raise
    except Exception as e:
        out.append({"ok": False, "why": type(e).__name__ + ": " + str(e)[:200]})
json.dump(out, sys.stdout)
"#;

/// The node side: `verify(secret, payload, signature)` of @octokit/webhooks-methods, with the
/// body as the UTF-8 text a server hands it (`Buffer#toString`, which keeps a BOM).
const NODE: &str = r#"
const path = require('path');
const { isUtf8 } = require('buffer');
const modules = process.argv[1];
const entry = path.join(modules, '@octokit', 'webhooks-methods', 'dist-node', 'index.js');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
    const { verify } = await import(require('url').pathToFileURL(entry).href);
    const out = [];
    for (const c of JSON.parse(input)) {
        try {
            const body = Buffer.from(c.body, 'base64');
            if (!isUtf8(body)) throw new Error('body is not UTF-8: the library takes a string');
            const header = c.headers.find(([n]) => n.toLowerCase() === 'x-hub-signature-256');
            const ok = await verify(c.secret, body.toString('utf8'), header ? header[1] : undefined);
            out.push({ ok: ok === true, why: ok ? '' : 'verify returned false' });
        } catch (e) {
            out.push({ ok: false, why: String(e.message).slice(0, 200) });
        }
    }
    process.stdout.write(JSON.stringify(out));
});
"#;

fn case_json(case: &Case) -> Value {
    json!({
        "name": case.name,
        "lib": case.lib.name(),
        "secret": case.secret,
        "headers": case.headers,
        "body": B64.encode(&case.body),
        "now": case.now,
    })
}

/// The official libraries' verdicts, in the order of `cases`: (accepted, why not).
fn references(cases: &[Case]) -> Vec<(bool, String)> {
    let (node_cases, py_cases): (Indexed, Indexed) = cases
        .iter()
        .enumerate()
        .partition(|(_, c)| c.lib == Lib::Octokit);
    let mut verdicts = vec![(false, String::new()); cases.len()];
    let modules = tools::node_modules();
    for (group, mut cmd) in [
        (py_cases, {
            let mut cmd = Command::new(tools::python());
            cmd.arg("-c").arg(PYTHON);
            cmd
        }),
        (node_cases, {
            let mut cmd = tools::node();
            cmd.arg("-e").arg(NODE).arg(&modules);
            cmd
        }),
    ] {
        if group.is_empty() {
            continue;
        }
        let input: Vec<Value> = group.iter().map(|(_, c)| case_json(c)).collect();
        let out = run_with_stdin(&mut cmd, &serde_json::to_vec(&input).expect("json"));
        let answers: Vec<Value> = serde_json::from_slice(&out).unwrap_or_else(|e| {
            panic!(
                "reference output is not JSON ({e}): {}",
                String::from_utf8_lossy(&out)
            )
        });
        assert_eq!(answers.len(), group.len(), "one verdict per case");
        for ((i, _), answer) in group.iter().zip(answers) {
            let ok = answer["ok"].as_bool().expect("ok");
            let why = answer["why"].as_str().unwrap_or_default().to_owned();
            verdicts[*i] = (ok, why);
        }
    }
    verdicts
}

fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Vec<u8> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer").expect("write stdin");
    assert!(
        output.status.success(),
        "{cmd:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn at(micros: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(u64::try_from(micros).expect("after 1970"))
}

/// Compares postie's verdict with the references' on every case; returns the disagreements.
fn disagreements(cases: &[Case], postie: &[Verdict]) -> Vec<String> {
    let refs = references(cases);
    let mut wrong = Vec::new();
    for ((case, (ok, why)), verdict) in cases.iter().zip(&refs).zip(postie) {
        let verified = *verdict == Verdict::Verified;
        if verified != *ok {
            wrong.push(format!(
                "{}: {} {}, postie {verdict}\n    headers {:?}, secret {:?}",
                case.name,
                case.lib.name(),
                if *ok {
                    "accepts".to_owned()
                } else {
                    format!("rejects ({why})")
                },
                case.headers,
                case.secret,
            ));
        }
    }
    wrong
}

#[test]
fn postie_accepts_exactly_what_the_official_libraries_accept() {
    let now = NOW * SEC;
    let cases = all_cases(now);
    let postie: Vec<Verdict> = cases
        .iter()
        .map(|c| webhook::verify(&c.lib.scheme(), &c.secret, &c.headers, &c.body, at(c.now)))
        .collect();
    let refs = references(&cases);
    let wrong = disagreements(&cases, &postie);
    let mut per_lib: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (case, (ok, _)) in cases.iter().zip(&refs) {
        let entry = per_lib.entry(case.lib.name()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(*ok);
    }
    eprintln!("cases compared (library: cases, accepted): {per_lib:?}");
    assert!(
        wrong.is_empty(),
        "{} of {} cases disagree:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    assert!(cases.len() >= 100, "{} cases", cases.len());
    for (lib, (total, accepted)) in &per_lib {
        // Both verdicts must occur often, or the comparison proves little.
        assert!(
            *accepted >= 10 && total - accepted >= 10,
            "{lib}: {accepted} of {total} accepted"
        );
    }
}

#[test]
fn the_issues_examples_are_rejected_and_accepted_as_the_libraries_do() {
    // The named examples, with postie's own words for them.
    let now = NOW * SEC;
    let body = br#"{"id":"evt_1"}"#;
    let stripe_sig = hex(&mac(b"whsec_s", &[format!("{NOW}.").as_bytes(), body]));
    let check = |scheme: Scheme, secret: &str, headers: Vec<(String, String)>, now: i64| {
        webhook::verify(&scheme, secret, &headers, body, at(now))
    };
    assert_eq!(
        check(
            Scheme::Stripe,
            "whsec_s",
            vec![h(
                "Stripe-Signature",
                format!("t={NOW},v1={}", upper(&stripe_sig))
            )],
            now
        ),
        Verdict::Invalid(
            "signature does not match (upper-case hex: Stripe sends lower case)".into()
        )
    );
    assert_eq!(
        check(
            Scheme::Stripe,
            "whsec_s",
            vec![h("Stripe-Signature", format!("t={NOW}, v1={stripe_sig}"))],
            now
        ),
        Verdict::Invalid("no `v1` signature in `stripe-signature`".into())
    );
    let future = format!(
        "t={},v1={}",
        NOW + 3600,
        hex(&mac(
            b"whsec_s",
            &[format!("{}.", NOW + 3600).as_bytes(), body]
        ))
    );
    assert_eq!(
        check(
            Scheme::Stripe,
            "whsec_s",
            vec![h("Stripe-Signature", future)],
            now
        ),
        Verdict::Verified
    );
    let gh = hex(&mac(b"gh", &[body]));
    assert_eq!(
        check(
            Scheme::Github,
            "gh",
            vec![h("X-Hub-Signature-256", format!("sha256={}", upper(&gh)))],
            now
        ),
        Verdict::Invalid(
            "upper-case hex in `x-hub-signature-256` (GitHub sends lower case)".into()
        )
    );
    let sha1 = check(
        Scheme::Github,
        "gh",
        vec![h("X-Hub-Signature", "sha1=0123")],
        now,
    );
    assert_eq!(
        sha1.to_string(),
        "sha1 only (X-Hub-Signature): not verified, GitHub recommends sha256"
    );
    let key20 = b"twenty bytes of key!";
    let unpadded = format!("whsec_{}", B64.encode(key20).trim_end_matches('='));
    let sig = B64.encode(mac(key20, &[format!("m.{NOW}.").as_bytes(), body]));
    let headers = vec![
        h("webhook-id", "m"),
        h("webhook-timestamp", NOW.to_string()),
        h("webhook-signature", format!("v1,{sig}")),
    ];
    assert_eq!(
        check(Scheme::Standard, &unpadded, headers, now),
        Verdict::Verified
    );
}

/// Signs with postie and has every library check the headers.
#[test]
fn every_library_accepts_what_postie_signs() {
    let now = NOW * SEC + 123_456;
    let key20 = B64.encode(b"twenty bytes of key!");
    let schemes: Vec<(Lib, Vec<String>)> = vec![
        (
            Lib::Octokit,
            vec![
                "It's a Secret to Everybody".into(),
                "sécret 🔑".into(),
                " ".into(),
            ],
        ),
        (
            Lib::Stripe,
            vec!["whsec_test_stripe_secret".into(), "clé 🔑".into()],
        ),
        (
            Lib::StandardWebhooks,
            vec![
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
                "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
                format!("whsec_{key20}"),
                format!("whsec_{}", key20.trim_end_matches('=')),
            ],
        ),
        (
            Lib::Svix,
            vec![
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
                format!("whsec_{}", key20.trim_end_matches('=')),
            ],
        ),
    ];
    let mut cases = Vec::new();
    for (lib, secrets) in &schemes {
        for secret in secrets {
            for (body_name, body) in bodies() {
                // The libraries verify text; GitHub's refuses an empty payload (GitHub sends none).
                if body_name == "not-utf8" || (*lib == Lib::Octokit && body.is_empty()) {
                    continue;
                }
                for id in ["msg_1", "msg_2VXJ4Z6kqgwXKaUx0ns3Ntb8dAd"] {
                    let headers =
                        webhook::sign(&lib.scheme(), secret, id, &body, at(now)).expect("signs");
                    cases.push(Case {
                        name: format!(
                            "{} signed by postie, secret {secret:?}, id {id}, {body_name} body",
                            lib.name()
                        ),
                        lib: *lib,
                        secret: secret.clone(),
                        headers,
                        body: body.clone(),
                        now,
                        edge: false,
                    });
                }
            }
        }
    }
    let refs = references(&cases);
    let rejected: Vec<String> = cases
        .iter()
        .zip(&refs)
        .filter(|(_, (ok, _))| !ok)
        .map(|(c, (_, why))| format!("{}: {why}\n    {:?}", c.name, c.headers))
        .collect();
    eprintln!("{} postie signatures checked by the libraries", cases.len());
    assert!(
        rejected.is_empty(),
        "{} of {} rejected:\n{}",
        rejected.len(),
        cases.len(),
        rejected.join("\n")
    );
    assert!(cases.len() >= 100, "{} cases", cases.len());
}

/// `postie listen --verify` end to end: a sample of the cases, sent over loopback on the real
/// clock, must get the verdict the libraries give (the listener's clock runs a few
/// milliseconds later, so no case sits within a second of a tolerance edge).
#[test]
fn listen_verify_agrees_with_the_libraries_end_to_end() {
    let real_now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_micros(),
    )
    .expect("micros");
    let mut compared = 0;
    for (scheme, cases) in [
        ("github", github_cases(real_now)),
        ("stripe", stripe_cases(real_now)),
        ("standard", standard_cases(real_now)),
    ] {
        let sample: Vec<Case> = cases
            .into_iter()
            .filter(|c| {
                !c.edge
                    && c.lib != Lib::Svix
                    && c.headers.iter().all(|(_, v)| v.is_ascii() && !v.is_empty())
            })
            .filter(|c| c.body.len() < 4096)
            .step_by(5)
            .collect();
        let secrets: Vec<&str> = sample.iter().map(|c| c.secret.as_str()).collect();
        let secret = secrets[0].to_owned();
        let sample: Vec<Case> = sample.into_iter().filter(|c| c.secret == secret).collect();
        let verdicts = through_listen(scheme, &secret, &sample);
        let refs = references(&sample);
        let mut wrong = Vec::new();
        for ((case, (ok, why)), verdict) in sample.iter().zip(&refs).zip(&verdicts) {
            if (verdict == "verified") != *ok {
                wrong.push(format!(
                    "{}: library {ok} ({why}), postie listen {verdict}",
                    case.name
                ));
            }
        }
        assert!(wrong.is_empty(), "{scheme}: {}", wrong.join("\n"));
        assert!(sample.len() >= 8, "{scheme}: only {} cases", sample.len());
        assert!(
            verdicts.iter().any(|v| v == "verified") && verdicts.iter().any(|v| v != "verified")
        );
        compared += sample.len();
    }
    eprintln!("{compared} cases compared through postie listen --verify");
}

/// Sends each case to a fresh `postie listen --verify SCHEME --json` and returns the
/// `signature.result` it printed for each, in order.
fn through_listen(scheme: &str, secret: &str, cases: &[Case]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, addr) = spawn_listen(
        dir.path(),
        &["--json", "--verify", scheme, "--secret-name", "hook"],
        &[("POSTIE_SECRET_HOOK", secret)],
    );
    for (i, case) in cases.iter().enumerate() {
        post(&addr, &format!("/case/{i}"), &case.headers, &case.body);
    }
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let wanted = cases.len();
    std::thread::spawn(move || {
        let mut text = String::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            // Whole lines only: a read may end inside the last one.
            if text.matches('\n').count() >= wanted {
                break;
            }
        }
        let _ = tx.send(text);
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = rx
        .recv_timeout(deadline - Instant::now())
        .expect("listen printed every event");
    let _ = child.kill();
    let _ = child.wait();
    let mut results = vec![String::from("(not printed)"); cases.len()];
    for line in text.lines() {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let path = event["path"].as_str().expect("path");
        let i: usize = path
            .trim_start_matches("/case/")
            .parse()
            .expect("case number");
        results[i] = event["signature"]["result"]
            .as_str()
            .expect("result")
            .to_owned();
    }
    results
}

/// `postie` in `dir` with a deterministic environment (HOME and XDG dirs under `dir`).
fn postie(dir: &std::path::Path) -> Command {
    let mut cmd = support::sandbox::std_command_in(dir);
    cmd.stdin(Stdio::null());
    cmd
}

/// Starts `postie listen --port 0 ARGS` in `dir` (inbox `dir/inbox`); returns it and its
/// address (`127.0.0.1:PORT`), read from its first stderr line.
fn spawn_listen(
    dir: &std::path::Path,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = postie(dir)
        .args(["listen", "--port", "0", "--inbox"])
        .arg(dir.join("inbox"))
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn postie listen");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while stderr.read(&mut byte).expect("stderr") == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    let first = String::from_utf8_lossy(&first).into_owned();
    let addr = first
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split([' ', '/']).next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    (child, addr)
}

/// POSTs `body` with `headers` to `addr` over a plain socket and reads the whole answer.
fn post(addr: &str, path: &str, headers: &[(String, String)], body: &[u8]) {
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(body).expect("send body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer");
}

/// The clock now, in microseconds since the epoch.
fn real_now() -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock");
    i64::try_from(now.as_micros()).expect("micros")
}

/// What the recording server received, as cases for the library of each request.
fn received_cases(server: &support::TestServer, libs: &[(Lib, &str, &str)]) -> Vec<Case> {
    let got = server.requests();
    assert_eq!(got.len(), libs.len(), "one request each");
    let now = real_now();
    got.iter()
        .zip(libs)
        .map(|(r, (lib, secret, what))| Case {
            name: format!("{} {what}: {} {}", lib.name(), r.method, r.uri),
            lib: *lib,
            secret: (*secret).to_owned(),
            headers: r.headers.clone(),
            body: r.body.clone(),
            now,
            edge: false,
        })
        .collect()
}

fn assert_all_accepted(cases: &[Case]) {
    let refs = references(cases);
    let rejected: Vec<String> = cases
        .iter()
        .zip(&refs)
        .filter(|(_, (ok, _))| !ok)
        .map(|(c, (_, why))| format!("{}: {why}\n    {:?} {:?}", c.name, c.headers, c.body))
        .collect();
    assert!(rejected.is_empty(), "{}", rejected.join("\n"));
    // And a wrong secret is rejected by every library: the check above can fail.
    let wrong: Vec<Case> = cases
        .iter()
        .map(|c| Case {
            secret: format!("{}x", c.secret),
            ..c.clone()
        })
        .collect();
    assert!(references(&wrong).iter().all(|(ok, _)| !ok));
}

const GH_SECRET: &str = "It's a Secret to Everybody";
const STRIPE_SECRET: &str = "whsec_test_stripe_secret";
/// 20 key bytes in unpadded base64 (`…IQ` for `…IQ==`): the libraries add the padding.
const STD_SECRET: &str = "whsec_dHdlbnR5IGJ5dGVzIG9mIGtleSE";

/// `sign = {…}` in a collection, run by `postie run` against a recording server: every
/// library accepts what arrived.
#[test]
fn requests_signed_by_postie_run_are_accepted_by_every_library() {
    let server = support::http_server(|_| (204, vec![], Vec::new()));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("collections")).expect("mkdir");
    let bodies = [
        (
            "json",
            "json = { type = \"order.paid\", name = \"Zoë ✓\", n = 42 }",
        ),
        ("text", "text = \"line 1\\r\\nline 2 日本語\""),
        ("form", "form = { a = \"1 2\", b = \"é&=\" }"),
    ];
    let schemes = [
        ("github", "{{secret:gh}}", Lib::Octokit, GH_SECRET),
        ("stripe", "{{secret:stripe}}", Lib::Stripe, STRIPE_SECRET),
        (
            "standard",
            "{{secret:std}}",
            Lib::StandardWebhooks,
            STD_SECRET,
        ),
        ("svix", "{{secret:std}}", Lib::Svix, STD_SECRET),
    ];
    let mut toml = String::new();
    let mut libs = Vec::new();
    for (scheme, secret_ref, lib, secret) in schemes {
        for (what, body) in bodies {
            toml.push_str(&format!(
                "[[requests]]\nname = \"{scheme}-{what}\"\nmethod = \"POST\"\nurl = \"{}\"\n{body}\n\
                 sign = {{ scheme = \"{scheme}\", secret = \"{secret_ref}\" }}\n\n",
                server.url(&format!("/{scheme}/{what}"))
            ));
            libs.push((lib, secret, what));
        }
    }
    std::fs::write(dir.path().join("collections/hooks.toml"), toml).expect("write");
    let out = postie(dir.path())
        .args(["run", "hooks"])
        .env("POSTIE_SECRET_GH", GH_SECRET)
        .env("POSTIE_SECRET_STRIPE", STRIPE_SECRET)
        .env("POSTIE_SECRET_STD", STD_SECRET)
        .output()
        .expect("postie run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_all_accepted(&received_cases(&server, &libs));
}

/// `postie inbox replay --sign` re-signs stored requests: every library accepts the result.
#[test]
fn requests_replayed_with_sign_are_accepted_by_every_library() {
    let app = support::http_server(|_| (200, vec![], Vec::new()));
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    let bodies: [&[u8]; 3] = [
        br#"{"type":"invoice.paid"}"#,
        "{\"name\":\"Zoë — ✓ 日本語\"}".as_bytes(),
        b"a=1&b=2",
    ];
    // Store unsigned requests through a real listener.
    let (mut listener, addr) = spawn_listen(dir.path(), &["-q"], &[]);
    for body in bodies {
        let headers = vec![h("Content-Type", "application/json")];
        post(&addr, "/hook", &headers, body);
    }
    let _ = listener.kill();
    let _ = listener.wait();
    let schemes = [
        ("github", Lib::Octokit, GH_SECRET),
        ("stripe", Lib::Stripe, STRIPE_SECRET),
        ("standard", Lib::StandardWebhooks, STD_SECRET),
        ("svix", Lib::Svix, STD_SECRET),
    ];
    let mut libs = Vec::new();
    for (scheme, lib, secret) in schemes {
        for id in 1..=bodies.len() {
            let out = postie(dir.path())
                .args(["inbox", "--inbox"])
                .arg(&inbox)
                .args([
                    "replay",
                    &id.to_string(),
                    "--to",
                    &app.url(&format!("/{scheme}/{id}")),
                ])
                .args(["--sign", scheme, "--secret-name", "hook"])
                .env("POSTIE_SECRET_HOOK", secret)
                .output()
                .expect("postie inbox replay");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            libs.push((lib, secret, "replayed"));
        }
    }
    assert_all_accepted(&received_cases(&app, &libs));
}

/// The sha1-only verdict in `postie listen`'s own words, text and JSON.
#[test]
fn listen_says_sha1_only_instead_of_unsigned() {
    for json in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut args = vec!["--verify", "github", "--secret-name", "gh"];
        if json {
            args.push("--json");
        }
        let (mut child, addr) = spawn_listen(dir.path(), &args, &[("POSTIE_SECRET_GH", GH_SECRET)]);
        let body = b"{\"zen\":\"Keep it logically awesome.\"}";
        let sha1 = "sha1=0123456789abcdef0123456789abcdef01234567";
        post(&addr, "/gh", &[h("X-Hub-Signature", sha1)], body);
        let mut stdout = child.stdout.take().expect("stdout");
        let mut text = String::new();
        let mut buf = [0u8; 4096];
        let deadline = Instant::now() + Duration::from_secs(10);
        while !text.contains("sha1") && Instant::now() < deadline {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        if json {
            let event: Value =
                serde_json::from_str(text.lines().next().unwrap_or_default()).expect("JSON");
            assert_eq!(
                event["signature"],
                json!({"scheme": "github", "result": "not_verified",
                       "reason": "sha1 only (X-Hub-Signature): not verified, GitHub recommends sha256"})
            );
        } else {
            assert!(
                text.contains("\n  signature (github): sha1 only (X-Hub-Signature): not verified, GitHub recommends sha256\n"),
                "{text}"
            );
        }
    }
}
