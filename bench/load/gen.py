#!/usr/bin/env python3
"""Write one big postie collection for the loading benchmark (bench/load/run.sh).

    bench/load/gen.py OUT.toml --requests 10000 [--base-url http://127.0.0.1:18580]

Every request has a `[requests.expect]` table (`status = 200`, plus a header or JSON check on
some), and the requests vary the way real collections do, cycling through six shapes:
  0  GET with a query string and `tags`
  1  POST with `headers`, a `json` body (nested object and array) and a `[requests.capture]`
  2  PUT with `headers`, a `text` body and `depends_on` the previous request
  3  GET with `auth = { bearer = ... }`, `timeout` and a header check
  4  POST with a `form` body (no dependencies)
  5  DELETE, `skip_if`, a JSON check with predicates
Names are `req-1` ... `req-N`: the last request is `req-N` (also printed on stdout). For N a
multiple of 6 plus 4 (1000, 10000, 100000) it is shape 4, so `postie run FILE/req-N` runs
exactly one request. The URLs take the server from `{{base_url}}` ([vars]); the benchmark
only uses `postie run --dry-run`, which sends nothing.
"""

import argparse
import os


def request(i, prev):
    name = f"req-{i}"
    shape = i % 6
    out = ["", "[[requests]]", f'name = "{name}"']
    expect = ["status = 200"]
    tail = []
    if shape == 0:
        out += [
            f'url = "{{{{base_url}}}}/items/{i}"',
            f'query = {{ page = {i % 50}, q = "sofa {i}", sort = ["price", "name"] }}',
            f'tags = ["smoke", "group-{i % 10}"]',
        ]
    elif shape == 1:
        out += [
            'method = "POST"',
            'url = "{{base_url}}/plans"',
            'headers = { Accept = "application/json", "X-Request-Id" = "{{$uuid}}" }',
            f'json = {{ name = "plan {i}", price = {i % 1000}.5, active = true, '
            f'tags = ["a", "b", "{{{{user}}}}"], owner = {{ id = {i}, name = "{{{{user}}}}" }} }}',
            'tags = ["write"]',
        ]
        expect.append('json = { "$.id" = { exists = true } }')
        tail = ["", "[requests.capture]", f'plan_{i} = "json:$.id"']
    elif shape == 2:
        out += [
            'method = "PUT"',
            f'url = "{{{{base_url}}}}/notes/{i}"',
            'headers = { "Content-Language" = "en", "X-Trace" = "t-{{$uuid}}" }',
            f'text = "note number {i}: the quick brown fox"',
        ]
        if prev:
            out.append(f'depends_on = ["{prev}"]')
        expect.append('headers = { "Content-Type" = { contains = "json" } }')
    elif shape == 3:
        out += [
            f'url = "{{{{base_url}}}}/private/{i}"',
            'auth = { bearer = "{{token}}" }',
            'timeout = "5s"',
        ]
        expect = ['status = [200, 204]', 'headers = { "Cache-Control" = "no-store" }']
    elif shape == 4:
        out += [
            'method = "POST"',
            'url = "{{base_url}}/login"',
            f'form = {{ user = "{{{{user}}}}", attempt = {i}, scope = ["read", "write"] }}',
        ]
        expect = ['status = "2xx"']
    else:
        out += [
            'method = "DELETE"',
            f'url = "{{{{base_url}}}}/items/{i}"',
            'skip_if = "{{dry}}"',
        ]
        expect.append('json = { "$.deleted" = true, "$.count" = { gte = 0, lt = 10 } }')
    out += ["", "[requests.expect]"] + expect + tail
    return out


def collection(n, base_url):
    out = [
        f'name = "load-{n}"',
        f'description = "Loading benchmark: {n} requests (bench/load/gen.py)"',
        "",
        "[vars]",
        f'base_url = "{base_url}"',
        'user = "ada"',
        'token = "t0k3n"  # postie:allow-literal (a made-up token; keeps `run` quiet)',
        'dry = ""',
        "",
        "[env.staging]",
        'base_url = "http://127.0.0.1:18581"',
        "",
        "[defaults]",
        'headers = { "User-Agent" = "postie-bench" }',
        'timeout = "10s"',
    ]
    prev = None
    for i in range(1, n + 1):
        out += request(i, prev)
        prev = f"req-{i}"
    return "\n".join(out) + "\n", prev


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--requests", type=int, default=10000)
    p.add_argument("--base-url", default="http://127.0.0.1:18580")
    a = p.parse_args()
    if a.requests < 1:
        p.error("--requests must be at least 1")
    text, last = collection(a.requests, a.base_url.rstrip("/"))
    tmp = a.out + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print(last)


if __name__ == "__main__":
    main()
