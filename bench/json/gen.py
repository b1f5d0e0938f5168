#!/usr/bin/env python3
"""Write a deterministic ~127 MB JSON array of realistic API objects, for benchmarking
postie's JSON pretty-printer.

Usage: python3 bench/json/gen.py OUT.json [--mb 127] [--seed 1]

The output is minified (one line), like most API responses, and contains unicode text,
escapes (quotes, backslashes, newlines, tabs, \\u escapes), nested objects and arrays,
integers, floats, booleans and nulls. The same arguments always give the same bytes.
"""

import argparse
import json
import random
import sys

WORDS = [
    "sofa", "plan", "cart", "purchase", "spring", "sale", "café", "naïve", "Zürich", "東京",
    "данные", "🛋️", "señal", "crème brûlée", "ünïcödé", "price", "event", "tab\there",
    'say "hi"', "back\\slash", "line\nbreak", "\u0001ctl", "smörgåsbord", "façade", "日本語",
]
EVENTS = ["add_to_cart", "purchase", "page_view", "signup", "refund"]
CURRENCIES = ["EUR", "USD", "JPY", "GBP", "CHF"]


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def record(rng, i):
    return {
        "id": i,
        "uuid": "%08x-%04x-4%03x-%04x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            rng.getrandbits(14) | 0x8000, rng.getrandbits(48),
        ),
        "name": sentence(rng, rng.randint(1, 4)),
        "description": sentence(rng, rng.randint(5, 25)),
        "active": rng.random() < 0.7,
        "deleted_at": None if rng.random() < 0.9 else "2024-03-%02dT12:00:00Z" % rng.randint(1, 28),
        "price": {
            "amount": round(rng.uniform(0.5, 5000.0), 2),
            "currency": rng.choice(CURRENCIES),
            "discount": None if rng.random() < 0.5 else round(rng.random(), 4),
        },
        "stock": rng.randint(-5, 100000),
        "ratio": rng.random(),
        "big": rng.getrandbits(62),
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(0, 5))],
        "events": [
            {"type": rng.choice(EVENTS), "at": 1700000000 + rng.randint(0, 10**7), "ok": rng.random() < 0.9}
            for _ in range(rng.randint(0, 3))
        ],
        "owner": {
            "login": "user%d" % rng.randint(1, 10**6),
            "email": "user%d@example.com" % rng.randint(1, 10**6),
            "profile": {"bio": sentence(rng, rng.randint(0, 8)), "url": "https://example.com/u/%d" % i},
        },
        "meta": {},
        "scores": [],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="output file")
    parser.add_argument("--mb", type=float, default=127.0, help="approximate size in MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    target = int(args.mb * 1_000_000)
    written = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        written += 1
        i = 0
        while written < target:
            chunk = json.dumps(record(rng, i), ensure_ascii=rng.random() < 0.3, separators=(",", ":"))
            if i:
                f.write(",")
                written += 1
            f.write(chunk)
            written += len(chunk.encode("utf-8"))
            i += 1
        f.write("]")
        written += 1
    print("wrote %d bytes, %d objects, to %s" % (written, i, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
