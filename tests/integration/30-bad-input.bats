#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input gets a named error with a message a person can act on, and changes nothing.
# Access control: only root mutates.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

# create_raw NAME OPTIONS-SIGNATURE-AND-VALUES...: CreateContainer over busctl with /bin/true.
create_raw() {
        local name=$1; shift
        busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                "$name" 1 /bin/true "$@"
}

nothing_created() {
        [ -z "$(ls /var/lib/conman/containers)" ]
        [ -z "$(conmanctl ps -a -q)" ]
}

# expect_error ERROR-NAME MESSAGE-PART COMMAND...: the command fails and says MESSAGE-PART. busctl prints
# only the message; ERROR-NAME ("-" for none) is checked when the command is `dbus_call`, which
# prints the error's name as dbus-send does.
expect_error() {
        local name=$1 msg=$2; shift 2
        run "$@"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$msg"* ]]
        if [ "$1" = dbus_call ]; then [[ "$output" == *"io.conman1.Error.$name"* ]]; fi
}

# dbus_call METHOD ARGS... (dbus-send syntax: string:web boolean:false uint64:0)
dbus_call() {
        local method=$1; shift
        dbus-send --system --print-reply --dest=io.conman1 /io/conman1 "io.conman1.Manager.$method" "$@" 2>&1
}

@test "bad container names are refused with the rule quoted" {
        for n in -web .web 'we b' 'a/b' "$(printf 'x%.0s' {1..64})" 'wéb' 'a;b'; do
                expect_error - "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}" conmanctl create --name "$n" --rootfs "$R" /bin/true
        done
        nothing_created
}

@test "a rootfs that is not a directory, relative paths and '..' are refused" {
        expect_error - "is not a directory" conmanctl create --rootfs /etc/passwd /bin/true
        expect_error - "is not a directory" conmanctl create --rootfs /nonexistent /bin/true
        expect_error - "absolute path" create_raw x 1 Rootfs s relative/dir
        expect_error - "absolute path" create_raw x 1 Rootfs s /var/../etc
        expect_error - "must be an absolute" conmanctl create -w relative --rootfs "$R" /bin/true
        expect_error - "without '.' or '..'" conmanctl create -w /a/../b --rootfs "$R" /bin/true
        expect_error - "Volume destination" conmanctl create -v /tmp:data --rootfs "$R" /bin/true
        expect_error - "Volume destination" conmanctl create -v /tmp:/a/../../etc --rootfs "$R" /bin/true
        expect_error - "does not exist" conmanctl create -v /nonexistent:/data --rootfs "$R" /bin/true
        nothing_created
}

@test "unknown signals, absurd limits and unknown restart policies are refused" {
        expect_error - "Unknown signal" create_raw x 2 Rootfs s "$R" StopSignal s SIGNOPE
        expect_error - "invalid signal" conmanctl kill -s NOPE whatever
        expect_error - "Memory limit" conmanctl create --memory 1k --rootfs "$R" /bin/true
        expect_error - "Memory limit" create_raw x 2 Rootfs s "$R" Memory t 18446744073709551615
        expect_error - "invalid value" conmanctl create --memory -5m --rootfs "$R" /bin/true
        expect_error - "CPU limit" create_raw x 2 Rootfs s "$R" CPUQuota t 1
        expect_error - "CPU weight" create_raw x 2 Rootfs s "$R" CPUWeight t 20000
        expect_error - "Pids limit" create_raw x 2 Rootfs s "$R" PidsLimit t 99999999999
        expect_error - "Unknown restart policy" conmanctl create --restart sometimes --rootfs "$R" /bin/true
        expect_error - "Unknown restart policy" conmanctl create --restart on-failure:x --rootfs "$R" /bin/true
        expect_error - "cannot be combined" conmanctl create --rm --restart always --rootfs "$R" /bin/true
        expect_error - "Unknown runtime" conmanctl create --runtime youki --rootfs "$R" /bin/true
        expect_error - "Stop timeout" create_raw x 2 Rootfs s "$R" StopTimeout t 999999999999999
        nothing_created
}

@test "unknown option keys, wrong types, oversized and non-UTF-8 strings are refused" {
        expect_error - "Unknown option 'Bogus'" create_raw x 2 Rootfs s "$R" Bogus s 1
        expect_error - "must be of type 't'" create_raw x 2 Rootfs s "$R" Memory s 64m
        big=$(head -c 70000 /dev/zero | tr '\0' a)
        expect_error - "Environment entry" create_raw x 2 Rootfs s "$R" Env as 1 "A=$big"
        expect_error - "Environment entry" create_raw x 2 Rootfs s "$R" Env as 1 "NOEQUALS"
        expect_error - "must not contain '='" create_raw x 2 Rootfs s "$R" Labels 'a{ss}' 1 'a=b' c
        run dbus_call CreateContainer string:x array:string:/bin/true dict:string:string:Bogus,1
        [[ "$output" == *"org.freedesktop.DBus.Error.InvalidArgs"* ]]
        # invalid UTF-8 cannot even be sent: the bus refuses it before conmand sees it
        run busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                "$(printf 'x\xff')" 1 /bin/true 1 Rootfs s "$R"
        [ "$status" -ne 0 ]
        nothing_created
        systemctl is-active -q conmand
}

@test "unknown containers and ambiguous prefixes get named errors" {
        expect_error NoSuchContainer "No such container" dbus_call StartContainer string:nothere
        run conmanctl start nothere
        [ "$status" -ne 0 ]
        [[ "$output" == *"No such container: 'nothere'"* ]]
        for i in $(seq 1 20); do conmanctl create --rootfs "$R" /bin/true >/dev/null; done
        # 20 random ids: some one-hex-digit prefix is shared by two of them
        p=$(conmanctl ps -a -q | cut -c1 | sort | uniq -d | head -1)
        expect_error AmbiguousReference "several containers" dbus_call InspectContainer string:"$p"
}

@test "operations in the wrong state get clear errors" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        expect_error AlreadyRunning "already running" dbus_call StartContainer string:web
        expect_error Busy "stop it first" dbus_call RemoveContainer string:web boolean:false
        conmanctl stop -t 0 web
        expect_error NotRunning "not running" dbus_call KillContainer string:web string:TERM
        expect_error NameInUse "already in use" conmanctl create --name web --rootfs "$R" /bin/true
}

@test "a missing runtime is a clear error and leaves the container startable later" {
        conmanctl create --name r --rootfs "$R" /bin/true
        mount --bind /dev/null /usr/sbin/runc
        run conmanctl start r
        umount /usr/sbin/runc
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"journalctl -u conman-r.service"* ]] || [[ "$output" == *"not installed"* ]]
        conmanctl start r
        [ "$(conmanctl wait r)" = 0 ]
}

@test "a non-root caller gets AccessDenied on every mutating method and nothing changes" {
        conmanctl create --name keep --rootfs "$R" /bin/sleep 1000
        for call in "CreateContainer sasa{sv} x 1 /bin/true 1 Rootfs s $R" "StartContainer s keep" \
                "StopContainer st keep 0" "KillContainer ss keep KILL" "RemoveContainer sb keep true" \
                "RestartContainer st keep 0" "AttachContainer s keep"; do
                run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager $call
                echo "$call: $output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"Access denied"* ]] || [[ "$output" == *"AccessDenied"* ]] || [[ "$output" == *"Only root"* ]]
        done
        run as_user conmanctl rm -f keep
        [ "$status" -ne 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = created ]
        # reading is open to all
        run as_user conmanctl ps -a
        [ "$status" -eq 0 ]
        [[ "$output" == *keep* ]]
        run as_user conmanctl inspect keep
        [ "$status" -eq 0 ]
}

@test "conmand's own credential check refuses non-root even when the bus policy lets the call through" {
        mkdir -p /etc/dbus-1/system.d
        cat >/etc/dbus-1/system.d/zz-open-conman.conf <<'EOC'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy context="default"><allow send_destination="io.conman1"/></policy></busconfig>
EOC
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                x 1 /bin/true 1 Rootfs s "$R"
        rm /etc/dbus-1/system.d/zz-open-conman.conf
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"Only root may change containers"* ]]
        nothing_created
}
