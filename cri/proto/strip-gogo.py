#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""strip-gogo.py IN OUT — the pinned CRI api.proto without its gogoproto import and options.

They only steer Go code generation; protoc-c does not know them. The pinned file stays as upstream
wrote it (cri/proto/api.proto, k8s.io/cri-api v0.26), so a diff against upstream stays empty.
"""
import re
import sys


def strip(text: str) -> str:
    out = []
    for line in text.splitlines():
        if re.match(r'\s*import\s+"github\.com/gogo/', line):
            continue
        if re.match(r'\s*option\s+\(gogoproto\.', line):
            continue
        if "gogoproto" in line:
            raise SystemExit(f"strip-gogo.py: a gogoproto use this script does not know: {line.strip()}")
        out.append(line)
    return "\n".join(out) + "\n"


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(strip(text))


if __name__ == "__main__":
    main()
