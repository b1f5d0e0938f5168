"""An OAuth 2.0 device authorization server (RFC 8628) for tests/oauth2_interactive.rs, built on
authlib's own device authorization endpoint and device code grant (authlib.oauth2.rfc8628) with
its Flask integration; werkzeug serves it on 127.0.0.1. Loopback only.

Prints its port on the first line of stdout. Routes:
- POST /device_authorization: authlib's endpoint (user code, device code, interval 1 s);
- POST /token: authlib's token endpoint with the device code grant (pending until approved);
- POST /approve (form `user_code`): the person's browser step, which approves that code;
- GET /issued: the access tokens issued so far and the count of token requests answered
  `authorization_pending`, as JSON, so the test can compare them with what the API saw.

One public client, `tv-app` (no secret: client authentication `none`).
"""

import json
import logging
import os
import sys
import threading

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback

from authlib.integrations.flask_oauth2 import AuthorizationServer  # noqa: E402
from authlib.oauth2.rfc6749 import ClientMixin  # noqa: E402
from authlib.oauth2.rfc8628 import (  # noqa: E402
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from flask import Flask, request  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

LOCK = threading.Lock()
CREDENTIALS = {}  # device code -> DeviceCredentialDict
APPROVED = set()  # user codes
ISSUED = []  # access tokens
PENDING = [0]  # token requests answered authorization_pending


class Client(ClientMixin):
    client_id = "tv-app"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return False

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "none"

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == DeviceCodeGrant.GRANT_TYPE


CLIENT = Client()


class Endpoint(DeviceAuthorizationEndpoint):
    INTERVAL = 1
    EXPIRES_IN = 120

    def get_verification_uri(self):
        return "https://auth.example.com/activate"

    def save_device_credential(self, client_id, scope, data):
        with LOCK:
            CREDENTIALS[data["device_code"]] = DeviceCredentialDict(
                client_id=client_id, scope=scope, **data
            )


class Grant(DeviceCodeGrant):
    def query_device_credential(self, device_code):
        with LOCK:
            return CREDENTIALS.get(device_code)

    def query_user_grant(self, user_code):
        with LOCK:
            if user_code in APPROVED:
                return {"id": "ada"}, True
            PENDING[0] += 1
        return None

    def should_slow_down(self, credential):
        return False


app = Flask(__name__)
server = AuthorizationServer(
    app,
    query_client=lambda client_id: CLIENT if client_id == CLIENT.client_id else None,
    save_token=lambda token, _request: ISSUED.append(token["access_token"]),
)
server.register_grant(Grant)
server.register_endpoint(Endpoint)


@app.post("/device_authorization")
def device_authorization():
    return server.create_endpoint_response("device_authorization")


@app.post("/token")
def token():
    return server.create_token_response()


@app.post("/approve")
def approve():
    code = request.form.get("user_code", "")
    with LOCK:
        known = any(c["user_code"] == code for c in CREDENTIALS.values())
        if known:
            APPROVED.add(code)
    return ("approved\n", 200) if known else ("unknown user code\n", 404)


@app.get("/issued")
def issued():
    with LOCK:
        body = {"access_tokens": list(ISSUED), "pending": PENDING[0]}
    return app.response_class(json.dumps(body), mimetype="application/json")


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    print(http.server_port, flush=True)
    http.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
