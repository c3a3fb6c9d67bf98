/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec.c — see exec.h.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/oci-config.h"
#include "shared/oci-process.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container-image.h"
#include "daemon/exec.h"
#include "daemon/systemd-client.h"
#include "daemon/stdio/console-socket.h"

#define EXEC_FINISHED_MAX 256 /* exit codes kept for late WaitExec calls */

typedef struct Exec Exec;
struct Exec {
        Manager *manager;
        char *id; /* 16 hex chars */
        char *container_name;
        char *container_unit; /* the exec'd process is in its cgroup */
        char *unit, *unit_path;
        char *pid_file;        /* <run>/exec-<id>.pid: the runtime writes the process's PID there */
        char *process_file;    /* <run>/exec-<id>.json: the OCI process (0600: its env may hold secrets) */
        ConsoleSocket *socket; /* TTY: waiting for the runtime's PTY master */
        int master_fd;         /* TTY: until handed to the client */
        bool tty, started;
        sd_bus_message *request; /* ExecContainer, answered once the process runs */
        sd_bus_slot *match;      /* PropertiesChanged of the unit */
        bool exited;
        int exit_code;
        sd_bus_message **waiters;
        size_t n_waiters;
        ExecDoneHandler done; /* an exec of conmand's own (a health check): told the exit code, then freed */
        void *done_userdata;
        void (*done_free)(void *userdata);
        Exec *prev, *next;
};

static void exec_free(Exec *e) {
        if (!e)
                return;
        if (e->prev)
                e->prev->next = e->next;
        else if (e->manager->execs == e)
                e->manager->execs = e->next;
        if (e->next)
                e->next->prev = e->prev;
        if (e->exited && e->manager->n_finished_execs > 0)
                e->manager->n_finished_execs--;
        console_socket_free(e->socket);
        safe_close(e->master_fd);
        if (e->request)
                (void) sd_bus_reply_method_errorf(e->request, CONMAN_ERROR_RUNTIME_FAILED,
                                                  "The exec in %s ended before it started.",
                                                  e->container_name);
        sd_bus_message_unref(e->request);
        sd_bus_slot_unref(e->match);
        for (size_t i = 0; i < e->n_waiters; i++)
                sd_bus_message_unref(e->waiters[i]);
        free(e->waiters);
        if (e->pid_file)
                (void) unlink(e->pid_file);
        free(e->pid_file);
        if (e->process_file)
                (void) unlink(e->process_file);
        free(e->process_file);
        free(e->id);
        free(e->container_name);
        free(e->container_unit);
        free(e->unit);
        free(e->unit_path);
        if (e->done_free)
                e->done_free(e->done_userdata);
        free(e);
}

static Exec *exec_find(Manager *m, const char *id) {
        for (Exec *e = m->execs; e; e = e->next)
                if (streq(e->id, id))
                        return e;
        return NULL;
}

/* The reply to ExecContainer: the process runs, and with a TTY its master is here. */
static void exec_maybe_reply(Exec *e) {
        _cleanup_close_ int null_fd = -EBADF;

        if (!e->request || !e->started || (e->tty && e->master_fd < 0))
                return;
        if (!e->tty)
                null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        (void) sd_bus_reply_method_return(e->request, "sh", e->id, e->tty ? e->master_fd : null_fd);
        e->request = sd_bus_message_unref(e->request);
        e->master_fd = safe_close(e->master_fd); /* the client owns the terminal now */
}

static void exec_fail(Exec *e, const char *why) {
        if (e->request) {
                (void) sd_bus_reply_method_errorf(e->request, CONMAN_ERROR_RUNTIME_FAILED,
                                                  "Cannot exec in %s: %s. See 'journalctl -u %s'.",
                                                  e->container_name, why, e->unit);
                e->request = sd_bus_message_unref(e->request);
        }
}

static void on_master(int master, int error, void *userdata) {
        Exec *e = userdata;

        e->socket = console_socket_free(e->socket);
        if (error < 0) {
                exec_fail(e, "the runtime did not hand over the terminal");
                return;
        }
        e->master_fd = master;
        exec_maybe_reply(e);
}

static int exit_code_from(int32_t code, int32_t status) {
        if (code == CLD_EXITED)
                return status;
        if (code == CLD_KILLED || code == CLD_DUMPED)
                return 128 + status;
        return -1;
}

/* The exec's exit code from systemd's record of the unit's main process: the runtime in the foreground
 * (no TTY) or conman-exec-wait (TTY), whose exit code is the command's once the runtime started it (it wrote
 * the pid file). A runtime that could not start the command (not found, not executable, a bad directory)
 * wrote none, and its message went to the client's stderr: the exit code is then 126, as `docker exec`
 * answers. */
static int exec_exit_code(Exec *e, int32_t code, int32_t status) {
        if (code == CLD_EXITED && access(e->pid_file, F_OK) < 0)
                return EXEC_EXIT_CANNOT_START;
        return exit_code_from(code, status);
}

static void exec_finished(Exec *e) {
        SystemdClient *systemd = e->manager->systemd;
        int32_t code = 0, status = 0;

        (void) systemd_get_service_i32(systemd, e->unit_path, "ExecMainCode", &code);
        (void) systemd_get_service_i32(systemd, e->unit_path, "ExecMainStatus", &status);
        e->exit_code = exec_exit_code(e, code, status);
        e->exited = true;
        e->match = sd_bus_slot_unref(e->match);
        (void) unlink(e->pid_file);
        (void) unlink(e->process_file);
        /* AddRef kept the unit for us; now systemd may collect it, also after a non-zero exit. */
        (void) systemd_unref_unit(systemd, e->unit_path);
        (void) systemd_reset_failed_unit(systemd, e->unit);
        /* A command that ends at once (`sh -c 'exit 3'`) can end before systemd saw the start job done: the
         * job fails, yet the command ran. systemd sends the unit's PropertiesChanged before that job's
         * JobRemoved: it ran if systemd saw a main process exit. */
        if (code != 0)
                e->started = true;
        if (!e->started)
                exec_fail(e, "the runtime failed");
        exec_maybe_reply(e);
        if (e->request) /* a TTY exec that ended before its terminal arrived */
                exec_fail(e, "the process ended before its terminal was ready");
        log_debug("Exec %s in %s exited with %i.", e->id, e->container_name, e->exit_code);
        if (e->done) {
                e->done(e->exit_code, e->done_userdata);
                exec_free(e);
                return;
        }
        for (size_t i = 0; i < e->n_waiters; i++)
                (void) sd_bus_reply_method_return(e->waiters[i], "i", (int32_t) e->exit_code);
        if (e->n_waiters > 0) {
                exec_free(e);
                return;
        }
        if (++e->manager->n_finished_execs >
            EXEC_FINISHED_MAX) { /* the oldest finished one nobody asked about */
                Exec *old = NULL;
                for (Exec *i = e->manager->execs; i; i = i->next)
                        if (i->exited)
                                old = i;
                exec_free(old);
        }
}

static int on_exec_unit_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Exec *e = userdata;
        _cleanup_free_ char *active = NULL, *sub = NULL;

        if (e->exited)
                return 0;
        if (systemd_get_unit_state(e->manager->systemd, e->unit_path, &active, &sub) < 0)
                return 0;
        if (streq(active, "inactive") || streq(active, "failed"))
                exec_finished(e);
        return 0;
}

/* What an exec's job watch holds: the exec may be gone when the job is. */
typedef struct ExecRef {
        Manager *manager;
        char *id;
} ExecRef;

static void exec_ref_free(void *userdata) {
        ExecRef *ref = userdata;

        free(ref->id);
        free(ref);
}

static void on_exec_job_removed(const char *job, const char *result, void *userdata) {
        ExecRef *ref = userdata;
        Exec *e = exec_find(ref->manager, ref->id);

        if (!e)
                return;
        if (streq(result, "done")) {
                e->started = true;
                exec_maybe_reply(e);
        }
        (void) on_exec_unit_changed(NULL, e, NULL); /* may finish, and free, the exec */
        e = exec_find(ref->manager, ref->id);
        if (e && !e->exited && !streq(result, "done"))
                exec_fail(e, "the runtime failed to start the process");
}

/* A user: names are looked up in the container's own /etc/passwd and /etc/group. */
static int resolve_user(Container *c, const char *user, OciUser *ret, sd_bus_error *error) {
        _cleanup_free_ char *root = NULL, *what = NULL;
        int r;

        r = container_image_rootfs_path(c, &root);
        if (r < 0)
                return r;
        if (asprintf(&what, "container %s", c->name) < 0)
                return -ENOMEM;
        return oci_user_resolve_bus((char *[]){ root, NULL }, user, what, ret, error);
}

/* The exec's process file: the container's process from its bundle's config.json (so the exec is confined
 * like the container) with the exec's command, environment, directory, user and terminal. Root only. */
static int exec_write_process(Container *c, Exec *e, const ExecParams *p, sd_bus_error *error) {
        _cleanup_(json_object_putp) struct json_object *config = NULL, *process = NULL;
        OciUser user;
        const char *text;
        int r;

        if (p->user && resolve_user(c, p->user, &user, error) < 0)
                return -EINVAL;
        r = json_read_file_at(c->dir_fd, "config.json", &config);
        if (r >= 0)
                r = oci_exec_process_build(config,
                                           &(ExecProcessParams){ .args = p->command,
                                                                 .env = p->env,
                                                                 .cwd = p->working_dir,
                                                                 .user = p->user ? &user : NULL,
                                                                 .tty = p->tty },
                                           &process);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot read the process of container %s: %m",
                                               c->name);
        text = json_object_to_json_string_ext(process,
                                              JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        r = write_file_atomic(e->process_file, text, strlen(text), 0600);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot write %s: %m", e->process_file);
        return 0;
}

/* The runtime's command line: fixed words and conmand's own paths only, nothing of the exec's (the process
 * file has those). */
static int exec_argv(Container *c, Exec *e, const ExecParams *p, const char *socket_path, char ***ret,
                     sd_bus_error *error) {
        _cleanup_free_ char *runtime = NULL, *root = NULL;
        _cleanup_strv_free_ char **argv = NULL;
        const char *rt = c->spec.runtime ?: c->manager->default_runtime;
        int r;

        r = runtime_find_binary(rt, &runtime);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_RUNTIME_FAILED,
                                         "The OCI runtime '%s' is not installed.", rt);
        if (asprintf(&root, "%s/%s", c->manager->run_dir, rt) < 0)
                return -ENOMEM;
        r = 0;
#define PUSH(x) (r >= 0 ? (r = strv_push(&argv, (x))) : r)
        /* A terminal comes through the console socket, which the runtimes only allow when detached. Without
         * one the runtime stays in the foreground as the unit's main process: its exit code is the
         * command's, even for a command that ends before systemd could read a pid file. With one,
         * conman-exec-wait is the main process and reaps the detached process (helpers/conman-exec-wait.c).
         * The pid file is written either way: KillExec reads it, and it tells a command that ran from a
         * runtime that failed to start it. */
        if (p->tty)
                PUSH(CONMAN_LIBEXECDIR "/conman-exec-wait"), PUSH("--pid-file"), PUSH(e->pid_file),
                        PUSH("--");
        PUSH(runtime), PUSH("--root"), PUSH(root), PUSH("exec"), PUSH("--pid-file"), PUSH(e->pid_file);
        if (p->tty)
                PUSH("--detach"), PUSH("--console-socket"), PUSH(socket_path);
        PUSH("--process"), PUSH(e->process_file), PUSH(c->id);
#undef PUSH
        if (r < 0)
                return r;
        *ret = TAKE_PTR(argv);
        return 0;
}

static int exec_new(Container *c, bool tty, Exec **ret) {
        _cleanup_free_ char *unit = NULL;
        Exec *e = calloc(1, sizeof(Exec));

        if (!e)
                return -ENOMEM;
        *e = (Exec){ .manager = c->manager, .master_fd = -EBADF, .tty = tty };
        e->next = c->manager->execs;
        if (e->next)
                e->next->prev = e;
        c->manager->execs = e;
        if (random_hex(8, &e->id) < 0 || !(e->container_name = strdup(c->name)) ||
            !(e->container_unit = strdup(c->unit)) ||
            asprintf(&e->unit, CONMAN_UNIT_PREFIX "%s-exec-%.12s.service", c->name, e->id) < 0 ||
            asprintf(&e->pid_file, "%s/exec-%s.pid", c->manager->run_dir, e->id) < 0 ||
            asprintf(&e->process_file, "%s/exec-%s.json", c->manager->run_dir, e->id) < 0) {
                exec_free(e);
                return -ENOMEM;
        }
        if (unit_object_path(e->unit, &e->unit_path) < 0) {
                exec_free(e);
                return -ENOMEM;
        }
        *ret = e;
        return 0;
}

static int exec_start_unit(Exec *e, Container *c, const ExecParams *p, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        _cleanup_free_ char *socket_path = NULL, *job = NULL, *desc = NULL;
        _cleanup_free_ char *cmd = strv_join(p->command, " ");
        _cleanup_strv_free_ char **argv = NULL;
        int r;

        if (!cmd || asprintf(&desc, "conman exec in %s: %.200s", c->name, cmd) < 0 ||
            asprintf(&socket_path, "%s/exec-%s.console", c->manager->run_dir, e->id) < 0)
                return -ENOMEM;
        if (p->tty) {
                r = console_socket_new(c->manager->event, socket_path, on_master, e, &e->socket);
                if (r < 0)
                        return r;
        }
        r = exec_write_process(c, e, p, error);
        if (r >= 0)
                r = exec_argv(c, e, p, socket_path, &argv, error);
        if (r < 0)
                return r;
        /* Watch the unit before it exists: a short exec may end before the start job is done. */
        r = systemd_watch_unit(c->manager->systemd, e->unit_path, on_exec_unit_changed, e, &e->match);
        if (r >= 0)
                r = systemd_new_start_transient_unit(c->manager->systemd, e->unit, &msg);
        if (r >= 0)
                r = unit_append_exec_unit_properties(msg, &(ExecUnitParams){
                                                                  .description = desc,
                                                                  .argv = argv,
                                                                  .stdin_fd = p->stdin_fd,
                                                                  .stdout_fd = p->stdout_fd,
                                                                  .stderr_fd = p->stderr_fd,
                                                          });
        if (r >= 0)
                r = systemd_start_transient_unit(c->manager->systemd, msg, &job, error);
        if (r < 0)
                return r;
        ExecRef *ref = calloc(1, sizeof(ExecRef));
        if (!ref || !(ref->id = strdup(e->id))) {
                free(ref);
                return -ENOMEM;
        }
        ref->manager = c->manager;
        r = systemd_watch_job(c->manager->systemd, job, on_exec_job_removed, ref, exec_ref_free);
        if (r < 0)
                exec_ref_free(ref);
        return r;
}

int exec_start(Container *c, const ExecParams *p, sd_bus_message *request, sd_bus_error *error) {
        Exec *e;
        int r;

        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s is not running (%s); start it before exec.", c->name,
                                         container_state_to_string(c->state));
        if (c->paused) /* the runtime would hang joining a frozen cgroup, as docker says */
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s is paused; unpause it before exec.", c->name);
        r = exec_new(c, p->tty, &e);
        if (r < 0)
                return r;
        r = exec_start_unit(e, c, p, error);
        if (r < 0) {
                exec_free(e);
                return r;
        }
        e->request = sd_bus_message_ref(request);
        log_info("Exec %s in %s: %s.", e->id, c->name, e->unit);
        return 1;
}

int exec_run_internal(Container *c, const ExecParams *p, ExecDoneHandler done, void *userdata,
                      void (*free_userdata)(void *userdata), char **ret_id, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        Exec *e;
        int r;

        if (c->state != CONTAINER_RUNNING) {
                if (free_userdata)
                        free_userdata(userdata);
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not running (%s).",
                                         c->name, container_state_to_string(c->state));
        }
        r = exec_new(c, false, &e);
        if (r < 0) {
                if (free_userdata)
                        free_userdata(userdata);
                return r;
        }
        e->done_userdata = userdata;
        e->done_free = free_userdata;
        r = exec_start_unit(e, c, p, error);
        if (r >= 0 && !(id = strdup(e->id)))
                r = -ENOMEM;
        if (r < 0) {
                exec_free(e);
                return r;
        }
        e->done = done;
        *ret_id = TAKE_PTR(id);
        return 0;
}

int exec_wait(Manager *m, const char *exec_id, sd_bus_message *request) {
        Exec *e = exec_find(m, exec_id);
        sd_bus_message **w;

        if (!e)
                return -ENOENT;
        if (e->exited) {
                (void) sd_bus_reply_method_return(request, "i", (int32_t) e->exit_code);
                exec_free(e);
                return 1;
        }
        w = realloc(e->waiters, sizeof(sd_bus_message *) * (e->n_waiters + 1));
        if (!w)
                return -ENOMEM;
        e->waiters = w;
        e->waiters[e->n_waiters++] = sd_bus_message_ref(request);
        return 1;
}

/* The PID in the exec's pid file, if that process is still in the container's cgroup (not a reused PID). */
static int exec_read_pid(Exec *e, pid_t *ret) {
        _cleanup_free_ char *text = NULL, *cgroup_file = NULL, *cgroup = NULL, *needle = NULL;
        uint64_t pid;
        int r;

        r = read_file(e->pid_file, 64, &text, NULL);
        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = 0;
        if (safe_atou64(text, &pid) < 0 || pid <= 1 || pid > INT32_MAX)
                return -EBADMSG;
        if (asprintf(&cgroup_file, "/proc/%" PRIu64 "/cgroup", pid) < 0 ||
            asprintf(&needle, "/%s/", e->container_unit) < 0)
                return -ENOMEM;
        r = read_file(cgroup_file, 4096, &cgroup, NULL);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        if (!strstr(cgroup, needle))
                return -ESRCH;
        *ret = (pid_t) pid;
        return 0;
}

int exec_kill(Manager *m, const char *exec_id, int sig, sd_bus_error *error) {
        Exec *e = exec_find(m, exec_id);
        pid_t pid;
        int r;

        if (!e || e->exited)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "No running exec '%.64s': unknown, or it already ended.", exec_id);
        r = exec_read_pid(e, &pid);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "The exec %s in %s has not started its process yet; try again.",
                                         e->id, e->container_name);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "The process of exec %s in %s already ended.", e->id,
                                         e->container_name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot read the PID of exec %s: %m", e->id);
        if (kill(pid, sig) < 0)
                return sd_bus_error_set_errnof(error, errno, "Cannot signal exec %s (PID %i): %m", e->id,
                                               (int) pid);
        log_info("Exec %s in %s: sent %s to PID %i.", e->id, e->container_name, signal_to_string(sig) ?: "?",
                 (int) pid);
        return 0;
}

void exec_free_all(Manager *m) {
        while (m->execs)
                exec_free(m->execs);
}
