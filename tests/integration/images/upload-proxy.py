#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A front for a test registry that forwards request bodies slowly, to interrupt pushes mid-blob.

Usage: upload-proxy.py PORT UPSTREAM FLAG_FILE
Forwards every request to UPSTREAM (host:port, plain HTTP) with its Host header unchanged (so upload
Locations keep pointing here), reading request bodies at about 2 MiB/s. FLAG_FILE is created once 2 MiB
of one body have gone upstream: a test then knows a blob upload is under way."""
import http.client
import http.server
import os
import sys
import time

PORT, UPSTREAM, FLAG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
RATE = 2 * 1024 * 1024
CHUNK = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("upload-proxy: " + fmt % args + "\n")

    def body(self, length):
        sent = 0
        while sent < length:
            data = self.rfile.read(min(CHUNK, length - sent))
            if not data:
                return
            sent += len(data)
            if sent >= 2 * 1024 * 1024 and not os.path.exists(FLAG):
                open(FLAG, "w").close()
            time.sleep(len(data) / RATE)
            yield data

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("expect", "connection")}
        up = http.client.HTTPConnection(UPSTREAM, timeout=60)
        try:
            up.request(self.command, self.path, body=self.body(length) if length else None, headers=headers,
                       encode_chunked=False)
            r = up.getresponse()
            data = r.read()
        except OSError as e:
            self.log_message("upstream failed: %s", e)
            self.close_connection = True
            return
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
