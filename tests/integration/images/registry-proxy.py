#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small front for a test registry, for what docker-registry alone does not do.

Usage: registry-proxy.py PORT UPSTREAM MODE
  bearer  demand "Authorization: Bearer <token>" (WWW-Authenticate: Bearer challenge);
          tokens come from /token?service=test-registry&scope=... on this same port
  slow    forward, sending blob bodies at about 256 KiB/s (to interrupt pulls)
"""
import http.client
import http.server
import json
import sys
import time
import urllib.parse

PORT, UPSTREAM, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
TOKEN = "test-token-4711"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("proxy: " + fmt % args + "\n")

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def token(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        if q.get("service") != ["test-registry"] or not q.get("scope", [""])[0].startswith("repository:"):
            return self.reply(400, b'{"errors":[{"message":"bad token request"}]}')
        self.reply(200, json.dumps({"token": TOKEN}).encode(), [("Content-Type", "application/json")])

    def do_GET(self):
        if self.path.startswith("/token"):
            return self.token()
        if MODE == "bearer" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = ('Bearer realm="http://127.0.0.1:%d/token",service="test-registry",'
                         'scope="repository:test/busybox:pull"' % PORT)
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                              [("WWW-Authenticate", challenge), ("Content-Type", "application/json")])
        self.forward()

    def forward(self):
        conn = http.client.HTTPConnection(UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept",)}
        conn.request("GET", self.path, headers=headers)
        resp = conn.getresponse()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() in ("content-type", "content-length", "docker-content-digest", "location"):
                self.send_header(k, v)
        self.end_headers()
        slow = MODE == "slow" and "/blobs/" in self.path
        while True:
            chunk = resp.read(16384)
            if not chunk:
                break
            self.wfile.write(chunk)
            if slow:
                self.wfile.flush()
                time.sleep(16384 / (256 * 1024))
        conn.close()


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
