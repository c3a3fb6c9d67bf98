/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ctl-verbs.c — the pure parts of conmanctl's everyday verbs: update's flags (ctl/update-options.c),
 * port's output (ctl/port-format.c) and top's filtering of ps output (ctl/top-filter.c). */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/container-spec.h"
#include "shared/util.h"
#include "port-format.h"
#include "top-filter.h"
#include "update-options.h"

static int set(UpdateOptions *o, const char *flag, const char *value) {
        const char *error = NULL;
        int r = update_options_set(o, flag, value, &error);

        if (r == -EINVAL)
                assert_non_null(error);
        return r;
}

static void test_update_values(void **state) {
        UpdateOptions o = {};

        assert_false(update_options_any(&o));
        assert_int_equal(set(&o, "memory", "64m"), 0);
        assert_true(o.have_memory);
        assert_int_equal(o.memory, 64 * 1024 * 1024);
        assert_int_equal(set(&o, "memory-swap", "-1"), 0);
        assert_int_equal(o.memory_swap, UINT64_MAX);
        assert_int_equal(set(&o, "memory-reservation", "32m"), 0);
        assert_int_equal(o.memory_reservation, 32 * 1024 * 1024);
        assert_int_equal(set(&o, "cpus", "1.5"), 0);
        assert_int_equal(o.cpu_quota, 1500000);
        assert_int_equal(set(&o, "cpus", "0"), 0); /* no limit */
        assert_int_equal(o.cpu_quota, 0);
        assert_true(o.have_cpu_quota);
        assert_int_equal(set(&o, "cpu-shares", "1024"), 0);
        assert_int_equal(o.cpu_weight, cpu_shares_to_weight(1024));
        assert_int_equal(set(&o, "cpu-weight", "500"), 0);
        assert_int_equal(o.cpu_weight, 500);
        assert_int_equal(set(&o, "pids-limit", "-1"), 0);
        assert_int_equal(o.pids_limit, UINT64_MAX);
        assert_int_equal(set(&o, "pids-limit", "100"), 0);
        assert_int_equal(o.pids_limit, 100);
        assert_int_equal(set(&o, "blkio-weight", "300"), 0);
        assert_int_equal(o.blkio_weight, 300);
        assert_int_equal(set(&o, "cpuset-cpus", "0-3,5"), 0);
        assert_string_equal(o.cpuset_cpus, "0-3,5");
        assert_int_equal(set(&o, "cpuset-mems", ""), 0); /* all nodes again */
        assert_string_equal(o.cpuset_mems, "");
        assert_int_equal(set(&o, "restart", "on-failure:3"), 0);
        assert_string_equal(o.restart, "on-failure:3");
        assert_true(update_options_any(&o));
}

static void test_update_bad_values(void **state) {
        UpdateOptions o = {};

        assert_int_equal(set(&o, "memory", "lots"), -EINVAL);
        assert_int_equal(set(&o, "memory-swap", "x"), -EINVAL);
        assert_int_equal(set(&o, "cpus", "-1"), -EINVAL);
        assert_int_equal(set(&o, "cpu-shares", "1"), -EINVAL);
        assert_int_equal(set(&o, "cpu-weight", "0"), -EINVAL);
        assert_int_equal(set(&o, "cpu-weight", "10001"), -EINVAL);
        assert_int_equal(set(&o, "pids-limit", "-2"), -EINVAL);
        assert_int_equal(set(&o, "blkio-weight", "5"), -EINVAL);
        assert_int_equal(set(&o, "blkio-weight", "1001"), -EINVAL);
        assert_int_equal(set(&o, "cpuset-cpus", "3-1"), -EINVAL);
        assert_int_equal(set(&o, "cpuset-mems", "a"), -EINVAL);
        assert_int_equal(set(&o, "restart", "sometimes"), -EINVAL);
        assert_int_equal(set(&o, "kernel-memory", "1g"), -ENOENT);
        assert_false(update_options_any(&o));
}

static void test_port_filter(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

        assert_int_equal(port_filter_normalize("80", &a), 0);
        assert_string_equal(a, "80/tcp");
        assert_int_equal(port_filter_normalize("53/udp", &b), 0);
        assert_string_equal(b, "53/udp");
        assert_int_equal(port_filter_normalize("0080/sctp", &c), 0);
        assert_string_equal(c, "80/sctp");
        assert_int_equal(port_filter_normalize("0", &(char *){ NULL }), -EINVAL);
        assert_int_equal(port_filter_normalize("65536", &(char *){ NULL }), -EINVAL);
        assert_int_equal(port_filter_normalize("+80", &(char *){ NULL }), -EINVAL);
        assert_int_equal(port_filter_normalize("80/icmp", &(char *){ NULL }), -EINVAL);
        assert_int_equal(port_filter_normalize("http", &(char *){ NULL }), -EINVAL);
        assert_int_equal(port_filter_normalize("", &(char *){ NULL }), -EINVAL);
}

static void test_port_lines(void **state) {
        _cleanup_json_ struct json_object *ports =
                json_tokener_parse("{\"80/tcp\": [{\"HostIp\": \"\", \"HostPort\": \"8080\"},"
                                   "              {\"HostIp\": \"::1\", \"HostPort\": \"8081\"}],"
                                   " \"53/udp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"5353\"}]}");
        _cleanup_strv_free_ char **all = NULL, **one = NULL, **none = NULL;

        assert_non_null(ports);
        assert_int_equal(port_format_lines(ports, NULL, &all), 0);
        assert_int_equal(strv_length(all), 3);
        assert_string_equal(all[0], "80/tcp -> 0.0.0.0:8080");
        assert_string_equal(all[1], "80/tcp -> [::1]:8081");
        assert_string_equal(all[2], "53/udp -> 127.0.0.1:5353");
        assert_int_equal(port_format_lines(ports, "53/udp", &one), 0);
        assert_int_equal(strv_length(one), 1);
        assert_string_equal(one[0], "127.0.0.1:5353");
        assert_int_equal(port_format_lines(ports, "53/tcp", &(char **){ NULL }), -ENOENT);
        assert_int_equal(port_format_lines(NULL, NULL, &none), 0); /* nothing published: no line */
        assert_int_equal(strv_length(none), 0);
}

static void test_top_filter(void **state) {
        const char *ps = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                         "root           1       0  0 12:00 ?        00:00:01 /sbin/init\n"
                         "root         100       1  0 12:01 ?        00:00:00 sh -c sleep 1000\n"
                         "root         101     100  0 12:01 ?        00:00:00 sleep 1000\n"
                         "root        1000       1  0 12:01 ?        00:00:00 100 101\n";
        const uint32_t pids[] = { 100, 101 };
        _cleanup_free_ char *out = NULL, *aux = NULL;

        assert_int_equal(top_filter_ps_output(ps, pids, 2, &out), 0);
        assert_string_equal(out, "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                                 "root         100       1  0 12:01 ?        00:00:00 sh -c sleep 1000\n"
                                 "root         101     100  0 12:01 ?        00:00:00 sleep 1000\n");
        /* ps aux: PID is the second column too, but other fields before it are possible (-o args,pid) */
        assert_int_equal(top_filter_ps_output("COMMAND PID\nsleep 101\nsleep 7\n", pids, 2, &aux), 0);
        assert_string_equal(aux, "COMMAND PID\nsleep 101\n");
        assert_int_equal(top_filter_ps_output("COMMAND\nsleep\n", pids, 2, &(char *){ NULL }), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_update_values), cmocka_unit_test(test_update_bad_values),
                cmocka_unit_test(test_port_filter),   cmocka_unit_test(test_port_lines),
                cmocka_unit_test(test_top_filter),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
