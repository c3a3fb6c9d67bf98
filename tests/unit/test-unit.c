/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-unit.c — container options become the right unit properties (unit_properties_build()). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/names.h"
#include "shared/pod-spec.h"
#include "shared/unit.h"
#include "shared/util.h"

static const UnitProperty *find(const UnitPropertyList *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].name, name))
                        return &l->items[i];
        return NULL;
}

static UnitParams params(const ContainerSpec *s, const UnitHooks *hooks) {
        return (UnitParams){
                .unit_name = "conman-web.service",
                .container_id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                .container_name = "web",
                .runtime_path = "/usr/sbin/runc",
                .runtime_root = "/run/conman/runc",
                .bundle = "/var/lib/conman/containers/0123",
                .pid_file = "/run/conman/0123.pid",
                .state_dir = "/var/lib/conman",
                .stdin_fd = -EBADF,
                .stdout_fd = -EBADF,
                .stderr_fd = -EBADF,
                .spec = s,
                .hooks = hooks,
        };
}

static void test_shape(void **state) {
        UnitPropertyList l = {};
        ContainerSpec s;
        const UnitProperty *p;

        container_spec_init(&s);
        s.rootfs = (char *) "/srv/root";
        UnitParams up = params(&s, NULL);
        assert_int_equal(unit_properties_build(&up, &l), 0);
        assert_string_equal(find(&l, "Slice")->str, "conman.slice");
        assert_string_equal(find(&l, "Type")->str, "forking");
        assert_string_equal(find(&l, "PIDFile")->str, "/run/conman/0123.pid");
        assert_string_equal(find(&l, "KillMode")->str, "mixed");
        assert_int_equal(find(&l, "KillSignal")->u, SIGTERM);
        assert_int_equal(find(&l, "TimeoutStopUSec")->u, 10 * USEC_PER_SEC);
        assert_true(find(&l, "Delegate")->u);
        assert_non_null(strstr(find(&l, "Description")->str, "web"));
        assert_null(find(&l, "MemoryMax"));
        assert_null(find(&l, "Restart"));
        p = find(&l, "ExecStart");
        assert_int_equal(p->n_exec, 1);
        assert_string_equal(p->exec[0].argv[0], "/usr/sbin/runc");
        assert_true(strv_contains(p->exec[0].argv, "create")); /* the init waits until systemd knows it */
        assert_true(strv_contains(p->exec[0].argv, "--pid-file"));
        p = find(&l, "ExecStartPost");
        assert_true(strv_contains(p->exec[0].argv, "start"));
        assert_string_equal(find(&l, "UnsetEnvironment")->strv[0], "NOTIFY_SOCKET");
        p = find(&l, "ExecStopPost");
        assert_true(p->n_exec >= 2);
        assert_non_null(strstr(p->exec[0].argv[0], "conman-exit-record"));
        assert_true(strv_contains(p->exec[1].argv, "delete"));
        unit_property_list_done(&l);
}

static void test_resources_and_restart(void **state) {
        UnitPropertyList l = {};
        ContainerSpec s;

        container_spec_init(&s);
        s.rootfs = (char *) "/srv/root";
        s.memory_max = 64 << 20;
        s.cpu_quota_usec = 500000;
        s.cpu_weight = 50;
        s.pids_limit = 100;
        s.stop_signal = SIGINT;
        s.stop_timeout_usec = 3 * USEC_PER_SEC;
        s.restart = RESTART_ON_FAILURE;
        s.restart_max_retries = 2;
        UnitParams up = params(&s, NULL);
        assert_int_equal(unit_properties_build(&up, &l), 0);
        assert_int_equal(find(&l, "MemoryMax")->u, 64 << 20);
        assert_int_equal(find(&l, "CPUQuotaPerSecUSec")->u, 500000);
        assert_int_equal(find(&l, "CPUWeight")->u, 50);
        assert_int_equal(find(&l, "TasksMax")->u, 100);
        assert_int_equal(find(&l, "KillSignal")->u, SIGINT);
        assert_int_equal(find(&l, "TimeoutStopUSec")->u, 3 * USEC_PER_SEC);
        assert_string_equal(find(&l, "Restart")->str, "on-failure");
        assert_int_equal(find(&l, "StartLimitBurst")->u, 3); /* the first start and two restarts */
        assert_true(strv_contains(find(&l, "ExecStartPre")->exec[0].argv, "delete")); /* stale state */
        unit_property_list_done(&l);
}

static void test_hooks_order(void **state) {
        UnitPropertyList l = {};
        UnitHooks h = {};
        ContainerSpec s;
        char *mount[] = { "/usr/libexec/conman/conman-rootfs", "mount", "/x", NULL };
        char *umount[] = { "/usr/libexec/conman/conman-rootfs", "umount", "/x", NULL };
        char *relative[] = { "conman-rootfs", NULL };
        const UnitProperty *p;

        container_spec_init(&s);
        s.image_id = (char *) "abc";
        assert_int_equal(unit_hooks_add(&h, false, false, mount), 0);
        assert_int_equal(unit_hooks_add(&h, true, true, umount), 0);
        assert_int_equal(unit_hooks_add(&h, false, false, relative), -EINVAL);
        UnitParams up = params(&s, &h);
        assert_int_equal(unit_properties_build(&up, &l), 0);
        p = find(&l, "ExecStartPre");
        assert_string_equal(p->exec[0].argv[1], "mount");
        p = find(&l, "ExecStopPost");
        assert_string_equal(p->exec[p->n_exec - 1].argv[1], "umount"); /* after the runtime let go */
        assert_true(p->exec[p->n_exec - 1].ignore_failure);
        unit_property_list_done(&l);
        unit_hooks_done(&h);
}

/* An exec's unit: the runtime in the foreground, or conman-exec-wait in front of a detached one with a TTY:
 * Type=exec either way, no PIDFile=; AddRef= keeps it until conmand read its exit status. */
static void test_exec_unit(void **state) {
        char *argv[] = { "/usr/sbin/runc", "--root", "/run/conman/runc", "exec", "0123", "ls", NULL };
        ExecUnitParams ep = { .description = "conman exec in web: ls",
                              .argv = argv,
                              .stdin_fd = 0,
                              .stdout_fd = 1,
                              .stderr_fd = 2 };
        UnitPropertyList l = {};

        assert_int_equal(unit_exec_properties_build(&ep, &l), 0);
        assert_string_equal(find(&l, "Type")->str, "exec");
        assert_null(find(&l, "PIDFile"));
        assert_string_equal(find(&l, "Slice")->str, "conman.slice");
        assert_true(find(&l, "AddRef")->u);
        assert_int_equal(find(&l, "StandardOutputFileDescriptor")->fd, 1);
        assert_null(find(&l, "ExecStart"));
        const UnitProperty *start = find(&l, "ExecStartEx"); /* systemd expands no $ in it */
        assert_int_equal(start->n_exec, 1);
        assert_true(start->exec[0].no_env_expand);
        assert_false(start->exec[0].ignore_failure);
        assert_int_equal(strv_length(start->exec[0].argv), 6);
        assert_string_equal(start->exec[0].argv[3], "exec");
        /* In a file it is ExecStart= with the ":" prefix. */
        const char *section;
        _cleanup_strv_free_ char **lines = NULL;
        assert_int_equal(unit_property_format(start, &section, &lines), 0);
        assert_string_equal(section, "Service");
        assert_string_equal(lines[0], "ExecStart=:/usr/sbin/runc --root /run/conman/runc exec 0123 ls");
        unit_property_list_done(&l);
}

static void test_names(void **state) {
        _cleanup_free_ char *u = NULL, *path = NULL, *cg = NULL;
        assert_int_equal(unit_name_from_container_name("web.1", &u), 0);
        assert_string_equal(u, "conman-web.1.service");
        assert_int_equal(unit_object_path(u, &path), 0);
        assert_string_equal(path, "/org/freedesktop/systemd1/unit/conman_2dweb_2e1_2eservice");
        assert_int_equal(container_cgroup_path(u, NULL, &cg), 0);
        assert_string_equal(cg, "/conman.slice/conman-web.1.service/container");
}

/* Where a slice's cgroup is (systemd's dashes), a pod member's cgroup under its pod's slice or the slice
 * the pod was given (CgroupParent), and what CgroupParent accepts. */
static void test_slices(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *f = NULL;
        ContainerSpec s;

        assert_int_equal(slice_cgroup_path("kubepods-besteffort-pod1.slice", &a), 0);
        assert_string_equal(a, "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice");
        assert_int_equal(slice_cgroup_path("conman.slice", &b), 0);
        assert_string_equal(b, "/conman.slice");
        assert_int_equal(pod_slice_cgroup_path("my-pod", &c), 0);
        assert_string_equal(c, "/conman.slice/conman-pod.slice/conman-pod-my\\x2dpod.slice");

        container_spec_init(&s);
        s.pod_name = strdup("web");
        assert_int_equal(container_spec_slice(&s, &d), 0);
        assert_string_equal(d, "conman-pod-web.slice");
        s.pod_slice = strdup("kubepods-pod9.slice");
        assert_int_equal(container_spec_slice(&s, &e), 0);
        assert_int_equal(container_cgroup_path("conman-a.service", e, &f), 0);
        assert_string_equal(f, "/kubepods.slice/kubepods-pod9.slice/conman-a.service/container");
        container_spec_done(&s);

        assert_true(slice_name_is_valid("kubepods-burstable-pod0a1b_c.slice"));
        assert_true(slice_name_is_valid("x.slice"));
        assert_false(slice_name_is_valid("-.slice"));
        assert_false(slice_name_is_valid("a--b.slice"));
        assert_false(slice_name_is_valid("a-.slice"));
        assert_false(slice_name_is_valid("a.service"));
        assert_false(slice_name_is_valid("a/b.slice"));
        assert_false(slice_name_is_valid(".slice"));
        free(a);
        a = NULL;
        assert_int_equal(pod_cgroup_parent_parse("kubepods-pod1.slice", &a), 0);
        assert_string_equal(a, "kubepods-pod1.slice");
        free(a);
        a = NULL;
        assert_int_equal(pod_cgroup_parent_parse("/kubepods.slice/kubepods-pod1.slice", &a), 0);
        assert_string_equal(a, "kubepods-pod1.slice");
        assert_int_equal(pod_cgroup_parent_parse("/other.slice/kubepods-pod1.slice", &b), -EINVAL);
        assert_int_equal(pod_cgroup_parent_parse("/sys/fs/cgroup/x", &b), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shape),       cmocka_unit_test(test_resources_and_restart),
                cmocka_unit_test(test_hooks_order), cmocka_unit_test(test_exec_unit),
                cmocka_unit_test(test_names),       cmocka_unit_test(test_slices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
