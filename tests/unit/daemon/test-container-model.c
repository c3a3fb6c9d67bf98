/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-container-model.c — the daemon's container model against a fake PID 1 (fake-systemd.h,
 * model-harness.h): create → start → unit signals → exit → restart policy → stop/restart/remove, --rm
 * containers reaped from inside their own job's dispatch, boot-time containers, exec.
 * test-container-model-kill.c kills conmand between the steps.
 */
#include <fcntl.h>
#include <glob.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/exec.h"
#include "fake-systemd.h"
#include "model-harness.h"

/* create → start → job done + unit active → running → unit inactive with an exit record → exited. */
static void test_lifecycle(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, wait = {};
        FakeUnit *u;

        create("a", false, RESTART_NO);
        assert_string_equal(state_of("a"), "created");
        assert_int_equal(get("a")->exit_code, -1);
        dir = container_dir("a");
        assert_true(exists_in(dir, "container.json"));
        assert_true(exists_in(dir, "config.json"));
        assert_int_equal(count_signals("ContainerNew a"), 1);
        assert_null(fake_systemd_unit("conman-a.service"));

        fake_systemd_clear_calls();
        call(&start, "Start", "a");
        assert_start_queued("a");
        assert_false(start.done); /* answered when the job ends */
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-a.service"), 1);
        u = fake_systemd_unit("conman-a.service");
        assert_non_null(u);
        assert_true(u->transient);
        assert_non_null(strstr(strempty(fake_unit_property(u, "ExecStart")), "runc"));
        assert_non_null(strstr(strempty(fake_unit_property(u, "ExecStart")), get("a")->id));
        assert_string_equal(strempty(fake_unit_property(u, "Type")), "forking");
        assert_null(fake_unit_property(u, "Restart")); /* --restart no: systemd's default */
        assert_string_equal(strempty(fake_unit_property(u, "StandardOutputFileDescriptor")), "h");
        assert_non_null(strstr(strempty(fake_unit_property(u, "ExecStopPost")), "conman-exit-record"));

        call(&wait, "Wait", "a");
        assert_false(wait.done);

        systemd_runs("a", FAKE_PID(4242));
        assert_string_equal(state_of("a"), "running");
        assert_int_equal(get("a")->main_pid, FAKE_PID(4242));
        assert_true(start.done);
        assert_null(start.error);
        assert_false(wait.done);
        assert_inspect("a", "running", 0);

        systemd_exits("a", 3);
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 3);
        assert_int_equal(get("a")->main_pid, 0);
        assert_true(wait.done);
        assert_null(wait.error);
        assert_int_equal(wait.code, 3);
        assert_inspect("a", "exited", 3);
        assert_true(exists_in(dir, "exit.json"));

        /* Wait on an exited container answers at once */
        call(&wait, "Wait", "a");
        assert_true(wait.done);
        assert_int_equal(wait.code, 3);
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-a.service"), 0);
        reply_done(&start);
        reply_done(&wait);
}

/* --restart always: the unit goes activating/auto-restart between runs; NRestarts counts them. */
static void test_restart_always(void **state) {
        Reply start = {};
        FakeUnit *u;

        create("r", false, RESTART_ALWAYS);
        call(&start, "Start", "r");
        u = fake_systemd_unit("conman-r.service");
        assert_string_equal(strempty(fake_unit_property(u, "Restart")), "always");
        systemd_runs("r", FAKE_PID(100));
        assert_string_equal(state_of("r"), "running");

        /* the init exits 0; systemd schedules the restart */
        fake_systemd_set_unit_state("conman-r.service", "deactivating", "stop-post");
        write_exit_record("r", "exited", "0", "success");
        u = fake_systemd_unit("conman-r.service");
        u->n_restarts = 1;
        fake_systemd_set_unit_state("conman-r.service", "activating", "auto-restart");
        run_loop();
        assert_string_equal(state_of("r"), "restarting");
        assert_int_equal(get("r")->restart_count, 1);
        assert_int_equal(get("r")->exit_code, 0);
        assert_int_equal(get("r")->main_pid, 0);
        assert_inspect("r", "restarting", 0);

        fake_systemd_set_unit_state("conman-r.service", "activating", "start");
        fake_systemd_unit("conman-r.service")->main_pid = FAKE_PID(101);
        fake_systemd_set_unit_state("conman-r.service", "active", "running");
        run_loop();
        assert_string_equal(state_of("r"), "running");
        assert_int_equal(get("r")->main_pid, FAKE_PID(101));
        assert_int_equal(get("r")->restart_count, 1);
        /* systemd restarts on its own: conmand started the unit once */
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-r.service"), 1);
        reply_done(&start);
}

/* --restart on-failure: restarts after a failure until systemd gives up; then the container exited. */
static void test_restart_on_failure(void **state) {
        Reply start = {}, wait = {};

        create("f", false, RESTART_ON_FAILURE);
        call(&start, "Start", "f");
        assert_string_equal(strempty(fake_unit_property(fake_systemd_unit("conman-f.service"), "Restart")),
                            "on-failure");
        systemd_runs("f", FAKE_PID(200));
        call(&wait, "Wait", "f");

        for (uint32_t n = 1; n <= 2; n++) {
                write_exit_record("f", "exited", "1", "exit-code");
                fake_systemd_unit("conman-f.service")->n_restarts = n;
                fake_systemd_set_unit_state("conman-f.service", "activating", "auto-restart");
                run_loop();
                assert_string_equal(state_of("f"), "restarting");
                assert_int_equal(get("f")->restart_count, n);
                assert_int_equal(get("f")->exit_code, 1);
                assert_false(wait.done); /* a restart is not an exit */

                fake_systemd_unit("conman-f.service")->main_pid = FAKE_PID(200 + n);
                fake_systemd_set_unit_state("conman-f.service", "active", "running");
                run_loop();
                assert_string_equal(state_of("f"), "running");
                assert_int_equal(get("f")->main_pid, FAKE_PID(200 + n));
        }

        /* the start limit is hit: systemd leaves the unit failed */
        write_exit_record("f", "exited", "1", "exit-code");
        fake_systemd_set_unit_state("conman-f.service", "failed", "failed");
        run_loop();
        assert_string_equal(state_of("f"), "exited");
        assert_int_equal(get("f")->exit_code, 1);
        assert_int_equal(get("f")->restart_count, 2);
        assert_true(wait.done);
        assert_int_equal(wait.code, 1);
        reply_done(&start);
        reply_done(&wait);
}

/* stop: StopUnit; the unit deactivates, the init dies of SIGTERM, the stop job ends → exited 143. */
static void test_stop(void **state) {
        Reply start = {}, stop = {}, stop2 = {};

        create("s", false, RESTART_NO);
        call(&start, "Start", "s");
        systemd_runs("s", FAKE_PID(300));
        fake_systemd_clear_calls();

        call(&stop, "Stop", "s");
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-s.service"), 1);
        assert_string_equal(fake_systemd_job("conman-s.service")->kind, "stop");
        assert_false(stop.done);
        /* a second stop while the first runs shares systemd's job: both are answered */
        call(&stop2, "Stop", "s");
        assert_int_equal(fake_systemd_n_jobs(), 1);

        fake_systemd_set_unit_state("conman-s.service", "deactivating", "stop-sigterm");
        run_loop();
        assert_string_equal(state_of("s"), "stopping");
        write_exit_record("s", "killed", "TERM", "success");
        fake_systemd_set_unit_state("conman-s.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-s.service", "done"), 2);
        run_loop();
        assert_string_equal(state_of("s"), "exited");
        assert_int_equal(get("s")->exit_code, 128 + 15);
        assert_true(stop.done);
        assert_null(stop.error);
        assert_true(stop2.done);
        assert_null(stop2.error);
        assert_inspect("s", "exited", 143);

        /* stopping an exited container succeeds without systemd */
        call(&stop, "Stop", "s");
        assert_true(stop.done);
        assert_null(stop.error);
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-s.service"), 2);
        reply_done(&start);
        reply_done(&stop);
        reply_done(&stop2);
}

/* restart: a stop job, then a new start once systemd let go of the unit's name. */
static void test_restart(void **state) {
        Reply start = {}, restart = {};

        create("b", false, RESTART_NO);
        call(&start, "Start", "b");
        systemd_runs("b", FAKE_PID(400));
        fake_systemd_clear_calls();

        call(&restart, "Restart", "b");
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-b.service"), 1);
        fake_systemd_set_unit_state("conman-b.service", "deactivating", "stop-sigterm");
        write_exit_record("b", "killed", "TERM", "success");
        fake_systemd_set_unit_state("conman-b.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-b.service", "done"), 1);
        run_loop();
        assert_false(restart.done);
        /* the stopped unit is still loaded: StartTransientUnit waits until systemd collects it */
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-b.service"), 0);
        fake_systemd_remove_unit("conman-b.service");
        run_loop();
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-b.service"), 1);
        assert_start_queued("b");

        systemd_runs("b", FAKE_PID(401));
        assert_string_equal(state_of("b"), "running");
        assert_int_equal(get("b")->main_pid, FAKE_PID(401));
        assert_int_equal(get("b")->exit_code, -1); /* a new run */
        assert_true(restart.done);
        assert_null(restart.error);
        reply_done(&start);
        reply_done(&restart);
}

/* rm -f of a running container: SIGKILL and StopUnit; removed when the stop job is gone. */
static void test_remove_running(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, rm = {}, wait = {};

        create("d", false, RESTART_NO);
        dir = container_dir("d");
        call(&start, "Start", "d");
        systemd_runs("d", FAKE_PID(500));
        call(&wait, "Wait", "d");
        fake_systemd_clear_calls();

        call(&rm, "Remove", "d");
        assert_int_equal(fake_systemd_count_calls("KillUnit conman-d.service main 9"), 1);
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-d.service"), 1);
        assert_false(rm.done);
        assert_non_null(find("d")); /* still there until the unit is down */

        write_exit_record("d", "killed", "KILL", "signal");
        fake_systemd_set_unit_state("conman-d.service", "failed", "failed");
        run_loop();
        assert_int_equal(fake_systemd_finish_job("conman-d.service", "done"), 1);
        run_loop();
        assert_null(find("d"));
        assert_true(rm.done);
        assert_null(rm.error);
        assert_true(wait.done); /* a waiter learns the container went away */
        assert_int_equal(count_signals("ContainerRemoved d"), 1);
        assert_int_equal(access(dir, F_OK), -1);
        reply_done(&start);
        reply_done(&rm);
        reply_done(&wait);
}

/* --rm: removed when it exits, the waiter gets the exit code. */
static void test_auto_remove_on_exit(void **state) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, wait = {};

        create("t", true, RESTART_NO);
        dir = container_dir("t");
        call(&start, "Start", "t");
        systemd_runs("t", FAKE_PID(600));
        call(&wait, "Wait", "t");
        systemd_exits("t", 0);
        assert_null(find("t"));
        assert_true(wait.done);
        assert_null(wait.error);
        assert_int_equal(wait.code, 0);
        assert_int_equal(count_signals("ContainerRemoved t"), 1);
        assert_int_equal(access(dir, F_OK), -1);
        assert_int_equal(t.m->n_containers, 0);
        reply_done(&start);
        reply_done(&wait);
}

/* THE case: a --rm container that exits at once. Its start job fails (the main process died during start),
 * and the start job's callback is where the exit is found: the model removes the container while
 * dispatching that job. Before the fix, the job callback called into code that freed the container under
 * it. `mode` picks how systemd's news arrive:
 *   0  unit failed announced and handled first, then JobRemoved(failed)
 *   1  no unit signal seen at all: only JobRemoved(failed) (signals coalesced), the model asks for the state
 *   2  unit failed + JobRemoved(failed) + UnitRemoved, all before the loop runs
 *   3  as 1, without a start request or a waiter (nobody to answer)
 *   4  as 1, with the unit collected before the job is gone */
static void auto_remove_in_job_callback(int mode) {
        _cleanup_free_ char *dir = NULL;
        Reply start = {}, wait = {};
        FakeUnit *u;

        create("k", true, RESTART_NO);
        dir = container_dir("k");
        if (mode == 3) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                assert_true(container_start(get("k"), NULL, &error) >= 0);
                run_loop();
        } else {
                call(&start, "Start", "k");
                call(&wait, "Wait", "k");
        }
        assert_start_queued("k");

        if (mode != 1 && mode != 3 && mode != 4)
                fake_systemd_set_unit_state("conman-k.service", "activating", "start");
        write_exit_record("k", "exited", "7", "exit-code");
        if (mode == 0) {
                fake_systemd_set_unit_state("conman-k.service", "failed", "failed");
                run_loop();
                /* the unit's "failed" alone, while our start job runs, does not end the start */
                assert_non_null(find("k"));
        } else if (mode == 2)
                fake_systemd_set_unit_state("conman-k.service", "failed", "failed");
        else { /* the state changed, no signal made it */
                u = fake_systemd_unit("conman-k.service");
                free(u->active);
                free(u->sub);
                u->active = strdup("failed");
                u->sub = strdup("failed");
        }
        if (mode == 4)
                fake_systemd_remove_unit("conman-k.service");
        assert_int_equal(fake_systemd_finish_job("conman-k.service", "failed"), 1);
        if (mode == 2)
                fake_systemd_remove_unit("conman-k.service");
        run_loop();

        assert_null(find("k"));
        assert_int_equal(t.m->n_containers, 0);
        assert_int_equal(count_signals("ContainerRemoved k"), 1);
        assert_int_equal(access(dir, F_OK), -1);
        if (mode != 3) {
                /* it ran (there is an exit code): start succeeds, wait reports the exit, like docker */
                assert_true(start.done);
                assert_null(start.error);
                assert_true(wait.done);
                assert_null(wait.error);
                assert_int_equal(wait.code, 7);
        }
        reply_done(&start);
        reply_done(&wait);
}

static void test_auto_remove_in_job_callback_signal_first(void **state) {
        auto_remove_in_job_callback(0);
}

static void test_auto_remove_in_job_callback_no_signal(void **state) {
        auto_remove_in_job_callback(1);
}

static void test_auto_remove_in_job_callback_all_at_once(void **state) {
        auto_remove_in_job_callback(2);
}

static void test_auto_remove_in_job_callback_no_request(void **state) {
        auto_remove_in_job_callback(3);
}

static void test_auto_remove_in_job_callback_unit_gone(void **state) {
        auto_remove_in_job_callback(4);
}

/* A start whose runtime never ran the init (no exit record): the start is refused; a --rm container goes. */
static void test_start_fails_without_exit(void **state) {
        Reply start = {};

        create("n", false, RESTART_NO);
        create("nr", true, RESTART_NO);
        call(&start, "Start", "n");
        fake_systemd_set_unit_state("conman-n.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-n.service", "failed"), 1);
        run_loop();
        assert_true(start.done);
        assert_string_equal(strempty(start.error), "io.conman1.Error.RuntimeFailed");
        assert_string_equal(state_of("n"), "exited");
        assert_int_equal(get("n")->exit_code, -1);

        call(&start, "Start", "nr");
        fake_systemd_set_unit_state("conman-nr.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-nr.service", "failed"), 1);
        run_loop();
        assert_true(start.done);
        assert_string_equal(strempty(start.error), "io.conman1.Error.RuntimeFailed");
        assert_null(find("nr"));
        reply_done(&start);
}

/* rm -f of a --rm container while it starts: systemd cancels the start job and runs the stop job; both
 * come back in one batch. The start is answered, the exit too, the container is removed once. */
static void test_remove_while_starting(void **state) {
        _cleanup_free_ char *dir = NULL, *start_job = NULL;
        Reply start = {}, rm = {}, wait = {};
        FakeUnit *u;

        create("k", true, RESTART_NO);
        dir = container_dir("k");
        call(&start, "Start", "k");
        call(&wait, "Wait", "k");
        start_job = strdup(fake_systemd_job("conman-k.service")->path);
        fake_systemd_set_unit_state("conman-k.service", "activating", "start");
        run_loop();
        call(&rm, "Remove", "k");
        assert_int_equal(fake_systemd_count_calls("KillUnit conman-k.service main 9"), 1);
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-k.service"), 1);
        assert_int_equal(fake_systemd_n_jobs(), 2);
        assert_non_null(find("k"));

        write_exit_record("k", "killed", "KILL", "signal");
        u = fake_systemd_unit("conman-k.service");
        free(u->active);
        free(u->sub);
        u->active = strdup("failed");
        u->sub = strdup("failed");
        /* StopUnit in "replace" mode cancels the start job at once; the stop job ends later */
        assert_int_equal(fake_systemd_finish_job(start_job, "canceled"), 1);
        assert_int_equal(fake_systemd_finish_job("conman-k.service", "done"), 1);
        run_loop();
        assert_null(find("k"));
        assert_int_equal(access(dir, F_OK), -1);
        assert_int_equal(count_signals("ContainerRemoved k"), 1);
        assert_true(start.done);
        assert_true(wait.done);
        assert_true(rm.done);
        assert_null(rm.error);
        reply_done(&start);
        reply_done(&rm);
        reply_done(&wait);
}

/* The same for a container whose init never ran (no exit record): the start fails, rm -f succeeds. */
static void test_remove_while_starting_never_ran(void **state) {
        _cleanup_free_ char *start_job = NULL;
        Reply start = {}, rm = {};

        create("k", false, RESTART_NO);
        call(&start, "Start", "k");
        start_job = strdup(fake_systemd_job("conman-k.service")->path);
        call(&rm, "Remove", "k");
        assert_int_equal(fake_systemd_finish_job(start_job, "canceled"), 1);
        run_loop();
        fake_systemd_set_unit_state("conman-k.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-k.service", "done"), 1); /* the stop */
        run_loop();
        assert_null(find("k"));
        assert_true(start.done);
        assert_string_equal(strempty(start.error), "io.conman1.Error.RuntimeFailed");
        assert_true(rm.done);
        assert_null(rm.error);
        assert_int_equal(count_signals("ContainerRemoved k"), 1);
        reply_done(&start);
        reply_done(&rm);
}

/* Two rm -f and a stop at once share systemd's one stop job: each is answered, the container goes once. */
static void test_concurrent_removes(void **state) {
        Reply start = {}, rm1 = {}, rm2 = {}, stop = {}, wait = {};

        create("d", false, RESTART_NO);
        call(&start, "Start", "d");
        systemd_runs("d", FAKE_PID(1300));
        call(&wait, "Wait", "d");
        call(&stop, "Stop", "d");
        call(&rm1, "Remove", "d");
        call(&rm2, "Remove", "d");
        assert_int_equal(fake_systemd_n_jobs(), 1);
        write_exit_record("d", "killed", "KILL", "signal");
        fake_systemd_set_unit_state("conman-d.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-d.service", "done"), 3);
        run_loop();
        assert_null(find("d"));
        assert_int_equal(count_signals("ContainerRemoved d"), 1);
        assert_true(stop.done);
        assert_null(stop.error);
        assert_true(rm1.done);
        assert_null(rm1.error);
        assert_true(rm2.done);
        assert_null(rm2.error);
        assert_true(wait.done);
        assert_int_equal(wait.code, 137);
        reply_done(&start);
        reply_done(&rm1);
        reply_done(&rm2);
        reply_done(&stop);
        reply_done(&wait);
}

/* rm without -f refuses a running container and touches nothing. */
static void test_remove_running_without_force(void **state) {
        Reply start = {}, rm = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1400));
        fake_systemd_clear_calls();
        call(&rm, "RemoveStopped", "a");
        assert_true(rm.done);
        assert_string_equal(strempty(rm.error), "io.conman1.Error.Busy");
        assert_null(fake_systemd_calls());
        assert_string_equal(state_of("a"), "running");
        reply_done(&start);
        reply_done(&rm);
}

/* stop -t 0: SIGKILL to the whole unit right away, and the stop job. */
static void test_stop_now(void **state) {
        Reply start = {}, stop = {};

        create("s", false, RESTART_NO);
        call(&start, "Start", "s");
        systemd_runs("s", FAKE_PID(1500));
        fake_systemd_clear_calls();
        call(&stop, "StopNow", "s");
        assert_int_equal(fake_systemd_count_calls("StopUnit conman-s.service"), 1);
        assert_int_equal(fake_systemd_count_calls("KillUnit conman-s.service all 9"), 1);
        write_exit_record("s", "killed", "KILL", "signal");
        fake_systemd_set_unit_state("conman-s.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-s.service", "done"), 1);
        run_loop();
        assert_true(stop.done);
        assert_null(stop.error);
        assert_string_equal(state_of("s"), "exited");
        assert_int_equal(get("s")->exit_code, 137);
        reply_done(&start);
        reply_done(&stop);
}

/* systemd forgot a running container's unit without a word of it going down: the container exited. */
static void test_unit_removed_while_running(void **state) {
        Reply start = {}, wait = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1600));
        call(&wait, "Wait", "a");
        write_exit_record("a", "exited", "0", "success");
        fake_systemd_remove_unit("conman-a.service");
        run_loop();
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 0);
        assert_true(wait.done);
        assert_int_equal(wait.code, 0);
        reply_done(&start);
        reply_done(&wait);
}

/* A stop, restart or rm -f that reaches systemd after it collected the exited unit, before its news
 * reached conmand: StopUnit says NoSuchUnit, and the container is settled as exited rather than failing
 * the call (the race of a pod's rm -f with a member that just exited). */
static void test_stop_after_unit_collected(void **state) {
        Reply start = {}, stop = {}, restart = {}, rm = {};
        _cleanup_free_ char *dir = NULL;

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(1700));
        write_exit_record("a", "exited", "3", "exit-code");
        fake_systemd_forget_unit("conman-a.service");
        call(&stop, "Stop", "a");
        assert_true(stop.done);
        assert_null(stop.error);
        assert_string_equal(state_of("a"), "exited");
        assert_int_equal(get("a")->exit_code, 3);

        create("b", false, RESTART_NO);
        call(&restart, "Start", "b");
        systemd_runs("b", FAKE_PID(1701));
        reply_done(&restart);
        write_exit_record("b", "exited", "0", "success");
        fake_systemd_forget_unit("conman-b.service");
        fake_systemd_clear_calls();
        call(&restart, "Restart", "b");
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-b.service"), 1);
        systemd_runs("b", FAKE_PID(1702));
        assert_true(restart.done);
        assert_null(restart.error);
        assert_string_equal(state_of("b"), "running");

        /* "r", not "c": a name that is no id prefix, so find() cannot meet another container */
        create("r", false, RESTART_NO);
        dir = container_dir("r");
        call(&rm, "Start", "r");
        systemd_runs("r", FAKE_PID(1703));
        reply_done(&rm);
        write_exit_record("r", "exited", "0", "success");
        fake_systemd_forget_unit("conman-r.service");
        call(&rm, "Remove", "r");
        assert_true(rm.done);
        assert_null(rm.error);
        assert_null(find("r"));
        assert_int_equal(count_signals("ContainerRemoved r"), 1);
        assert_int_equal(access(dir, F_OK), -1);
        reply_done(&start);
        reply_done(&stop);
        reply_done(&restart);
        reply_done(&rm);
}

/* restart of a --rm container restarts it (docker sets AutoRemove aside for the stop half of a restart):
 * the stop of a restart is no exit that reaps it. */
static void test_restart_auto_remove(void **state) {
        Reply start = {}, restart = {};

        create("rr", true, RESTART_NO);
        call(&start, "Start", "rr");
        systemd_runs("rr", FAKE_PID(1900));
        call(&restart, "Restart", "rr");
        write_exit_record("rr", "killed", "TERM", "success");
        fake_systemd_set_unit_state("conman-rr.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-rr.service", "done"), 1);
        run_loop();
        fake_systemd_remove_unit("conman-rr.service");
        run_loop();
        assert_non_null(find("rr"));
        assert_int_equal(count_signals("ContainerRemoved rr"), 0);
        systemd_runs("rr", FAKE_PID(1901));
        assert_string_equal(state_of("rr"), "running");
        assert_true(restart.done);
        assert_null(restart.error);
        reply_done(&start);
        reply_done(&restart);
}

/* What conman-prepare (ExecStartPre=) does for a unit of conman-generator that systemd starts without
 * conmand: it writes containers/<id>/container.json ("generated", "sourcePath", "startedAt"); here made
 * from a container's own file. */
static void write_generated_container(const char *name, const char *source_path) {
        _cleanup_free_ char *dir = NULL, *template_dir = NULL, *entry = NULL;
        _cleanup_close_ int template_fd = -EBADF, fd = -EBADF;
        _cleanup_json_ json_object *j = NULL;
        HexBuf id = random_hex_stack(32);

        create("template", false, RESTART_NO);
        template_dir = container_dir("template");
        template_fd = open(template_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(template_fd >= 0);
        assert_int_equal(json_read_file_at(template_fd, "container.json", &j), 0);
        json_object_object_add(j, "id", json_object_new_string(id.s));
        json_object_object_add(j, "name", json_object_new_string(name));
        json_object_object_add(j, "generated", json_object_new_boolean(true));
        json_object_object_add(j, "sourcePath", json_object_new_string(source_path));
        json_object_object_add(j, "startedAt", json_object_new_uint64(now_realtime_usec())); /* each start */
        assert_true(asprintf(&dir, "%s/containers/%s", t.state_dir, id.s) > 0);
        assert_int_equal(mkdir(dir, 0700), 0);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(json_write_file_atomic_at(fd, "container.json", j), 0);
        assert_true(asprintf(&entry, "%s %s", name, id.s) > 0);
        assert_int_equal(strv_push_take(&t.ids, TAKE_PTR(entry)), 0);
}

/* A boot-time container (conman-generator): systemd starts its unit file while conmand runs; conmand finds
 * the container on the unit's first change, follows it, starts it with StartUnit, and refuses to remove it
 * while its .container file exists. */
static void test_generated_container(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *source = NULL;
        Reply stop = {}, start = {}, rm = {};

        assert_true(asprintf(&source, "%s/g.container", t.tmp) > 0);
        assert_int_equal(write_file_atomic(source, "[Container]\n", 12, 0644), 0);
        fake_systemd_add_unit("conman-g.service", "inactive", "dead");
        write_generated_container("g", source);
        assert_null(find("g"));

        fake_systemd_set_unit_state("conman-g.service", "activating", "start-pre");
        run_loop();
        assert_int_equal(count_signals("ContainerNew g"), 1);
        assert_string_equal(state_of("g"), "starting");
        fake_systemd_unit("conman-g.service")->main_pid = FAKE_PID(2000);
        fake_systemd_set_unit_state("conman-g.service", "active", "running");
        run_loop();
        assert_string_equal(state_of("g"), "running");
        assert_int_equal(get("g")->main_pid, FAKE_PID(2000));

        call(&stop, "Stop", "g");
        write_exit_record("g", "killed", "TERM", "success");
        fake_systemd_set_unit_state("conman-g.service", "inactive", "dead");
        assert_int_equal(fake_systemd_finish_job("conman-g.service", "done"), 1);
        run_loop();
        assert_true(stop.done);
        assert_string_equal(state_of("g"), "exited");
        assert_int_equal(get("g")->exit_code, 143);

        fake_systemd_clear_calls();
        call(&start, "Start", "g");
        assert_int_equal(fake_systemd_count_calls("StartUnit conman-g.service"), 1);
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-g.service"), 0);
        systemd_runs("g", FAKE_PID(2001));
        assert_true(start.done);
        assert_null(start.error);
        assert_string_equal(state_of("g"), "running");

        call(&rm, "Remove", "g");
        assert_true(rm.done);
        assert_string_equal(strempty(rm.error), "io.conman1.Error.OwnedByFile");
        assert_non_null(find("g"));
        assert_int_equal(unlink(source), 0);
        call(&rm, "Remove", "g");
        write_exit_record("g", "killed", "KILL", "signal");
        fake_systemd_set_unit_state("conman-g.service", "failed", "failed");
        assert_int_equal(fake_systemd_finish_job("conman-g.service", "done"), 1);
        run_loop();
        assert_true(rm.done);
        assert_null(rm.error);
        assert_null(find("g"));
        reply_done(&stop);
        reply_done(&start);
        reply_done(&rm);
}

/* The process file of the one exec under way (<run>/exec-<id>.json), and its pid file's path. */
static void exec_files(char **ret_process, char **ret_pid) {
        _cleanup_(globfree) glob_t g = {};
        _cleanup_free_ char *pattern = NULL;
        size_t n;

        assert_true(asprintf(&pattern, "%s/exec-*.json", t.run_dir) > 0);
        assert_int_equal(glob(pattern, 0, NULL, &g), 0);
        assert_int_equal(g.gl_pathc, 1);
        *ret_process = strdup(g.gl_pathv[0]);
        n = strlen(g.gl_pathv[0]) - strlen(".json");
        assert_true(asprintf(ret_pid, "%.*s.pid", (int) n, g.gl_pathv[0]) > 0);
}

/* exec: a unit of its own (AddRef=yes), followed through its own unit watch (PropertiesChanged from the
 * bus) and job watch; its exit status comes from ExecMainCode/ExecMainStatus, then the unit is let go. */
static void test_exec(void **state) {
        _cleanup_free_ char *unit = NULL, *unref = NULL, *reset = NULL, *process = NULL, *pid = NULL;
        Reply start = {}, exec = {}, wait = {};
        FakeUnit *u;

        create("a", false, RESTART_NO);
        call(&exec, "Exec", "a");
        assert_true(exec.done);
        assert_string_equal(strempty(exec.error), "io.conman1.Error.NotRunning");
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(2100));

        call(&exec, "Exec", "a");
        assert_false(exec.done);
        u = fake_systemd_find_unit("conman-a-exec-*.service");
        assert_non_null(u);
        assert_true(u->transient);
        assert_true(u->referenced);
        /* No word of the exec's on the command line: its process file has them. */
        const char *cmdline = strempty(fake_unit_property(u, "ExecStartEx"));
        assert_non_null(strstr(cmdline, "[no-env-expand] "));
        assert_non_null(strstr(cmdline, " exec "));
        assert_non_null(strstr(cmdline, " --process "));
        assert_null(strstr(cmdline, "/bin/true"));
        unit = strdup(u->name);
        fake_systemd_set_unit_state(unit, "active", "running");
        assert_int_equal(fake_systemd_finish_job(unit, "done"), 1);
        run_loop();
        assert_true(exec.done);
        assert_null(exec.error);
        assert_non_null(exec.exec_id);

        call(&wait, "ExecWait", exec.exec_id);
        assert_false(wait.done);
        exec_files(&process, &pid);
        assert_int_equal(write_file_atomic(pid, "4242\n", 5, 0644), 0); /* the runtime started the command */
        u = fake_systemd_unit(unit);
        u->exec_main_code = CLD_EXITED;
        u->exec_main_status = 4;
        fake_systemd_set_unit_state(unit, "failed", "failed");
        run_loop(); /* the exec's unit watch hears it from the bus */
        assert_true(wait.done);
        assert_null(wait.error);
        assert_int_equal(wait.code, 4);
        assert_true(asprintf(&unref, "Unref %s", unit) > 0);
        assert_true(asprintf(&reset, "ResetFailedUnit %s", unit) > 0);
        assert_int_equal(fake_systemd_count_calls(unref), 1);
        assert_true(fake_systemd_count_calls(reset) >= 1);
        assert_false(fake_systemd_unit(unit)->referenced);
        assert_string_equal(state_of("a"), "running"); /* the container's own unit is another one */
        reply_done(&start);
        reply_done(&exec);
        reply_done(&wait);
}

/* An exec whose command ends at once: systemd sees the main process exit before the start job is done, so
 * the job fails ("failed"), yet the command ran. pid_written: the runtime started the command (it wrote the
 * pid file); code 0: systemd never ran the runtime. Returns the exec's error name or, with none, its exit. */
static void exec_fast_exit(bool pid_written, int32_t code, int32_t status, bool job_first, Reply *exec,
                           Reply *wait) {
        _cleanup_free_ char *unit = NULL, *process = NULL, *pid = NULL, *unref = NULL, *text = NULL;
        FakeUnit *u;

        fake_systemd_clear_calls();
        call(exec, "Exec", "a");
        u = fake_systemd_find_unit("conman-a-exec-*.service");
        unit = strdup(u->name);
        exec_files(&process, &pid);
        assert_int_equal(read_file(process, 1 << 20, &text, NULL), 0);
        assert_non_null(strstr(text, "\"args\":[\"/bin/true\"]"));
        if (pid_written)
                assert_int_equal(write_file_atomic(pid, "4242\n", 5, 0644), 0);
        u->exec_main_code = code;
        u->exec_main_status = status;
        if (job_first) {
                assert_int_equal(fake_systemd_finish_job(unit, "failed"), 1);
                fake_systemd_set_unit_state(unit, "failed", "failed");
        } else {
                fake_systemd_set_unit_state(unit, "failed", "failed");
                assert_int_equal(fake_systemd_finish_job(unit, "failed"), 1);
        }
        run_loop();
        assert_true(exec->done);
        assert_int_equal(access(process, F_OK), -1); /* gone with the exec */
        assert_true(asprintf(&unref, "Unref %s", unit) > 0);
        assert_int_equal(fake_systemd_count_calls(unref), 1); /* let go, so systemd collects it */
        if (exec->error)
                return;
        call(wait, "ExecWait", exec->exec_id);
        assert_true(wait->done);
}

static void test_exec_fast_exit(void **state) {
        Reply start = {}, exec = {}, wait = {};

        create("a", false, RESTART_NO);
        call(&start, "Start", "a");
        systemd_runs("a", FAKE_PID(2100));

        for (int job_first = 0; job_first < 2; job_first++) {
                exec_fast_exit(true, CLD_EXITED, 3, job_first, &exec, &wait);
                assert_null(exec.error);
                assert_null(wait.error);
                assert_int_equal(wait.code, 3);
                reply_done(&exec);
                reply_done(&wait);
        }
        /* The runtime could not start the command (no pid file): docker's 126. */
        exec_fast_exit(false, CLD_EXITED, 255, false, &exec, &wait);
        assert_null(exec.error);
        assert_int_equal(wait.code, EXEC_EXIT_CANNOT_START);
        reply_done(&exec);
        reply_done(&wait);
        /* systemd could not even run the runtime: no exit of a main process at all. */
        exec_fast_exit(false, 0, 0, false, &exec, &wait);
        assert_string_equal(strempty(exec.error), "io.conman1.Error.RuntimeFailed");
        reply_done(&exec);
        reply_done(&start);
}

/* UpdateContainer: the limits go onto the running unit (SetUnitProperties, runtime) and into container.json
 * (a new conmand reads them back); a stopped container only keeps them; bad ones change nothing. */
static void test_update_resources(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec limits, bad;
        Reply start = {};
        FakeUnit *u;

        create("u", false, RESTART_NO);
        call(&start, "Start", "u");
        systemd_runs("u", FAKE_PID(700));
        fake_systemd_clear_calls();
        container_spec_init(&limits);
        limits.memory_max = UINT64_C(64) << 20;
        limits.pids_limit = 77;
        limits.cpuset_cpus = strdup("0-1");
        assert_int_equal(container_update_resources(get("u"), &limits, &error), 0);
        assert_non_null(fake_systemd_calls());
        assert_true(
                string_has_prefix(fake_systemd_calls()[0], "SetUnitProperties conman-u.service MemoryMax="));
        u = fake_systemd_unit("conman-u.service");
        assert_string_equal(fake_unit_property(u, "MemoryMax"), "67108864");
        assert_string_equal(fake_unit_property(u, "TasksMax"), "77");
        assert_string_equal(fake_unit_property(u, "CPUQuotaPerSecUSec"), "18446744073709551615"); /* none */
        daemon_restart();
        assert_int_equal(get("u")->spec.memory_max, UINT64_C(64) << 20);
        assert_string_equal(get("u")->spec.cpuset_cpus, "0-1");

        container_spec_init(&bad);
        bad.memory_max = 1024; /* below 6 MiB */
        assert_true(container_update_resources(get("u"), &bad, &error) < 0);
        assert_string_equal(error.name, "io.conman1.Error.InvalidArgument");
        assert_int_equal(get("u")->spec.memory_max, UINT64_C(64) << 20);
        reply_done(&start);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_lifecycle, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_restart_always, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_restart_on_failure, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_stop, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_restart, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_remove_running, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_on_exit, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_signal_first, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_no_signal, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_all_at_once, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_no_request, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_unit_gone, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_start_fails_without_exit, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_remove_while_starting, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_remove_while_starting_never_ran, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_concurrent_removes, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_remove_running_without_force, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_stop_now, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_unit_removed_while_running, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_restart_auto_remove, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_stop_after_unit_collected, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_generated_container, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_exec, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_exec_fast_exit, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_update_resources, model_setup, model_teardown),
        };
        if (getenv("TEST_FILTER")) /* TEST_FILTER=test_stop: one scenario */
                cmocka_set_test_filter(getenv("TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
