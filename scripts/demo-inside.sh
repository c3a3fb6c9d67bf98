#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# demo-inside.sh — the demo itself, run where systemd is PID 1 and conman-systemd is installed.
#
# Builds a small OCI image with umoci from a busybox rootfs, serves it from a local registry
# (docker-registry on a loopback port), pulls it, runs it as conman-web.service with a published
# port, answers a request through that port, and shows logs, exec, the unit, stop and rm.
# Each step is printed before it runs; a failing step says which one and the demo exits non-zero.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/tests/integration/helpers.bash"

PORT=${CONMAN_DEMO_REGISTRY_PORT:-5123}
WEB_PORT=${CONMAN_DEMO_WEB_PORT:-8080}
REG=127.0.0.1:$PORT
IMAGE=$REG/demo/web:1
W=$(mktemp -d /var/tmp/conman-demo.XXXXXX)

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }
note() { printf '\033[2m# %s\033[0m\n' "$*"; }
step_failed() { printf '\ndemo: FAILED (exit %s) at: %s\n' "$1" "$2" >&2; }
trap 'step_failed $? "$BASH_COMMAND"' ERR

cleanup() {
        conmanctl rm -f web >/dev/null 2>&1 || true
        conmanctl rmi -f "$IMAGE" >/dev/null 2>&1 || true
        systemctl stop conman-demo-registry.service >/dev/null 2>&1 || true
        rm -rf "$W"
}
trap cleanup EXIT

# Waits up to $1 seconds for a command to succeed.
wait_for() {
        local t=$1; shift
        wait_until "$t" "$@" || { echo "demo: timed out after ${t}s waiting for: $*" >&2; return 1; }
}

note "building an image: a busybox rootfs with a web page, packed by umoci as an OCI image"
make_rootfs "$W/rootfs"
mkdir -p "$W/rootfs/www"
echo "hello from a conman container" >"$W/rootfs/www/index.html"
umoci init --layout "$W/oci"
umoci new --image "$W/oci:1"
umoci unpack --image "$W/oci:1" "$W/bundle" >/dev/null
cp -a "$W/rootfs/." "$W/bundle/rootfs/"
umoci repack --image "$W/oci:1" "$W/bundle" >/dev/null
umoci config --image "$W/oci:1" --config.entrypoint /bin/sh --config.entrypoint -c \
        --config.cmd 'echo serving /www on port 8080; exec httpd -f -v -p 8080 -h /www'

note "serving it from a local registry (docker-registry on $REG)"
cat >"$W/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $W/registry
http:
  addr: $REG
EOF
systemctl stop conman-demo-registry.service >/dev/null 2>&1 || true
systemctl reset-failed conman-demo-registry.service >/dev/null 2>&1 || true
systemd-run --quiet --unit=conman-demo-registry /usr/bin/docker-registry serve "$W/registry.yml"
wait_for 20 curl -sf -o /dev/null "http://$REG/v2/"
skopeo copy --quiet --dest-tls-verify=false "oci:$W/oci:1" "docker://$IMAGE"

run conmanctl version
run conmanctl pull --tls-verify=false "$IMAGE"
run conmanctl images
run conmanctl run -d --name web -p "127.0.0.1:$WEB_PORT:8080" --memory 64m "$IMAGE"
run conmanctl ps
run systemctl status --no-pager --lines=0 conman-web.service
say "systemctl show -p MainPID,MemoryMax,Slice conman-web.service"
systemctl show -p MainPID,MemoryMax,Slice conman-web.service
say "ps -eo pid,ppid,comm | grep -E 'runc|crun|conmon'   # no shim per container"
ps -eo pid,ppid,comm | grep -E 'runc|crun|conmon' || echo "(none: the container's init is the unit's MainPID)"

say "curl http://127.0.0.1:$WEB_PORT/   # through the published port"
wait_for 20 curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$WEB_PORT/"
curl -sS --max-time 5 "http://127.0.0.1:$WEB_PORT/"

run conmanctl exec web /bin/sh -c 'echo "in the container: $(hostname), pid 1 is $(cat /proc/1/comm)"'
wait_for 10 sh -c 'conmanctl logs web 2>&1 | grep -q response:200'
run conmanctl logs web
run journalctl -u conman-web.service --no-pager -o cat -n 5

say "conmanctl run --rm $IMAGE 'echo bye; exit 7'"
status=0
conmanctl run --rm "$IMAGE" 'echo bye; exit 7' || status=$?
echo "exit code: $status"
[ "$status" -eq 7 ] || { echo "demo: expected exit code 7, got $status" >&2; exit 1; }

run conmanctl stop web
run conmanctl ps -a
run conmanctl rm web
run conmanctl rmi "$IMAGE"
printf '\ndemo: done\n'
