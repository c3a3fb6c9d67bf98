#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# install-deps.sh — installs what building, testing and the demo need (Debian 12, as root).
# The packages are listed in scripts/deps.d/*.list, one per line, '#' starts a comment.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
mapfile -t PACKAGES < <(cat "$HERE"/deps.d/*.list | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        echo "install-deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# containerd's package (the CRI benchmark's baseline) enables containerd.service; the harness machines boot
# the host's /etc, and each would start a containerd of its own: keep it off (bench-cri.sh starts its own).
if [ -e /lib/systemd/system/containerd.service ] && systemctl is-enabled -q containerd.service 2>/dev/null; then
        systemctl disable -q containerd.service 2>/dev/null || rm -f /etc/systemd/system/multi-user.target.wants/containerd.service
fi
