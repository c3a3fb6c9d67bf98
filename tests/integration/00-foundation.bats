#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The daemon skeleton: activation, introspection, readiness, access control.

load helpers

@test "conmanctl version activates conmand over D-Bus" {
        run systemctl is-active conmand
        [ "$output" != active ]
        run conmanctl version
        [ "$status" -eq 0 ]
        [[ "$output" == *"Client: conmanctl"* ]]
        [[ "$output" == *"Daemon: conmand"* ]]
        run systemctl is-active conmand
        [ "$output" = active ]
}

@test "conmanctl info prints daemon facts" {
        run conmanctl info
        [ "$status" -eq 0 ]
        [[ "$output" == *"State directory  : /var/lib/conman"* ]]
        [[ "$output" == *"Default runtime  : runc"* ]]
        [[ "$output" == *"systemd version  : 252"* ]]
}

@test "busctl introspect shows the Manager interface as the XML describes it" {
        conmanctl version
        run busctl --system introspect io.conman1 /io/conman1
        [ "$status" -eq 0 ]
        [[ "$output" == *"io.conman1.Manager"* ]]
        [[ "$output" == *"org.freedesktop.DBus.Introspectable"* ]]
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "conmand is a Type=notify service that is active and owns io.conman1" {
        conmanctl version
        [ "$(systemctl show -P Type conmand)" = notify ]
        [ "$(systemctl show -P ActiveState conmand)" = active ]
        run busctl --system status io.conman1
        [[ "$output" == *"Unit=conmand.service"* ]]
}

@test "SIGTERM stops conmand cleanly and the next call activates it again" {
        conmanctl version
        systemctl stop conmand
        [ "$(systemctl show -P Result conmand)" = success ]
        run conmanctl info
        [ "$status" -eq 0 ]
}

@test "an unprivileged user may read properties" {
        conmanctl version
        run as_user busctl --system get-property io.conman1 /io/conman1 io.conman1.Manager Version
        [ "$status" -eq 0 ]
        [[ "$output" == s* ]]
}

@test "conmanctl says how to fix an unreachable daemon" {
        systemctl mask --runtime conmand
        systemctl stop conmand
        run conmanctl info
        systemctl unmask --runtime conmand
        [ "$status" -ne 0 ]
        [[ "$output" == *"conmand"* ]]
}

@test "every verb answers --help" {
        for v in version info; do
                run conmanctl "$v" --help
                [ "$status" -eq 0 ]
                [[ "$output" == *"Usage: conmanctl $v"* ]]
        done
}
