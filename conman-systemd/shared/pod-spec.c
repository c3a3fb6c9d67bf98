/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-spec.c — see pod-spec.h.
 */
#include <arpa/inet.h>
#include <signal.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/names.h"
#include "shared/network-options.h"
#include "shared/network-spec.h"
#include "shared/pod-spec.h"
#include "shared/unit.h"
#include "shared/util.h"

static const char *const pod_pid_mode_table[_POD_PID_MODE_MAX] = {
        [POD_PID_PRIVATE] = "private",
        [POD_PID_POD] = "pod",
        [POD_PID_HOST] = "host",
};

DEFINE_STRING_TABLE_LOOKUP(pod_pid_mode, PodPidMode);

void pod_spec_init(PodSpec *s) {
        *s = (PodSpec){ .network = NETWORK_BRIDGE, .share = POD_SHARE_DEFAULT };
}

void pod_spec_done(PodSpec *s) {
        free(s->id);
        free(s->name);
        free(s->hostname);
        strv_freep(&s->labels);
        strv_freep(&s->annotations);
        free(s->network_name);
        strv_freep(&s->ports);
        free(s->source_path);
        free(s->cgroup_parent);
        strv_freep(&s->dns_servers);
        strv_freep(&s->dns_searches);
        strv_freep(&s->dns_options);
        pod_spec_init(s);
}

static const char *const share_names[] = { "net", "ipc", "uts" };

int pod_share_parse(const char *s, unsigned *ret) {
        unsigned bits = 0;

        for (const char *p = s; p && *p;) {
                size_t n = strcspn(p, ","), i;
                for (i = 0; i < ELEMENTSOF(share_names); i++)
                        if (strlen(share_names[i]) == n && strneq(p, share_names[i], n))
                                break;
                if (i == ELEMENTSOF(share_names))
                        return -EINVAL;
                bits |= 1u << i;
                p += n + (p[n] == ',');
        }
        *ret = bits;
        return 0;
}

int pod_share_format(unsigned share, char **ret) {
        char buf[32] = "";

        for (size_t i = 0; i < ELEMENTSOF(share_names); i++)
                if (share & (1u << i)) {
                        if (buf[0])
                                strcat(buf, ",");
                        strcat(buf, share_names[i]);
                }
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

/* What a pod shares with a container spec, checked by the same code with the same words. */
static void as_container_spec(const PodSpec *s, ContainerSpec *v) {
        container_spec_init(v);
        v->hostname = s->hostname;
        v->labels = s->labels;
        v->network = s->network;
        v->network_name = s->network_name;
        v->ports = s->ports;
        v->memory_max = s->memory_max;
        v->cpu_quota_usec = s->cpu_quota_usec;
        v->pids_limit = s->pids_limit;
}

int pod_spec_validate(const PodSpec *s, sd_bus_error *error) {
        ContainerSpec v; /* shallow: never freed */

        if (!s->name || !container_name_is_valid(s->name))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid pod name '%s': names match " CONTAINER_NAME_RULE ".",
                                         strempty(s->name));
        if (s->id && !container_id_is_valid(s->id))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, "Invalid pod id.");
        if (s->share & ~(unsigned) POD_SHARE_DEFAULT)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "A pod shares net, ipc and uts (--share); nothing else.");
        if (!(s->share & POD_SHARE_NET) && (s->ports || s->network != NETWORK_BRIDGE || s->network_name))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "A pod that does not share net has no network or ports of its own.");
        if (s->pids_limit == CONTAINER_PIDS_LIMIT_UNLIMITED)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "A pod's pids limit is a number (leave it out for none).");
        if (annotations_validate(s->annotations, error) < 0)
                return -EINVAL;
        if (dns_settings_validate(s->dns_servers, s->dns_searches, s->dns_options, error) < 0)
                return -EINVAL;
        for (char **p = s->ports; p && *p; p++) {
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) >= 0 && pm.host_port == 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "A pod publishes a port with its host port ('%s' has none): "
                                                 "use HOSTPORT:PORT.",
                                                 *p);
        }
        if (s->pid < 0 || s->pid >= _POD_PID_MODE_MAX)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Unknown Pid mode: use private, pod or host.");
        if (s->ipc_host && (s->share & POD_SHARE_IPC))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Ipc host and a shared IPC namespace exclude each other.");
        if (s->cgroup_parent && !slice_name_is_valid(s->cgroup_parent))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid CgroupParent '%.256s': give a slice such as "
                                         "kubepods-besteffort-pod1.slice.",
                                         s->cgroup_parent);
        as_container_spec(s, &v);
        return container_spec_validate_common(&v, error);
}

static void add_string(struct json_object *o, const char *key, const char *v) {
        if (v)
                json_object_object_add(o, key, json_object_new_string(v));
}

struct json_object *pod_spec_to_json(const PodSpec *s) {
        struct json_object *o = json_object_new_object();
        _cleanup_free_ char *share = NULL;

        add_string(o, "id", s->id);
        add_string(o, "name", s->name);
        add_string(o, "hostname", s->hostname);
        json_object_object_add(o, "labels", json_strv_new(s->labels));
        if (s->annotations)
                json_object_object_add(o, "annotations", json_strv_new(s->annotations));
        add_string(o, "network", network_mode_to_string(s->network));
        add_string(o, "networkName", s->network_name);
        json_object_object_add(o, "ports", json_strv_new(s->ports));
        if (pod_share_format(s->share, &share) >= 0)
                add_string(o, "share", share);
        json_object_object_add(o, "memoryMax", json_object_new_uint64(s->memory_max));
        json_object_object_add(o, "cpuQuotaUSec", json_object_new_uint64(s->cpu_quota_usec));
        json_object_object_add(o, "pidsLimit", json_object_new_uint64(s->pids_limit));
        add_string(o, "cgroupParent", s->cgroup_parent);
        if (s->dns_servers)
                json_object_object_add(o, "dnsServers", json_strv_new(s->dns_servers));
        if (s->dns_searches)
                json_object_object_add(o, "dnsSearches", json_strv_new(s->dns_searches));
        if (s->dns_options)
                json_object_object_add(o, "dnsOptions", json_strv_new(s->dns_options));
        if (s->pid != POD_PID_PRIVATE)
                add_string(o, "pid", pod_pid_mode_to_string(s->pid));
        if (s->ipc_host)
                json_object_object_add(o, "ipcHost", json_object_new_boolean(true));
        if (s->slice_made)
                json_object_object_add(o, "sliceMade", json_object_new_boolean(true));
        json_object_object_add(o, "createdAt", json_object_new_uint64(s->created_at));
        add_string(o, "sourcePath", s->source_path);
        if (s->removing)
                json_object_object_add(o, "removing", json_object_new_boolean(true));
        return o;
}

int pod_spec_from_json(struct json_object *o, PodSpec *s) {
        _cleanup_free_ char *network = NULL, *share = NULL, *pid = NULL;
        int r;

        pod_spec_init(s);
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        r = json_get_string(o, "id", &s->id);
        if (r >= 0)
                r = json_get_string(o, "name", &s->name);
        if (r >= 0)
                r = json_get_string(o, "hostname", &s->hostname);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "labels"), &s->labels);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "annotations"), &s->annotations);
        if (r >= 0)
                r = json_get_string(o, "network", &network);
        if (r >= 0)
                r = json_get_string(o, "networkName", &s->network_name);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "ports"), &s->ports);
        if (r >= 0)
                r = json_get_string(o, "share", &share);
        if (r >= 0)
                r = json_get_string(o, "sourcePath", &s->source_path);
        if (r >= 0)
                r = json_get_string(o, "cgroupParent", &s->cgroup_parent);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "dnsServers"), &s->dns_servers);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "dnsSearches"), &s->dns_searches);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "dnsOptions"), &s->dns_options);
        if (r >= 0)
                r = json_get_string(o, "pid", &pid);
        if (r < 0)
                return r;
        s->network = network ? network_mode_from_string(network) : NETWORK_BRIDGE;
        if (s->network < 0 || (share && pod_share_parse(share, &s->share) < 0))
                return -EBADMSG;
        s->memory_max = json_get_u64(o, "memoryMax", 0);
        s->cpu_quota_usec = json_get_u64(o, "cpuQuotaUSec", 0);
        s->pids_limit = json_get_u64(o, "pidsLimit", 0);
        s->created_at = json_get_u64(o, "createdAt", 0);
        s->removing = json_get_bool(o, "removing");
        s->slice_made = json_get_bool(o, "sliceMade");
        s->ipc_host = json_get_bool(o, "ipcHost");
        s->pid = pid ? pod_pid_mode_from_string(pid) : POD_PID_PRIVATE;
        /* a file is not trusted: what it says must be what CreatePod would have accepted */
        if (!s->id || !container_id_is_valid(s->id) || pod_spec_validate(s, NULL) < 0)
                return -EBADMSG;
        return 0;
}

int pod_spec_load(int dir_fd, PodSpec *ret) {
        _cleanup_json_ struct json_object *j = NULL;
        int r;

        r = json_read_file_at(dir_fd, POD_SPEC_FILE, &j);
        if (r < 0)
                return r;
        r = pod_spec_from_json(j, ret);
        if (r < 0)
                pod_spec_done(ret);
        return r;
}

int pod_spec_save(int dir_fd, const PodSpec *s) {
        _cleanup_json_ struct json_object *j = pod_spec_to_json(s);

        return j ? json_write_file_atomic_at(dir_fd, POD_SPEC_FILE, j) : -ENOMEM;
}

/* systemd's escaping for one component of a slice name: '-' separates the levels of the hierarchy. */
static char *slice_component_escape(const char *name) {
        char *e = malloc(strlen(name) * 4 + 1), *p = e;

        if (!e)
                return NULL;
        for (const char *c = name; *c; c++)
                if (*c == '-')
                        p = stpcpy(p, "\\x2d");
                else
                        *p++ = *c;
        *p = 0;
        return e;
}

int pod_slice_name(const char *pod_name, char **ret) {
        _cleanup_free_ char *e = slice_component_escape(pod_name);

        if (!e || asprintf(ret, POD_SLICE_PREFIX "%s.slice", e) < 0)
                return -ENOMEM;
        return 0;
}

int pod_spec_slice(const PodSpec *s, char **ret) {
        if (s->cgroup_parent)
                return (*ret = strdup(s->cgroup_parent)) ? 0 : -ENOMEM;
        return pod_slice_name(s->name, ret);
}

int pod_cgroup_parent_parse(const char *v, char **ret_slice) {
        _cleanup_free_ char *path = NULL;
        const char *base = strrchr(v, '/');

        base = base ? base + 1 : v;
        if (!slice_name_is_valid(base))
                return -EINVAL;
        if (base != v && (slice_cgroup_path(base, &path) < 0 || !streq(path, v)))
                return -EINVAL; /* a path must be where systemd puts that slice */
        return (*ret_slice = strdup(base)) ? 0 : -ENOMEM;
}

int pod_pin_unit_name(const char *pod_name, char **ret) {
        return asprintf(ret, POD_PIN_UNIT_PREFIX "%s.service", pod_name) < 0 ? -ENOMEM : 0;
}

int pod_slice_cgroup_path(const char *pod_name, char **ret) {
        _cleanup_free_ char *slice = NULL;
        int r = pod_slice_name(pod_name, &slice);

        if (r < 0)
                return r;
        return slice_cgroup_path(slice, ret);
}

int pod_run_dir(const char *run_dir, const char *pod_id, char **ret) {
        return asprintf(ret, "%s/pods/%s", run_dir, pod_id) < 0 ? -ENOMEM : 0;
}

int pod_ns_path(const char *run_dir, const char *pod_id, const char *ns, char **ret) {
        return asprintf(ret, "%s/pods/%s/%s", run_dir, pod_id, ns) < 0 ? -ENOMEM : 0;
}

void pod_member_paths_done(PodMemberPaths *p) {
        free(p->netns_path);
        free(p->ipc_path);
        free(p->uts_path);
        free(p->etc_dir);
        free(p->pid_path);
        *p = (PodMemberPaths){};
}

/* The same paths as network_container_paths() (network-attach.h) and conman-podns use: the pod's network
 * namespace is /run/netns/conman-<id12>; a pod on a bridge network has its /etc files with its attachment
 * (<run>/networks/<id>), any other pod in <run>/pods/<id>/etc. */
int pod_member_paths(const PodSpec *s, const char *run_dir, PodMemberPaths *ret) {
        _cleanup_(pod_member_paths_done) PodMemberPaths p = { .hostname = s->hostname ?: s->name };
        int r = 0;

        if ((s->share & POD_SHARE_NET) && s->network != NETWORK_HOST) {
                if (asprintf(&p.netns_path, "/run/netns/conman-%.12s", s->id) < 0)
                        return -ENOMEM;
                r = s->network == NETWORK_BRIDGE ? asprintf(&p.etc_dir, "%s/networks/%s", run_dir, s->id)
                                                 : asprintf(&p.etc_dir, "%s/pods/%s/etc", run_dir, s->id);
                if (r < 0)
                        return -ENOMEM;
        }
        if ((s->share & POD_SHARE_IPC) && pod_ns_path(run_dir, s->id, "ipc", &p.ipc_path) < 0)
                return -ENOMEM;
        if ((s->share & POD_SHARE_UTS) && pod_ns_path(run_dir, s->id, "uts", &p.uts_path) < 0)
                return -ENOMEM;
        if (s->pid == POD_PID_POD && pod_ns_path(run_dir, s->id, "pid", &p.pid_path) < 0)
                return -ENOMEM;
        p.pid_host = s->pid == POD_PID_HOST;
        p.ipc_host = s->ipc_host;
        *ret = p;
        p = (PodMemberPaths){};
        return 0;
}
