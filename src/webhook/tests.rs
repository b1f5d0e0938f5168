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
