/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-dbus.c — io.conman1.Manager on /io/conman1: the manager's bus face.
 * Handlers parse arguments, validate, authorize, call the model and reply.
 * The interface is documented in dbus/io.conman1.Manager.xml; a test checks the
 * two agree. Methods named *Container take a name, a full id or a unique id prefix.
 */
#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "daemon/container-health.h"
#include "daemon/container.h"
#include "daemon/manager.h"
#include "daemon/pod.h"
#include "daemon/bus/bus-options.h"
#include "daemon/bus/bus-util.h"
#include "daemon/bus/console-dbus.h"
#include "daemon/bus/container-dbus.h"
#include "daemon/bus/container-verbs-dbus.h"
#include "daemon/bus/image-dbus.h"
#include "daemon/bus/network-dbus.h"
#include "daemon/bus/pod-dbus.h"
#include "daemon/bus/volume-dbus.h"

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

/* Pod: the container joins the pod for good. Its network is the pod's (NONE in config.json: the pod's
 * namespace is joined by path, or HOST for a pod on the host's network); Network, Publish and Hostname are
 * the pod's to set. */
static int apply_pod(Manager *m, const BusContainerExtras *extras, ContainerSpec *spec, sd_bus_error *error) {
        Pod *p;
        int r;

        if (!extras->pod)
                return 0;
        r = pod_find(m, extras->pod, &p, error);
        if (r < 0)
                return r;
        if (extras->pod_setting)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Option '%s' belongs to the pod '%s': set it with conmanctl pod create.",
                        extras->pod_setting, p->spec.name);
        if (p->spec.removing)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY, "Pod %s is being removed.", p->spec.name);
        if (free_and_strdup(&spec->pod_id, p->spec.id) < 0 ||
            free_and_strdup(&spec->pod_name, p->spec.name) < 0 ||
            (p->spec.cgroup_parent && free_and_strdup(&spec->pod_slice, p->spec.cgroup_parent) < 0))
                return -ENOMEM;
        spec->network = p->spec.network == NETWORK_HOST ? NETWORK_HOST : NETWORK_NONE;
        if (spec->cgroup_parent)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "CgroupParent: a member of the pod '%s' runs in the pod's slice.",
                                         p->spec.name);
        if ((spec->pid_mode && streq(spec->pid_mode, "host") && p->spec.pid == POD_PID_POD) ||
            (spec->ipc_mode && streq(spec->ipc_mode, "host") && (p->spec.share & POD_SHARE_IPC)) ||
            (spec->uts_mode && streq(spec->uts_mode, "host") && (p->spec.share & POD_SHARE_UTS)))
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "The pod '%s' owns the container's %s namespace: a member cannot use "
                        "the host's.",
                        p->spec.name,
                        spec->pid_mode && streq(spec->pid_mode, "host")   ? "PID"
                        : spec->ipc_mode && streq(spec->ipc_mode, "host") ? "IPC"
                                                                          : "UTS");
        if (spec->pid_mode && streq(spec->pid_mode, "pod") && p->spec.pid != POD_PID_POD)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "PidMode pod: the pod '%s' has no PID namespace (create it with Pid pod).",
                        p->spec.name);
        return 0;
}

static int method_create_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(container_spec_done) ContainerSpec spec;
        _cleanup_(bus_container_extras_done) BusContainerExtras extras = {};
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
        r = bus_read_container_options_full(msg, &spec, &extras, error);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = apply_pod(m, &extras, &spec, error);
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

/* Finds the container named by the first argument and hands the rest of the message to the
 * io.conman1.Container method of the same name (container-dbus.c). */
static int forward_to_container(sd_bus_message *msg, Manager *m, sd_bus_message_handler_t method,
                                sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, m, &c, error);
        if (r < 0)
                return r;
        return method(msg, c, error);
}

#define FORWARD(manager_method, container_method)                                                            \
        static int manager_method(sd_bus_message *msg, void *userdata, sd_bus_error *error) {                \
                return forward_to_container(msg, userdata, container_method, error);                         \
        }

FORWARD(method_start_container, bus_container_method_start)
FORWARD(method_stop_container, bus_container_method_stop)
FORWARD(method_restart_container, bus_container_method_restart)
FORWARD(method_kill_container, bus_container_method_kill)
FORWARD(method_remove_container, bus_container_method_remove)
FORWARD(method_wait_container, bus_container_method_wait)
FORWARD(method_inspect_container, bus_container_method_inspect)
FORWARD(method_generate_container_file, bus_container_method_generate_container_file)
FORWARD(method_attach_container, bus_container_method_attach)

/* Runs the health check once: it runs a command in the container, so root's (container-health.h). */
static int method_healthcheck_run(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        return container_health_run(c, msg, error);
}

#define FORWARD_POD(manager_method, pod_method)                                                              \
        static int manager_method(sd_bus_message *msg, void *userdata, sd_bus_error *error) {                \
                return bus_forward_to_pod(msg, userdata, pod_method, error);                                 \
        }

FORWARD_POD(method_start_pod, bus_pod_method_start)
FORWARD_POD(method_stop_pod, bus_pod_method_stop)
FORWARD_POD(method_restart_pod, bus_pod_method_restart)
FORWARD_POD(method_kill_pod, bus_pod_method_kill)
FORWARD_POD(method_remove_pod, bus_pod_method_remove)
FORWARD_POD(method_inspect_pod, bus_pod_method_inspect)
FORWARD_POD(method_generate_pod_file, bus_pod_method_generate_pod_file)

static int method_get_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Container *c;
        int r = read_container(msg, userdata, &c, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", c->object_path);
}

/* The command column: for a caller who is not root the program only, each argument "<redacted>". */
static int append_container_entry(sd_bus_message *reply, Container *c, bool redact) {
        _cleanup_strv_free_ char **shown = NULL;
        _cleanup_free_ char *command = NULL;

        for (size_t i = 0; redact && c->spec.command && c->spec.command[i]; i++)
                if (strv_push(&shown, i == 0 ? c->spec.command[0] : BUS_REDACTED) < 0)
                        return -ENOMEM;
        command = strv_join(redact ? shown : c->spec.command, " ");

        if (!command)
                return -ENOMEM;
        return sd_bus_message_append(reply, "(sssssitttuso)", c->id, c->name,
                                     strempty(c->spec.image ?: c->spec.rootfs), command,
                                     container_status_string(c), (int32_t) c->exit_code, c->created_at,
                                     c->started_at, c->finished_at, c->main_pid, c->unit, c->object_path);
}

static int method_list_containers(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        bool redact = !bus_caller_is_root(msg);
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r >= 0)
                r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sssssitttuso)");
        for (Container *c = m->containers; r >= 0 && c; c = c->next)
                if (all || container_state_is_active(c->state))
                        r = append_container_entry(reply, c, redact);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* What `ps` filters and shows besides ListContainers' entry: labels, published ports, network, pod; and the
 * image id (`system df`). */
static int append_container_details(sd_bus_message *reply, Container *c) {
        const ContainerSpec *s = &c->spec;
        const char *network = s->network == NETWORK_BRIDGE ? (s->network_name ?: NETWORK_DEFAULT_NAME)
                              : s->network == NETWORK_HOST ? "host"
                                                           : "none";
        int r;

        r = sd_bus_message_open_container(reply, 'r', "sasassss");
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", c->id);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, s->labels);
        if (r >= 0) /* while it runs, the host ports chosen for -p PORT and -P */
                r = sd_bus_message_append_strv(
                        reply, container_state_is_active(c->state) && c->published_ports ? c->published_ports
                                                                                         : s->ports);
        if (r >= 0)
                r = sd_bus_message_append(reply, "sss", s->pod_id ? "" : network, strempty(s->pod_id),
                                          strempty(s->image_id));
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Replies to a (b all) call with an array of element, one per listed container that append adds. */
static int reply_container_list(sd_bus_message *msg, Manager *m, const char *element,
                                int (*append)(sd_bus_message *reply, Container *c)) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r >= 0)
                r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', element);
        for (Container *c = m->containers; r >= 0 && c; c = c->next)
                if (all || container_state_is_active(c->state))
                        r = append(reply, c);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_list_container_details(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return reply_container_list(msg, userdata, "(sasassss)", append_container_details);
}

/* (id, health status) of each listed container that has a health check: `ps` shows it after "Up ...". */
static int append_container_health(sd_bus_message *reply, Container *c) {
        const char *status = container_health_status(c);
        return status ? sd_bus_message_append(reply, "(ss)", c->id, status) : 0;
}

static int method_list_container_health(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return reply_container_list(msg, userdata, "(ss)", append_container_health);
}

const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", NULL, offsetof(Manager, version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StateDirectory", "s", NULL, offsetof(Manager, state_dir),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DefaultRuntime", "s", NULL, offsetof(Manager, default_runtime),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SystemdVersion", "s", property_get_systemd_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("CreateContainer", SD_BUS_ARGS("s", name, "as", command, "a{sv}", options),
                                SD_BUS_RESULT("s", id, "o", path), method_create_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StartContainer", SD_BUS_ARGS("s", container), SD_BUS_NO_RESULT,
                                method_start_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StopContainer", SD_BUS_ARGS("s", container, "t", timeout_usec),
                                SD_BUS_NO_RESULT, method_stop_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RestartContainer", SD_BUS_ARGS("s", container, "t", timeout_usec),
                                SD_BUS_NO_RESULT, method_restart_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("KillContainer", SD_BUS_ARGS("s", container, "s", signal), SD_BUS_NO_RESULT,
                                method_kill_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveContainer", SD_BUS_ARGS("s", container, "b", force), SD_BUS_NO_RESULT,
                                method_remove_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("WaitContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("i", exit_code),
                                method_wait_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("HealthcheckRun", SD_BUS_ARGS("s", container),
                                SD_BUS_RESULT("s", status, "i", exit_code), method_healthcheck_run,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainerHealth", SD_BUS_ARGS("b", all),
                                SD_BUS_RESULT("a(ss)", containers), method_list_container_health,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("o", path),
                                method_get_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectContainer", SD_BUS_ARGS("s", container), SD_BUS_RESULT("s", json),
                                method_inspect_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GenerateContainerFile", SD_BUS_ARGS("s", container),
                                SD_BUS_RESULT("s", text), method_generate_container_file,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AttachContainer", SD_BUS_ARGS("s", container),
                                SD_BUS_RESULT("h", stdout_fd, "h", stderr_fd), method_attach_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AttachContainerStdio", SD_BUS_ARGS("s", container, "a{sv}", options),
                                SD_BUS_RESULT("h", stdin_fd, "h", stdout_fd, "h", stderr_fd, "b", tty),
                                method_attach_container_stdio, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ResizeContainerTerminal",
                                SD_BUS_ARGS("s", container, "u", rows, "u", columns), SD_BUS_NO_RESULT,
                                method_resize_container_terminal, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PrepareContainerConsole", SD_BUS_ARGS("s", container),
                                SD_BUS_RESULT("s", socket_path), method_prepare_container_console,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ExecContainer",
                                SD_BUS_ARGS("s", container, "as", command, "a{sv}", options, "h", stdin_fd,
                                            "h", stdout_fd, "h", stderr_fd),
                                SD_BUS_RESULT("s", exec_id, "h", terminal_fd), method_exec_container,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("WaitExec", SD_BUS_ARGS("s", exec_id), SD_BUS_RESULT("i", exit_code),
                                method_wait_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("KillExec", SD_BUS_ARGS("s", exec_id, "i", signal), SD_BUS_NO_RESULT,
                                method_kill_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("UpdateContainer", SD_BUS_ARGS("s", container, "a{sv}", options),
                                SD_BUS_NO_RESULT, method_update_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PauseContainer", SD_BUS_ARGS("s", container), SD_BUS_NO_RESULT,
                                method_pause_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("UnpauseContainer", SD_BUS_ARGS("s", container), SD_BUS_NO_RESULT,
                                method_unpause_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RenameContainer", SD_BUS_ARGS("s", container, "s", new_name),
                                SD_BUS_NO_RESULT, method_rename_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ReopenContainerLog", SD_BUS_ARGS("s", container), SD_BUS_NO_RESULT,
                                method_reopen_container_log, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainers", SD_BUS_ARGS("b", all),
                                SD_BUS_RESULT("a(sssssitttuso)", containers), method_list_containers,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainerDetails", SD_BUS_ARGS("b", all),
                                SD_BUS_RESULT("a(sasassss)", containers), method_list_container_details,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CreatePod", SD_BUS_ARGS("s", name, "a{sv}", options),
                                SD_BUS_RESULT("s", id, "o", path), bus_manager_method_create_pod,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StartPod", SD_BUS_ARGS("s", pod), SD_BUS_NO_RESULT, method_start_pod,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("StopPod", SD_BUS_ARGS("s", pod, "t", timeout_usec), SD_BUS_NO_RESULT,
                                method_stop_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RestartPod", SD_BUS_ARGS("s", pod, "t", timeout_usec), SD_BUS_NO_RESULT,
                                method_restart_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("KillPod", SD_BUS_ARGS("s", pod, "s", signal), SD_BUS_NO_RESULT,
                                method_kill_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemovePod", SD_BUS_ARGS("s", pod, "b", force), SD_BUS_NO_RESULT,
                                method_remove_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetPod", SD_BUS_ARGS("s", pod), SD_BUS_RESULT("o", path),
                                bus_manager_method_get_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectPod", SD_BUS_ARGS("s", pod), SD_BUS_RESULT("s", json),
                                method_inspect_pod, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GeneratePodFile", SD_BUS_ARGS("s", pod), SD_BUS_RESULT("s", text),
                                method_generate_pod_file, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListPods", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssstuo)", pods),
                                bus_manager_method_list_pods, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerNew", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerRemoved", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_SIGNAL_WITH_ARGS("PodNew", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_SIGNAL_WITH_ARGS("PodRemoved", SD_BUS_ARGS("s", id, "s", name, "o", path), 0),
        SD_BUS_VTABLE_END,
};

int manager_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager", manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export /io/conman1: %m");
        r = image_bus_export(m);
        if (r < 0)
                return log_error_errno(r, "Failed to export the image objects: %m");
        r = network_bus_export(m);
        if (r < 0)
                return r;
        r = volume_bus_export(m);
        if (r < 0)
                return r;
        r = pod_bus_export(m);
        if (r < 0)
                return r;
        return container_bus_export(m);
}
