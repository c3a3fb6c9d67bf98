/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-run-host.c — run's host flags (ctl/run-host.c: --pid/--ipc/--uts/--cgroupns, --cgroup-parent,
 * --domainname, --network-alias, -q, --sig-proxy), the checks conmand makes of them (container-spec.c),
 * container.json without them (an older container) and with them, and --blkio-weight-device's DEV:WEIGHT
 * (run-limits.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/container-spec.h"
#include "shared/names.h"
#include "shared/run-limits.h"
#include "shared/util.h"
#include "run-host.h"

static void test_parse(void **state) {
        RunHost h = {};

        assert_int_equal(run_host_parse(&h, RUN_HOST_PID, "host"), 0);
        assert_int_equal(run_host_parse(&h, RUN_HOST_CGROUPNS, "private"), 0);
        assert_int_equal(run_host_parse(&h, RUN_HOST_IPC, "shareable"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_PID, "container:web"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_CGROUP_PARENT, "web.slice"), 0);
        assert_int_equal(run_host_parse(&h, RUN_HOST_CGROUP_PARENT, "web"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_CGROUP_PARENT, "a/b.slice"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_DOMAINNAME, "example.org"), 0);
        assert_int_equal(run_host_parse(&h, RUN_HOST_DOMAINNAME, "bad name"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_NETWORK_ALIAS, "db"), 0);
        assert_int_equal(run_host_parse(&h, RUN_HOST_NETWORK_ALIAS, "-x"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_SIG_PROXY, "false"), 0);
        assert_true(h.no_sig_proxy);
        assert_int_equal(run_host_parse(&h, RUN_HOST_SIG_PROXY, "maybe"), -EINVAL);
        assert_int_equal(run_host_parse(&h, RUN_HOST_QUIET, NULL), 0);
        assert_true(h.quiet);
        assert_string_equal(h.modes[RUN_HOST_PID], "host");
        assert_null(h.modes[RUN_HOST_IPC]);
        assert_string_equal(h.network_aliases[0], "db");
        run_host_done(&h);
}

static void test_dns_names_and_weights(void **state) {
        _cleanup_free_ char *c = NULL;

        assert_true(dns_name_is_valid("a.example-1.org"));
        assert_false(dns_name_is_valid(""));
        assert_false(dns_name_is_valid(".a"));
        assert_false(dns_name_is_valid("a_b"));
        assert_int_equal(device_rate_canonical(DEVICE_WEIGHT, "/dev/sda:300", &c), 0);
        assert_string_equal(c, "/dev/sda:300");
        assert_string_equal(device_rate_property(DEVICE_WEIGHT), "IODeviceWeight");
        assert_int_equal(device_rate_canonical(DEVICE_WEIGHT, "/dev/sda:5", &c), -EINVAL);
        assert_int_equal(device_rate_canonical(DEVICE_WEIGHT, "/dev/sda:1001", &c), -EINVAL);
        assert_int_equal(device_rate_canonical(DEVICE_WEIGHT, "sda:100", &c), -EINVAL);
}

static bool refused(ContainerSpec *s) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = container_spec_validate(s, &e);

        sd_bus_error_free(&e);
        return r < 0;
}

static void test_spec(void **state) {
        ContainerSpec s, back;
        struct json_object *j;

        container_spec_init(&s);
        s.rootfs = strdup("/tmp");
        assert_int_equal(strv_push(&s.command, "/bin/true"), 0);
        j = container_spec_to_json(&s); /* without the keys, as an older container.json */
        assert_null(json_object_object_get(j, "ipcMode"));
        assert_int_equal(container_spec_from_json(j, &back), 0);
        assert_null(back.ipc_mode);
        assert_null(back.network_aliases);
        container_spec_done(&back);
        json_object_put(j);

        s.ipc_mode = strdup("host");
        s.uts_mode = strdup("host");
        s.cgroupns_mode = strdup("private");
        s.cgroup_parent = strdup("web.slice");
        assert_false(refused(&s));
        s.domainname = strdup("example.org");
        assert_true(refused(&s)); /* --uts host and a domain name */
        free(s.uts_mode);
        s.uts_mode = NULL;
        assert_false(refused(&s));
        j = container_spec_to_json(&s);
        assert_int_equal(container_spec_from_json(j, &back), 0);
        assert_string_equal(back.ipc_mode, "host");
        assert_string_equal(back.cgroupns_mode, "private");
        assert_string_equal(back.cgroup_parent, "web.slice");
        assert_string_equal(back.domainname, "example.org");
        container_spec_done(&back);
        json_object_put(j);
        free(s.cgroupns_mode);
        s.cgroupns_mode = strdup("shareable");
        assert_true(refused(&s));
        container_spec_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_dns_names_and_weights),
                cmocka_unit_test(test_spec),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
