/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-dbus.c — io.conman1.Pod on /io/conman1/pod/<escaped id>: one object per pod, served by a fallback
 * vtable, and the Manager's pod methods (CreatePod, ListPods, GetPod; StartPod ... forward to the Pod's
 * methods). Handlers parse, authorize, call pod-ops.c and reply. Documented in dbus/io.conman1.Pod.xml.
 */
#include "daemon/bus/pod-dbus.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/pod-file.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/pod.h"
#include "daemon/bus/bus-options.h"
#include "daemon/bus/bus-util.h"

#define POD_PREFIX "/io/conman1/pod"

static int pod_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                           sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;

        if (sd_bus_path_decode(path, POD_PREFIX, &id) <= 0)
                return 0;
        *found = manager_get_pod_by_id(userdata, id);
        return *found ? 1 : 0;
}

static int pod_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                               sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        Manager *m = userdata;

        for (Pod *p = m->pods; p; p = p->next)
                if (strv_push(&l, p->object_path) < 0)
                        return -ENOMEM;
        *nodes = TAKE_PTR(l);
        return 1;
}

static int property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Pod *p = userdata;
        const char *v = NULL;

        if (streq(property, "Id"))
                v = p->spec.id;
        else if (streq(property, "Name"))
                v = p->spec.name;
        else if (streq(property, "State"))
                v = pod_state_to_string(p->state);
        else if (streq(property, "Hostname"))
                v = p->spec.hostname ?: p->spec.name;
        else if (streq(property, "Network"))
                v = p->spec.network == NETWORK_BRIDGE && p->spec.network_name
                            ? p->spec.network_name
                            : network_mode_to_string(p->spec.network);
        return sd_bus_message_append(reply, "s", strempty(v));
}

static int property_get_containers(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **ids = NULL;
        int r = pod_member_ids(userdata, &ids);

        return r < 0 ? r : sd_bus_message_append_strv(reply, ids);
}

static int property_get_ports(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Pod *p = userdata;
        return sd_bus_message_append_strv(reply, p->spec.ports);
}

static int property_get_shared(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        static const char *const names[] = { "net", "ipc", "uts" };
        Pod *p = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(names); i++)
                if (p->spec.share & (1u << i))
                        r = sd_bus_message_append(reply, "s", names[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int property_get_labels(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Pod *p = userdata;
        return bus_append_labels(reply, p->spec.labels);
}

static int property_get_annotations(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        Pod *p = userdata;
        return bus_append_labels(reply, p->spec.annotations);
}

static int property_get_created_at(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Pod *p = userdata;
        return sd_bus_message_append(reply, "t", p->spec.created_at);
}

int bus_pod_method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, pod_start(userdata, m, error));
}

int bus_pod_method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        int r = bus_read_stop_timeout(m, &timeout, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, pod_stop(userdata, timeout, m, error));
}

int bus_pod_method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        int r = bus_read_stop_timeout(m, &timeout, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, pod_restart(userdata, timeout, m, error));
}

int bus_pod_method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int sig, r;

        r = bus_read_kill_signal(m, &sig, error);
        if (r < 0)
                return r;
        r = pod_kill(userdata, sig, error);
        return bus_reply_when_done(m, r < 0 ? r : 0);
}

int bus_pod_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int force, r;

        r = sd_bus_message_read(m, "b", &force);
        if (r < 0)
                return r;
        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        return bus_reply_when_done(m, pod_remove(userdata, force, m, error));
}

int bus_pod_method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_json_ struct json_object *j = pod_to_json(userdata);
        return sd_bus_reply_method_return(
                m, "s",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The pod as a .pod file (conman.pod(5)) that makes it a boot-time pod: `conmanctl generate unit POD`. */
int bus_pod_method_generate_pod_file(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        Pod *p = userdata;
        int r;

        r = pod_file_format(&p->spec, &text, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "s", text);
}

int bus_manager_method_create_pod(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(pod_spec_done) PodSpec spec;
        const char *name;
        int r;

        pod_spec_init(&spec);
        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = bus_read_pod_options(m, &spec, error);
        if (r < 0)
                return r;
        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        spec.name = strdup(name);
        if (!spec.name)
                return -ENOMEM;
        r = pod_create(userdata, &spec, m, NULL, error);
        return r < 0 ? r : 1; /* answered when the pin unit's start job is done */
}

static int append_pod_entry(sd_bus_message *reply, Pod *p) {
        return sd_bus_message_append(reply, "(ssstuo)", p->spec.id, p->spec.name,
                                     pod_state_to_string(p->state), p->spec.created_at, pod_n_members(p),
                                     p->object_path);
}

int bus_manager_method_list_pods(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *manager = userdata;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssstuo)");
        for (Pod *p = manager->pods; r >= 0 && p; p = p->next)
                r = append_pod_entry(reply, p);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int read_pod(sd_bus_message *m, Manager *manager, Pod **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(m, "s", &ref);
        if (r < 0)
                return r;
        return pod_find(manager, ref, ret, error);
}

int bus_manager_method_get_pod(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Pod *p;
        int r = read_pod(m, userdata, &p, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", p->object_path);
}

int bus_forward_to_pod(sd_bus_message *m, void *userdata, sd_bus_message_handler_t method,
                       sd_bus_error *error) {
        Pod *p;
        int r = read_pod(m, userdata, &p, error);
        if (r < 0)
                return r;
        return method(m, p, error);
}

static const sd_bus_vtable pod_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Containers", "as", property_get_containers, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Slice", "s", NULL, offsetof(Pod, slice), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Unit", "s", NULL, offsetof(Pod, pin_unit), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CreatedAt", "t", property_get_created_at, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Labels", "a{ss}", property_get_labels, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Annotations", "a{ss}", property_get_annotations, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Hostname", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Network", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Ports", "as", property_get_ports, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SharedNamespaces", "as", property_get_shared, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD("Start", "", "", bus_pod_method_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stop", SD_BUS_ARGS("t", timeout_usec), SD_BUS_NO_RESULT, bus_pod_method_stop,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Restart", SD_BUS_ARGS("t", timeout_usec), SD_BUS_NO_RESULT,
                                bus_pod_method_restart, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", signal), SD_BUS_NO_RESULT, bus_pod_method_kill,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Remove", SD_BUS_ARGS("b", force), SD_BUS_NO_RESULT, bus_pod_method_remove,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Inspect", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json), bus_pod_method_inspect,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int pod_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_fallback_vtable(m->bus, NULL, POD_PREFIX, "io.conman1.Pod", pod_vtable,
                                       pod_object_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(m->bus, NULL, POD_PREFIX, pod_node_enumerator, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export pod objects: %m");
        return 0;
}

int pod_send_new_signal(Pod *p) {
        return sd_bus_emit_signal(p->manager->bus, "/io/conman1", "io.conman1.Manager", "PodNew", "sso",
                                  p->spec.id, p->spec.name, p->object_path);
}

int pod_send_removed_signal(Pod *p) {
        return sd_bus_emit_signal(p->manager->bus, "/io/conman1", "io.conman1.Manager", "PodRemoved", "sso",
                                  p->spec.id, p->spec.name, p->object_path);
}

void pod_send_changed(Pod *p, bool members) {
        (void) sd_bus_emit_properties_changed(p->manager->bus, p->object_path, "io.conman1.Pod", "State",
                                              members ? "Containers" : NULL, NULL);
}
