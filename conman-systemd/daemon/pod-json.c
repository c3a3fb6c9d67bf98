/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-json.c — the inspect document of a pod (InspectPod), with podman's keys where they exist.
 */
#include "shared/json-util.h"
#include "shared/util.h"
#include "daemon/container-network.h"
#include "daemon/container.h"
#include "daemon/pod.h"

static struct json_object *json_timestamp(uint64_t usec) {
        char buf[40];
        return json_object_new_string(usec ? format_timestamp(usec, buf) : "0001-01-01T00:00:00Z");
}

static struct json_object *labels_json(char **labels) {
        struct json_object *o = json_object_new_object();

        for (char **l = labels; l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                const char *eq = strchr(*l, '=');
                if (k)
                        json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
        }
        return o;
}

/* CreatePod's DNS settings ([] for each one not given: the network's). */
static struct json_object *dns_json(const PodSpec *s) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "Servers", json_strv_new(s->dns_servers));
        json_object_object_add(o, "Searches", json_strv_new(s->dns_searches));
        json_object_object_add(o, "Options", json_strv_new(s->dns_options));
        return o;
}

static struct json_object *shared_json(unsigned share) {
        static const char *const names[] = { "net", "ipc", "uts" };
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (share & (1u << i))
                        json_object_array_add(a, json_object_new_string(names[i]));
        return a;
}

static struct json_object *containers_json(Pod *p, unsigned *ret_n) {
        struct json_object *a = json_object_new_array();

        *ret_n = 0;
        for (Container *c = p->manager->containers; c; c = c->next) {
                struct json_object *o;

                if (!pod_has_member(p, c))
                        continue;
                o = json_object_new_object();
                json_object_object_add(o, "Id", json_object_new_string(c->id));
                json_object_object_add(o, "Name", json_object_new_string(c->name));
                json_object_object_add(o, "State", json_object_new_string(container_status_string(c)));
                json_object_array_add(a, o);
                (*ret_n)++;
        }
        return a;
}

static struct json_object *limits_json(const PodSpec *s) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "Memory", json_object_new_uint64(s->memory_max));
        json_object_object_add(o, "CPUQuota", json_object_new_uint64(s->cpu_quota_usec));
        json_object_object_add(o, "PidsLimit", json_object_new_uint64(s->pids_limit));
        return o;
}

static void add_network(struct json_object *o, Pod *p) {
        _cleanup_json_ struct json_object *settings = network_settings_json(
                p->manager, p->spec.id, p->spec.network, p->spec.network_name, p->spec.ports);
        struct json_object *v;

        json_object_object_add(
                o, "Network",
                json_object_new_string(p->spec.network == NETWORK_BRIDGE && p->spec.network_name
                                               ? p->spec.network_name
                                               : network_mode_to_string(p->spec.network)));
        json_object_object_add(o, "Ports",
                               json_object_object_get_ex(settings, "Ports", &v) ? json_object_get(v)
                                                                                : json_object_new_object());
        json_object_object_add(o, "IPAddress",
                               json_object_object_get_ex(settings, "IPAddress", &v)
                                       ? json_object_get(v)
                                       : json_object_new_string(""));
}

struct json_object *pod_to_json(Pod *p) {
        struct json_object *o = json_object_new_object(), *members;
        unsigned n;

        json_object_object_add(o, "Id", json_object_new_string(p->spec.id));
        json_object_object_add(o, "Name", json_object_new_string(p->spec.name));
        if (p->spec.source_path) /* from a .pod file (conman-generator) */
                json_object_object_add(o, "SourcePath", json_object_new_string(p->spec.source_path));
        json_object_object_add(o, "Created", json_timestamp(p->spec.created_at));
        json_object_object_add(o, "State", json_object_new_string(pod_state_to_string(p->state)));
        json_object_object_add(o, "Hostname", json_object_new_string(p->spec.hostname ?: p->spec.name));
        json_object_object_add(o, "Labels", labels_json(p->spec.labels));
        json_object_object_add(o, "Annotations", labels_json(p->spec.annotations));
        json_object_object_add(o, "CgroupParent", json_object_new_string(p->slice));
        json_object_object_add(o, "Slice", json_object_new_string(p->slice));
        json_object_object_add(o, "Unit", json_object_new_string(p->pin_unit));
        json_object_object_add(o, "SharedNamespaces", shared_json(p->spec.share));
        json_object_object_add(o, "Pid", json_object_new_string(pod_pid_mode_to_string(p->spec.pid)));
        json_object_object_add(o, "Ipc", json_object_new_string(p->spec.ipc_host ? "host" : "pod"));
        json_object_object_add(o, "DNS", dns_json(&p->spec));
        members = containers_json(p, &n);
        json_object_object_add(o, "NumContainers", json_object_new_int64(n));
        json_object_object_add(o, "Containers", members);
        json_object_object_add(o, "InfraContainerID", json_object_new_string(""));
        add_network(o, p);
        json_object_object_add(o, "Limits", limits_json(&p->spec));
        return o;
}
