#!/usr/bin/env python3
"""The alternative to postie's log + events.idx, measured on the same inbox: SQLite (the C
library python3's sqlite3 module links, the engine rusqlite bundles), as the store itself (meta
and body in a table, B-tree indexes on method, path, time and verification). Reads the log that
gen_inbox.py wrote (format 2), loads it once (timed), then times each filter of filter.sh as an
SQL query (best of RUNS, CPU time of this process beside wall time). Not a test: run by hand,
e.g. `python3 bench/listen/sqlite_peer.py /tmp/postie-bench-1m/inbox/events.log`.
"""
import json, os, sqlite3, struct, sys, time

def records(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"PSTINBX2", "format 2 log expected (gen_inbox.py)"
    at = 8
    while at + 16 <= len(data) and data[at:at + 4] == b"\xa7PR\x1e":
        (n,) = struct.unpack_from("<I", data, at + 4)
        payload = data[at + 16:at + 16 + n]
        (mlen,) = struct.unpack_from("<I", payload, 1)
        if payload[0] == 1:
            yield payload[5:5 + mlen], payload[5 + mlen:]
        at += 16 + n

def load(log, db):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, time_ns INTEGER, method TEXT,"
                " path TEXT, verification TEXT, meta TEXT, body BLOB)")
    rows = []
    for meta, body in records(log):
        m = json.loads(meta)
        v = ((m.get("marks") or {}).get("verification") or {}).get("result")
        rows.append((m["id"], m["received_at_ns"], m["method"], m["path"], v, meta.decode(), body))
    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?)", rows)
    for col in ("method, path", "time_ns", "verification"):
        con.execute(f"CREATE INDEX IF NOT EXISTS i_{col.split(',')[0]} ON events ({col})")
    con.commit()
    return con, time.perf_counter() - t

QUERIES = {
    "method+path (head only)": "SELECT id FROM events WHERE method='PUT' AND path GLOB '/hooks/stripe/1*'",
    "header glob": "SELECT id FROM events WHERE method='DELETE' AND EXISTS (SELECT 1 FROM"
                   " json_each(meta, '$.headers') h WHERE lower(h.value->>0)='x-shop'"
                   " AND h.value->>1 GLOB 'shop-1')",
    "jsonpath on every body": "SELECT id FROM events WHERE json_valid(body)"
                              " AND json_extract(body, '$.order.id')=999999",
    "verification": "SELECT id FROM events WHERE verification='invalid'"
                    " AND path GLOB '/hooks/github/7'",
    "time range": "SELECT id FROM events WHERE time_ns >= 1764000600000000000"
                  " AND time_ns < 1764000601000000000",
    "no filter, count": "SELECT id, meta, length(body) FROM events",
}

def main():
    log = sys.argv[1]
    db = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(log), "peer.sqlite")
    runs = int(os.environ.get("RUNS", "3"))
    con, took = load(log, db)
    print(f"loaded in {took:.1f} s (one transaction), {os.path.getsize(db) / 1e6:.0f} MB"
          f" beside a {os.path.getsize(log) / 1e6:.0f} MB log; load: {os.getloadavg()[0]:.1f}")
    for name, sql in QUERIES.items():
        best = None
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            n = len(con.execute(sql).fetchall())
            got = (time.perf_counter() - w, time.process_time() - c)
            best = got if best is None or got[0] < best[0] else best
        print(f"{name:26} {n:8} rows  wall {best[0]:.3f} s  cpu {best[1]:.3f} s")

main()
