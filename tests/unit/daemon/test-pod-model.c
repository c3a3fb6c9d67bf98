/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pod-model.c — the pod model (daemon/pod*.c) against the fake PID 1: create (slice + pin unit, the
 * reply after the pin's job), start/stop of the members, the state computed from the pin and the members, rm
 * with and without force, a member's start bringing the slice and the pin up first, a failing pin, and
 * conmand killed with -9 between the steps (pod.json's `removing` makes the next conmand finish a removal).
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/pod.h"
#include "fake-systemd.h"
#include "model-harness.h"

#define PIN   "conman-pod@web.service"
#define SLICE "conman-pod-web.slice"

static Pod *pod(const char *name) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Pod *p = NULL;

        return pod_find(t.m, name, &p, &error) < 0 ? NULL : p;
}

static const char *pod_state(const char *name) {
        assert_non_null(pod(name));
        return pod_state_to_string(pod(name)->state);
}

/* systemd runs the pin unit's start job: ExecStart= pinned the namespaces, the oneshot stays active. */
static void pin_runs(void) {
        fake_systemd_set_unit_state(PIN, "activating", "start");
        fake_systemd_set_unit_state(PIN, "active", "exited");
        assert_true(fake_systemd_finish_job(PIN, "done") >= 0);
        run_loop();
}

/* systemd runs a stop job of one of the pod's units to its end. */
static void stop_runs(const char *unit) {
        fake_systemd_set_unit_state(unit, "inactive", "dead");
        assert_true(fake_systemd_finish_job(unit, "done") >= 0);
        run_loop();
}

static char *pod_dir(const char *id) {
        char *p;
        assert_true(asprintf(&p, "%s/pods/%s", t.state_dir, id) > 0);
        return p;
}

/* The pod "web" (network none, 64 MiB), its pin done; returns its id. */
static char *create_pod(void) {
        Reply r = {};
        char *id;

        call_args(&r, "PodCreate", "st", "web", UINT64_C(64) << 20);
        assert_false(r.done); /* answered when the pin's job is done */
        assert_string_equal(pod_state("web"), "stopped");
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit " SLICE), 1);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit " PIN), 1);
        pin_runs();
        assert_true(r.done);
        assert_null(r.error);
        assert_non_null(r.id);
        assert_int_equal(strlen(r.id), 64);
        id = TAKE_PTR(r.id);
        reply_done(&r);
        return id;
}

static void create_member(const char *name) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec spec;
        Container *c;
        char *entry;

        container_spec_init(&spec);
        spec.rootfs = strdup(t.rootfs);
        assert_int_equal(strv_push(&spec.command, "/bin/sh"), 0);
        spec.network = NETWORK_NONE;
        spec.pod_id = strdup(pod("web")->spec.id);
        spec.pod_name = strdup("web");
        if (container_create(t.m, name, &spec, &c, &error) < 0)
                fail_msg("container_create(%s): %s", name, error.message);
        assert_true(asprintf(&entry, "%s %s", name, c->id) > 0);
        assert_int_equal(strv_push_take(&t.ids, entry), 0);
        run_loop();
}

static void test_pod_create(void **state) {
        _cleanup_free_ char *id = create_pod(), *dir = pod_dir(id);
        FakeUnit *slice = fake_systemd_unit(SLICE);

        assert_string_equal(pod_state("web"), "created");
        assert_int_equal(count_signals("PodNew web"), 1);
        assert_true(exists_in(dir, "pod.json"));
        assert_non_null(slice);
        assert_string_equal(fake_unit_property(slice, "MemoryMax"), "67108864");
        assert_string_equal(pod(id)->spec.name, "web"); /* found by id too */
        assert_int_equal(pod_n_members(pod("web")), 0);
}

/* stopped → created → degraded → running → exited, and back to stopped when the pin goes. */
static void test_pod_state(void **state) {
        _cleanup_free_ char *id = create_pod();
        Reply start = {}, stop = {};

        create_member("a");
        create_member("b");
        assert_int_equal(pod_n_members(pod("web")), 2);
        assert_string_equal(pod_state("web"), "created");

        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1));
        assert_true(start.done);
        assert_string_equal(pod_state("web"), "degraded");

        call(&start, "Start", "b");
        systemd_runs("b", FAKE_PID(2));
        assert_string_equal(pod_state("web"), "running");

        call(&stop, "PodStop", "web");
        assert_false(stop.done);
        systemd_exits("a", 0);
        assert_true(fake_systemd_finish_job("conman-a.service", "done") >= 0);
        run_loop();
        assert_false(stop.done); /* b still runs */
        assert_string_equal(pod_state("web"), "degraded");
        systemd_exits("b", 0);
        assert_true(fake_systemd_finish_job("conman-b.service", "done") >= 0);
        run_loop();
        assert_true(stop.done);
        assert_null(stop.error);
        assert_string_equal(pod_state("web"), "exited");
        assert_int_equal(fake_systemd_count_calls("StopUnit " PIN), 0); /* the namespaces stay */

        fake_systemd_set_unit_state(PIN, "inactive", "dead"); /* systemctl stop conman-pod@web */
        run_loop();
        assert_string_equal(pod_state("web"), "stopped");
        reply_done(&start);
        reply_done(&stop);
}

/* StartPod starts every member that is not active and answers when each start is done. */
static void test_pod_start(void **state) {
        _cleanup_free_ char *id = create_pod();
        Reply start = {};

        create_member("a");
        create_member("b");
        call(&start, "PodStart", "web");
        assert_false(start.done);
        assert_start_queued("a");
        assert_start_queued("b");
        systemd_runs("a", FAKE_PID(3));
        assert_false(start.done);
        systemd_runs("b", FAKE_PID(4));
        assert_true(start.done);
        assert_null(start.error);
        assert_string_equal(pod_state("web"), "running");

        /* a member's start that fails is named */
        systemd_exits("b", 0);
        fake_systemd_remove_unit("conman-b.service");
        call(&start, "PodStart", "web");
        fake_systemd_set_unit_state("conman-b.service", "failed", "failed");
        assert_true(fake_systemd_finish_job("conman-b.service", "failed") >= 0);
        run_loop();
        assert_true(start.done);
        assert_string_equal(start.error, "io.conman1.Error.RuntimeFailed");
        reply_done(&start);
}

/* RestartPod stops the active members, then starts every member; KillPod signals the running ones. */
static void test_pod_restart_kill(void **state) {
        _cleanup_free_ char *id = create_pod();
        Reply r = {}, start = {};

        create_member("a");
        create_member("b");
        call(&r, "PodKill", "web");
        assert_string_equal(r.error, "io.conman1.Error.NotRunning");
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(8));
        fake_systemd_clear_calls();
        call(&r, "PodKill", "web");
        assert_null(r.error);
        assert_int_equal(fake_systemd_count_calls("KillUnit conman-a.service main 15"), 1);
        assert_int_equal(fake_systemd_count_calls("KillUnit conman-b.service main 15"), 0);

        call(&r, "PodRestart", "web");
        assert_false(r.done);
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-a.service"), 1);
        assert_null(fake_systemd_job("conman-b.service")); /* b starts after the stop half */
        systemd_exits("a", 0);
        assert_true(fake_systemd_finish_job("conman-a.service", "done") >= 0);
        run_loop();
        assert_false(r.done);
        assert_true(get("a")->start_deferred); /* systemd has not collected its last run's unit yet */
        assert_start_queued("b");
        fake_systemd_remove_unit("conman-a.service");
        run_loop();
        assert_start_queued("a");
        systemd_runs("b", FAKE_PID(9));
        assert_false(r.done);
        systemd_runs("a", FAKE_PID(10));
        assert_true(r.done);
        assert_null(r.error);
        assert_string_equal(pod_state("web"), "running");
        reply_done(&r);
        reply_done(&start);
}

/* A member's start brings the slice and the pin up first: the pin was stopped and systemd collected it. */
static void test_member_start_ensures_pin(void **state) {
        _cleanup_free_ char *id = create_pod();
        Reply start = {};
        char **calls;
        ssize_t pin = -1, member = -1;

        create_member("a");
        fake_systemd_set_unit_state(PIN, "inactive", "dead");
        fake_systemd_remove_unit(PIN);
        fake_systemd_remove_unit(SLICE);
        run_loop();
        assert_string_equal(pod_state("web"), "stopped");
        fake_systemd_clear_calls();

        call(&start, "Start", "a");
        calls = fake_systemd_calls();
        for (ssize_t i = 0; calls && calls[i]; i++) {
                if (streq(calls[i], "StartTransientUnit " PIN))
                        pin = i;
                if (streq(calls[i], "StartTransientUnit conman-a.service"))
                        member = i;
        }
        assert_true(pin >= 0);
        assert_true(member > pin);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit " SLICE), 1);
        assert_string_equal(fake_unit_property(fake_systemd_unit(SLICE), "MemoryMax"), "67108864");
        pin_runs();
        systemd_runs("a", FAKE_PID(5));
        assert_true(start.done);
        assert_string_equal(pod_state("web"), "running");
        reply_done(&start);
}

static void test_pod_remove(void **state) {
        _cleanup_free_ char *id = create_pod(), *dir = pod_dir(id);
        Reply r = {}, start = {};

        create_member("a");
        create_member("b");
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(6));

        call_args(&r, "PodRemove", "sb", "web", 0);
        assert_true(r.done);
        assert_string_equal(r.error, "io.conman1.Error.Busy");
        assert_non_null(pod("web"));

        call_args(&r, "PodRemove", "sb", "web", 1);
        assert_false(r.done);
        assert_null(manager_get_container_by_name(t.m, "b")); /* not active: removed at once */
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-a.service"), 1);
        systemd_exits("a", 137);
        assert_true(fake_systemd_finish_job("conman-a.service", "done") >= 0);
        run_loop();
        assert_null(manager_get_container_by_name(t.m, "a"));
        assert_int_equal(fake_systemd_count_calls("StopUnit " PIN), 1);
        assert_false(r.done);
        stop_runs(PIN);
        assert_int_equal(fake_systemd_count_calls("StopUnit " SLICE), 1);
        stop_runs(SLICE);
        assert_true(r.done);
        assert_null(r.error);
        assert_null(pod("web"));
        assert_int_equal(access(dir, F_OK), -1);
        assert_int_equal(count_signals("PodRemoved web"), 1);
        assert_int_equal(count_signals("ContainerRemoved a"), 1);
        assert_int_equal(count_signals("ContainerRemoved b"), 1);
        reply_done(&r);
        reply_done(&start);
}

/* The pin's ExecStart= fails: nothing is left, the caller is told where to look. */
static void test_pod_pin_fails(void **state) {
        Reply r = {};

        call_args(&r, "PodCreate", "st", "web", UINT64_C(0));
        fake_systemd_set_unit_state(PIN, "failed", "failed");
        assert_true(fake_systemd_finish_job(PIN, "failed") >= 0);
        run_loop();
        assert_true(r.done);
        assert_string_equal(r.error, "io.conman1.Error.RuntimeFailed");
        assert_null(pod("web"));
        assert_int_equal(fake_systemd_count_calls("StopUnit " SLICE), 1);
        assert_int_equal(count_signals("PodRemoved web"), 1);
        reply_done(&r);
}

/* conmand killed after the pod was made, before any member started: the next one knows it exactly. */
static void test_kill_after_create(void **state) {
        _cleanup_free_ char *id = create_pod();

        create_member("a");
        daemon_restart();
        assert_non_null(pod("web"));
        assert_string_equal(pod(id)->spec.name, "web");
        assert_string_equal(pod_state("web"), "created");
        assert_int_equal(pod_n_members(pod("web")), 1);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit " PIN), 1);
}

/* conmand killed during rm -f: pod.json says removing, and the next conmand finishes the removal. */
static void test_kill_during_remove(void **state) {
        _cleanup_free_ char *id = create_pod(), *dir = pod_dir(id);
        _cleanup_(pod_spec_done) PodSpec spec;
        _cleanup_close_ int fd = -EBADF;
        Reply r = {}, start = {};

        create_member("a");
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(7));
        call_args(&r, "PodRemove", "sb", "web", 1);
        assert_false(r.done);
        daemon_kill();

        pod_spec_init(&spec);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pod_spec_load(fd, &spec), 0);
        assert_true(spec.removing);

        daemon_up(); /* the stop of a still runs in systemd */
        systemd_exits("a", 137);
        assert_true(fake_systemd_finish_job("conman-a.service", "done") >= 0);
        run_loop();
        assert_null(manager_get_container_by_name(t.m, "a"));
        stop_runs(PIN);
        stop_runs(SLICE);
        assert_null(pod("web"));
        assert_int_equal(access(dir, F_OK), -1);
        reply_done(&r);
        reply_done(&start);
}

/* A pod made directly (no request): "web" with network none and what the test set in spec. */
static Pod *create_pod_with(PodSpec *spec) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Pod *p = NULL;

        spec->name = strdup("web");
        spec->network = NETWORK_NONE;
        if (pod_create(t.m, spec, NULL, &p, &error) < 0)
                fail_msg("pod_create: %s", error.message);
        pin_runs();
        return p;
}

/* CgroupParent: a slice systemd does not have is made (and recorded in pod.json), and stopped with the pod;
 * an active one is somebody else's: neither made nor stopped. */
static void test_pod_cgroup_parent(void **state) {
        _cleanup_(pod_spec_done) PodSpec spec, spec2;
        _cleanup_free_ char *dir = NULL, *json = NULL, *file = NULL;
        Reply r = {};
        Pod *p;

        pod_spec_init(&spec);
        spec.cgroup_parent = strdup("kube-pod1.slice");
        p = create_pod_with(&spec);
        assert_string_equal(p->slice, "kube-pod1.slice");
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit kube-pod1.slice"), 1);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit " SLICE), 0);
        assert_true(p->spec.slice_made);
        dir = pod_dir(p->spec.id);
        assert_true(asprintf(&file, "%s/pod.json", dir) > 0);
        assert_int_equal(read_file(file, 1 << 20, &json, NULL), 0);
        assert_non_null(strstr(json, "\"sliceMade\":true"));
        call_args(&r, "PodRemove", "sb", "web", 1);
        stop_runs(PIN);
        assert_int_equal(fake_systemd_count_calls("StopUnit kube-pod1.slice"), 1);
        stop_runs("kube-pod1.slice");
        assert_true(r.done);
        reply_done(&r);

        fake_systemd_clear_calls();
        fake_systemd_add_unit("kube-pod2.slice", "active", "active");
        pod_spec_init(&spec2);
        spec2.cgroup_parent = strdup("kube-pod2.slice");
        p = create_pod_with(&spec2);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit kube-pod2.slice"), 0);
        assert_false(p->spec.slice_made);
        call_args(&r, "PodRemove", "sb", "web", 1);
        stop_runs(PIN);
        assert_true(r.done);
        assert_int_equal(fake_systemd_count_calls("StopUnit kube-pod2.slice"), 0);
        reply_done(&r);
}

/* Pid pod: the pin unit is forking, its main process the pause (PIDFile=); other pods stay oneshots. */
static void test_pod_pid(void **state) {
        _cleanup_(pod_spec_done) PodSpec spec;
        _cleanup_free_ char *pid_file = NULL;
        FakeUnit *pin;
        Pod *p;

        pod_spec_init(&spec);
        spec.pid = POD_PID_POD;
        p = create_pod_with(&spec);
        pin = fake_systemd_unit(PIN);
        assert_non_null(pin);
        assert_string_equal(fake_unit_property(pin, "Type"), "forking");
        assert_true(asprintf(&pid_file, "%s/pods/%s/pause.pid", t.run_dir, p->spec.id) > 0);
        assert_string_equal(fake_unit_property(pin, "PIDFile"), pid_file);
        assert_null(fake_unit_property(pin, "RemainAfterExit"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_pod_create, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_state, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_start, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_restart_kill, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_member_start_ensures_pin, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_remove, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_pin_fails, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_create, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_during_remove, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_cgroup_parent, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pod_pid, model_setup, model_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
