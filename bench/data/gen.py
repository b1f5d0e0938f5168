#!/usr/bin/env python3
"""Write the data-driven benchmark's inputs into DIR (issue 13):

  rows.csv          ROWS rows: id, name (header row = variable names)
  run.toml          a postie collection of REQUESTS checked GETs of small.json, each using the
                    row's variables in its query (?row={{id}}&name={{name}}&n=K)
  run.postman.json  the same requests as a Postman v2.1 collection for `newman run -d rows.csv`
                    (pm.test: status 200 and $.id == 42, the same two checks)
  broken.toml / broken.postman.json   the same with a check that must fail (sanity)

  gen.py DIR --base-url http://127.0.0.1:PORT [--rows 10] [--requests 100]
"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--requests", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "rows.csv"), "w", newline="") as f:
        f.write("id,name\r\n")
        for i in range(1, a.rows + 1):
            f.write(f'{i},"row {i}"\r\n')
    for name, expected_id in (("run", 42), ("broken", 43)):
        write_toml(os.path.join(a.dir, f"{name}.toml"), a.base_url, a.requests, expected_id)
        write_postman(os.path.join(a.dir, f"{name}.postman.json"), a.base_url, a.requests, expected_id)


def write_toml(path, base, n, expected_id):
    out = [f'name = "data"\n[vars]\nbase = "{base}"\n']
    for k in range(1, n + 1):
        out.append(
            f'[[requests]]\nname = "get-{k}"\n'
            f'url = "{{{{base}}}}/small.json?row={{{{id}}}}&name={{{{name}}}}&n={k}"\n'
            f'[requests.expect]\nstatus = 200\njson = {{ "$.id" = {expected_id} }}\n'
        )
    with open(path, "w") as f:
        f.write("\n".join(out))


def write_postman(path, base, n, expected_id):
    tests = [
        'pm.test("status", function () { pm.response.to.have.status(200); });',
        f'pm.test("id", function () {{ pm.expect(pm.response.json().id).to.eql({expected_id}); }});',
    ]
    items = []
    for k in range(1, n + 1):
        items.append({
            "name": f"get-{k}",
            "request": {
                "method": "GET",
                "url": f"{{{{base}}}}/small.json?row={{{{id}}}}&name={{{{name}}}}&n={k}",
            },
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}],
        })
    collection = {
        "info": {
            "name": "data",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "variable": [{"key": "base", "value": base}],
        "item": items,
    }
    with open(path, "w") as f:
        json.dump(collection, f, indent=1)


if __name__ == "__main__":
    main()
