/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model-harness.c — see model-harness.h.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <systemd/sd-id128.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/exec.h"
#include "daemon/manager.h"
#include "daemon/pod.h"
#include "fake-systemd.h"
#include "model-harness.h"

/* ---- the daemon, its bus and its client ---- */

ModelTest t;

void run_loop(void) {
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

unsigned count_signals(const char *s) {
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
                .command = (char *[]){ (char *) "/bin/true", NULL },
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

/* Pods: the model's operations as pod-dbus.c calls them, without its root check. */
static int find_pod_arg(sd_bus_message *msg, Pod **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(msg, "s", &ref);
        return r < 0 ? r : pod_find(t.m, ref, ret, error);
}

static int method_pod_create(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(pod_spec_done) PodSpec spec;
        const char *name;
        uint64_t memory;
        int r;

        pod_spec_init(&spec);
        r = sd_bus_message_read(msg, "st", &name, &memory);
        if (r < 0)
                return r;
        spec.name = strdup(name);
        spec.network = NETWORK_NONE;
        spec.memory_max = memory;
        r = pod_create(t.m, &spec, msg, NULL, error);
        return r < 0 ? r : 1;
}

static int method_pod_start(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Pod *p;
        int r = find_pod_arg(msg, &p, error);
        return r < 0 ? r : answer(msg, pod_start(p, msg, error));
}

static int method_pod_stop(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Pod *p;
        int r = find_pod_arg(msg, &p, error);
        return r < 0 ? r : answer(msg, pod_stop(p, UINT64_MAX, msg, error));
}

static int method_pod_restart(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Pod *p;
        int r = find_pod_arg(msg, &p, error);
        return r < 0 ? r : answer(msg, pod_restart(p, UINT64_MAX, msg, error));
}

static int method_pod_kill(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Pod *p;
        int r = find_pod_arg(msg, &p, error);
        return r < 0 ? r : answer(msg, pod_kill(p, SIGTERM, error));
}

static int method_pod_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        int force, r;
        Pod *p;

        r = find_pod_arg(msg, &p, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "b", &force);
        return r < 0 ? r : answer(msg, pod_remove(p, force, msg, error));
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
        SD_BUS_METHOD("PodCreate", "st", "so", method_pod_create, 0),
        SD_BUS_METHOD("PodStart", "s", "", method_pod_start, 0),
        SD_BUS_METHOD("PodStop", "s", "", method_pod_stop, 0),
        SD_BUS_METHOD("PodRestart", "s", "", method_pod_restart, 0),
        SD_BUS_METHOD("PodKill", "s", "", method_pod_kill, 0),
        SD_BUS_METHOD("PodRemove", "sb", "", method_pod_remove, 0),
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
        else if (streq(strempty(sd_bus_message_get_signature(reply, true)), "so")) {
                const char *id, *path;
                assert_true(sd_bus_message_read(reply, "so", &id, &path) >= 0);
                rep->id = strdup(id);
        } else if (streq(strempty(sd_bus_message_get_signature(reply, true)), "s")) {
                const char *text;
                assert_true(sd_bus_message_read(reply, "s", &text) >= 0);
                rep->id = strdup(text);
        } else if (streq(strempty(sd_bus_message_get_signature(reply, true)), "sh")) {
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
void call(Reply *rep, const char *method, const char *name) {
        int r;

        free(rep->error);
        *rep = (Reply){ .code = -1000 };
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

/* Calls io.conman1.Test.<method> with the arguments of types; the reply lands in *rep (an "so" or "s"
 * reply's first string in rep->id). */
void call_args(Reply *rep, const char *method, const char *types, ...) {
        va_list ap;
        int r;

        reply_done(rep);
        *rep = (Reply){ .code = -1000 };
        va_start(ap, types);
        r = sd_bus_call_method_asyncv(t.client, NULL, NULL, "/test", "io.conman1.Test", method, on_reply, rep,
                                      types, ap);
        va_end(ap);
        assert_true(r >= 0);
        run_loop();
}

void reply_done(Reply *rep) {
        free(rep->id);
        rep->id = NULL;
        free(rep->error);
        rep->error = NULL;
        free(rep->exec_id);
        rep->exec_id = NULL;
}

/* conmand starts: a bus of its own (a socketpair with the client), the model on it, the state loaded. */
void daemon_up(void) {
        ManagerConfig config = { .state_dir = t.state_dir, .run_dir = t.run_dir, .default_runtime = "runc" };
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
        assert_true(sd_bus_match_signal(t.client, NULL, NULL, "/io/conman1", "io.conman1.Manager", "PodNew",
                                        on_manager_signal, NULL) >= 0);
        assert_true(sd_bus_match_signal(t.client, NULL, NULL, "/io/conman1", "io.conman1.Manager",
                                        "PodRemoved", on_manager_signal, NULL) >= 0);
        assert_int_equal(
                sd_bus_add_object_vtable(t.daemon_bus, NULL, "/test", "io.conman1.Test", test_vtable, NULL),
                0);

        fake_systemd_set_peer(t.client);
        assert_int_equal(manager_load_containers(t.m), 0);
        run_loop();
}

/* kill -9 of conmand: its memory is gone; the disk and systemd's units stay as they are. */
void daemon_kill(void) {
        fake_systemd_set_peer(NULL);
        assert_true(sd_bus_detach_event(t.client) >= 0);
        t.client = sd_bus_close_unref(t.client);
        t.m = manager_free(t.m);
        t.daemon_bus = sd_bus_close_unref(t.daemon_bus);
}

void daemon_restart(void) {
        daemon_kill();
        daemon_up();
}

int model_setup(void **state) {
        _cleanup_free_ char *tmpl = NULL;

        assert_true(asprintf(&tmpl, "%s/test-container-model-XXXXXX", getenv("TMPDIR") ?: "/tmp") > 0);
        assert_non_null(mkdtemp(tmpl));
        t.tmp = strdup(tmpl);
        assert_true(asprintf(&t.state_dir, "%s/state", tmpl) > 0);
        assert_true(asprintf(&t.run_dir, "%s/run", tmpl) > 0);
        assert_true(asprintf(&t.rootfs, "%s/rootfs", tmpl) > 0);
        assert_int_equal(mkdir(t.rootfs, 0755), 0);
        { /* the containers' command exists: a failed start is the runtime's fault, not a missing command's */
                _cleanup_free_ char *bin = NULL, *sh = NULL;
                assert_true(asprintf(&bin, "%s/bin", t.rootfs) > 0 &&
                            asprintf(&sh, "%s/bin/sh", t.rootfs) > 0);
                assert_int_equal(mkdir(bin, 0755), 0);
                assert_int_equal(write_file_atomic(sh, "#!/bin/false\n", 13, 0755), 0);
        }
        fake_systemd_reset();
        daemon_up();
        return 0;
}

int model_teardown(void **state) {
        daemon_kill();
        fake_systemd_reset();
        assert_int_equal(rm_rf(t.tmp), 0);
        free(t.tmp);
        free(t.state_dir);
        free(t.run_dir);
        free(t.rootfs);
        strv_freep(&t.signals);
        strv_freep(&t.ids);
        t = (ModelTest){};
        return 0;
}

/* ---- the model as the tests see it ---- */

Container *find(const char *name) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Container *c = NULL;

        if (container_find(t.m, name, &c, &error) < 0)
                return NULL;
        return c;
}

Container *get(const char *name) {
        Container *c = find(name);
        assert_non_null(c);
        return c;
}

const char *state_of(const char *name) {
        return container_state_to_string(get(name)->state);
}

void create(const char *name, bool auto_remove, RestartPolicy restart) {
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

const char *id_of(const char *name) {
        size_t n = strlen(name);

        for (size_t i = 0; t.ids && t.ids[i]; i++)
                if (strneq(t.ids[i], name, n) && t.ids[i][n] == ' ')
                        return t.ids[i] + n + 1;
        fail_msg("no container %s was created", name);
        return NULL;
}

/* state/containers/<id>: works while conmand is down, and after the container was removed */
char *container_dir(const char *name) {
        char *p;
        assert_true(asprintf(&p, "%s/containers/%s", t.state_dir, id_of(name)) > 0);
        return p;
}

bool exists_in(const char *dir, const char *file) {
        _cleanup_free_ char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", dir, file) > 0);
        return access(p, F_OK) == 0;
}

/* What conman-exit-record writes as ExecStopPost=: code "exited"/"killed", status "3"/"TERM". */
void write_exit_record(const char *name, const char *code, const char *status, const char *result) {
        _cleanup_(exit_record_done) ExitRecord e = { .exit_code = -1 };
        _cleanup_free_ char *dir = container_dir(name);
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(exit_record_from_env(code, status, result, now_realtime_usec(), &e), 0);
        assert_int_equal(exit_record_write(fd, &e), 0);
}

json_object *inspect_state(const char *name) {
        json_object *j = container_to_json(get(name), false), *s = NULL;

        assert_non_null(j);
        assert_true(json_object_object_get_ex(j, "State", &s));
        json_object_get(s);
        json_object_put(j);
        return s;
}

void assert_inspect(const char *name, const char *status, int exit_code) {
        json_object *s = inspect_state(name), *v;

        assert_true(json_object_object_get_ex(s, "Status", &v));
        assert_string_equal(json_object_get_string(v), status);
        assert_true(json_object_object_get_ex(s, "ExitCode", &v));
        assert_int_equal(json_object_get_int(v), exit_code);
        json_object_put(s);
}

char *unit_of(const char *name) {
        char *u;
        assert_true(asprintf(&u, "conman-%s.service", name) > 0);
        return u;
}

/* systemd runs the start job: the unit activates, runc leaves the init as MainPID, the job is done. */
void systemd_runs(const char *name, uint32_t pid) {
        _cleanup_free_ char *unit = unit_of(name);

        fake_systemd_set_unit_state(unit, "activating", "start");
        fake_systemd_unit(unit)->main_pid = pid;
        fake_systemd_set_unit_state(unit, "active", "running");
        assert_true(fake_systemd_finish_job(unit, "done") >= 0);
        run_loop();
}

/* The init exits with code: ExecStopPost= writes the record, the unit goes inactive (0) or failed. */
void systemd_exits(const char *name, int code) {
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

void assert_start_queued(const char *name) {
        _cleanup_free_ char *unit = unit_of(name), *call = NULL;
        FakeJob *j = fake_systemd_job(unit);

        assert_string_equal(state_of(name), "starting");
        assert_non_null(j);
        assert_string_equal(j->kind, "start");
        assert_true(asprintf(&call, "StartTransientUnit %s", unit) > 0);
        assert_true(fake_systemd_count_calls(call) >= 1);
}
