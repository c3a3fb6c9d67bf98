#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# install-deps.sh — installs what building, testing and the demo need (Debian 12, as root).
set -eu
PACKAGES=(
        build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
        libsystemd-dev libjson-c-dev libcmocka-dev libcurl4-openssl-dev libarchive-dev libssl-dev
        systemd-container dbus runc crun busybox-static bats python3 iproute2 util-linux
)
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
