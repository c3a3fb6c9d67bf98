/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-container-model-kill.c — conmand killed with -9 between any two steps of a container's life
 * (model-harness.h: daemon_kill() frees the Manager without a word to systemd or the disk; daemon_up()
 * loads a new one from the same state directory, while the fake systemd keeps its units and jobs): the
 * new conmand must be exactly right about every container.
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
#include "fake-systemd.h"
#include "model-harness.h"

static void test_kill_after_create(void **state) {
        _cleanup_free_ char *id = NULL;

        create("a", false, RESTART_NO);
        id = strdup(get("a")->id);
        daemon_restart();
        assert_string_equal(get("a")->id, id);
        assert_string_equal(state_of("a"), "created");
        assert_int_equal(get("a")->exit_code, -1);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-a.service"), 0);
}

/* conmand dies after StartTransientUnit; the job runs while it is down, or after it is back. */
static void test_kill_after_start_queued(void **state) {
        Reply start_a = {}, start_b = {};

        create("a", false, RESTART_NO);
        create("b", false, RESTART_NO);
        call(&start_a, "Start", "a");
        call(&start_b, "Start", "b");
        daemon_kill();
        /* a: systemd activates it while conmand is down; b: not yet */
        fake_systemd_set_unit_state("conman-a.service", "activating", "start");
        daemon_up();
        assert_string_equal(state_of("a"), "starting");

        fake_systemd_unit("conman-a.service")->main_pid = FAKE_PID(700);
        fake_systemd_set_unit_state("conman-a.service", "active", "running");
        /* the new conmand found the start job queued in the unit list and watches it */
        assert_int_equal(fake_systemd_finish_job("conman-a.service", "done"), 1);
        run_loop();
        assert_string_equal(state_of("a"), "running");
        assert_int_equal(get("a")->main_pid, FAKE_PID(700));

        systemd_runs("b", FAKE_PID(701));
        assert_string_equal(state_of("b"), "running");
        assert_int_equal(get("b")->main_pid, FAKE_PID(701));
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-b.service"), 1);

        systemd_exits("a", 4);
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 4);
        reply_done(&start_a);
        reply_done(&start_b);
}

static void test_kill_while_running(void **state) {
        Reply start = {};

        create("a", false, RESTART_ALWAYS);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(800));
        fake_systemd_unit("conman-a.service")->n_restarts = 3;
        daemon_restart();
        assert_string_equal(state_of("a"), "running");
        assert_int_equal(get("a")->main_pid, FAKE_PID(800));
        assert_int_equal(get("a")->restart_count, 3);
        assert_inspect("a", "running", 0);

        systemd_exits("a", 2);
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 2);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-a.service"), 1);
        reply_done(&start);
}

/* While conmand is down the init exits: ExecStopPost= wrote the record; the reload finds it. */
static void test_kill_then_exit_while_down(void **state) {
        Reply start = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(900));
        daemon_kill();
        write_exit_record("a", "exited", "5", "exit-code");
        fake_systemd_set_unit_state("conman-a.service", "failed", "failed");
        daemon_up();
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 5);
        assert_inspect("a", "exited", 5);

        /* and once systemd collected the unit, the same after another restart */
        fake_systemd_remove_unit("conman-a.service");
        daemon_restart();
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 5);
        reply_done(&start);
}

static void test_kill_then_auto_remove_exit_while_down(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {};

        create("t", true, RESTART_NO);
        create("keep", false, RESTART_NO);
        dir = container_dir("t");
        call(&start, "Start", "t");
        systemd_runs("t", FAKE_PID(1000));
        daemon_kill();
        write_exit_record("t", "exited", "0", "success");
        fake_systemd_set_unit_state("conman-t.service", "inactive", "dead");
        fake_systemd_clear_calls();
        daemon_up();
        run_loop();
        assert_null(find("t"));
        assert_non_null(find("keep"));
        assert_int_equal(t.m->n_containers, 1);
        assert_int_equal(access(dir, F_OK), -1);
        assert_int_equal(count_signals("ContainerRemoved t"), 1);
        assert_true(fake_systemd_count_calls("ResetFailedUnit conman-t.service") >= 1);
        daemon_restart();
        assert_null(find("t"));
        reply_done(&start);
}

/* Stopped while conmand was down: the stop job ends with nobody watching it. */
static void test_kill_after_stop_queued(void **state) {
        Reply start = {}, stop = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1100));
        call(&stop, "Stop", "a");
        daemon_kill();
        write_exit_record("a", "killed", "TERM", "success");
        fake_systemd_set_unit_state("conman-a.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-a.service", "done"), 0);
        daemon_up();
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 143);
        reply_done(&start);
        reply_done(&stop);
}

/* Down while systemd waits to restart the container (auto-restart): restarting after the reload. */
static void test_kill_while_restarting(void **state) {
        Reply start = {};

        create("a", false, RESTART_ALWAYS);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1200));
        daemon_kill();
        write_exit_record("a", "exited", "9", "exit-code");
        fake_systemd_unit("conman-a.service")->n_restarts = 1;
        fake_systemd_set_unit_state("conman-a.service", "activating", "auto-restart");
        daemon_up();
        assert_string_equal(state_of("a"), "restarting");
        assert_int_equal(get("a")->restart_count, 1);
        fake_systemd_unit("conman-a.service")->main_pid = FAKE_PID(1201);
        fake_systemd_set_unit_state("conman-a.service", "active", "running");
        run_loop();
        assert_string_equal(state_of("a"), "running");
        assert_int_equal(get("a")->main_pid, FAKE_PID(1201));
        reply_done(&start);
}

/* conmand dies while rm -f waits for the stop job: the stop is systemd's and happens; the removal was
 * conmand's and is lost with it. After the reload the container is an exited one, and rm finishes it. */
static void test_kill_during_remove(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, rm = {};

        create("d", false, RESTART_NO);
        dir = container_dir("d");
        call(&start, "Start", "d");
        systemd_runs("d", FAKE_PID(1700));
        call(&rm, "Remove", "d");
        daemon_kill();
        write_exit_record("d", "killed", "KILL", "signal");
        fake_systemd_set_unit_state("conman-d.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-d.service", "done"), 0);
        daemon_up();
        assert_string_equal(state_of("d"), "exited");
        assert_int_equal(get("d")->exit_code, 137);
        assert_false(get("d")->removing);
        call(&rm, "RemoveStopped", "d");
        assert_true(rm.done);
        assert_null(rm.error);
        assert_null(find("d"));
        assert_int_equal(access(dir, F_OK), -1);
        reply_done(&start);
        reply_done(&rm);
}

/* conmand dies with work still queued: a removed container waiting for the GC queue, and news from
 * systemd waiting on the run queue. manager_free() frees both (ASan checks for leaks and double frees). */
static void test_kill_with_queues_pending(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, stop = {};

        create("gone", false, RESTART_NO);
        create("news", false, RESTART_NO);
        dir = container_dir("gone");
        call(&start, "Start", "news");
        call(&stop, "Stop", "news");
        assert_int_equal(container_remove(get("gone"), false, NULL, &error), 0);
        assert_null(find("gone")); /* unlinked at once, freed later */
        fake_systemd_set_unit_state("conman-news.service", "active", "running");
        assert_int_equal(fake_systemd_finish_job("conman-news.service", "done"), 1); /* the stop job */
        /* systemd's StopUnit replaces a start job still queued: it ends "canceled" */
        assert_int_equal(fake_systemd_finish_job("conman-news.service", "canceled"), 1);
        daemon_kill(); /* before the loop ran either queue */
        assert_int_equal(access(dir, F_OK), -1);
        fake_systemd_set_unit_state("conman-news.service", "inactive", "dead");
        daemon_up();
        assert_null(find("gone"));
        assert_string_equal(state_of("news"), "exited");
        reply_done(&start);
        reply_done(&stop);
}

/* conmand dies after StartTransientUnit, before systemd ran the start job: the unit is still
 * inactive/dead, with the start job queued. A --rm container must not be taken for one that exited while
 * conmand was down (its state directory removed under the unit about to run). */
static void test_kill_before_start_job_ran_auto_remove(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {};

        create("q", true, RESTART_NO);
        dir = container_dir("q");
        call(&start, "Start", "q");
        assert_string_equal(fake_systemd_job("conman-q.service")->kind, "start");
        daemon_kill();
        daemon_up(); /* systemd lists conman-q.service inactive/dead, start job queued */
        assert_non_null(find("q"));
        assert_int_equal(access(dir, F_OK), 0);
        systemd_runs("q", FAKE_PID(1800));
        assert_string_equal(state_of("q"), "running");
        reply_done(&start);
}

/* An exec is conmand's memory only: after conmand is killed, the new one knows no exec of the old one.
 * manager_free() must free them with everything else the manager had; an exec left behind keeps a pointer
 * to the freed Manager, and a Wait on it is never answered (its job and unit watches died with the old
 * client). */
static void test_kill_during_exec(void **state) {
        _cleanup_free_ char *unit = NULL, *id = NULL;
        Reply start = {}, exec = {}, wait = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(2200));
        call(&exec, "Exec", "a");
        unit = strdup(fake_systemd_find_unit("conman-a-exec-*.service")->name);
        fake_systemd_set_unit_state(unit, "active", "running");
        assert_int_equal(fake_systemd_finish_job(unit, "done"), 1);
        run_loop();
        assert_non_null(exec.exec_id);
        id = strdup(exec.exec_id);
        daemon_restart();
        call(&wait, "ExecWait", id);
        assert_true(wait.done);
        assert_string_equal(strempty(wait.error), "io.conman1.Error.NoSuchExec");
        reply_done(&start);
        reply_done(&exec);
        reply_done(&wait);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_kill_after_create, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_start_queued, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_while_running, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_then_exit_while_down, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_then_auto_remove_exit_while_down, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_stop_queued, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_while_restarting, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_during_remove, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_with_queues_pending, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_before_start_job_ran_auto_remove, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_during_exec, model_setup, model_teardown),
        };
        if (getenv("TEST_FILTER")) /* TEST_FILTER=test_stop: one scenario */
                cmocka_set_test_filter(getenv("TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
