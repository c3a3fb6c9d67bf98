#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line a docker user expects (ctl/help.c, completion/, man/): -h/--help on every verb, a bad
# flag's usage line and exit 125, --version without a daemon, docker's exit codes (125 ours, 126 not
# executable, 127 not found, else the command's) for run, start -a and exec, shell completion of verbs,
# flags and names from the daemon, and a man page per verb that matches its --help.

bats_require_minimum_version 1.5.0
load helpers

IMG=localhost/cli-box:1

setup_file() {
        local w=/var/tmp/cli-img
        make_rootfs /var/tmp/rootfs
        if ! conmanctl images -q 2>/dev/null | grep -q .; then
                rm -rf "$w" && mkdir -p "$w"
                umoci init --layout "$w/oci" && umoci new --image "$w/oci:1"
                umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
                cp -a /var/tmp/rootfs/. "$w/b/rootfs/"
                umoci repack --image "$w/oci:1" "$w/b" >/dev/null
                conmanctl image import "$w/oci" "$IMG" >/dev/null
        fi
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

@test "run: a command not found exits 127, one not executable 126, ours 125, else the command's" {
        run -127 conmanctl run --rm "$IMG" /nonexistent
        echo "$output"
        [[ "$output" == *"was not found"* ]]
        run -127 conmanctl run --rm "$IMG" nosuchcommand
        [ "$status" -eq 127 ]
        run conmanctl run --rm "$IMG" /etc/passwd
        echo "$output"
        [ "$status" -eq 126 ]
        run conmanctl run --rm "$IMG" sh -c 'exit 7'
        [ "$status" -eq 7 ]
        run -127 conmanctl run --rm --rootfs "$R" /nonexistent
        [ "$status" -eq 127 ]
        run conmanctl run --rm --rootfs "$R" /etc
        [ "$status" -eq 126 ]
        run conmanctl run --no-such-flag "$IMG" true
        [ "$status" -eq 125 ]
        [[ "$output" == *"Usage: conmanctl run"* ]]
        [[ "$output" == *"See 'conmanctl run --help'."* ]]
        run conmanctl run --rm localhost/no-such-image:1 true
        [ "$status" -eq 125 ]
        [ -z "$(conmanctl ps -a -q)" ]
}
