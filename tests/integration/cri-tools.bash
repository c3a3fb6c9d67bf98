# SPDX-License-Identifier: LGPL-2.1-or-later
# cri-tools.bash — finds crictl and critest (cri-tools v1.26.1, shipped xz-compressed) for the CRI tests.
#
# Where: $CONMAN_CRI_TOOLS (run.sh binds that folder into the machine and sets it), else
# $SRC/../shared/cri-tools, else /work/shared/cri-tools. cri_tools_setup unpacks both into a folder of
# this machine and puts it first in PATH; a test without them skips with the reason.

CRI_SOCKET=/run/conman/cri.sock
CRI_ENDPOINT=unix://$CRI_SOCKET

# The folder holding crictl.xz, or nothing.
cri_tools_dir() {
        local d
        for d in "${CONMAN_CRI_TOOLS:-}" "$SRC/../shared/cri-tools" /work/shared/cri-tools; do
                [ -n "$d" ] && [ -f "$d/crictl.xz" ] && { echo "$d"; return 0; }
        done
        return 1
}

# Unpacks crictl and critest (once per machine) into /var/tmp/cri-tools and exports CRI_TOOLS_BIN.
cri_tools_unpack() {
        local src=$1 t
        CRI_TOOLS_BIN=/var/tmp/cri-tools
        mkdir -p "$CRI_TOOLS_BIN"
        for t in crictl critest; do
                [ -x "$CRI_TOOLS_BIN/$t" ] && continue
                [ -f "$src/$t.xz" ] || continue
                xz -dc "$src/$t.xz" >"$CRI_TOOLS_BIN/$t.tmp" && chmod +x "$CRI_TOOLS_BIN/$t.tmp" &&
                        mv "$CRI_TOOLS_BIN/$t.tmp" "$CRI_TOOLS_BIN/$t" || return 1
        done
        export CRI_TOOLS_BIN
}

# For setup()/setup_file(): crictl on PATH and pointed at conman-cri, or skip (with the reason).
cri_tools_setup() {
        local src
        src=$(cri_tools_dir) || skip "crictl not found (set CONMAN_CRI_TOOLS to the folder of crictl.xz)"
        command -v xz >/dev/null || skip "xz is not installed"
        cri_tools_unpack "$src" || skip "cannot unpack crictl from $src"
        [ -x "$CRI_TOOLS_BIN/crictl" ] || skip "no crictl in $src"
        case ":$PATH:" in *":$CRI_TOOLS_BIN:"*) ;; *) export PATH=$CRI_TOOLS_BIN:$PATH ;; esac
        export CONTAINER_RUNTIME_ENDPOINT=$CRI_ENDPOINT IMAGE_SERVICE_ENDPOINT=$CRI_ENDPOINT
}

# crictl with both endpoints and a timeout, whatever the environment says.
cri() {
        crictl --runtime-endpoint "$CRI_ENDPOINT" --image-endpoint "$CRI_ENDPOINT" --timeout 30s "$@"
}
