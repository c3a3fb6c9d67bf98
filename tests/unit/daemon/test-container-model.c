/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-container-model.c — the daemon's container model against a fake PID 1 (fake-systemd.h): create →
 * start → unit signals → exit → restart policy → stop/restart/remove, --rm containers reaped from inside
 * their own job's callback, and conmand killed with -9 between the steps (the Manager freed without a
 * word to systemd or the disk, a new one loaded from the same state directory while the fake keeps its
 * units).
 *
 * conmand runs on one end of a socketpair bus; the test's client holds the other end. It sees the
 * ContainerNew/ContainerRemoved signals, and calls the model through a small test object (/test,
 * io.conman1.Test) that hands the request message to container_start() & co. as the real bus faces do, so
 * the answers the model gives later (when a job ends, when the container exits) are real D-Bus replies.
 * The root check of the real faces is left out: the tests run without root.
 *
 * After each step the event loop runs until idle; the model decides on deferred event sources, so that is
 * where a use-after-free of a container would be (ASan catches it: scripts/test.sh runs this suite under
 * ASan too).
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <systemd/sd-id128.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "daemon/container.h"
#include "daemon/exec.h"
#include "daemon/manager.h"
#include "fake-systemd.h"
#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/util.h"

/* ---- the daemon, its bus and its client ---- */

typedef struct Reply {
        bool done;
        char *error;   /* D-Bus error name, NULL for a method return */
        int32_t code;  /* Wait's exit code */
        char *exec_id; /* Exec's */
} Reply;

static struct {
        char *tmp, *state_dir, *run_dir, *rootfs;
        Manager *m;
        sd_bus *daemon_bus, *client;
        char **signals; /* "ContainerNew <name>", "ContainerRemoved <name>" as the client saw them */
        char **ids;     /* "<name> <id>" of each container created: for the disk while conmand is down */
} t;

/* A MainPID no process can have (PID_MAX_LIMIT is 4194304): conmand looks into /proc/<MainPID>
 * (pipe-keeper.c), which must find nothing rather than a process of the machine the tests run on. */
#define FAKE_PID(n) (UINT32_C(5000000) + (n))

static void run_loop(void) {
        int r;
        while ((r = sd_event_run(t.m->event, 0)) > 0)
                ;
        assert_true(r >= 0);
}

static int on_manager_signal(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error) {
        const char *id, *name, *path;
        char *s;

        assert_true(sd_bus_message_read(msg, "sso", &id, &name, &path) >= 0);
        assert_true(asprintf(&s, "%s %s", sd_bus_message_get_member(msg), name) > 0);
        assert_int_equal(strv_push_take(&t.signals, s), 0);
        return 0;
}

static unsigned count_signals(const char *s) {
        unsigned n = 0;
        for (size_t i = 0; t.signals && t.signals[i]; i++)
                n += streq(t.signals[i], s);
        return n;
}

/* The test's face of the model: each method finds the container and hands its request to the model, which
 * answers now (0) or later (1), as container-dbus.c does. */
static int find_arg(sd_bus_message *msg, Container **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(msg, "s", &ref);
        return r < 0 ? r : container_find(t.m, ref, ret, error);
}

static int answer(sd_bus_message *msg, int r) {
        if (r < 0)
                return r;
        return r > 0 ? 1 : sd_bus_reply_method_return(msg, NULL);
}

static int method_start(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = find_arg(msg, &c, error);
        return r < 0 ? r : answer(msg, container_start(c, msg, error));
}

static int method_stop(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint64_t timeout_usec = UINT64_MAX; /* the unit's own TimeoutStopSec= */
        Container *c;
        int r = find_arg(msg, &c, error);
        if (r >= 0 && streq(sd_bus_message_get_signature(msg, true), "st"))
                r = sd_bus_message_read(msg, "t", &timeout_usec);
        return r < 0 ? r : answer(msg, container_stop(c, timeout_usec, msg, error));
}

static int method_restart(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = find_arg(msg, &c, error);
        return r < 0 ? r : answer(msg, container_restart(c, UINT64_MAX, msg, error));
}

static int method_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int force = 0, r = find_arg(msg, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "b", &force);
        return r < 0 ? r : answer(msg, container_remove(c, force, msg, error));
}

static int method_wait(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = find_arg(msg, &c, error);
        if (r >= 0)
                r = container_wait(c, msg);
        if (r != 0)
                return r;
        return sd_bus_reply_method_return(msg, "i", (int32_t) c->exit_code);
}

static int method_exec(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        Container *c;
        int r = find_arg(msg, &c, error);
        if (r < 0)
                return r;
        ExecParams p = {
                .command = (char *[]){(char *) "/bin/true", NULL},
                .stdin_fd = null_fd,
                .stdout_fd = null_fd,
                .stderr_fd = null_fd,
        };
        return exec_start(c, &p, msg, error);
}

static int method_exec_wait(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *id;
        int r = sd_bus_message_read(msg, "s", &id);
        if (r >= 0)
                r = exec_wait(t.m, id, msg);
        return r == -ENOENT ? sd_bus_error_setf(error, "io.conman1.Error.NoSuchExec", "No exec %s.", id) : r;
}

static const sd_bus_vtable test_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Start", "s", "", method_start, 0),
        SD_BUS_METHOD("Stop", "s", "", method_stop, 0),
        SD_BUS_METHOD("StopTimeout", "st", "", method_stop, 0),
        SD_BUS_METHOD("Restart", "s", "", method_restart, 0),
        SD_BUS_METHOD("Remove", "sb", "", method_remove, 0),
        SD_BUS_METHOD("Wait", "s", "i", method_wait, 0),
        SD_BUS_METHOD("Exec", "s", "sh", method_exec, 0),
        SD_BUS_METHOD("ExecWait", "s", "i", method_exec_wait, 0),
        SD_BUS_VTABLE_END,
};

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Reply *rep = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        rep->done = true;
        if (e)
                rep->error = strdup(e->name);
        else if (streq(strempty(sd_bus_message_get_signature(reply, true)), "i"))
                assert_true(sd_bus_message_read(reply, "i", &rep->code) >= 0);
        else if (streq(strempty(sd_bus_message_get_signature(reply, true)), "sh")) {
                const char *id;
                int fd;
                assert_true(sd_bus_message_read(reply, "sh", &id, &fd) >= 0);
                assert_true(fd >= 0); /* without a TTY: /dev/null, the client keeps its own stdio */
                rep->exec_id = strdup(id);
        }
        return 0;
}

/* Calls io.conman1.Test.<method>(name) from the client; the reply lands in *rep. "Remove" is rm -f,
 * "RemoveStopped" rm without -f, "StopNow" stop -t 0. */
static void call(Reply *rep, const char *method, const char *name) {
        int r;

        free(rep->error);
        *rep = (Reply){.code = -1000};
        if (streq(method, "Remove"))
                r = sd_bus_call_method_async(t.client, NULL, NULL, "/test", "io.conman1.Test", method,
                                             on_reply, rep, "sb", name, 1);
        else if (streq(method, "RemoveStopped"))
                r = sd_bus_call_method_async(t.client, NULL, NULL, "/test", "io.conman1.Test", "Remove",
                                             on_reply, rep, "sb", name, 0);
        else if (streq(method, "ExecWait"))
                r = sd_bus_call_method_async(t.client, NULL, NULL, "/test", "io.conman1.Test", method,
                                             on_reply, rep, "s", name); /* name is the exec's id */
        else if (streq(method, "StopNow"))
                r = sd_bus_call_method_async(t.client, NULL, NULL, "/test", "io.conman1.Test", "StopTimeout",
                                             on_reply, rep, "st", name, UINT64_C(0));
        else
                r = sd_bus_call_method_async(t.client, NULL, NULL, "/test", "io.conman1.Test", method,
                                             on_reply, rep, "s", name);
        assert_true(r >= 0);
        run_loop();
}

static void reply_done(Reply *rep) {
        free(rep->error);
        rep->error = NULL;
        free(rep->exec_id);
        rep->exec_id = NULL;
}

/* conmand starts: a bus of its own (a socketpair with the client), the model on it, the state loaded. */
static void daemon_up(void) {
        ManagerConfig config = {.state_dir = t.state_dir, .run_dir = t.run_dir, .default_runtime = "runc"};
        sd_id128_t id;
        int pair[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        assert_int_equal(sd_bus_new(&t.daemon_bus), 0);
        assert_int_equal(sd_bus_set_fd(t.daemon_bus, pair[0], pair[0]), 0);
        assert_int_equal(sd_bus_start(t.daemon_bus), 0);
        assert_int_equal(sd_bus_new(&t.client), 0);
        assert_int_equal(sd_bus_set_fd(t.client, pair[1], pair[1]), 0);
        assert_int_equal(sd_id128_randomize(&id), 0);
        assert_int_equal(sd_bus_set_server(t.client, 1, id), 0);
        assert_int_equal(sd_bus_start(t.client), 0);

        assert_int_equal(manager_new(&config, &t.m), 0);
        assert_int_equal(manager_start_on_bus(t.m, t.daemon_bus), 0);
        assert_int_equal(sd_bus_attach_event(t.client, t.m->event, SD_EVENT_PRIORITY_NORMAL), 0);
        assert_true(sd_bus_match_signal(t.client, NULL, NULL, "/io/conman1", "io.conman1.Manager",
                                        "ContainerNew", on_manager_signal, NULL) >= 0);
        assert_true(sd_bus_match_signal(t.client, NULL, NULL, "/io/conman1", "io.conman1.Manager",
                                        "ContainerRemoved", on_manager_signal, NULL) >= 0);
        assert_int_equal(
                sd_bus_add_object_vtable(t.daemon_bus, NULL, "/test", "io.conman1.Test", test_vtable, NULL),
                0);
        fake_systemd_set_peer(t.client);
        assert_int_equal(manager_load_containers(t.m), 0);
        run_loop();
}

/* kill -9 of conmand: its memory is gone; the disk and systemd's units stay as they are. */
static void daemon_kill(void) {
        fake_systemd_set_peer(NULL);
        assert_true(sd_bus_detach_event(t.client) >= 0);
        t.client = sd_bus_close_unref(t.client);
        t.m = manager_free(t.m);
        t.daemon_bus = sd_bus_close_unref(t.daemon_bus);
}

static void daemon_restart(void) {
        daemon_kill();
        daemon_up();
}

static int setup(void **state) {
        char tmpl[] = "/tmp/test-container-model-XXXXXX";

        assert_non_null(mkdtemp(tmpl));
        t.tmp = strdup(tmpl);
        assert_true(asprintf(&t.state_dir, "%s/state", tmpl) > 0);
        assert_true(asprintf(&t.run_dir, "%s/run", tmpl) > 0);
        assert_true(asprintf(&t.rootfs, "%s/rootfs", tmpl) > 0);
        assert_int_equal(mkdir(t.rootfs, 0755), 0);
        fake_systemd_reset();
        daemon_up();
        return 0;
}

static int teardown(void **state) {
        daemon_kill();
        fake_systemd_reset();
        assert_int_equal(rm_rf(t.tmp), 0);
        free(t.tmp);
        free(t.state_dir);
        free(t.run_dir);
        free(t.rootfs);
        strv_freep(&t.signals);
        strv_freep(&t.ids);
        t = (__typeof__(t)){};
        return 0;
}

/* ---- the model as the tests see it ---- */

static Container *find(const char *name) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Container *c = NULL;

        if (container_find(t.m, name, &c, &error) < 0)
                return NULL;
        return c;
}

static Container *get(const char *name) {
        Container *c = find(name);
        assert_non_null(c);
        return c;
}

static const char *state_of(const char *name) {
        return container_state_to_string(get(name)->state);
}

static void create(const char *name, bool auto_remove, RestartPolicy restart) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec spec;
        Container *c;
        char *entry;

        container_spec_init(&spec);
        spec.rootfs = strdup(t.rootfs);
        assert_int_equal(strv_push(&spec.command, "/bin/sh"), 0);
        assert_int_equal(strv_push(&spec.command, "-c"), 0);
        assert_int_equal(strv_push(&spec.command, "exit 3"), 0);
        spec.network = NETWORK_NONE;
        spec.auto_remove = auto_remove;
        spec.restart = restart;
        if (container_create(t.m, name, &spec, &c, &error) < 0)
                fail_msg("container_create(%s): %s", name, error.message);
        (void) container_send_new_signal(c);
        assert_true(asprintf(&entry, "%s %s", name, c->id) > 0);
        assert_int_equal(strv_push_take(&t.ids, entry), 0);
        run_loop();
}

static const char *id_of(const char *name) {
        size_t n = strlen(name);

        for (size_t i = 0; t.ids && t.ids[i]; i++)
                if (strneq(t.ids[i], name, n) && t.ids[i][n] == ' ')
                        return t.ids[i] + n + 1;
        fail_msg("no container %s was created", name);
        return NULL;
}

/* state/containers/<id>: works while conmand is down, and after the container was removed */
static char *container_dir(const char *name) {
        char *p;
        assert_true(asprintf(&p, "%s/containers/%s", t.state_dir, id_of(name)) > 0);
        return p;
}

static bool exists_in(const char *dir, const char *file) {
        _cleanup_free_ char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", dir, file) > 0);
        return access(p, F_OK) == 0;
}

/* What conman-exit-record writes as ExecStopPost=: code "exited"/"killed", status "3"/"TERM". */
static void write_exit_record(const char *name, const char *code, const char *status, const char *result) {
        _cleanup_(exit_record_done) ExitRecord e = {.exit_code = -1};
        _cleanup_free_ char *dir = container_dir(name);
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(exit_record_from_env(code, status, result, now_realtime_usec(), &e), 0);
        assert_int_equal(exit_record_write(fd, &e), 0);
}

static json_object *inspect_state(const char *name) {
        json_object *j = container_to_json(get(name), false), *s = NULL;

        assert_non_null(j);
        assert_true(json_object_object_get_ex(j, "State", &s));
        json_object_get(s);
        json_object_put(j);
        return s;
}

static void assert_inspect(const char *name, const char *status, int exit_code) {
        json_object *s = inspect_state(name), *v;

        assert_true(json_object_object_get_ex(s, "Status", &v));
        assert_string_equal(json_object_get_string(v), status);
        assert_true(json_object_object_get_ex(s, "ExitCode", &v));
        assert_int_equal(json_object_get_int(v), exit_code);
        json_object_put(s);
}

static char *unit_of(const char *name) {
        char *u;
        assert_true(asprintf(&u, "conman-%s.service", name) > 0);
        return u;
}

/* systemd runs the start job: the unit activates, runc leaves the init as MainPID, the job is done. */
static void systemd_runs(const char *name, uint32_t pid) {
        _cleanup_free_ char *unit = unit_of(name);

        fake_systemd_set_unit_state(unit, "activating", "start");
        fake_systemd_unit(unit)->main_pid = pid;
        fake_systemd_set_unit_state(unit, "active", "running");
        assert_true(fake_systemd_finish_job(unit, "done") >= 0);
        run_loop();
}

/* The init exits with code: ExecStopPost= writes the record, the unit goes inactive (0) or failed. */
static void systemd_exits(const char *name, int code) {
        _cleanup_free_ char *unit = unit_of(name), *status = NULL;

        assert_true(asprintf(&status, "%i", code) > 0);
        fake_systemd_set_unit_state(unit, "deactivating", "stop-post");
        write_exit_record(name, "exited", status, code == 0 ? "success" : "exit-code");
        if (code == 0)
                fake_systemd_set_unit_state(unit, "inactive", "dead");
        else
                fake_systemd_set_unit_state(unit, "failed", "failed");
        run_loop();
}

static void assert_start_queued(const char *name) {
        _cleanup_free_ char *unit = unit_of(name), *call = NULL;
        FakeJob *j = fake_systemd_job(unit);

        assert_string_equal(state_of(name), "starting");
        assert_non_null(j);
        assert_string_equal(j->kind, "start");
        assert_true(asprintf(&call, "StartTransientUnit %s", unit) > 0);
        assert_true(fake_systemd_count_calls(call) >= 1);
}

/* ---- scenarios ---- */

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

/* exec: a unit of its own (AddRef=yes), followed through its own unit watch (PropertiesChanged from the
 * bus) and job watch; its exit status comes from ExecMainCode/ExecMainStatus, then the unit is let go. */
static void test_exec(void **state) {
        _cleanup_free_ char *unit = NULL, *unref = NULL, *reset = NULL;
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
        assert_non_null(strstr(strempty(fake_unit_property(u, "ExecStart")), " exec "));
        unit = strdup(u->name);
        fake_systemd_set_unit_state(unit, "active", "running");
        assert_int_equal(fake_systemd_finish_job(unit, "done"), 1);
        run_loop();
        assert_true(exec.done);
        assert_null(exec.error);
        assert_non_null(exec.exec_id);

        call(&wait, "ExecWait", exec.exec_id);
        assert_false(wait.done);
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

/* ---- kill -9 of conmand between the steps ---- */

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
        assert_int_equal(fake_systemd_finish_job("conman-a.service", "done"), 0); /* nobody watches it now */
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
        assert_int_equal(fake_systemd_finish_job("conman-news.service", "done"), 1);
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
                cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restart_always, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restart_on_failure, setup, teardown),
                cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_running, setup, teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_on_exit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_signal_first, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_no_signal, setup, teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_all_at_once, setup,
                                                teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_no_request, setup, teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_in_job_callback_unit_gone, setup, teardown),
                cmocka_unit_test_setup_teardown(test_start_fails_without_exit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_while_starting, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_while_starting_never_ran, setup, teardown),
                cmocka_unit_test_setup_teardown(test_concurrent_removes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_running_without_force, setup, teardown),
                cmocka_unit_test_setup_teardown(test_stop_now, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unit_removed_while_running, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restart_auto_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_generated_container, setup, teardown),
                cmocka_unit_test_setup_teardown(test_exec, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_create, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_start_queued, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_while_running, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_then_exit_while_down, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_then_auto_remove_exit_while_down, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_after_stop_queued, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_while_restarting, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_during_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_with_queues_pending, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_before_start_job_ran_auto_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kill_during_exec, setup, teardown),
        };
        if (getenv("TEST_FILTER")) /* TEST_FILTER=test_stop: one scenario */
                cmocka_set_test_filter(getenv("TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
