#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load and races: 32 concurrent clients doing mixed operations for a bounded time (no crash, no
# deadlock, every reply well-formed, consistent final state), same-name creates (one winner),
# rm -f racing start, and no fd leak in conmand over many operations.

load helpers

DRIVER="$BATS_TEST_DIRNAME/crash/crash-driver.py"

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
        conmanctl version >/dev/null
}

teardown() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
}

conmand_fds() {
        ls /proc/"$(systemctl show -P MainPID conmand)"/fd | wc -l
}

@test "32 concurrent clients for ${CONMAN_LOAD_SECONDS:-60}s: no crash, no hang, well-formed replies, consistent state" {
        restarts=$(systemctl show -P NRestarts conmand)
        pid=$(systemctl show -P MainPID conmand)
        run timeout 300 "$DRIVER" load --seconds "${CONMAN_LOAD_SECONDS:-60}" --clients 32 --rootfs "$R" \
                --seed "${CONMAN_LOAD_SEED:-7}"
        echo "$output"
        echo "# $(echo "$output" | grep '^load:')" >&3
        [ "$status" -eq 0 ]
        [ "$(systemctl show -P NRestarts conmand)" = "$restarts" ]
        [ "$(systemctl show -P MainPID conmand)" = "$pid" ]
        run "$DRIVER" check
        echo "$output"
        echo "# $(echo "$output" | grep '^check:')" >&3
        [ "$status" -eq 0 ]
}

@test "32 concurrent creates and runs of one name, 5 rounds: exactly one winner each time" {
        for round in 1 2 3 4 5; do
                rm -f /tmp/same.*
                for i in $(seq 1 32); do
                        if [ $((i % 2)) = 0 ]; then
                                conmanctl create --name same --rootfs "$R" /bin/sleep 1000 >/tmp/same.$i 2>&1 &
                        else
                                conmanctl run -d --name same --rootfs "$R" /bin/sleep 1000 >/tmp/same.$i 2>&1 &
                        fi
                done
                wait
                winners=$(grep -lE '^[0-9a-f]{64}$' /tmp/same.* | wc -l)
                losers=$(grep -l 'already in use' /tmp/same.* | wc -l)
                echo "round $round: $winners winners, $losers NameInUse"; cat /tmp/same.* | sort | uniq -c
                [ "$winners" -eq 1 ]
                [ "$losers" -eq 31 ]
                [ "$(ls /var/lib/conman/containers | wc -l)" -eq 1 ]
                conmanctl rm -f same
        done
}

@test "rm -f racing start, 20 rounds: either the container is gone and its unit down, or it is whole" {
        for round in $(seq 1 20); do
                conmanctl create --name race --rootfs "$R" /bin/sleep 1000 >/dev/null
                conmanctl start race >/tmp/start.out 2>&1 & sp=$!
                [ $((round % 3)) = 0 ] && sleep 0.0$((round % 10))
                rs=0; conmanctl rm -f race >/tmp/rm.out 2>&1 || rs=$?
                st=0; wait $sp || st=$?
                echo "round $round: start=$st rm=$rs $(cat /tmp/start.out /tmp/rm.out | tr '\n' ' ')"
                if [ $rs -eq 0 ]; then
                        refute conmanctl inspect race >/dev/null 2>&1
                        wait_until 10 sh -c 'case "$(systemctl show -P ActiveState conman-race.service)" in inactive|failed) exit 0;; esac; exit 1'
                else
                        # rm lost to the start in flight: the container is whole, a second rm works
                        [ -n "$(cat /tmp/rm.out)" ]
                        conmanctl rm -f race
                fi
                [ -z "$(ls /var/lib/conman/containers)" ]
        done
        run "$DRIVER" check
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "conmand's fd count is unchanged after 1,000 operations (create/start/inspect/exec/stop/rm, TTY and -i too)" {
        # warm up (lazy connections, the journal) before counting
        conmanctl run -d --name warm --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl exec warm /bin/true
        conmanctl rm -f warm
        before=$(conmand_fds)
        rss_before=$(awk '/VmRSS/ {print $2}' /proc/"$(systemctl show -P MainPID conmand)"/status)
        ops=0
        for i in $(seq 1 170); do
                # every 5th container has a terminal, every 5th (others) an open stdin: their fds go
                # through conmand and its fd store, and must go again
                case $((i % 5)) in 0) opt="-t" ;; 1) opt="-i" ;; *) opt="" ;; esac
                conmanctl create $opt --name f$i --rootfs "$R" /bin/sleep 1000 >/dev/null
                conmanctl start f$i
                conmanctl inspect f$i >/dev/null
                conmanctl exec f$i /bin/true
                conmanctl stop -t 0 f$i
                conmanctl rm f$i
                ops=$((ops + 6))
        done
        after=$(conmand_fds)
        rss_after=$(awk '/VmRSS/ {print $2}' /proc/"$(systemctl show -P MainPID conmand)"/status)
        echo "# $ops operations: fds $before -> $after, VmRSS ${rss_before}k -> ${rss_after}k" >&3
        [ "$after" -le "$before" ]
        wait_until 10 sh -c '[ "$(systemctl show -P NFileDescriptorStore conmand)" -eq 0 ]'
}
