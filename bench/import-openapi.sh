#!/usr/bin/env bash
# `postie import openapi` of a generated 1,000-operation description (500 paths, get + post,
# shared $ref'd schemas, parameters with examples), whole process, one hyperfine run.
# Settings: POSTIE (default target/release/postie), OPS (default 1000), BENCH_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
postie=${POSTIE:-$here/../target/release/postie}
ops=${OPS:-1000}
dir=${BENCH_DIR:-/tmp/postie-bench}/openapi
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 127; }
[ -x "$postie" ] || { echo "no postie at $postie (set POSTIE)" >&2; exit 127; }
mkdir -p "$dir"
python3 - "$ops" "$dir/spec.json" <<'PY'
import json, sys
ops, out = int(sys.argv[1]), sys.argv[2]
schema = {"type": "object", "properties": {
    "id": {"type": "string", "example": "x1"}, "count": {"type": "integer"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "owner": {"$ref": "#/components/schemas/Owner"}}}
owner = {"type": "object", "properties": {"name": {"type": "string"}, "parent": {"$ref": "#/components/schemas/Owner"}}}
paths = {}
for i in range(ops // 2):
    param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "example": f"i{i}"}}
    query = {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}}
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
    paths[f"/things{i}/{{id}}"] = {
        "get": {"operationId": f"getThing{i}", "tags": [f"t{i % 20}"], "parameters": [param, query],
                "responses": {"200": {"description": "ok"}}},
        "post": {"operationId": f"postThing{i}", "tags": [f"t{i % 20}"], "parameters": [param],
                 "requestBody": body, "responses": {"201": {"description": "made"}}},
    }
spec = {"openapi": "3.0.3", "info": {"title": "big", "version": "1"},
        "servers": [{"url": "https://{host}/v1", "variables": {"host": {"default": "api.example.com"}}}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"schemas": {"Thing": schema, "Owner": owner},
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}}
json.dump(spec, open(out, "w"))
PY
echo "spec: $dir/spec.json ($ops operations, $(wc -c < "$dir/spec.json") bytes); postie: $postie"
"$postie" import openapi "$dir/spec.json" 2>/dev/null | grep -c '^\[\[requests\]\]'
hyperfine -N --warmup 2 --runs 10 "$postie import openapi $dir/spec.json"
