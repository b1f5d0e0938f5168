use super::*;

const NOW: u64 = 1_614_265_330;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn standard_webhooks_published_test_vector() {
    // The vector of the Standard Webhooks / Svix reference libraries (`testSignFunctionWorks`).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"test": 2432232314}"#;
    let headers = sign(
        &Scheme::Standard,
        secret,
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        body,
        at(NOW),
    );
    assert_eq!(
        headers,
        Ok(owned(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            ),
        ]))
    );
    // And the published header verifies, also under the `svix-` names and among other
    // signatures.
    let received = owned(&[
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1614265330"),
        (
            "svix-signature",
            "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ]);
    let verdict = verify(&Scheme::Standard, secret, &received, body, at(NOW + 10));
    assert_eq!(verdict, Verdict::Verified);
}

#[test]
fn github_known_value() {
    // HMAC-SHA256("It's a Secret to Everybody", "Hello, World!") from GitHub's documentation.
    let headers = sign(
        &Scheme::Github,
        "It's a Secret to Everybody",
        "",
        b"Hello, World!",
        at(NOW),
    );
    let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert_eq!(headers, Ok(owned(&[("x-hub-signature-256", expected)])));
}

fn schemes() -> Vec<(Scheme, &'static str)> {
    vec![
        (Scheme::Github, "gh-secret"),
        (Scheme::Stripe, "whsec_stripe_plain_text"),
        (Scheme::Standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        (
            Scheme::Hmac {
                header: "x-my-sig".into(),
            },
            "generic",
        ),
    ]
}

#[test]
fn round_trip_sign_then_verify_for_each_scheme() {
    let body = b"{\"event\":\"paid\"}";
    for (scheme, secret) in schemes() {
        let headers = sign(&scheme, secret, "msg_1", body, at(NOW)).unwrap_or_default();
        assert!(!headers.is_empty(), "{scheme}");
        let verdict = verify(&scheme, secret, &headers, body, at(NOW + 299));
        assert_eq!(verdict, Verdict::Verified, "{scheme}");
        let tampered = verify(&scheme, secret, &headers, b"{\"event\":\"free\"}", at(NOW));
        assert_eq!(
            tampered,
            Verdict::Invalid("signature does not match".into()),
            "{scheme}"
        );
        assert_eq!(
            verify(&scheme, secret, &[], body, at(NOW)),
            Verdict::Unsigned,
            "{scheme}"
        );
    }
}

#[test]
fn wrong_secret_is_rejected_for_each_scheme() {
    let body = b"payload";
    for (scheme, secret) in schemes() {
        let headers = sign(&scheme, secret, "msg_1", body, at(NOW)).unwrap_or_default();
        let other = "whsec_b3RoZXItc2VjcmV0LWtleQ==";
        assert_eq!(
            verify(&scheme, other, &headers, body, at(NOW)),
            Verdict::Invalid("signature does not match".into()),
            "{scheme}"
        );
    }
}

#[test]
fn stale_timestamps_are_rejected() {
    let body = b"{}";
    let stripe = sign(&Scheme::Stripe, "sk", "", body, at(NOW)).unwrap_or_default();
    assert_eq!(
        verify(&Scheme::Stripe, "sk", &stripe, body, at(NOW + 301)),
        Verdict::Invalid("timestamp is 301 s old (tolerance 300 s)".into())
    );
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let standard = sign(&Scheme::Standard, secret, "m", body, at(NOW)).unwrap_or_default();
    assert_eq!(
        verify(&Scheme::Standard, secret, &standard, body, at(NOW - 400)),
        Verdict::Invalid("timestamp is 400 s in the future (tolerance 300 s)".into())
    );
}

#[test]
fn malformed_headers_say_why() {
    let h = owned(&[("X-Hub-Signature-256", "md5=abc")]);
    assert_eq!(
        verify(&Scheme::Github, "s", &h, b"", at(NOW)),
        Verdict::Invalid("malformed `x-hub-signature-256` header".into())
    );
    let h = owned(&[("Stripe-Signature", "v1=00")]);
    assert_eq!(
        verify(&Scheme::Stripe, "s", &h, b"", at(NOW)),
        Verdict::Invalid("no timestamp in `stripe-signature`".into())
    );
    let h = owned(&[("webhook-signature", "v1,AAAA")]);
    assert_eq!(
        verify(&Scheme::Standard, "whsec_AAAA", &h, b"", at(NOW)),
        Verdict::Invalid("missing `webhook-id` or `webhook-timestamp` header".into())
    );
    assert_eq!(
        sign(&Scheme::Standard, "whsec_not base64!", "m", b"", at(NOW)),
        Err(WebhookError::InvalidSecret)
    );
}

#[test]
fn scheme_names_parse() {
    assert_eq!("GitHub".parse(), Ok(Scheme::Github));
    assert_eq!("svix".parse(), Ok(Scheme::Standard));
    assert_eq!(
        "hmac:X-Sig".parse(),
        Ok(Scheme::Hmac {
            header: "x-sig".into()
        })
    );
    assert_eq!(
        "hmac".parse(),
        Ok(Scheme::Hmac {
            header: "x-signature".into()
        })
    );
    assert_eq!(
        "paypal".parse::<Scheme>(),
        Err(WebhookError::UnknownScheme("paypal".into()))
    );
}

#[test]
fn secret_env_var_names() {
    assert_eq!(
        crate::secrets::env_var_name("stripe_whsec"),
        "POSTIE_SECRET_STRIPE_WHSEC"
    );
    assert_eq!(
        crate::secrets::env_var_name("hook-secret.v2"),
        "POSTIE_SECRET_HOOK_SECRET_V2"
    );
}

#[test]
fn base64_is_read_as_python_reads_it() {
    use super::pycompat::b64decode;
    assert_eq!(b64decode("QUJD"), Some(b"ABC".to_vec()));
    assert_eq!(b64decode("QUI="), Some(b"AB".to_vec()));
    // Padding optional once "==" is added (what standardwebhooks does to the secret).
    assert_eq!(b64decode("QUI=="), Some(b"AB".to_vec()));
    assert_eq!(b64decode("QQ===="), Some(b"A".to_vec()));
    assert_eq!(b64decode("QUJD=="), Some(b"ABC".to_vec()));
    // Unpadded without help, or one character over a quad: errors.
    assert_eq!(b64decode("QUI"), None);
    assert_eq!(b64decode("QUJDR=="), None);
    // Characters outside the alphabet are skipped; input after the closing padding ignored.
    assert_eq!(b64decode("Q U!J-D"), Some(b"ABC".to_vec()));
    assert_eq!(b64decode("QQ==QUJD"), Some(b"A".to_vec()));
    // Left-over bits are ignored; non-ASCII is an error.
    assert_eq!(b64decode("QR=="), Some(b"A".to_vec()));
    assert_eq!(b64decode("QUJé"), None);
    assert_eq!(b64decode(""), Some(Vec::new()));
}

#[test]
fn integers_are_read_as_python_int_reads_them() {
    use super::pycompat::int;
    let read = |s: &str| int(s).map(|n| (n.text, n.value));
    assert_eq!(
        read("1614265330"),
        Some(("1614265330".into(), 1_614_265_330))
    );
    assert_eq!(read(" +007 "), Some(("7".into(), 7)));
    assert_eq!(read("1_000"), Some(("1000".into(), 1000)));
    assert_eq!(read("-0"), Some(("0".into(), 0)));
    assert_eq!(read("-5"), Some(("-5".into(), -5)));
    for bad in ["", "+", "1__0", "_1", "1_", "1.0", "0x10", "1 2", "١"] {
        assert_eq!(read(bad), None, "{bad:?}");
    }
    let huge = "9".repeat(50);
    assert_eq!(int(&huge).map(|n| n.value), Some(i128::MAX));
}

#[test]
fn timestamps_are_read_as_standardwebhooks_reads_them() {
    use super::pycompat::timestamp;
    assert_eq!(
        timestamp("1614265330"),
        Some((1_614_265_330, 1_614_265_330_000_000))
    );
    assert_eq!(
        timestamp("1614265330.5"),
        Some((1_614_265_330, 1_614_265_330_500_000))
    );
    // datetime keeps microseconds, rounding half to even: .9999996 is the next second.
    assert_eq!(
        timestamp("1614265330.9999996"),
        Some((1_614_265_331, 1_614_265_331_000_000))
    );
    assert_eq!(
        timestamp("1.7e9"),
        Some((1_700_000_000, 1_700_000_000_000_000))
    );
    assert_eq!(
        timestamp(" +01_614_265_330. "),
        Some((1_614_265_330, 1_614_265_330_000_000))
    );
    assert_eq!(timestamp("-0.5"), Some((-1, -500_000)));
    for bad in [
        "", ".", "e9", "abc", "inf", "nan", "1e400", "1__0", "0x10", "1.5.5",
    ] {
        assert_eq!(timestamp(bad), None, "{bad:?}");
    }
}

#[test]
fn stripe_and_github_signatures_follow_their_libraries() {
    let body = br#"{"id":"evt_1"}"#;
    let signed = |t: &str| hex(&hmac(b"sk", &[t.as_bytes(), b".", body]));
    let stripe = |value: String, now: SystemTime| {
        verify(
            &Scheme::Stripe,
            "sk",
            &owned(&[("Stripe-Signature", &value)]),
            body,
            now,
        )
    };
    let sig = signed(&NOW.to_string());
    // Several v1: any one matches; the first `t` counts; `t` is signed as `%d` writes it.
    assert_eq!(
        stripe(format!("t={NOW},v1=00,v1={sig}"), at(NOW)),
        Verdict::Verified
    );
    assert_eq!(
        stripe(format!("t={NOW},t=1,v1={sig}"), at(NOW)),
        Verdict::Verified
    );
    assert_eq!(
        stripe(format!("t=+0{NOW},v1={sig}"), at(NOW)),
        Verdict::Verified
    );
    // The future is fine for Stripe; the past only within the tolerance, to the microsecond.
    let later = (NOW + 86_400).to_string();
    assert_eq!(
        stripe(format!("t={later},v1={}", signed(&later)), at(NOW)),
        Verdict::Verified
    );
    let edge = at(NOW + 300);
    assert_eq!(stripe(format!("t={NOW},v1={sig}"), edge), Verdict::Verified);
    assert_eq!(
        stripe(format!("t={NOW},v1={sig}"), edge + Duration::from_micros(1)),
        Verdict::Invalid("timestamp is 301 s old (tolerance 300 s)".into())
    );
    assert_eq!(
        stripe(format!("t={NOW},v1=é,v1={sig}"), at(NOW)),
        Verdict::Invalid("non-ASCII `v1` signature in `stripe-signature`".into())
    );
    assert_eq!(
        stripe(format!("t={NOW},v1={sig},v1"), at(NOW)),
        Verdict::Invalid("malformed `stripe-signature` header".into())
    );
    assert_eq!(
        verify(
            &Scheme::Stripe,
            " ",
            &owned(&[("Stripe-Signature", "t=1,v1=00")]),
            body,
            at(NOW)
        ),
        Verdict::Invalid("empty signing secret".into())
    );
    let gh = |value: &str, body: &[u8]| {
        verify(
            &Scheme::Github,
            "gh",
            &owned(&[("X-Hub-Signature-256", value)]),
            body,
            at(NOW),
        )
    };
    let good = format!("sha256={}", hex(&hmac(b"gh", &[body])));
    assert_eq!(gh(&good, body), Verdict::Verified);
    assert_eq!(
        gh(&good.replace("sha256=", "sha256= "), body),
        Verdict::Invalid("malformed `x-hub-signature-256` header".into())
    );
    assert_eq!(
        gh(&format!("sha256={}", hex(&hmac(b"gh", &[b""]))), b""),
        Verdict::Invalid("empty body (GitHub signs none; its library refuses it)".into())
    );
    assert_eq!(
        gh(
            &format!("sha256={}", hex(&hmac(b"gh", &[b"\xff"]))),
            b"\xff"
        ),
        Verdict::Invalid("body is not UTF-8 text (the official libraries verify text)".into())
    );
    let sha1 = owned(&[("X-Hub-Signature", "sha1=abcd")]);
    assert_eq!(
        verify(&Scheme::Github, "gh", &sha1, body, at(NOW)),
        Verdict::NotVerified(SHA1_ONLY.into())
    );
}

#[test]
fn standard_webhooks_secrets_and_signature_lists_follow_the_python_library() {
    let body = b"{}";
    let key = b"twenty bytes of key!";
    let padded = format!("whsec_{}", BASE64.encode(key));
    let unpadded = padded.trim_end_matches('=').to_owned();
    assert_eq!(standard_key(&unpadded), Ok(key.to_vec()));
    assert_eq!(standard_key(&padded), Ok(key.to_vec()));
    assert_eq!(standard_key("whsec_"), Err(WebhookError::EmptySecret));
    let headers = sign(&Scheme::Standard, &unpadded, "m", body, at(NOW)).unwrap_or_default();
    assert_eq!(
        verify(&Scheme::Standard, &padded, &headers, body, at(NOW)),
        Verdict::Verified
    );
    let sig = headers[2].1.clone();
    let with = |list: String| {
        let mut h = headers.clone();
        h[2].1 = list;
        verify(&Scheme::Standard, &padded, &h, body, at(NOW))
    };
    assert_eq!(with(format!("v1,AAAA {sig}")), Verdict::Verified);
    assert_eq!(with(format!("{sig}  v1,AAAA")), Verdict::Verified);
    assert_eq!(
        with(format!("v1,AAAA  {sig}")),
        Verdict::Invalid("malformed `webhook-signature` entry `` (expected `v1,<base64>`)".into())
    );
    assert_eq!(
        with(sig.trim_end_matches('=').to_owned()),
        Verdict::Invalid("malformed base64 in `webhook-signature`".into())
    );
    // The timestamp is signed as its whole seconds, and checked to the microsecond both ways.
    let mut fraction = headers.clone();
    fraction[1].1 = format!("{NOW}.4");
    assert_eq!(
        verify(&Scheme::Standard, &padded, &fraction, body, at(NOW)),
        Verdict::Verified
    );
    let edge = at(NOW - 300) + Duration::from_micros(400_000);
    assert_eq!(
        verify(&Scheme::Standard, &padded, &fraction, body, edge),
        Verdict::Verified
    );
    assert_eq!(
        verify(
            &Scheme::Standard,
            &padded,
            &fraction,
            body,
            edge - Duration::from_micros(1)
        ),
        Verdict::Invalid("timestamp is 301 s in the future (tolerance 300 s)".into())
    );
}
