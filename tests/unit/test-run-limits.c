/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-run-limits.c — docker's resource flags (shared/run-limits.c): --ulimit, the device rates,
 * --memory-swap; and their unit properties (shared/unit.c, unit-file.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/run-limits.h"
#include "shared/unit.h"
#include "shared/util.h"

static void test_ulimit(void **state) {
        _cleanup_free_ char *s = NULL, *s2 = NULL;
        Ulimit u;

        assert_int_equal(ulimit_parse("nofile=1024:2048", &u), 0);
        assert_string_equal(u.name, "nofile");
        assert_string_equal(u.property, "LimitNOFILE");
        assert_int_equal(u.soft, 1024);
        assert_int_equal(u.hard, 2048);
        assert_int_equal(ulimit_format(&u, &s), 0);
        assert_string_equal(s, "nofile=1024:2048");

        assert_int_equal(ulimit_parse("nproc=512", &u), 0); /* HARD = SOFT */
        assert_int_equal(u.soft, 512);
        assert_int_equal(u.hard, 512);
        assert_int_equal(ulimit_parse("core=-1", &u), 0);
        assert_true(u.soft == RLIMIT_VALUE_INFINITY && u.hard == RLIMIT_VALUE_INFINITY);
        assert_int_equal(ulimit_format(&u, &s2), 0);
        assert_string_equal(s2, "core=-1:-1");
        assert_int_equal(ulimit_parse("memlock=100:-1", &u), 0);
        assert_string_equal(u.property, "LimitMEMLOCK");

        assert_int_equal(ulimit_parse("nofile=2048:1024", &u), -EINVAL); /* soft above hard */
        assert_int_equal(ulimit_parse("nofile=-1:1024", &u), -EINVAL);
        assert_int_equal(ulimit_parse("bogus=1", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofil=1", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofiles=1", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofile", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofile=", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofile=1k", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofile=1:", &u), -EINVAL);
        assert_int_equal(ulimit_parse("nofile=1:2:3", &u), -EINVAL);
        assert_int_equal(ulimit_parse("=1", &u), -EINVAL);
}

static void test_device_rate(void **state) {
        _cleanup_free_ char *path = NULL, *c = NULL;
        uint64_t rate;

        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/sda:1mb", &path, &rate), 0);
        assert_string_equal(path, "/dev/sda");
        assert_int_equal(rate, 1024 * 1024);
        assert_int_equal(device_rate_canonical(DEVICE_WRITE_BPS, "/dev/vdb:10k", &c), 0);
        assert_string_equal(c, "/dev/vdb:10240");
        free(path);
        path = NULL;
        assert_int_equal(device_rate_parse(DEVICE_READ_IOPS, "/dev/disk/by-id/x:200", &path, &rate), 0);
        assert_int_equal(rate, 200);
        assert_string_equal(device_rate_property(DEVICE_WRITE_IOPS), "IOWriteIOPSMax");
        assert_string_equal(device_rate_option(DEVICE_READ_BPS), "device-read-bps");

        assert_int_equal(device_rate_parse(DEVICE_READ_IOPS, "/dev/sda:1k", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/sda:0", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/sda", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "sda:1mb", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/tmp/x:1mb", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/:1mb", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/a b:1mb", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/sda:fast", &path, &rate), -EINVAL);
        assert_int_equal(device_rate_parse(DEVICE_READ_BPS, "/dev/sda:", &path, &rate), -EINVAL);
}

static void test_memory_swap(void **state) {
        uint64_t v, swap;

        assert_int_equal(memory_swap_parse("1g", &v), 0);
        assert_int_equal(v, UINT64_C(1) << 30);
        assert_int_equal(memory_swap_max(v, 256 << 20, &swap), 0);
        assert_int_equal(swap, (UINT64_C(1) << 30) - (256 << 20));
        assert_int_equal(memory_swap_max(256 << 20, 256 << 20, &swap), 0); /* equal: no swap */
        assert_int_equal(swap, 0);
        assert_int_equal(memory_swap_parse("-1", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(memory_swap_max(v, 256 << 20, &swap), 0);
        assert_true(swap == UINT64_MAX);

        assert_int_equal(memory_swap_max(128 << 20, 256 << 20, &swap), -EINVAL); /* below --memory */
        assert_int_equal(memory_swap_max(1 << 30, 0, &swap), -EINVAL);           /* no --memory */
        assert_int_equal(memory_swap_parse("0", &v), -EINVAL);
        assert_int_equal(memory_swap_parse("-2", &v), -EINVAL);
        assert_int_equal(memory_swap_parse("lots", &v), -EINVAL);
}

static const UnitProperty *find(const UnitPropertyList *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].name, name))
                        return &l->items[i];
        return NULL;
}

static char *line_of(const UnitProperty *p) {
        _cleanup_strv_free_ char **lines = NULL;
        const char *section;
        char *line;

        assert_non_null(p);
        assert_int_equal(unit_property_format(p, &section, &lines), 0);
        assert_string_equal(section, "Service");
        assert_int_equal(strv_length(lines), 1);
        line = lines[0];
        lines[0] = NULL;
        return line;
}

/* Each flag lands on its property, and in a unit file as systemd spells it. */
static void test_unit_properties(void **state) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        _cleanup_(container_spec_done) ContainerSpec s;
        const char *names[] = { "LimitNOFILE",    "LimitCORE",          "MemorySwapMax",
                                "MemoryLow",      "IOWeight",           "CPUQuotaPeriodUSec",
                                "OOMScoreAdjust", "IOReadBandwidthMax", "IOWriteIOPSMax" };
        const char *lines[] = { "LimitNOFILE=1024:2048",
                                "LimitCORE=infinity:infinity",
                                "MemorySwapMax=infinity",
                                "MemoryLow=67108864",
                                "IOWeight=500",
                                "CPUQuotaPeriodSec=50ms",
                                "OOMScoreAdjust=300",
                                "IOReadBandwidthMax=/dev/sda 1048576",
                                "IOWriteIOPSMax=/dev/sdb 100" };
        UnitParams p = { .unit_name = "conman-x.service",
                         .container_id = "0123",
                         .container_name = "x",
                         .runtime_path = "/usr/bin/runc",
                         .runtime_root = "/run/conman/runc",
                         .bundle = "/var/lib/conman/containers/0123",
                         .pid_file = "/run/x.pid",
                         .state_dir = "/var/lib/conman",
                         .stdin_fd = -EBADF,
                         .stdout_fd = 1,
                         .stderr_fd = 2,
                         .spec = &s };

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        assert_int_equal(strv_push(&s.ulimits, "nofile=1024:2048"), 0);
        assert_int_equal(strv_push(&s.ulimits, "core=-1:-1"), 0);
        assert_int_equal(strv_push(&s.device_rates[DEVICE_READ_BPS], "/dev/sda:1048576"), 0);
        assert_int_equal(strv_push(&s.device_rates[DEVICE_WRITE_IOPS], "/dev/sdb:100"), 0);
        s.memory_max = 256 << 20;
        s.memory_swap = UINT64_MAX;
        s.memory_low = 64 << 20;
        s.io_weight = 500;
        s.cpu_period_usec = 50000;
        s.security.has_oom_score_adj = true;
        s.security.oom_score_adj = 300;
        assert_int_equal(unit_properties_build(&p, &l), 0);
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *line = line_of(find(&l, names[i]));
                assert_string_equal(line, lines[i]);
        }
        assert_int_equal(find(&l, "LimitNOFILE")->soft, 1024);

        /* a lowered OOM score stays out of the unit (config.json has it, oci-security.c) */
        unit_property_list_done(&l);
        s.security.oom_score_adj = -500;
        assert_int_equal(unit_properties_build(&p, &l), 0);
        assert_null(find(&l, "OOMScoreAdjust"));
}

/* The bus message: LimitNOFILE is followed by LimitNOFILESoft, a device rate is a(st). */
static void test_bus_message(void **state) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(container_spec_done) ContainerSpec s;
        UnitParams p = { .unit_name = "conman-x.service",
                         .container_id = "0123",
                         .container_name = "x",
                         .runtime_path = "/usr/bin/runc",
                         .runtime_root = "/run/conman/runc",
                         .bundle = "/b",
                         .pid_file = "/run/x.pid",
                         .state_dir = "/var/lib/conman",
                         .stdin_fd = -EBADF,
                         .stdout_fd = 1,
                         .stderr_fd = 2,
                         .spec = &s };
        bool soft = false, rate = false;
        const char *name;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        assert_int_equal(strv_push(&s.ulimits, "nofile=10:20"), 0);
        assert_int_equal(strv_push(&s.device_rates[DEVICE_READ_IOPS], "/dev/sda:7"), 0);
        int pair[2];

        /* a bus that is open (authenticating on a socket pair) makes messages that may carry fds */
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        assert_int_equal(sd_bus_new(&bus), 0);
        assert_int_equal(sd_bus_set_fd(bus, pair[0], pair[0]), 0);
        assert_true(sd_bus_start(bus) >= 0);
        assert_int_equal(sd_bus_message_new_method_call(bus, &m, "a.b", "/a", "a.b", "C"), 0);
        assert_int_equal(unit_append_properties(m, &p), 0);
        assert_int_equal(sd_bus_message_seal(m, 1, 0), 0);
        assert_int_equal(sd_bus_message_enter_container(m, 'a', "(sv)"), 1);
        while (sd_bus_message_enter_container(m, 'r', "sv") > 0) {
                assert_int_equal(sd_bus_message_read(m, "s", &name), 1);
                if (streq(name, "LimitNOFILESoft")) {
                        uint64_t v;
                        assert_int_equal(sd_bus_message_read(m, "v", "t", &v), 1);
                        assert_int_equal(v, 10);
                        soft = true;
                } else if (streq(name, "IOReadIOPSMax")) {
                        const char *path;
                        uint64_t v;
                        assert_int_equal(sd_bus_message_enter_container(m, 'v', "a(st)"), 1);
                        assert_int_equal(sd_bus_message_read(m, "a(st)", 1, &path, &v), 1);
                        assert_string_equal(path, "/dev/sda");
                        assert_int_equal(v, 7);
                        assert_int_equal(sd_bus_message_exit_container(m), 1);
                        rate = true;
                } else
                        assert_true(sd_bus_message_skip(m, "v") >= 0);
                assert_int_equal(sd_bus_message_exit_container(m), 1);
        }
        assert_true(soft && rate);
        close(pair[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ulimit),      cmocka_unit_test(test_device_rate),
                cmocka_unit_test(test_memory_swap), cmocka_unit_test(test_unit_properties),
                cmocka_unit_test(test_bus_message),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
