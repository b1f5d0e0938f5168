//! The shipped `collections/dataplan.toml` (mParticle's Data Planning API) runs unchanged
//! against a stand-in on 127.0.0.1 (token endpoint and API, written here from the OpenAPI
//! description in shared/testdata/mparticle), pointed there with `--var`: one JSON token
//! request with the `audience`, every API call with its bearer token, the latest plan
//! fetched, a plan created from a JSON body, and the API's error shape checked.

mod support;

use std::sync::{Arc, Mutex};

use support::{Recorded, Reply, http_server};

const CLIENT_ID: &str = "dp-client-id-7731";
const CLIENT_SECRET: &str = "dp-client-secret-Wq38Lz";
const TOKEN: &str = "eyJhbGciOi.stand-in-token.sig8812";

fn json(status: u16, body: serde_json::Value) -> Reply {
    (
        status,
        vec![("content-type".into(), "application/json".into())],
        body.to_string().into_bytes(),
    )
}

/// The stand-in: `POST /oauth/token` and `/platform/v2/workspaces/1234/plans…`.
fn stand_in(created: Arc<Mutex<Vec<serde_json::Value>>>) -> support::TestServer {
    http_server(move |req: &Recorded| {
        let path = req.path();
        if path == "/oauth/token" {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let expected = serde_json::json!({
                "grant_type": "client_credentials",
                "audience": "https://api.mparticle.com",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            });
            if req.method != "POST" || body != expected {
                return json(
                    401,
                    serde_json::json!({"error": "access_denied", "error_description": "Unauthorized"}),
                );
            }
            return json(
                200,
                serde_json::json!({"access_token": TOKEN, "expires_in": 28800, "token_type": "Bearer"}),
            );
        }
        if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return json(
                401,
                serde_json::json!({"errors": [{"message": "Unauthorized"}]}),
            );
        }
        let plan = |id: &str| serde_json::json!({"data_plan_id": id, "data_plan_name": id, "data_plan_versions": []});
        match (req.method.as_str(), path.as_str()) {
            ("GET", "/platform/v2/workspaces/1234/plans") => json(
                200,
                serde_json::json!([plan("older_plan"), plan("mobile_data_plan")]),
            ),
            ("GET", "/platform/v2/workspaces/1234/plans/mobile_data_plan") => {
                json(200, plan("mobile_data_plan"))
            }
            ("POST", "/platform/v2/workspaces/1234/plans") => {
                let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
                created.lock().unwrap().push(body.clone());
                json(200, body)
            }
            (_, p) => {
                let id = p.rsplit('/').next().unwrap_or_default();
                json(
                    404,
                    serde_json::json!({"errors": [{"message": format!("The specified plan ID {id} in workspace 1234 was not found.")}]}),
                )
            }
        }
    })
}

#[test]
fn the_shipped_dataplan_collection_runs_against_a_loopback_stand_in() {
    let created = Arc::default();
    let server = stand_in(Arc::clone(&created));
    let sandbox = support::sandbox::Sandbox::new().unwrap();
    let collection =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/dataplan.toml");
    let out = sandbox
        .command()
        .env("POSTIE_SECRET_MPARTICLE_CLIENT_ID", CLIENT_ID)
        .env("POSTIE_SECRET_MPARTICLE_CLIENT_SECRET", CLIENT_SECRET)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .arg("run")
        .arg(&collection)
        .arg(format!("--var=base_url={}", server.url("/platform/v2")))
        .arg(format!("--var=sso_url={}", server.url("/oauth/token")))
        .arg("-v")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("4 passed, 0 failed, 0 errored"), "{stderr}");
    let requests = server.requests();
    let paths = server.paths();
    assert_eq!(
        paths,
        [
            "POST /oauth/token",
            "GET /platform/v2/workspaces/1234/plans",
            "GET /platform/v2/workspaces/1234/plans/mobile_data_plan",
            "POST /platform/v2/workspaces/1234/plans",
            "GET /platform/v2/workspaces/1234/plans/no_such_plan",
        ]
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    let created = created.lock().unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["data_plan_name"], "Spring sale");
    assert!(
        created[0]["data_plan_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("spring_sale_")),
        "{}",
        created[0]
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for shown in [&stdout, &stderr] {
        assert!(
            !shown.contains(TOKEN) && !shown.contains(CLIENT_SECRET),
            "{shown}"
        );
    }
    // The error the API sent is on stdout as it came.
    assert!(stdout.contains("The specified plan ID no_such_plan in workspace 1234 was not found."));
}
