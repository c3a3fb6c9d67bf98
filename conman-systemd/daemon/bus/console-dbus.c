/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console-dbus.c — see console-dbus.h. Handlers parse, validate, authorize, call
 * the stdio hub (stdio/container-stdio.h) and reply; fds travel as type h, so clients need no socket path.
 */
#include <fcntl.h>
#include <signal.h>

#include "shared/bus-errors.h"
#include "shared/names.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/exec.h"
#include "daemon/manager.h"
#include "daemon/stdio/container-stdio.h"
#include "daemon/bus/bus-options.h"
#include "daemon/bus/bus-util.h"
#include "daemon/bus/console-dbus.h"

#define TERMINAL_SIZE_MAX 65535U

typedef struct AttachOptions {
        int stdin;              /* forward the client's input */
        int close_stdin_on_eof; /* the client's EOF closes the container's stdin (run -i) */
} AttachOptions;

static int read_bool_option(sd_bus_message *msg, const char *key, int *ret, sd_bus_error *error) {
        const char *contents;
        int r;

        r = sd_bus_message_peek_type(msg, NULL, &contents);
        if (r < 0)
                return r;
        if (!streq(contents, "b"))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Option %s must be a boolean (b).", key);
        return sd_bus_message_read(msg, "v", "b", ret);
}

static int read_attach_options(sd_bus_message *msg, AttachOptions *o, sd_bus_error *error) {
        const char *key;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "Stdin"))
                        r = read_bool_option(msg, key, &o->stdin, error);
                else if (streq(key, "CloseStdinOnEOF"))
                        r = read_bool_option(msg, key, &o->close_stdin_on_eof, error);
                else
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown attach option '%s': use Stdin or CloseStdinOnEOF.",
                                                 key);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(msg);
}

static int read_container_ref(sd_bus_message *msg, Manager *m, Container **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        return container_find(m, ref, ret, error);
}

int method_attach_container_stdio(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        AttachOptions o = {};
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = read_attach_options(msg, &o, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (c->source_path && !c->spec.tty)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Container %s runs from %s without a terminal: its output goes to the "
                        "journal directly and it has no stdin to attach to. Follow it with "
                        "'conmanctl logs -f %s', or set Tty=yes in the file.",
                        c->name, c->source_path, c->name);
        if (c->state == CONTAINER_EXITED && output_fd(c->stdio, "stdout") < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s has exited; 'conmanctl logs %s' shows its output.",
                                         c->name, c->name);
        r = output_attach(container_stdio(c), o.stdin, o.close_stdin_on_eof, &in, &out, &err);
        if (r < 0)
                return r;
        if (in < 0) {
                in = open("/dev/null", O_WRONLY | O_CLOEXEC); /* the client's input goes nowhere */
                if (in < 0)
                        return negative_errno();
        }
        return sd_bus_reply_method_return(msg, "hhhb", in, out, err, (int) c->spec.tty);
}

int method_resize_container_terminal(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint32_t rows, cols;
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "uu", &rows, &cols);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (rows == 0 || cols == 0 || rows > TERMINAL_SIZE_MAX || cols > TERMINAL_SIZE_MAX)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Terminal size %ux%u is out of range: rows and columns are 1..%u.",
                                         rows, cols, TERMINAL_SIZE_MAX);
        r = console_resize(container_stdio(c), rows, cols);
        if (r == -ENOTTY)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s has no terminal; create it with -t to resize one.",
                                         c->name);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

static int read_exec_option(sd_bus_message *msg, const char *key, ExecParams *p, char **strings,
                            sd_bus_error *error) {
        const char *contents, *want, *s;
        int b, r;

        want = streq(key, "Tty") ? "b" : streq(key, "Env") ? "as" : "s";
        if (!streq(key, "Tty") && !streq(key, "Env") && !streq(key, "WorkingDir") && !streq(key, "User"))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown exec option '%s': use Tty, Env, WorkingDir or User.", key);
        r = sd_bus_message_peek_type(msg, NULL, &contents);
        if (r < 0)
                return r;
        if (!streq(contents, want))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Exec option %s must be of type %s.", key, want);
        if (streq(key, "Tty")) {
                r = sd_bus_message_read(msg, "v", "b", &b);
                p->tty = b;
                return r;
        }
        if (streq(key, "Env")) {
                r = sd_bus_message_enter_container(msg, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_read_strv(msg, &p->env);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
                return r;
        }
        r = sd_bus_message_read(msg, "v", "s", &s);
        if (r < 0)
                return r;
        strings[streq(key, "User")] = (char *) s;
        return 0;
}

static int read_exec_options(sd_bus_message *msg, ExecParams *p, sd_bus_error *error) {
        char *strings[2] = {};
        const char *key;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = sd_bus_message_read(msg, "s", &key);
                if (r >= 0)
                        r = read_exec_option(msg, key, p, strings, error);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(msg);
        p->working_dir = strings[0];
        p->user = strings[1];
        return r;
}

static bool string_ok(const char *s) {
        return s && strlen(s) <= CONTAINER_STRING_MAX && utf8_is_valid(s);
}

static int validate_exec(const ExecParams *p, sd_bus_error *error) {
        if (strv_length(p->command) == 0 || strv_length(p->command) > CONTAINER_ARGS_MAX ||
            strv_length(p->env) > CONTAINER_ARGS_MAX)
                return sd_bus_error_set(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Give a command to exec (at most 4096 arguments and environment entries).");
        for (char **a = p->command; *a; a++)
                if (!string_ok(*a))
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "Command arguments must be UTF-8 and at most 64 KiB each.");
        for (char **e = p->env; e && *e; e++)
                if (!string_ok(*e) || !strchr(*e, '=') || (*e)[0] == '=')
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Environment entries must be KEY=VALUE (UTF-8, at most 64 KiB).");
        if (p->working_dir && (!string_ok(p->working_dir) || p->working_dir[0] != '/'))
                return sd_bus_error_set(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "The working directory must be an absolute path inside the container.");
        if (p->user && (!string_ok(p->user) || isempty(p->user) || strlen(p->user) > 256))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "The user must be a name or uid[:gid].");
        return 0;
}

static int read_fd(sd_bus_message *msg, int *ret) {
        int fd, r = sd_bus_message_read(msg, "h", &fd);
        if (r < 0)
                return r;
        *ret = fd; /* borrowed from the message, which outlives the StartTransientUnit call */
        return 0;
}

/* A generated TTY container's ExecStartPre= asks for its console socket (conman-prepare). */
int method_prepare_container_console(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        Manager *m = userdata;
        const char *id;
        Container *c;
        int r;

        r = sd_bus_message_read(msg, "s", &id);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (!container_id_is_valid(id))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "'%s' is not a container id (64 hex characters).", id);
        (void) manager_load_new_containers(m);
        r = container_find(m, id, &c, error);
        if (r < 0)
                return r;
        r = container_reload_generated(c);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot read the state of %s: %m", c->name);
        if (!c->source_path || !c->spec.tty)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s is not a generated container with Tty=yes.", c->name);
        r = console_prepare_tty(container_stdio(c), &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "s", path);
}

int method_exec_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **command = NULL, **env = NULL;
        ExecParams p = { .stdin_fd = -EBADF, .stdout_fd = -EBADF, .stderr_fd = -EBADF };
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &command);
        if (r >= 0)
                r = read_exec_options(msg, &p, error);
        env = p.env;
        if (r >= 0)
                r = read_fd(msg, &p.stdin_fd);
        if (r >= 0)
                r = read_fd(msg, &p.stdout_fd);
        if (r >= 0)
                r = read_fd(msg, &p.stderr_fd);
        p.command = command;
        if (r >= 0)
                r = validate_exec(&p, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        return exec_start(c, &p, msg, error);
}

int method_wait_exec(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *id;
        int r;

        r = sd_bus_message_read(msg, "s", &id);
        if (r < 0)
                return r;
        r = exec_wait(userdata, id, msg);
        if (r == -ENOENT)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "No exec '%.64s': it was never started here, or its exit code was already "
                        "collected.",
                        id);
        return r;
}

/* Signals the exec'd process inside the container (the CRI's ExecSync timeout). */
int method_kill_exec(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *id;
        int32_t sig;
        int r;

        r = sd_bus_message_read(msg, "si", &id, &sig);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (sig <= 0 || sig >= _NSIG)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT, "Invalid signal %i.", sig);
        r = exec_kill(userdata, id, sig, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

/* kubelet renamed the container's log file (rotation): the output goes to a new file at LogPath. */
int method_reopen_container_log(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (!c->spec.log_path)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s has no log file (created without LogPath).", c->name);
        if (!container_state_is_active(c->state))
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not running.",
                                         c->name);
        r = output_reopen_log(container_stdio(c));
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot open the log file %s of %s: %m",
                                               c->spec.log_path, c->name);
        return sd_bus_reply_method_return(msg, NULL);
}

/* docker's update, CRI's UpdateContainerResources: the options change the container's limits. */
int method_update_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(container_spec_done) ContainerSpec limits;
        Container *c;
        int r;

        container_spec_init(&limits);
        r = read_container_ref(msg, userdata, &c, error);
        if (r < 0)
                return r;
        limits.memory_max = c->spec.memory_max;
        limits.cpu_quota_usec = c->spec.cpu_quota_usec;
        limits.cpu_weight = c->spec.cpu_weight;
        limits.pids_limit = c->spec.pids_limit;
        limits.memory_swap = c->spec.memory_swap;
        limits.memory_low = c->spec.memory_low;
        limits.io_weight = c->spec.io_weight;
        limits.restart = c->spec.restart;
        limits.restart_max_retries = c->spec.restart_max_retries;
        limits.auto_remove = c->spec.auto_remove;
        if ((c->spec.cpuset_cpus && !(limits.cpuset_cpus = strdup(c->spec.cpuset_cpus))) ||
            (c->spec.cpuset_mems && !(limits.cpuset_mems = strdup(c->spec.cpuset_mems))))
                return -ENOMEM;
        r = bus_read_update_options(msg, &limits, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r >= 0)
                r = container_update_resources(c, &limits, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}
