/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-dbus.c — io.conman1.Container on /io/conman1/container/<escaped id>:
 * one object per container, served by a fallback vtable. Handlers parse, authorize,
 * call container-ops.c and reply. Documented in dbus/io.conman1.Container.xml.
 */
#include "daemon/bus/container-dbus.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/util.h"
#include "daemon/container-health.h"
#include "daemon/container.h"
#include "daemon/stdio/container-stdio.h"
#include "daemon/bus/bus-util.h"

#define CONTAINER_PREFIX "/io/conman1/container"

static int container_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                                 void **found, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        Manager *m = userdata;

        if (sd_bus_path_decode(path, CONTAINER_PREFIX, &id) <= 0)
                return 0;
        *found = manager_get_container_by_id(m, id);
        return *found ? 1 : 0;
}

static int container_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                     sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        Manager *m = userdata;

        for (Container *c = m->containers; c; c = c->next)
                if (strv_push(&l, c->object_path) < 0)
                        return -ENOMEM;
        *nodes = TAKE_PTR(l);
        return 1;
}

static int property_get_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append(reply, "s", container_status_string(c));
}

static int property_get_health(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", strempty(container_health_status(userdata)));
}

static int property_get_spec_string(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        Container *c = userdata;
        const char *v = NULL;

        if (streq(property, "Image"))
                v = c->spec.image;
        else if (streq(property, "Rootfs"))
                v = c->spec.rootfs;
        else if (streq(property, "Runtime"))
                v = c->spec.runtime ?: c->manager->default_runtime;
        else if (streq(property, "RestartPolicy"))
                v = restart_policy_to_string(c->spec.restart);
        else if (streq(property, "Pod"))
                v = c->spec.pod_id;
        return sd_bus_message_append(reply, "s", strempty(v));
}

/* The arguments can carry secrets (a password on the command line): only root reads them, everybody else
 * gets the program and "<redacted>" for each argument. Get and GetAll both come through here. */
static int property_get_command(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        int r;

        if (bus_caller_is_root(sd_bus_get_current_message(bus)))
                return sd_bus_message_append_strv(reply, c->spec.command);
        r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && c->spec.command && c->spec.command[i]; i++)
                r = sd_bus_message_append(reply, "s", i == 0 ? c->spec.command[0] : BUS_REDACTED);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int property_get_oom_killed(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append(reply, "b", c->oom_killed);
}

static int property_get_auto_remove(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append(reply, "b", c->spec.auto_remove);
}

static int property_get_labels(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        return bus_append_labels(reply, c->spec.labels);
}

static int property_get_annotations(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        Container *c = userdata;
        return bus_append_labels(reply, c->spec.annotations);
}

/* The methods of io.conman1.Container; the Manager's *Container methods forward to them
 * (manager-dbus.c) once they found the container, the rest of the message being the same. */
int bus_container_method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        int r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, container_start(c, m, error));
}

int bus_container_method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        uint64_t timeout;
        int r = bus_read_stop_timeout(m, &timeout, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, container_stop(c, timeout, m, error));
}

int bus_container_method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        uint64_t timeout;
        int r = bus_read_stop_timeout(m, &timeout, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, container_restart(c, timeout, m, error));
}

int bus_container_method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        int sig, r;

        r = bus_read_kill_signal(m, &sig, error);
        if (r < 0)
                return r;
        r = container_kill(c, sig, error);
        return bus_reply_when_done(m, r < 0 ? r : 0);
}

int bus_container_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        int force, r;

        r = sd_bus_message_read(m, "b", &force);
        if (r < 0)
                return r;
        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, container_remove(c, force, m, error));
}

int bus_container_method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        int r = container_wait(c, m);
        if (r < 0)
                return r;
        if (r > 0)
                return 1;
        return sd_bus_reply_method_return(m, "i", (int32_t) c->exit_code);
}

/* Everybody may inspect; a caller who is not root gets the secrets redacted (container_to_json()). */
int bus_container_method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_json_ struct json_object *j = container_to_json(userdata, !bus_caller_is_root(m));
        return sd_bus_reply_method_return(
                m, "s",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Root only: the file carries Environment= and the whole command line. */
int bus_container_method_generate_container_file(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        int r;

        if (!bus_caller_is_root(m))
                return sd_bus_error_set(error, CONMAN_ERROR_ACCESS_DENIED,
                                        "Only root may generate a container file: it carries the container's "
                                        "environment and command line. Run this as root (e.g. with sudo).");
        r = container_to_container_file(userdata, &text, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "s", text);
}

int bus_container_method_attach(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int out = -EBADF, err = -EBADF;
        Container *c = userdata;
        int r;

        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        if (c->state == CONTAINER_EXITED && output_fd(c->stdio, "stdout") < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s has exited; 'conmanctl logs %s' shows its output.",
                                         c->name, c->name);
        r = output_attach(container_stdio(c), false, false, &(int){ -EBADF }, &out, &err);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "hh", out, err);
}

static const sd_bus_vtable container_vtable[] = {
        SD_BUS_VTABLE_START(0),
        /* Id never changes, Name only on RenameContainer; they ride along in PropertiesChanged so listeners
         * need no lookup. */
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(Container, id), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(Container, name), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Image", "s", property_get_spec_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Rootfs", "s", property_get_spec_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Command", "as", property_get_command, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Runtime", "s", property_get_spec_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RestartPolicy", "s", property_get_spec_string, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Pod", "s", property_get_spec_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("AutoRemove", "b", property_get_auto_remove, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Labels", "a{ss}", property_get_labels, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Annotations", "a{ss}", property_get_annotations, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Unit", "s", NULL, offsetof(Container, unit), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CreatedAt", "t", NULL, offsetof(Container, created_at),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Health", "s", property_get_health, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ExitCode", "i", NULL, offsetof(Container, exit_code),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("OOMKilled", "b", property_get_oom_killed, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("MainPID", "u", NULL, offsetof(Container, main_pid),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("StartedAt", "t", NULL, offsetof(Container, started_at),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("FinishedAt", "t", NULL, offsetof(Container, finished_at),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RestartCount", "u", NULL, offsetof(Container, restart_count),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD("Start", "", "", bus_container_method_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stop", SD_BUS_ARGS("t", timeout_usec), SD_BUS_NO_RESULT,
                                bus_container_method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Restart", SD_BUS_ARGS("t", timeout_usec), SD_BUS_NO_RESULT,
                                bus_container_method_restart, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", signal), SD_BUS_NO_RESULT, bus_container_method_kill,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Remove", SD_BUS_ARGS("b", force), SD_BUS_NO_RESULT,
                                bus_container_method_remove, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Wait", SD_BUS_NO_ARGS, SD_BUS_RESULT("i", exit_code),
                                bus_container_method_wait, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Inspect", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json),
                                bus_container_method_inspect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GenerateContainerFile", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", text),
                                bus_container_method_generate_container_file, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Attach", SD_BUS_NO_ARGS, SD_BUS_RESULT("h", stdout_fd, "h", stderr_fd),
                                bus_container_method_attach, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int container_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_fallback_vtable(m->bus, NULL, CONTAINER_PREFIX, "io.conman1.Container",
                                       container_vtable, container_object_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(m->bus, NULL, CONTAINER_PREFIX, container_node_enumerator, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export container objects: %m");
        return 0;
}

int container_send_new_signal(Container *c) {
        return sd_bus_emit_signal(c->manager->bus, "/io/conman1", "io.conman1.Manager", "ContainerNew", "sso",
                                  c->id, c->name, c->object_path);
}

int container_send_removed_signal(Container *c) {
        return sd_bus_emit_signal(c->manager->bus, "/io/conman1", "io.conman1.Manager", "ContainerRemoved",
                                  "sso", c->id, c->name, c->object_path);
}

void container_send_health_changed(Container *c) {
        (void) sd_bus_emit_properties_changed(c->manager->bus, c->object_path, "io.conman1.Container", "Id",
                                              "Name", "Health", NULL);
}

void container_send_changed(Container *c) {
        (void) sd_bus_emit_properties_changed(c->manager->bus, c->object_path, "io.conman1.Container", "Id",
                                              "Name", "Unit", "State", "ExitCode", "OOMKilled", "MainPID",
                                              "StartedAt", "FinishedAt", "RestartCount", "RestartPolicy",
                                              NULL);
}
