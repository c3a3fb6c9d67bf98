#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A registry that only lists tags, page by page as the distribution spec describes (docker-registry 2.8
answers every tag at once): GET /v2/NAME/tags/list?n=N[&last=T] answers the N tags after T and, when more
follow, "Link: </v2/NAME/tags/list?n=N&last=...>; rel="next"". The tags are TAGS, in that order.
MODE "evil" links the next page to another repository instead (the client must refuse it).

Usage: tags-pager.py PORT NAME MODE TAG...
"""
import http.server
import json
import sys
import urllib.parse

PORT, NAME, MODE, TAGS = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("pager: " + fmt % args + "\n")

    def reply(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/v2/":
            return self.reply(200, b"{}")
        if url.path != "/v2/%s/tags/list" % NAME:
            return self.reply(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}')
        q = urllib.parse.parse_qs(url.query)
        n = int(q.get("n", [str(len(TAGS))])[0])
        start = TAGS.index(q["last"][0]) + 1 if "last" in q else 0
        page = TAGS[start:start + n]
        headers = []
        if start + n < len(TAGS):
            name = "other/repo" if MODE == "evil" else NAME
            headers.append(("Link", '</v2/%s/tags/list?n=%d&last=%s>; rel="next"' % (name, n, page[-1])))
        self.reply(200, json.dumps({"name": NAME, "tags": page}).encode(), headers)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
