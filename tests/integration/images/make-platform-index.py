#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Adds an OCI image index tagged NAME to an OCI layout, one entry per TAG=OS/ARCH[/VARIANT]: the manifest
tagged TAG under that platform (56-platform.bats: a host manifest and an arm64 one with the same layers).

Usage: make-platform-index.py LAYOUT NAME TAG=OS/ARCH[/VARIANT]..."""
import hashlib
import json
import os
import sys

layout, name, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(os.path.join(layout, "index.json")) as f:
    index = json.load(f)
by_tag = {m.get("annotations", {}).get("org.opencontainers.image.ref.name"): m for m in index["manifests"]}
manifests = []
for e in entries:
    tag, platform = e.split("=", 1)
    fields = platform.split("/")
    d = {k: by_tag[tag][k] for k in ("mediaType", "digest", "size")}
    d["platform"] = {"os": fields[0], "architecture": fields[1]}
    if len(fields) > 2:
        d["platform"]["variant"] = fields[2]
    manifests.append(d)
blob = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": manifests}).encode()
digest = hashlib.sha256(blob).hexdigest()
with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as f:
    f.write(blob)
index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest,
                           "size": len(blob), "annotations": {"org.opencontainers.image.ref.name": name}})
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump(index, f)
