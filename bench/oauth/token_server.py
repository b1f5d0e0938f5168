#!/usr/bin/env python3
"""A loopback OAuth2 token endpoint for bench/oauth/run.sh: answers every POST with a bearer
token (client credentials), counts the token requests in COUNT_FILE. Usage:
token_server.py PORT COUNT_FILE"""
import http.server
import json
import sys
import threading

port, count_file = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        with lock:
            count += 1
            with open(count_file, "w") as f:
                f.write(str(count))
        body = json.dumps(
            {"access_token": "bench-token-%d" % count, "token_type": "Bearer", "expires_in": 3600}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
