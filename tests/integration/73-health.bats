#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Health checks (issue 18, item 9; docs/health.md): docker's --health-* flags and podman's
# --health-on-failure. A passing check turns healthy (inspect's State.Health, ps' STATUS), a failing one
# unhealthy after the retries with its streak and log; `healthcheck run` exits 0/1/125; the schedule is
# conman-NAME-health.timer, there while the container runs and gone after stop and rm; on-failure kill, stop
# and restart act; docker's health_status event; the state survives a restart of conmand; a .container
# file's HealthCmd= & co.; the D-Bus members match the XML; bad values are refused with 125.

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

# health NAME JQ-FILTER: a field of State.Health
health() {
        conmanctl inspect "$1" | jq -r ".[0].State.Health$2"
}

health_is() {
        [ "$(health "$1" .Status)" = "$2" ]
}

timer_active() {
        [ "$(systemctl is-active "conman-$1-health.timer")" = active ]
}

checks_at_least() {
        [ "$(health "$1" '.Log | length')" -ge "$2" ]
}

start_timer_gone() {
        [ "$(systemctl is-active "conman-$1-health-start.timer")" != active ]
}

timer_gone() {
        ! systemctl list-units --all --no-legend "conman-$1-health.*" | grep -q .
}

@test "a passing check turns healthy: inspect and ps" {
        conmanctl run -d --name hc-ok --network none --rootfs "$R" --health-cmd 'echo fine' \
                --health-interval 500ms /bin/sleep 1000
        [ "$(health hc-ok .Status)" = starting ]
        wait_until 20 health_is hc-ok healthy
        [ "$(health hc-ok .FailingStreak)" = 0 ]
        [ "$(health hc-ok '.Log[-1].ExitCode')" = 0 ]
        [ "$(health hc-ok '.Log[-1].Output')" = fine ]
        # what a check prints is root's to see, as a command's arguments
        [ "$(as_user conmanctl inspect hc-ok | jq -r '.[0].State.Health.Log[-1].Output')" = "<redacted>" ]
        [ "$(as_user conmanctl inspect hc-ok | jq -r '.[0].State.Health.Status')" = healthy ]
        [ "$(conmanctl inspect hc-ok | jq -r '.[0].Config.Healthcheck.Test[0]')" = CMD-SHELL ]
        [ "$(conmanctl inspect hc-ok | jq -r '.[0].Config.Healthcheck.Interval')" = 500000000 ]
        run conmanctl ps
        [ "$status" -eq 0 ]
        [[ "$output" == *"Up "*"(healthy)"* ]]
}

@test "a failing check turns unhealthy after the retries, with the failing streak and the log" {
        conmanctl run -d --name hc-bad --network none --rootfs "$R" --health-cmd 'echo nope; exit 1' \
                --health-interval 300ms --health-retries 3 /bin/sleep 1000
        wait_until 30 health_is hc-bad unhealthy
        streak=$(health hc-bad .FailingStreak)
        [ "$streak" -ge 3 ]
        [ "$(health hc-bad '.Log | length')" -le 5 ]
        [ "$(health hc-bad '.Log[-1].ExitCode')" = 1 ]
        [ "$(health hc-bad '.Log[-1].Output')" = nope ]
        [ "$(health hc-bad '.Log[-1].Start')" != null ]
        [ "$(health hc-bad '.Log[-1].End')" != null ]
        [[ "$(conmanctl ps)" == *"(unhealthy)"* ]]
        # the container itself runs on (health-on-failure=none)
        [ "$(conmanctl inspect hc-bad | jq -r '.[0].State.Status')" = running ]
}

@test "healthcheck run: 0 healthy, 1 failed, 125 on an error" {
        rm -f "$R/tmp/ok"
        conmanctl run -d --name hc-run --network none --rootfs "$R" --health-cmd 'test -f /tmp/ok' \
                --health-interval 1h --health-retries 1 /bin/sleep 1000
        run conmanctl healthcheck run hc-run
        [ "$status" -eq 1 ]
        [ "$output" = unhealthy ]
        [ "$(health hc-run .Status)" = unhealthy ]
        conmanctl exec hc-run touch /tmp/ok
        run conmanctl healthcheck run hc-run
        [ "$status" -eq 0 ]
        [ "$(health hc-run .Status)" = healthy ]
        [ "$(health hc-run '.Log | length')" = 2 ]
        # no check at all
        conmanctl run -d --name hc-none --network none --rootfs "$R" /bin/sleep 1000
        run conmanctl healthcheck run hc-none
        [ "$status" -eq 125 ]
        [[ "$output" == *"no health check"* ]]
        [ "$(conmanctl inspect hc-none | jq -r '.[0].State.Health')" = null ]
        # paused: no check (as docker), 125
        conmanctl pause hc-run
        run conmanctl healthcheck run hc-run
        [ "$status" -eq 125 ]
        [[ "$output" == *paused* ]]
        conmanctl unpause hc-run
        # not running
        conmanctl stop -t 1 hc-run
        run conmanctl healthcheck run hc-run
        [ "$status" -eq 125 ]
        run conmanctl healthcheck run no-such-container
        [ "$status" -eq 125 ]
}

@test "--health-timeout: a check that takes too long fails with exit code -1" {
        conmanctl run -d --name hc-slow --network none --rootfs "$R" --health-cmd 'sleep 30' \
                --health-interval 1h --health-timeout 500ms --health-retries 1 /bin/sleep 1000
        start=$SECONDS
        run conmanctl healthcheck run hc-slow
        [ "$status" -eq 1 ]
        [ $((SECONDS - start)) -lt 10 ]
        [ "$(health hc-slow '.Log[-1].ExitCode')" = -1 ]
        [[ "$(health hc-slow '.Log[-1].Output')" == *"exceeded timeout"* ]]
}

@test "the timer unit is there while the container runs, and gone after stop and rm" {
        conmanctl run -d --name hc-t --network none --rootfs "$R" --health-cmd true --health-interval 1s \
                /bin/sleep 1000
        wait_until 10 timer_active hc-t
        systemctl list-timers --all --no-legend | grep -q 'conman-hc-t-health.timer'
        [ "$(systemctl show -P BindsTo conman-hc-t-health.timer)" = conman-hc-t.service ]
        conmanctl stop -t 1 hc-t
        wait_until 10 timer_gone hc-t
        conmanctl start hc-t
        wait_until 10 timer_active hc-t
        conmanctl rm -f hc-t
        wait_until 10 timer_gone hc-t
        refute systemctl is-active --quiet conman-hc-t-health.timer
}

@test "--health-on-failure=kill kills the container when it turns unhealthy" {
        conmanctl run -d --name hc-kill --network none --rootfs "$R" --health-cmd false \
                --health-interval 300ms --health-retries 2 --health-on-failure kill /bin/sleep 1000
        [ "$(conmanctl inspect hc-kill | jq -r '.[0].Config.Healthcheck.OnFailure')" = kill ]
        state_is_exited() { [ "$(conmanctl inspect hc-kill | jq -r '.[0].State.Status')" = exited ]; }
        wait_until 30 state_is_exited
        [ "$(health hc-kill .Status)" = unhealthy ]
        [ "$(conmanctl inspect hc-kill | jq -r '.[0].State.ExitCode')" = 137 ]
}

@test "--health-on-failure=stop stops it with its stop signal" {
        conmanctl run -d --name hc-stop --network none --rootfs "$R" --init --health-cmd false \
                --health-interval 300ms --health-retries 1 --health-on-failure stop /bin/sleep 1000
        state_is_exited() { [ "$(conmanctl inspect hc-stop | jq -r '.[0].State.Status')" = exited ]; }
        wait_until 30 state_is_exited
        [ "$(health hc-stop .Status)" = unhealthy ]
        [ "$(conmanctl inspect hc-stop | jq -r '.[0].State.ExitCode')" = 143 ]
        wait_until 10 timer_gone hc-stop
}

@test "--health-on-failure=restart restarts it, and the new run starts afresh" {
        conmanctl run -d --name hc-restart --network none --rootfs "$R" --health-cmd false \
                --health-interval 300ms --health-retries 2 --health-on-failure restart /bin/sleep 1000
        first=$(conmanctl inspect hc-restart | jq -r '.[0].State.StartedAt')
        restarted() {
                [ "$(conmanctl inspect hc-restart | jq -r '.[0].State.StartedAt')" != "$first" ] &&
                        [ "$(conmanctl inspect hc-restart | jq -r '.[0].State.Status')" = running ]
        }
        wait_until 30 restarted
        wait_until 10 timer_active hc-restart
}

@test "events: docker's health_status event when the status changes" {
        conmanctl events >"$BATS_TEST_TMPDIR/events" 2>&1 &
        events_pid=$!
        sleep 0.5
        conmanctl run -d --name hc-ev --network none --rootfs "$R" --health-cmd true --health-interval 300ms \
                /bin/sleep 1000
        saw_healthy() { grep -q 'health_status: healthy .*name=hc-ev' "$BATS_TEST_TMPDIR/events"; }
        wait_until 20 saw_healthy
        kill "$events_pid"
        wait "$events_pid" || true
        # a check that keeps the status is no event, and no state change either
        [ "$(grep -c 'health_status' "$BATS_TEST_TMPDIR/events")" = 1 ]
        [ "$(grep -c ' start .*name=hc-ev' "$BATS_TEST_TMPDIR/events")" = 1 ]
}

@test "the health state survives systemctl restart conmand" {
        conmanctl run -d --name hc-keep --network none --rootfs "$R" --health-cmd 'echo kept' \
                --health-interval 1h /bin/sleep 1000
        conmanctl healthcheck run hc-keep
        [ "$(health hc-keep .Status)" = healthy ]
        systemctl restart conmand
        conmanctl version >/dev/null
        [ "$(health hc-keep .Status)" = healthy ]
        [ "$(health hc-keep '.Log | length')" = 1 ]
        [ "$(health hc-keep '.Log[0].Output')" = kept ]
        timer_active hc-keep
        # and the next check goes on from there
        conmanctl healthcheck run hc-keep
        [ "$(health hc-keep '.Log | length')" = 2 ]
}

@test "--no-healthcheck, and bad values refused with 125 before anything is created" {
        conmanctl create --name hc-off --network none --rootfs "$R" --no-healthcheck /bin/true
        [ "$(conmanctl inspect hc-off | jq -r '.[0].Config.Healthcheck.Test[0]')" = NONE ]
        for args in "--health-interval -1s" "--health-interval garbage" "--health-timeout 10" \
                "--health-retries 0" "--health-retries x" "--health-on-failure bogus" \
                "--health-start-period -5m" "--no-healthcheck --health-cmd true"; do
                # shellcheck disable=SC2086
                run conmanctl run -d --name hc-bad-value --network none --rootfs "$R" --health-cmd true $args \
                        /bin/sleep 1
                [ "$status" -eq 125 ]
                run conmanctl inspect hc-bad-value
                [ "$status" -ne 0 ]
        done
        run conmanctl run --help
        for flag in --health-cmd --health-interval --health-timeout --health-retries --health-start-period \
                --health-on-failure --no-healthcheck; do
                [[ "$output" == *"$flag"* ]]
        done
}

@test "a .container file's HealthCmd= & co.: the boot-time container gets its timer and turns healthy" {
        mkdir -p /etc/conman/containers
        cat >/etc/conman/containers/hc-gen.container <<EOT
[Container]
Rootfs=$R
Exec=/bin/sleep 1000
HealthCmd=echo from-file
HealthInterval=300ms
HealthRetries=2
EOT
        systemctl daemon-reload
        systemctl start conman-hc-gen.service
        conmanctl version >/dev/null
        wait_until 20 health_is hc-gen healthy
        [ "$(health hc-gen '.Log[-1].Output')" = from-file ]
        timer_active hc-gen
        systemctl stop conman-hc-gen.service
        wait_until 10 timer_gone hc-gen
        rm -f /etc/conman/containers/hc-gen.container
        systemctl daemon-reload
        run conmanctl generate unit hc-gen
        [[ "$output" == *"HealthCmd=echo from-file"* ]]
        [[ "$output" == *"HealthInterval=300ms"* ]]
}

@test "HealthcheckRun, ListContainerHealth and the Health property are exported as the XML describes them" {
        conmanctl create --name hc-obj --network none --rootfs "$R" --health-cmd true /bin/true
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml \
                /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
        path=$(busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetContainer s hc-obj | cut -d'"' -f2)
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Container.xml \
                "$path"
        echo "$output"
        [ "$status" -eq 0 ]
        run busctl --system get-property io.conman1 "$path" io.conman1.Container Health
        [ "$output" = 's "starting"' ]
        # running a check is root's
        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager HealthcheckRun s hc-obj
        [ "$status" -ne 0 ]
}

@test "--health-start-interval: checks every start interval while starting in the start period, then every interval" {
        rm -f "$R/tmp/hc-si-ok" # --rootfs: the file lands in the shared root
        restarts=$(systemctl show -p NRestarts --value conmand.service)
        conmanctl run -d --name hc-si --network none --rootfs "$R" --health-cmd 'cat /tmp/hc-si-ok' \
                --health-interval 1h --health-start-period 6s --health-start-interval 300ms /bin/sleep 1000
        [ "$(conmanctl inspect hc-si | jq -r '.[0].Config.Healthcheck.StartInterval')" = 300000000 ]
        # a second timer runs the check at 0.3 s, 0.6 s ... 5.7 s (the main one's first is in 1 h)
        [ "$(systemctl is-active conman-hc-si-health-start.timer)" = active ]
        run systemctl show -p TimersMonotonic conman-hc-si-health-start.timer
        [ "$(echo "$output" | grep -o 'OnActiveUSec' | wc -l)" -eq 19 ]
        [ "$(systemctl show -p Unit --value conman-hc-si-health-start.timer)" = conman-hc-si-health-start.service ]
        # failures in the start period do not count; the checks run at the start interval
        wait_until 10 checks_at_least hc-si 2
        health_is hc-si starting
        # with a 1 h interval only the start timer can make it healthy this soon; then it goes, as docker's
        conmanctl exec hc-si sh -c 'echo ready >/tmp/hc-si-ok'
        wait_until 5 health_is hc-si healthy
        [ "$(health hc-si '.Log[-1].Output')" = ready ]
        wait_until 2 start_timer_gone hc-si # conmand stopped it: its last run would be at 5.7 s
        timer_active hc-si
        [ "$(systemctl show -p NRestarts --value conmand.service)" = "$restarts" ] # conmand did not crash
        run conmanctl generate unit hc-si
        [[ "$output" == *"HealthStartInterval=300ms"* ]]
        run conmanctl run --help
        [[ "$output" == *"--health-start-interval"* ]]
        run conmanctl run -d --name hc-si-bad --network none --rootfs "$R" --health-cmd true \
                --health-start-interval 0 /bin/sleep 1
        [ "$status" -eq 125 ]
        rm -f "$R/tmp/hc-si-ok"
}
