#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A registry front that demands credentials, for 51-mirrors.bats (inline PullImage Credentials).

Usage: auth-proxy.py PORT UPSTREAM MODE
  basic   demand "Authorization: Basic base64(alice:s3cret)" (WWW-Authenticate: Basic)
  oauth   demand a Bearer token; /token gives one for Basic alice:s3cret (GET) or for docker's
          refresh-token grant with refresh_token=id-token-42 (POST form)
  open    forward everything
Every request that carries an Authorization header is logged as "AUTH-SEEN <path>".
"""
import base64
import http.client
import http.server
import json
import sys
import urllib.parse

PORT, UPSTREAM, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
BASIC = "Basic " + base64.b64encode(b"alice:s3cret").decode()
TOKEN = "access-4711"
IDENTITY_TOKEN = "id-token-42"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("auth-proxy: " + fmt % args + "\n")

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def note_auth(self):
        if self.headers.get("Authorization"):
            sys.stderr.write("AUTH-SEEN %s\n" % self.path)
            sys.stderr.flush()

    def token_reply(self):
        self.reply(200, json.dumps({"access_token": TOKEN}).encode(), [("Content-Type", "application/json")])

    def do_POST(self):
        self.note_auth()
        n = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        if (self.path.startswith("/token") and form.get("grant_type") == ["refresh_token"]
                and form.get("refresh_token") == [IDENTITY_TOKEN] and form.get("scope")):
            return self.token_reply()
        self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')

    def do_GET(self):
        self.note_auth()
        if self.path.startswith("/token"):
            if self.headers.get("Authorization") == BASIC:
                return self.token_reply()
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
        if MODE == "basic" and self.headers.get("Authorization") != BASIC:
            return self.reply(401, b"{}", [("WWW-Authenticate", 'Basic realm="test"')])
        if MODE == "oauth" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="test"' % PORT
            return self.reply(401, b"{}", [("WWW-Authenticate", challenge)])
        self.forward()

    def forward(self):
        conn = http.client.HTTPConnection(UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept",)}
        conn.request("GET", self.path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        keep = [(k, v) for k, v in resp.getheaders()
                if k.lower() in ("content-type", "docker-content-digest", "location")]
        self.reply(resp.status, body, keep)
        conn.close()


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
