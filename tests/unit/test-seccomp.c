/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-seccomp.c — the default confinement: what the composed seccomp profile denies for a capability set,
 * the capability rules (ALL, names), the escape-hatch parsers, and the config.json they make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/bus-errors.h"
#include "shared/capabilities.h"
#include "shared/fileio.h"
#include "shared/oci-config.h"
#include "shared/oci-security.h"
#include "shared/seccomp.h"
#include "shared/security-spec.h"
#include "shared/util.h"

#define CAP(x) (UINT64_C(1) << capability_from_name(x))

/* The action the profile gives name: "SCMP_ACT_ALLOW", "ERRNO:38" ..., or NULL (the default action). A rule
 * with args only narrows the call, so it reports "ARGS". */
static const char *action_of(struct json_object *o, const char *name) {
        static char buf[64];
        struct json_object *rules = json_object_object_get(o, "syscalls");

        for (size_t i = 0; i < json_object_array_length(rules); i++) {
                struct json_object *r = json_object_array_get_idx(rules, i),
                                   *names = json_object_object_get(r, "names");
                for (size_t j = 0; j < json_object_array_length(names); j++) {
                        if (!streq(json_object_get_string(json_object_array_get_idx(names, j)), name))
                                continue;
                        if (json_object_object_get(r, "args"))
                                return "ARGS";
                        if (json_object_object_get(r, "errnoRet")) {
                                snprintf(buf, sizeof(buf), "ERRNO:%d",
                                         json_object_get_int(json_object_object_get(r, "errnoRet")));
                                return buf;
                        }
                        return json_object_get_string(json_object_object_get(r, "action"));
                }
        }
        return NULL;
}

static struct json_object *compose(const char *machine, uint64_t caps) {
        _cleanup_json_ struct json_object *p = NULL;
        struct json_object *o = NULL;
        assert_int_equal(seccomp_default_profile(machine, &p), 0);
        assert_int_equal(seccomp_compose(p, machine, caps, "6.1", &o), 0);
        return o;
}

static void test_default_denies(void **state) {
        static const char *const denied[] = {
                "mount",           "umount2",     "unshare",        "setns",          "keyctl",
                "add_key",         "request_key", "io_uring_setup", "io_uring_enter", "userfaultfd",
                "perf_event_open", "bpf",         "init_module",    "kexec_load",     "open_by_handle_at",
                "reboot",          "swapon",      "pivot_root",     "fsopen",         "chroot",
        };
        _cleanup_json_ struct json_object *o =
                compose("x86_64", capability_default_set() & ~CAP("CAP_SYS_CHROOT"));

        assert_string_equal(json_object_get_string(json_object_object_get(o, "defaultAction")),
                            "SCMP_ACT_ERRNO");
        assert_int_equal(json_object_get_int(json_object_object_get(o, "defaultErrnoRet")), EPERM);
        assert_string_equal(json_object_to_json_string(json_object_object_get(o, "architectures")),
                            "[ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\" ]");
        for (size_t i = 0; i < ELEMENTSOF(denied); i++) {
                if (action_of(o, denied[i]))
                        fail_msg("%s: %s, expected the default action", denied[i], action_of(o, denied[i]));
        }
        /* glibc falls back to clone() only on ENOSYS; clone() itself cannot make namespaces */
        assert_string_equal(action_of(o, "clone3"), "ERRNO:38");
        assert_string_equal(action_of(o, "clone"), "ARGS");
        assert_string_equal(action_of(o, "socket"), "ARGS");
        assert_string_equal(action_of(o, "read"), "SCMP_ACT_ALLOW");
        assert_string_equal(action_of(o, "arch_prctl"), "SCMP_ACT_ALLOW");
}

static void test_caps_unlock(void **state) {
        _cleanup_json_ struct json_object *admin =
                compose("x86_64", capability_default_set() | CAP("SYS_ADMIN"));
        _cleanup_json_ struct json_object *perf =
                compose("x86_64", capability_default_set() | CAP("perfmon"));
        _cleanup_json_ struct json_object *chroot = compose("x86_64", capability_default_set());

        /* as docker: CAP_SYS_ADMIN opens mount, unshare, setns and namespace flags of clone */
        assert_string_equal(action_of(admin, "mount"), "SCMP_ACT_ALLOW");
        assert_string_equal(action_of(admin, "unshare"), "SCMP_ACT_ALLOW");
        assert_string_equal(action_of(admin, "setns"), "SCMP_ACT_ALLOW");
        assert_string_equal(action_of(admin, "clone"), "SCMP_ACT_ALLOW");
        assert_string_equal(action_of(admin, "clone3"), "SCMP_ACT_ALLOW");
        /* and still no keyrings, io_uring, userfaultfd */
        assert_null(action_of(admin, "keyctl"));
        assert_null(action_of(admin, "io_uring_setup"));
        assert_null(action_of(admin, "userfaultfd"));
        assert_string_equal(action_of(perf, "perf_event_open"), "SCMP_ACT_ALLOW");
        assert_null(action_of(perf, "mount"));
        assert_string_equal(action_of(chroot, "chroot"), "SCMP_ACT_ALLOW");
}

static void test_aarch64(void **state) {
        _cleanup_json_ struct json_object *o = compose("aarch64", capability_default_set());
        _cleanup_json_ struct json_object *p = NULL;

        assert_string_equal(json_object_to_json_string(json_object_object_get(o, "architectures")),
                            "[ \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\" ]");
        assert_null(action_of(o, "arch_prctl")); /* x86 only */
        assert_null(action_of(o, "open"));       /* aarch64 has only openat */
        assert_string_equal(action_of(o, "openat"), "SCMP_ACT_ALLOW");
        assert_null(action_of(o, "mount"));
        assert_int_equal(seccomp_default_profile("riscv64", &p), -EOPNOTSUPP);
}

static void test_user_profile(void **state) {
        char path[] = "/tmp/test-seccomp.XXXXXX";
        const char *bad[] = {
                "[]",
                "{\"syscalls\": []}",
                "{\"defaultAction\": \"SCMP_ACT_NOPE\"}",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"x\"], \"action\": 1}]}",
                "not json",
        };
        const char *good =
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": "
                "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}], \"syscalls\": ["
                "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},"
                "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
                "{\"names\": [\"kexec_load\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"99.0\"}}]}";
        _cleanup_json_ struct json_object *p = NULL, *o = NULL, *admin = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        close(fd);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(write_file_atomic(path, bad[i], strlen(bad[i]), 0644), 0);
                assert_true(seccomp_profile_load(path, &p, &e) < 0);
                assert_string_equal(e.name, CONMAN_ERROR_INVALID_ARGUMENT);
                assert_non_null(strstr(e.message, path));
                sd_bus_error_free(&e);
        }
        assert_int_equal(write_file_atomic(path, good, strlen(good), 0644), 0);
        assert_int_equal(seccomp_profile_load(path, &p, &e), 0);
        assert_int_equal(seccomp_compose(p, "x86_64", capability_default_set(), "6.1", &o), 0);
        assert_string_equal(json_object_to_json_string(json_object_object_get(o, "architectures")),
                            "[ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\" ]");
        assert_string_equal(action_of(o, "mkdir"), "ERRNO:13");
        assert_string_equal(action_of(o, "mount"), "SCMP_ACT_ERRNO");
        assert_null(action_of(o, "kexec_load")); /* minKernel 99.0 */
        assert_int_equal(seccomp_compose(p, "x86_64", CAP("CAP_SYS_ADMIN"), "6.1", &admin), 0);
        assert_null(action_of(admin, "mount"));
        unlink(path);
}

static void test_capabilities(void **state) {
        char **add = NULL, **drop = NULL;
        uint64_t all = capability_all(40);

        assert_int_equal(capability_from_name("net_raw"), 13);
        assert_int_equal(capability_from_name("CAP_NET_RAW"), 13);
        assert_int_equal(capability_from_name("cap_sys_admin"), 21);
        assert_int_equal(capability_from_name("NOPE"), -EINVAL);
        assert_int_equal(capability_from_name(""), -EINVAL);
        /* podman's 11 */
        assert_int_equal(__builtin_popcountll(capability_default_set()), 11);
        assert_false(capability_default_set() & CAP("NET_RAW"));
        assert_false(capability_default_set() & CAP("MKNOD"));
        assert_false(capability_default_set() & CAP("AUDIT_WRITE"));
        assert_int_equal(capability_set_compute(true, NULL, NULL, all), all);

        assert_int_equal(security_spec_add_capability(&add, "net_raw"), 0);
        assert_int_equal(security_spec_add_capability(&add, "NET_RAW"), 0); /* once */
        assert_int_equal(security_spec_add_capability(&add, "bogus"), -EINVAL);
        assert_int_equal(strv_length(add), 1);
        assert_string_equal(add[0], "CAP_NET_RAW");
        assert_int_equal(security_spec_add_capability(&drop, "chown"), 0);
        assert_int_equal(capability_set_compute(false, add, drop, all),
                         (capability_default_set() | CAP("NET_RAW")) & ~CAP("CHOWN"));
        assert_int_equal(security_spec_add_capability(&drop, "all"), 0);
        assert_int_equal(capability_set_compute(false, add, drop, all), CAP("NET_RAW"));
        assert_int_equal(capability_set_compute(false, NULL, drop, all), 0);
        assert_int_equal(security_spec_add_capability(&add, "ALL"), 0);
        assert_int_equal(capability_set_compute(false, add, NULL, all), all);
        strv_freep(&add);
        strv_freep(&drop);
}

static void test_security_opts(void **state) {
        SecuritySpec s = {};
        DeviceSpec d = {};

        assert_int_equal(security_spec_add_security_opt(&s, "seccomp=unconfined"), 0);
        assert_string_equal(s.seccomp_profile, "unconfined");
        assert_int_equal(security_spec_add_security_opt(&s, "seccomp:/etc/p.json"), 0);
        assert_string_equal(s.seccomp_profile, "/etc/p.json");
        assert_int_equal(security_spec_add_security_opt(&s, "seccomp=relative.json"), -EINVAL);
        assert_int_equal(security_spec_add_security_opt(&s, "no-new-privileges"), 0);
        assert_true(s.no_new_privileges);
        assert_int_equal(security_spec_add_security_opt(&s, "no-new-privileges=false"), 0);
        assert_false(s.no_new_privileges);
        assert_int_equal(security_spec_add_security_opt(&s, "no-new-privileges=maybe"), -EINVAL);
        assert_int_equal(security_spec_add_security_opt(&s, "label=disable"), -EINVAL);
        assert_int_equal(security_spec_add_security_opt(&s, "apparmor=docker-default"), 0);

        assert_int_equal(security_spec_add_device(&s, "/dev/fuse"), 0);
        assert_int_equal(security_spec_add_device(&s, "/dev/sda:/dev/xvda:r"), 0);
        assert_int_equal(security_spec_add_device(&s, "/dev/kvm:rw"), 0);
        assert_int_equal(security_spec_add_device(&s, "dev/kvm"), -EINVAL);
        assert_int_equal(security_spec_add_device(&s, "/dev/kvm:/dev/kvm:rwx"), -EINVAL);
        assert_string_equal(s.devices[0], "/dev/fuse:/dev/fuse:rwm");
        assert_string_equal(s.devices[1], "/dev/sda:/dev/xvda:r");
        assert_string_equal(s.devices[2], "/dev/kvm:/dev/kvm:rw");
        assert_int_equal(device_spec_parse(s.devices[1], &d), 0);
        assert_string_equal(d.container, "/dev/xvda");
        device_spec_done(&d);

        assert_true(sysctl_is_namespaced("kernel.shmmax", true));
        assert_true(sysctl_is_namespaced("fs.mqueue.msg_max", true));
        assert_true(sysctl_is_namespaced("net.ipv4.ip_forward", false));
        assert_false(sysctl_is_namespaced("net.ipv4.ip_forward", true));
        assert_false(sysctl_is_namespaced("kernel.panic", false));
        assert_false(sysctl_is_namespaced("vm.overcommit_memory", false));
        assert_int_equal(security_spec_add_sysctl(&s, "noequals"), -EINVAL);
        assert_int_equal(security_spec_add_group(&s, "a:b"), -EINVAL);
        security_spec_done(&s);
}

static struct json_object *get(struct json_object *o, const char *path) {
        _cleanup_free_ char *p = strdup(path);
        char *save = NULL;
        for (char *t = strtok_r(p, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
                if (!json_object_object_get_ex(o, t, &o))
                        return NULL;
        return o;
}

static struct json_object *build(ContainerSpec *s) {
        static char *roots[] = { (char *) "/nonexistent", NULL };
        OciHost host = {
                .machine = "x86_64", .cap_all = capability_all(40), .cgroup2 = true, .dev_dir = "/dev"
        };
        OciPaths paths = { .root = "/tmp", .user_roots = roots, .host = &host };
        sd_bus_error e = SD_BUS_ERROR_NULL;
        struct json_object *c = NULL;

        assert_int_equal(oci_config_build(s, "0123456789abcdef", &paths, &c, &e), 0);
        return c;
}

static void test_oci_defaults(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_json_ struct json_object *c = NULL;
        struct json_object *rules, *ns;
        bool cgroupns = false;

        container_spec_init(&s);
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        c = build(&s);
        rules = get(c, "linux.resources.devices");
        /* deny everything first, then the standard nodes */
        assert_string_equal(json_object_to_json_string(json_object_array_get_idx(rules, 0)),
                            "{ \"allow\": false, \"access\": \"rwm\" }");
        assert_true(json_object_array_length(rules) > 8);
        assert_non_null(get(c, "linux.seccomp"));
        assert_int_equal(json_object_array_length(get(c, "process.capabilities.bounding")), 11);
        assert_string_equal(json_object_get_string(json_object_object_get(get(c, "linux.sysctl"),
                                                                          "net.ipv4.ping_group_range")),
                            "0 2147483647");
        assert_non_null(strstr(
                json_object_to_json_string_ext(get(c, "linux.maskedPaths"), JSON_C_TO_STRING_NOSLASHESCAPE),
                "/sys/fs/selinux"));
        assert_non_null(strstr(
                json_object_to_json_string_ext(get(c, "linux.maskedPaths"), JSON_C_TO_STRING_NOSLASHESCAPE),
                "/sys/dev/block"));
        assert_non_null(strstr(
                json_object_to_json_string_ext(get(c, "linux.readonlyPaths"), JSON_C_TO_STRING_NOSLASHESCAPE),
                "/proc/sysrq-trigger"));
        assert_false(json_object_get_boolean(get(c, "process.noNewPrivileges")));
        ns = get(c, "linux.namespaces");
        for (size_t i = 0; i < json_object_array_length(ns); i++)
                cgroupns = cgroupns ||
                           streq(json_object_get_string(get(json_object_array_get_idx(ns, i), "type")),
                                 "cgroup");
        assert_true(cgroupns);
        json_object_put(TAKE_PTR(c));

        /* --network host: no ping_group_range (it would change the host) */
        s.network = NETWORK_HOST;
        c = build(&s);
        assert_null(get(c, "linux.sysctl"));
}

static void test_oci_escape_hatches(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_json_ struct json_object *c = NULL;
        struct json_object *rules;

        container_spec_init(&s);
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        assert_int_equal(security_spec_add_device(&s.security, "/dev/null:/dev/mynull:rw"), 0);
        assert_int_equal(security_spec_add_security_opt(&s.security, "seccomp=unconfined"), 0);
        assert_int_equal(security_spec_add_security_opt(&s.security, "no-new-privileges"), 0);
        assert_int_equal(security_spec_add_group(&s.security, "123"), 0);
        c = build(&s);
        assert_null(get(c, "linux.seccomp"));
        assert_true(json_object_get_boolean(get(c, "process.noNewPrivileges")));
        assert_string_equal(json_object_to_json_string(get(c, "process.user.additionalGids")), "[ 123 ]");
        assert_string_equal(
                json_object_get_string(get(json_object_array_get_idx(get(c, "linux.devices"), 0), "path")),
                "/dev/mynull");
        rules = get(c, "linux.resources.devices");
        assert_string_equal(
                json_object_to_json_string(
                        json_object_array_get_idx(rules, json_object_array_length(rules) - 1)),
                "{ \"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\" }");
        json_object_put(TAKE_PTR(c));

        s.security.privileged = true;
        c = build(&s);
        assert_null(get(c, "linux.seccomp"));
        assert_null(get(c, "linux.maskedPaths"));
        assert_string_equal(
                json_object_to_json_string(json_object_array_get_idx(get(c, "linux.resources.devices"), 0)),
                "{ \"allow\": true, \"access\": \"rwm\" }");
        assert_int_equal(json_object_array_length(get(c, "process.capabilities.effective")), 41);
}

static void test_spec_json_roundtrip(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s, t;
        _cleanup_json_ struct json_object *j = NULL;

        container_spec_init(&s);
        s.security.privileged = true;
        assert_int_equal(security_spec_add_capability(&s.security.cap_add, "NET_ADMIN"), 0);
        assert_int_equal(security_spec_add_sysctl(&s.security, "kernel.shmmax=1"), 0);
        assert_int_equal(security_spec_add_security_opt(&s.security, "seccomp=/x.json"), 0);
        j = container_spec_to_json(&s);
        assert_int_equal(container_spec_from_json(j, &t), 0);
        assert_true(t.security.privileged);
        assert_string_equal(t.security.cap_add[0], "CAP_NET_ADMIN");
        assert_string_equal(t.security.sysctls[0], "kernel.shmmax=1");
        assert_string_equal(t.security.seccomp_profile, "/x.json");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_denies),
                cmocka_unit_test(test_caps_unlock),
                cmocka_unit_test(test_aarch64),
                cmocka_unit_test(test_user_profile),
                cmocka_unit_test(test_capabilities),
                cmocka_unit_test(test_security_opts),
                cmocka_unit_test(test_oci_defaults),
                cmocka_unit_test(test_oci_escape_hatches),
                cmocka_unit_test(test_spec_json_roundtrip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
