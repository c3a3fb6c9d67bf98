#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# A docker user's hands: command lines from the docker and podman documentation's examples
# (docker-examples/commands.sh), each run with `docker` replaced by `conmanctl`; every one must succeed.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
        local w=/var/tmp/ex-img
        make_rootfs /var/tmp/rootfs
        rm -rf "$w" && mkdir -p "$w"
        umoci init --layout "$w/oci" && umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a /var/tmp/rootfs/. "$w/b/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh >/dev/null
        conmanctl image import "$w/oci" busybox:latest >/dev/null
        conmanctl tag busybox:latest alpine:latest
}

teardown_file() {
        for c in $(conmanctl ps -aq); do conmanctl rm -f "$c" >/dev/null; done
}

@test "40+ command lines of the docker documentation, docker replaced by conmanctl, all succeed" {
        local n=0 line cmd
        while IFS= read -r line; do
                case "$line" in '#'* | '') continue ;; esac
                cmd=${line//docker /conmanctl }
                n=$((n + 1))
                run bash -c "$cmd"
                [ "$status" -eq 0 ] || {
                        echo "line $n failed ($status): $line"
                        echo "$output"
                        false
                }
        done <"$BATS_TEST_DIRNAME/docker-examples/commands.sh"
        echo "# $n command lines" >&3
        [ "$n" -ge 40 ]
}

@test "docs/cli.md, docker's verbs and run flags next to conmanctl's, says the truth about conmanctl --help" {
        run python3 "$BATS_TEST_DIRNAME/docker-examples/check-cli-table.py" "$BATS_TEST_DIRNAME/../../docs/cli.md"
        echo "$output"
        [ "$status" -eq 0 ]
}
