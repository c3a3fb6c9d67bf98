#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Adds an image index (multi-platform) tagged "multi" to an OCI layout: the manifest tagged
HOST_TAG for linux/HOST_ARCH, the one tagged OTHER_TAG for linux/arm64 and linux/arm/v7.

Usage: make-index.py LAYOUT HOST_TAG OTHER_TAG HOST_ARCH"""
import hashlib
import json
import os
import sys

layout, host_tag, other_tag, host_arch = sys.argv[1:5]
with open(os.path.join(layout, "index.json")) as f:
    index = json.load(f)
by_tag = {m.get("annotations", {}).get("org.opencontainers.image.ref.name"): m for m in index["manifests"]}


def entry(tag, arch, variant=None):
    d = {k: by_tag[tag][k] for k in ("mediaType", "digest", "size")}
    d["platform"] = {"os": "linux", "architecture": arch}
    if variant:
        d["platform"]["variant"] = variant
    return d


others = [entry(other_tag, "arm64"), entry(other_tag, "arm", "v7")]
if host_arch in ("arm64", "arm"):
    others = [entry(other_tag, "amd64")]
blob = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": others[:1] + [entry(host_tag, host_arch)] + others[1:]}).encode()
digest = hashlib.sha256(blob).hexdigest()
with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as f:
    f.write(blob)
index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest,
                           "size": len(blob), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump(index, f)
