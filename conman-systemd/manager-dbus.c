/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-dbus.c — io.conman1.Manager on /io/conman1: the manager's bus face.
 * Handlers parse arguments, validate, authorize, call the model and reply.
 * The interface is documented in dbus/io.conman1.Manager.xml; a test checks the
 * two agree. Methods named *Container take a name, a full id or a unique id prefix.
 */
#include "bus-errors.h"
#include "bus-options.h"
#include "bus-util.h"
#include "conman-config.h"
#include "console-dbus.h"
#include "container.h"
#include "log.h"
#include "manager.h"
#include "output.h"
#include "util.h"

static int property_get_systemd_version(sd_bus *bus, const char *path, const char *interface,
                                        const char *property, sd_bus_message *reply, void *userdata,
                                        sd_bus_error *error) {
        Manager *m = userdata;
        return sd_bus_message_append(reply, "s", strempty(m->systemd_version));
}

/* Reads the container reference every *Container method starts with and finds it. */
static int read_container(sd_bus_message *msg, Manager *m, Container **ret, sd_bus_error *error) {
        const char *ref;
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        return container_find(m, ref, ret, error);
}

static int method_create_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(container_spec_done) ContainerSpec spec;
        _cleanup_strv_free_ char **command = NULL;
        Manager *m = userdata;
        const char *name;
        Container *c;
        int r;

        container_spec_init(&spec);
        r = sd_bus_message_read(msg, "s", &name);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &command);
        if (r < 0)
                return r;
        r = bus_read_container_options(msg, &spec, error);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;

        spec.command = TAKE_PTR(command);
        r = container_create(m, isempty(name) ? NULL : name, &spec, &c, error);
        if (r < 0)
                return r;
        log_info("Created container %s (%.12s).", c->name, c->id);
        (void) container_send_new_signal(c);
        return sd_bus_reply_method_return(msg, "so", c->id, c->object_path);
}

static int method_start_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(msg, container_start(c, msg, error));
}

static int method_stop_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "t", &timeout);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (timeout != UINT64_MAX && timeout > 24 * 3600 * USEC_PER_SEC)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, "Stop timeout must be at most 24 hours.");
        return bus_reply_when_done(msg, container_stop(c, timeout, msg, error));
}

static int method_restart_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "t", &timeout);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (timeout != UINT64_MAX && timeout > 24 * 3600 * USEC_PER_SEC)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, "Stop timeout must be at most 24 hours.");
        return bus_reply_when_done(msg, container_restart(c, timeout, msg, error));
}

static int method_kill_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *signame;
        Container *c;
        int sig, r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &signame);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        sig = isempty(signame) ? SIGKILL : signal_from_string(signame);
        if (sig < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown signal '%s': use a name like TERM or SIGKILL, or a number.", signame);
        r = container_kill(c, sig, error);
        return bus_reply_when_done(msg, r < 0 ? r : 0);
}

static int method_remove_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int force, r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "b", &force);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(msg, container_remove(c, force, msg, error));
}

static int method_wait_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r < 0)
                return r;
        r = container_wait(c, msg);
        if (r < 0)
                return r;
        if (r > 0)
                return 1;
        return sd_bus_reply_method_return(msg, "i", (int32_t) c->exit_code);
}

static int method_get_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", c->object_path);
}

static int method_inspect_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_json_ struct json_object *j = NULL;
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r < 0)
                return r;
        j = container_to_json(c);
        return sd_bus_reply_method_return(
                msg, "s", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int method_attach_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int out = -EBADF, err = -EBADF;
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (c->state == CONTAINER_EXITED && !c->stdout_stream)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s has exited; 'conmanctl logs %s' shows its output.", c->name,
                                         c->name);
        r = attachment_new(c, false, false, &(int){ -EBADF }, &out, &err);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "hh", out, err);
}

static int append_container_entry(sd_bus_message *reply, Container *c) {
        _cleanup_free_ char *command = strv_join(c->spec.command, " ");

        if (!command)
                return -ENOMEM;
        return sd_bus_message_append(reply, "(sssssitttuso)", c->id, c->name, strempty(c->spec.image ?: c->spec.rootfs),
                                     command, container_state_to_string(c->state), (int32_t) c->exit_code,
                                     c->created_at, c->started_at, c->finished_at, c->main_pid, c->unit,
                                     c->object_path);
}

static int method_list_containers(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r >= 0)
                r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sssssitttuso)");
        for (Container *c = m->containers; r >= 0 && c; c = c->next)
                if (all || container_state_is_active(c->state))
                        r = append_container_entry(reply, c);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", NULL, offsetof(Manager, version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StateDirectory", "s", NULL, offsetof(Manager, state_dir), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DefaultRuntime", "s", NULL, offsetof(Manager, default_runtime),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SystemdVersion", "s", property_get_systemd_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("CreateContainer",
                                SD_BUS_ARGS("s", name, "as", command, "a{sv}", options),
                                SD_BUS_RESULT("s", id, "o", path), method_create_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StartContainer", SD_BUS_ARGS("s", container), SD_BUS_NO_RESULT,
                                method_start_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StopContainer", SD_BUS_ARGS("s", container, "t", timeout_usec), SD_BUS_NO_RESULT,
                                method_stop_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RestartContainer", SD_BUS_ARGS("s", container, "t", timeout_usec),
                                SD_BUS_NO_RESULT, method_restart_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("KillContainer", SD_BUS_ARGS("s", container, "s", signal), SD_BUS_NO_RESULT,
                                method_kill_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveContainer", SD_BUS_ARGS("s", container, "b", force), SD_BUS_NO_RESULT,
                                method_remove_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("WaitContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("i", exit_code),
                                method_wait_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("o", path),
                                method_get_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("s", json),
                                method_inspect_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AttachContainer", SD_BUS_ARGS("s", container),
                                SD_BUS_RESULT("h", stdout_fd, "h", stderr_fd), method_attach_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AttachContainerStdio", SD_BUS_ARGS("s", container, "a{sv}", options),
                                SD_BUS_RESULT("h", stdin_fd, "h", stdout_fd, "h", stderr_fd, "b", tty),
                                method_attach_container_stdio, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ResizeContainerTerminal", SD_BUS_ARGS("s", container, "u", rows, "u", columns),
                                SD_BUS_NO_RESULT, method_resize_container_terminal, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ExecContainer",
                                SD_BUS_ARGS("s", container, "as", command, "a{sv}", options, "h", stdin_fd, "h",
                                            stdout_fd, "h", stderr_fd),
                                SD_BUS_RESULT("s", exec_id, "h", terminal_fd), method_exec_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("WaitExec", SD_BUS_ARGS("s", exec_id), SD_BUS_RESULT("i", exit_code),
                                method_wait_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainers", SD_BUS_ARGS("b", all),
                                SD_BUS_RESULT("a(sssssitttuso)", containers), method_list_containers,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerNew", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerRemoved", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_VTABLE_END,
};

int manager_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager", manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export /io/conman1: %m");
        return container_bus_export(m);
}
