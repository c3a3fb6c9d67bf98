# SPDX-License-Identifier: LGPL-2.1-or-later
# helpers.bash — shared by the integration tests; they run as root inside a
# throwaway systemd (tests/integration/run.sh) with the build installed.

SRC=${CONMAN_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# A user without privileges, for access-control tests.
ensure_unprivileged_user() {
        id conmantest >/dev/null 2>&1 || useradd --system --no-create-home conmantest
}

as_user() {
        ensure_unprivileged_user
        setpriv --reuid=conmantest --regid=conmantest --clear-groups -- "$@"
}

# A busybox root filesystem at $1 (created once).
make_rootfs() {
        local dir=$1
        [ -x "$dir/bin/busybox" ] && return 0
        mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root}
        cp /bin/busybox "$dir/bin/busybox"
        for applet in $("$dir/bin/busybox" --list); do
                [ "$applet" = busybox ] && continue
                ln -sf busybox "$dir/bin/$applet"
        done
        echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
        echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$dir/etc/passwd"
        echo 'root:x:0:' >"$dir/etc/group"
        echo 'nogroup:x:65534:' >>"$dir/etc/group"
}

# Waits (bounded) until a command succeeds; for things systemd does asynchronously.
wait_until() {
        local timeout=$1; shift
        local end=$((SECONDS + timeout))
        until "$@"; do
                [ $SECONDS -lt $end ] || return 1
                sleep 0.1
        done
}

# Veths left on the host. The native driver leaves a container's veth pair to the end of its network
# namespace (the kernel's clean-up deletes both ends shortly after teardown, network/native.c): wait for
# that, bounded, before listing what is left.
leftover_veths() {
        wait_until 5 sh -c '[ -z "$(ip -o link show type veth 2>/dev/null)" ]' || true
        ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' || true
}

# The usual per-file set-up: a busybox rootfs at /var/tmp/rootfs ($R in each test), conmand
# activated, and every container removed after each test.
conman_setup_file() {
        make_rootfs /var/tmp/rootfs
}

conman_setup() {
        R=/var/tmp/rootfs
        conmanctl version >/dev/null
}

remove_all_containers() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
}

# hosts_lists HOSTS_TEXT NAME [IP]: true when a line of an /etc/hosts text names NAME as a whole
# field (and has address IP). A substring match would also find NAME inside a random hex id
# (a container's host name), which made a test fail in ~4% of runs.
hosts_lists() {
        awk -v name="$2" -v ip="${3:-}" '
                /^[[:space:]]*#/ { next }
                { for (i = 2; i <= NF; i++) if ($i == name && (ip == "" || $1 == ip)) found = 1 }
                END { exit !found }' <<<"$1"
}

# refute CMD...: fails the test when CMD succeeds. A bare `! CMD` never fails a bats test (bash's
# errexit ignores negated commands), so it asserted nothing.
refute() {
        if "$@"; then
                echo "expected to fail, but succeeded: $*" >&2
                return 1
        fi
        return 0
}

# localhost/volimg:1: the test rootfs with VOLUMEs /vol1 (a seeded file; owner 65534, mode 1770), /vol2 (a
# file in sub/), /vol3 (not in the image) and /evil (a symlink to /etc), made with umoci once per machine.
make_volume_image() {
        local w=/var/tmp/img-volumes
        if ! conmanctl images | grep -q localhost/volimg; then
                rm -rf "$w"
                umoci init --layout "$w/oci"
                umoci new --image "$w/oci:1"
                umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
                cp -a "$R/." "$w/b/rootfs/"
                mkdir -p "$w/b/rootfs/vol1" "$w/b/rootfs/vol2/sub"
                echo seeded >"$w/b/rootfs/vol1/seed"
                chown 65534:65534 "$w/b/rootfs/vol1" && chmod 1770 "$w/b/rootfs/vol1"
                echo image-vol2 >"$w/b/rootfs/vol2/sub/f"
                ln -s /etc "$w/b/rootfs/evil" # a symlink out of the image must not copy the host's /etc
                umoci repack --image "$w/oci:1" "$w/b" >/dev/null
                umoci config --image "$w/oci:1" --config.volume /vol1 --config.volume /vol2 --config.volume /vol3 \
                        --config.volume /evil
                conmanctl image import "$w/oci" localhost/volimg:1
        fi
}
