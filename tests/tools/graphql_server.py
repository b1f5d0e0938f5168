"""A GraphQL-over-HTTP server for tests/graphql.rs: graphql-core (the reference implementation
of GraphQL in Python) executes each request; Python's http.server carries it. Loopback only.

Prints its port on the first line of stdout. POST only, `Content-Type: application/json` only
(else 415), the JSON body's `query`, `variables` and `operationName` as GraphQL-over-HTTP has
them. Each answer's `extensions.request` echoes the request's Content-Type and Accept, so the
test can check them. The answer's type follows Accept: application/graphql-response+json when
the client accepts it, else application/json.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from graphql import build_schema, graphql_sync

SCHEMA = build_schema(
    """
    type Plan { id: ID!, name: String!, tags(first: Int): [String!]! }
    type Query { plan(id: ID!): Plan }
    type Mutation { createPlan(name: String!, tags: [String!]): Plan }
    """
)

TAGS = ["mobile", "web", "tv"]


class Root:
    @staticmethod
    def plan(_info, id):
        return {"id": id, "name": f"Plan {id}", "tags": lambda _info, first=None: TAGS[:first]}

    @staticmethod
    def createPlan(_info, name, tags=None):
        return {"id": "new-1", "name": name, "tags": lambda _info, first=None: (tags or [])[:first]}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_args):
        pass

    def answer(self, status, body, media):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        accept = self.headers.get("Accept", "")
        media = (
            "application/graphql-response+json"
            if "application/graphql-response+json" in accept
            else "application/json"
        )
        content_type = self.headers.get("Content-Type", "")
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if content_type.split(";")[0].strip() != "application/json":
            return self.answer(415, {"errors": [{"message": "not JSON"}]}, media)
        try:
            body = json.loads(raw)
        except ValueError:
            return self.answer(400, {"errors": [{"message": "body is not JSON"}]}, media)
        result = graphql_sync(
            SCHEMA,
            body.get("query"),
            root_value=Root,
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )
        out = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        out["extensions"] = {"request": {"content_type": content_type, "accept": accept}}
        status = 200 if result.data is not None or media == "application/json" else 400
        self.answer(status, out, media)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
sys.stdout.flush()
server.serve_forever()
