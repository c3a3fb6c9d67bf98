#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes an OCI image layout at DIR whose single layer tries to leave its directory, or that
conman must refuse or clean for another reason.

Usage: make-evil-image.py DIR KIND TARGET
  dotdot        an entry "../../../../../../<TARGET>/dotdot-pwned"
  symlink       a symlink "escape" -> TARGET, then a file "escape/symlink-pwned" written through it
  hardlink      a hardlink "h" -> "../../../../../../<TARGET>/secret"
  bzip2         a bzip2 layer with media type tar+bzip2 (no such OCI type; libarchive could read it)
  bzip2-as-gzip a bzip2 layer that claims to be tar+gzip
  big           a gzip layer with a file "big" of TARGET bytes (zeros: small compressed)
  xattrs        a file "labelled" with xattrs security.selinux, security.capability, trusted.x, user.keep
The tag is "1"."""
import bz2
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

out, kind, target = sys.argv[1], sys.argv[2], sys.argv[3]


def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d


def add_file(tar, name, data=b"pwned\n"):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    tar.addfile(ti, io.BytesIO(data))


os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
    add_file(tar, "innocent", b"hello\n")
    up = "../" * 6 + target.lstrip("/")
    if kind == "dotdot":
        add_file(tar, up + "/dotdot-pwned")
    elif kind == "symlink":
        ti = tarfile.TarInfo("escape")
        ti.type, ti.linkname = tarfile.SYMTYPE, target
        tar.addfile(ti)
        add_file(tar, "escape/symlink-pwned")
    elif kind == "hardlink":
        ti = tarfile.TarInfo("h")
        ti.type, ti.linkname = tarfile.LNKTYPE, up + "/secret"
        tar.addfile(ti)
    elif kind == "big":
        add_file(tar, "big", bytes(int(target)))
    elif kind == "xattrs":
        ti = tarfile.TarInfo("labelled")
        ti.size = 3
        ti.pax_headers = {"SCHILY.xattr.security.selinux": "system_u:object_r:shadow_t:s0",
                          "SCHILY.xattr.security.capability": "\x01\x00\x00\x02",
                          "SCHILY.xattr.trusted.x": "t", "SCHILY.xattr.user.keep": "kept"}
        tar.addfile(ti, io.BytesIO(b"hi\n"))
tar_bytes = buf.getvalue()
layer_type = "application/vnd.oci.image.layer.v1.tar+gzip"
if kind == "bzip2":
    layer, layer_type = bz2.compress(tar_bytes), "application/vnd.oci.image.layer.v1.tar+bzip2"
elif kind == "bzip2-as-gzip":
    layer = bz2.compress(tar_bytes)
else:
    layer = gzip.compress(tar_bytes)
diff_id = "sha256:" + hashlib.sha256(tar_bytes).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/innocent"]},
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config), "size": len(config)},
    "layers": [{"mediaType": layer_type, "digest": blob(layer),
                "size": len(layer)}]}).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                            "digest": blob(manifest), "size": len(manifest),
                                            "annotations": {"org.opencontainers.image.ref.name": "1"}}]}
with open(os.path.join(out, "index.json"), "w") as f:
    json.dump(index, f)
with open(os.path.join(out, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
