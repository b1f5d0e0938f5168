#!/usr/bin/env python3
"""Write the CI-runner benchmark's inputs: N GETs of nginx's small.json, each checked.

    bench/ci/gen.py OUT_DIR [--requests 1000] [--parts 4] [--base-url http://127.0.0.1:18480]

Writes into OUT_DIR:
  big.toml           one postie collection of N requests, each with
                     `[requests.expect] status = 200` and one JSON check (`"$.id" = 42`)
  big.hurl           the same N requests for `hurl --test`: `GET url`, `HTTP 200`,
                     `jsonpath "$.id" == 42`
  part1.toml ...     the same N requests split into PARTS collections of N/PARTS
                     (for `postie run part1.toml ... --jobs PARTS`)

The postie collections take the server from `{{base_url}}` ([vars], default --base-url), so
the same files run against another server with `--var base_url=...`. Hurl gets the literal URL
(its `{{base_url}}` would need `--variable`, which is not what a Hurl user writes).
small.json is the file bench/nginx.sh serves: its `id` is 42.
"""

import argparse
import os
import sys


def postie_collection(name, first, count, base_url):
    out = [
        f'name = "{name}"',
        f'description = "CI benchmark: {count} checked GETs of small.json (bench/ci/gen.py)"',
        "",
        "[vars]",
        f'base_url = "{base_url}"',
    ]
    for i in range(first, first + count):
        out += [
            "",
            "[[requests]]",
            f'name = "get-{i:04d}"',
            'url = "{{base_url}}/small.json"',
            "",
            "[requests.expect]",
            "status = 200",
            'json = { "$.id" = 42 }',
        ]
    return "\n".join(out) + "\n"


def hurl_file(count, base_url):
    entry = f'GET {base_url}/small.json\nHTTP 200\n[Asserts]\njsonpath "$.id" == 42\n'
    return "\n".join(entry for _ in range(count))


def write(path, text):
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--parts", type=int, default=4)
    p.add_argument("--base-url", default="http://127.0.0.1:18480")
    a = p.parse_args()
    if a.requests < 1 or a.parts < 1 or a.requests % a.parts:
        sys.exit(f"gen.py: error: --requests ({a.requests}) must be a positive multiple of --parts ({a.parts})")
    base = a.base_url.rstrip("/")
    os.makedirs(a.out_dir, exist_ok=True)
    write(os.path.join(a.out_dir, "big.toml"), postie_collection("big", 1, a.requests, base))
    write(os.path.join(a.out_dir, "big.hurl"), hurl_file(a.requests, base))
    per = a.requests // a.parts
    for k in range(a.parts):
        write(
            os.path.join(a.out_dir, f"part{k + 1}.toml"),
            postie_collection(f"part{k + 1}", 1 + k * per, per, base),
        )


if __name__ == "__main__":
    main()
