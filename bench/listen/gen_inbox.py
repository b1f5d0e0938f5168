#!/usr/bin/env python3
"""Write an inbox log of N events (default 1,000,000) straight in postie's store format
(src/inbox/store/mod.rs, format 2: magic `PSTINBX2`, then records [marker][u32 len][u32 crc32 of
the payload][u32 crc32 of the 12 bytes before it][u8 kind][u32 meta len][meta][body]),
for bench/listen/filter.sh. Events vary: 4 methods, 50 paths, 3 shops in a header, JSON
bodies with a type and an id, verification marks on every 7th. Deterministic (seeded)."""
import json, random, struct, sys, zlib, os

def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rnd = random.Random(14)
    methods = ["POST", "POST", "POST", "PUT", "GET", "DELETE"]
    types = ["order.paid", "order.refunded", "invoice.paid", "customer.created"]
    start_ns = 1_764_000_000_000_000_000
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "wb") as f:
        f.write(b"PSTINBX2")
        buf = []
        for i in range(1, n + 1):
            t = types[rnd.randrange(4)]
            body = json.dumps({"type": t, "order": {"id": i, "total": rnd.randrange(10000)}},
                              separators=(",", ":")).encode()
            meta = {
                "id": i, "received_at_ns": start_ns + i * 1_000_000,
                "remote": "127.0.0.1:40000", "method": methods[rnd.randrange(6)],
                "path": f"/hooks/{['stripe','github','shop'][i % 3]}/{rnd.randrange(50)}",
                "query": None, "version": "HTTP/1.1", "authority": "127.0.0.1:8750",
                "headers": [["content-type", "application/json"],
                            ["x-shop", f"shop-{rnd.randrange(3)}"],
                            ["content-length", str(len(body))]],
                "body_truncated": False, "note": None,
            }
            if i % 7 == 0:
                meta["marks"] = {"verification": {"scheme": "github",
                                 "result": ["verified", "invalid"][i % 2]}}
            m = json.dumps(meta, separators=(",", ":")).encode()
            payload = b"\x01" + struct.pack("<I", len(m)) + m + body
            head = b"\xa7PR\x1e" + struct.pack("<II", len(payload), zlib.crc32(payload))
            buf.append(head + struct.pack("<I", zlib.crc32(head)) + payload)
            if len(buf) >= 10000:
                f.write(b"".join(buf)); buf.clear()
        f.write(b"".join(buf))

main()
