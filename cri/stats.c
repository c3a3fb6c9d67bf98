/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stats.c — ContainerStats, ListContainerStats, PodSandboxStats, ListPodSandboxStats from the units' cgroups.
 *
 * Where the figures come from: systemd's unit properties over D-Bus (MemoryCurrent, CPUUsageNSec,
 * TasksCurrent of conman-NAME.service, or of the pod's slice) — systemd knows which hierarchy holds
 * which controller, so the same code serves cgroup v2 hosts and the v1/v2 hybrid test machines (where
 * memory and cpuacct are v1) — plus the unit's memory.stat (found through its ControlGroup property) for
 * what systemd does not report: the inactive file cache behind kubelet's working set, rss and page
 * faults. The writable layer is the container's overlay upper dir, walked as containerd's overlayfs
 * snapshotter does (blocks and inodes); fs_id is the mount point of conman's state directory, where the
 * upper dirs live.
 * CPU usage_nano_cores needs two samples over time and this server keeps none: it is left unset.
 */
#include <errno.h>
#include <ftw.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/fileio.h"
#include "shared/util.h"
#include "cri/cri-conman.h"
#include "cri/cri.h"
#include "cri/resources.h"

#define SYSTEMD_SERVICE "org.freedesktop.systemd1"
#define SYSTEMD_PATH    "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define MEMORY_STAT_MAX (64U << 10)

/* What systemd reports of one unit; UINT64_MAX: not known (the unit is not loaded, no accounting). */
typedef struct UnitFigures {
        uint64_t memory;   /* MemoryCurrent, bytes */
        uint64_t cpu_nsec; /* CPUUsageNSec */
        uint64_t tasks;    /* TasksCurrent */
        CgroupMemoryStat stat;
        int64_t timestamp; /* ns since the epoch */
} UnitFigures;

static bool string_has_suffix(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && streq(s + n - m, suffix);
}

static const char *unit_interface(const char *unit) {
        if (string_has_suffix(unit, ".slice"))
                return "org.freedesktop.systemd1.Slice";
        if (string_has_suffix(unit, ".scope"))
                return "org.freedesktop.systemd1.Scope";
        return "org.freedesktop.systemd1.Service";
}

/* The unit's memory.stat: cgroup v2's file, else the v1 memory hierarchy's. */
static void memory_stat_read(const char *cgroup, CgroupMemoryStat *ret) {
        static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/memory" };

        *ret = (CgroupMemoryStat){ UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX };
        for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
                _cleanup_free_ char *path = NULL, *text = NULL;

                if (asprintf(&path, "%s%s/memory.stat", roots[i], cgroup) < 0)
                        return;
                if (read_file(path, MEMORY_STAT_MAX, &text, NULL) >= 0) {
                        (void) cgroup_memory_stat_parse(text, ret);
                        return;
                }
        }
}

/* Figures of a unit that does not run: none known, taken now. */
static UnitFigures unit_figures_unknown(void) {
        return (UnitFigures){
                .memory = UINT64_MAX,
                .cpu_nsec = UINT64_MAX,
                .tasks = UINT64_MAX,
                .stat = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX },
                .timestamp = cri_now_ns(),
        };
}

static int unit_figures_get(sd_bus *bus, const char *unit, UnitFigures *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *cgroup = NULL;
        const char *path, *iface = unit_interface(unit);
        UnitFigures f = unit_figures_unknown();
        int r;

        *ret = f;
        if (isempty(unit) || sd_bus_call_method(bus, SYSTEMD_SERVICE, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                                "GetUnit", NULL, &reply, "s", unit) < 0)
                return 0; /* not loaded: nothing runs, nothing to count */
        if (sd_bus_message_read(reply, "o", &path) < 0)
                return -EBADMSG;
        (void) sd_bus_get_property_trivial(bus, SYSTEMD_SERVICE, path, iface, "MemoryCurrent", NULL, 't',
                                           &f.memory);
        (void) sd_bus_get_property_trivial(bus, SYSTEMD_SERVICE, path, iface, "CPUUsageNSec", NULL, 't',
                                           &f.cpu_nsec);
        (void) sd_bus_get_property_trivial(bus, SYSTEMD_SERVICE, path, iface, "TasksCurrent", NULL, 't',
                                           &f.tasks);
        r = sd_bus_get_property_string(bus, SYSTEMD_SERVICE, path, iface, "ControlGroup", NULL, &cgroup);
        if (r >= 0 && !isempty(cgroup))
                memory_stat_read(cgroup, &f.stat);
        *ret = f;
        return 0;
}

/* A UInt64Value for a known figure, NULL for an unknown one. */
static int u64_value(uint64_t v, Runtime__V1__UInt64Value **ret) {
        *ret = NULL;
        if (v == UINT64_MAX)
                return 0;
        *ret = malloc(sizeof(**ret));
        if (!*ret)
                return -ENOMEM;
        runtime__v1__uint64_value__init(*ret);
        (*ret)->value = v;
        return 0;
}

static int cpu_usage_new(const UnitFigures *f, Runtime__V1__CpuUsage **ret) {
        Runtime__V1__CpuUsage *c = malloc(sizeof(*c));

        if (!c)
                return -ENOMEM;
        runtime__v1__cpu_usage__init(c);
        c->timestamp = f->timestamp;
        *ret = c;
        return u64_value(f->cpu_nsec, &c->usage_core_nano_seconds);
}

static int memory_usage_new(const UnitFigures *f, Runtime__V1__MemoryUsage **ret) {
        Runtime__V1__MemoryUsage *m = malloc(sizeof(*m));
        uint64_t ws = f->memory == UINT64_MAX ? UINT64_MAX : cgroup_working_set(f->memory, &f->stat);
        int r;

        if (!m)
                return -ENOMEM;
        runtime__v1__memory_usage__init(m);
        m->timestamp = f->timestamp;
        *ret = m;
        r = u64_value(f->memory, &m->usage_bytes);
        if (r >= 0)
                r = u64_value(ws, &m->working_set_bytes);
        if (r >= 0)
                r = u64_value(f->stat.rss, &m->rss_bytes);
        if (r >= 0)
                r = u64_value(f->stat.page_faults, &m->page_faults);
        if (r >= 0)
                r = u64_value(f->stat.major_page_faults, &m->major_page_faults);
        return r;
}

static int container_attributes_new(struct json_object *inspect, struct json_object *doc,
                                    Runtime__V1__ContainerAttributes **ret) {
        Runtime__V1__ContainerAttributes *a = malloc(sizeof(*a));
        struct json_object *m = cri_json_obj(doc, "metadata");
        int r;

        if (!a)
                return -ENOMEM;
        runtime__v1__container_attributes__init(a);
        *ret = a;
        a->id = cri_strdup(cri_json_str(inspect, "Id"));
        a->metadata = malloc(sizeof(*a->metadata));
        if (!a->id || !a->metadata)
                return -ENOMEM;
        runtime__v1__container_metadata__init(a->metadata);
        a->metadata->name = cri_strdup(cri_json_str(m, "name"));
        a->metadata->attempt = (uint32_t) cri_json_int(m, "attempt");
        if (!a->metadata->name)
                return -ENOMEM;
        r = cri_map_from_json(cri_json_obj(doc, "labels"),
                              &runtime__v1__container_attributes__labels_entry__descriptor, &a->n_labels,
                              (void ***) &a->labels);
        if (r >= 0)
                r = cri_map_from_json(cri_json_obj(doc, "annotations"),
                                      &runtime__v1__container_attributes__annotations_entry__descriptor,
                                      &a->n_annotations, (void ***) &a->annotations);
        return r;
}

/* The size of the container's writes: its overlay upper dir (blocks, inodes), as containerd measures it. */
static uint64_t walk_bytes, walk_inodes; /* nftw() has no user data; set under walk_lock only */
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        walk_bytes += (uint64_t) st->st_blocks * 512;
        walk_inodes++;
        return 0;
}

/* The mount point of the file system of conman's state directory (where the upper dirs are), as
 * ImageFsInfo names the image store's: the highest ancestor on the same device. A new string, NULL on ENOMEM.
 */
static char *state_mountpoint(void) {
        _cleanup_free_ char *p = realpath(CONMAN_STATE_DIR, NULL);
        struct stat st, up;

        if (!p || stat(p, &st) < 0)
                return strdup(CONMAN_STATE_DIR);
        for (;;) {
                char *slash = strrchr(p, '/');

                if (!slash || slash == p) { /* the parent is "/" */
                        if (stat("/", &up) >= 0 && up.st_dev == st.st_dev)
                                strcpy(p, "/");
                        break;
                }
                *slash = 0;
                if (stat(p, &up) < 0 || up.st_dev != st.st_dev) {
                        *slash = '/';
                        break;
                }
        }
        return TAKE_PTR(p);
}

static int writable_layer_new(const char *id, int64_t timestamp, Runtime__V1__FilesystemUsage **ret) {
        Runtime__V1__FilesystemUsage *u = malloc(sizeof(*u));
        _cleanup_free_ char *upper = NULL;
        uint64_t bytes = 0, inodes = 0;
        int r;

        if (!u)
                return -ENOMEM;
        runtime__v1__filesystem_usage__init(u);
        *ret = u;
        u->timestamp = timestamp;
        u->fs_id = malloc(sizeof(*u->fs_id));
        if (!u->fs_id || asprintf(&upper, CONMAN_STATE_DIR "/containers/%s/upper", id) < 0)
                return -ENOMEM;
        runtime__v1__filesystem_identifier__init(u->fs_id);
        u->fs_id->mountpoint = state_mountpoint();
        if (!u->fs_id->mountpoint)
                return -ENOMEM;
        pthread_mutex_lock(&walk_lock);
        walk_bytes = walk_inodes = 0;
        if (nftw(upper, walk_one, 16, FTW_PHYS | FTW_MOUNT) == 0)
                bytes = walk_bytes, inodes = walk_inodes;
        pthread_mutex_unlock(&walk_lock);
        r = u64_value(bytes, &u->used_bytes);
        return r < 0 ? r : u64_value(inodes, &u->inodes_used);
}

/* One container's stats from its InspectContainer document and its CRI document. */
static int container_stats_new(sd_bus *bus, struct json_object *inspect, struct json_object *doc,
                               Runtime__V1__ContainerStats **ret) {
        Runtime__V1__ContainerStats *s = malloc(sizeof(*s));
        UnitFigures f = unit_figures_unknown();
        int r;

        if (!s)
                return -ENOMEM;
        runtime__v1__container_stats__init(s);
        *ret = s;
        r = container_attributes_new(inspect, doc, &s->attributes);
        if (r >= 0 && cri_json_int(cri_json_obj(inspect, "State"), "Running"))
                r = unit_figures_get(bus, cri_json_str(inspect, "Unit"), &f);
        if (r >= 0)
                r = cpu_usage_new(&f, &s->cpu);
        if (r >= 0)
                r = memory_usage_new(&f, &s->memory);
        if (r >= 0)
                r = writable_layer_new(s->attributes->id, f.timestamp, &s->writable_layer);
        return r;
}

/* The stats of a CRI container that matches the filter (NULL: any); 0 and *ret NULL for one that does
 * not, is no CRI container, or is gone meanwhile. */
static int container_stats_if(sd_bus *bus, const char *id, const Runtime__V1__ContainerStatsFilter *filter,
                              Runtime__V1__ContainerStats **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *o = NULL, *doc = NULL;
        int r;

        *ret = NULL;
        r = cri_container_find(bus, id, &error, &o, &doc);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (filter && !cri_id_matches(cri_json_str(o, "Pod"), filter->pod_sandbox_id))
                return 0;
        if (filter && !cri_labels_match(cri_json_obj(doc, "labels"), filter->n_label_selector,
                                        (void *const *) filter->label_selector))
                return 0;
        r = container_stats_new(bus, o, doc, ret);
        if (r < 0) {
                protobuf_c_message_free_unpacked(&(*ret)->base, NULL);
                *ret = NULL;
        }
        return r;
}

static int container_stats(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                           CriStatus *st) {
        const Runtime__V1__ContainerStatsRequest *req = (const Runtime__V1__ContainerStatsRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *o = NULL, *doc = NULL;
        Runtime__V1__ContainerStatsResponse *resp;
        int r;

        r = cri_container_find(ctx->bus, req->container_id, &error, &o, &doc);
        if (r == -ENOENT)
                return cri_fail(st, GRPC_NOT_FOUND, "container %s not found", strempty(req->container_id));
        if (r < 0)
                return cri_fail_bus(st, &error, r, "failed to find container");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__container_stats_response__init(resp);
        r = container_stats_new(ctx->bus, o, doc, &resp->stats);
        if (r < 0) {
                protobuf_c_message_free_unpacked(&resp->base, NULL);
                return cri_fail(st, GRPC_INTERNAL, "container stats: %s", strerror(-r));
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

/* The ids of the running containers (ListContainers without all: kubelet asks for stats every few seconds,
 * and only running containers have figures), those with the prefix only. */
static int running_container_ids(sd_bus *bus, const char *prefix, sd_bus_error *error, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        const char *id;
        int r;

        r = cri_call_new(bus, "ListContainers", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", false);
        if (r >= 0)
                r = cri_call(bus, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", &id, NULL, NULL, NULL, NULL, NULL,
                                                  NULL, NULL, NULL, NULL, NULL, NULL)) > 0)
                if (cri_id_matches(id, prefix))
                        r = strv_push(&ids, id);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ids);
        return 0;
}

/* Stats of the containers among ids that match the filter, appended to (n, array). */
static int containers_stats_append(sd_bus *bus, char **ids, const Runtime__V1__ContainerStatsFilter *filter,
                                   size_t *n, void *array) {
        for (size_t i = 0; ids && ids[i]; i++) {
                Runtime__V1__ContainerStats *s = NULL;
                int r = container_stats_if(bus, ids[i], filter, &s);

                if (r < 0)
                        return r;
                if (s && cri_repeated_append(n, array, &s->base) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int list_container_stats(CriContext *ctx, const ProtobufCMessage *request,
                                ProtobufCMessage **ret_response, CriStatus *st) {
        const Runtime__V1__ListContainerStatsRequest *req =
                (const Runtime__V1__ListContainerStatsRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        Runtime__V1__ListContainerStatsResponse *resp;
        int r;

        r = running_container_ids(ctx->bus, req->filter ? req->filter->id : NULL, &error, &ids);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "failed to list containers");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__list_container_stats_response__init(resp);
        r = containers_stats_append(ctx->bus, ids, req->filter, &resp->n_stats, &resp->stats);
        if (r < 0) {
                protobuf_c_message_free_unpacked(&resp->base, NULL);
                return cri_fail(st, GRPC_INTERNAL, "container stats: %s", strerror(-r));
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int sandbox_attributes_new(struct json_object *inspect, struct json_object *doc,
                                  Runtime__V1__PodSandboxAttributes **ret) {
        Runtime__V1__PodSandboxAttributes *a = malloc(sizeof(*a));
        struct json_object *md = cri_json_obj(doc, "metadata");
        Runtime__V1__PodSandboxMetadata *m;
        int r;

        if (!a)
                return -ENOMEM;
        runtime__v1__pod_sandbox_attributes__init(a);
        *ret = a;
        a->id = cri_strdup(cri_json_str(inspect, "Id"));
        a->metadata = m = malloc(sizeof(*m));
        if (!a->id || !m)
                return -ENOMEM;
        runtime__v1__pod_sandbox_metadata__init(m);
        m->name = cri_strdup(cri_json_str(md, "name"));
        m->uid = cri_strdup(cri_json_str(md, "uid"));
        m->namespace_ = cri_strdup(cri_json_str(md, "namespace"));
        m->attempt = (uint32_t) cri_json_int(md, "attempt");
        if (!m->name || !m->uid || !m->namespace_)
                return -ENOMEM;
        r = cri_map_from_json(cri_json_obj(doc, "labels"),
                              &runtime__v1__pod_sandbox_attributes__labels_entry__descriptor, &a->n_labels,
                              (void ***) &a->labels);
        if (r >= 0)
                r = cri_map_from_json(cri_json_obj(doc, "annotations"),
                                      &runtime__v1__pod_sandbox_attributes__annotations_entry__descriptor,
                                      &a->n_annotations, (void ***) &a->annotations);
        return r;
}

/* The ids of the pod's running containers, from InspectPod's Containers ({Id, Name, State}). */
static int pod_running_container_ids(struct json_object *inspect, char ***ret) {
        struct json_object *members;
        size_t n = 0;

        if (json_object_object_get_ex(inspect, "Containers", &members) &&
            json_object_is_type(members, json_type_array))
                n = json_object_array_length(members);
        for (size_t i = 0; i < n; i++) {
                struct json_object *c = json_object_array_get_idx(members, i);
                if (streq(cri_json_str(c, "State"), "running") && strv_push(ret, cri_json_str(c, "Id")) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* A slice without CPU accounting of its own (conmand's pod slices count memory and tasks): the pod's CPU
 * time is its running containers' (every process of the pod is in one of them). */
static int sandbox_cpu_from_containers(Runtime__V1__LinuxPodSandboxStats *l) {
        uint64_t sum = 0;

        if (l->cpu->usage_core_nano_seconds || l->n_containers == 0)
                return 0;
        for (size_t i = 0; i < l->n_containers; i++) {
                if (!l->containers[i]->cpu->usage_core_nano_seconds)
                        return 0; /* one unknown: the sum is unknown too */
                sum += l->containers[i]->cpu->usage_core_nano_seconds->value;
        }
        return u64_value(sum, &l->cpu->usage_core_nano_seconds);
}

static int process_usage_new(const UnitFigures *f, Runtime__V1__ProcessUsage **ret) {
        Runtime__V1__ProcessUsage *p = malloc(sizeof(*p));

        if (!p)
                return -ENOMEM;
        runtime__v1__process_usage__init(p);
        p->timestamp = f->timestamp;
        *ret = p;
        return u64_value(f->tasks, &p->process_count);
}

/* The pod's figures from its slice (InspectPod's Slice, the Pod object's Slice property), its containers'. */
static int linux_sandbox_stats_new(sd_bus *bus, struct json_object *inspect,
                                   Runtime__V1__LinuxPodSandboxStats **ret) {
        Runtime__V1__LinuxPodSandboxStats *l = malloc(sizeof(*l));
        _cleanup_strv_free_ char **ids = NULL;
        UnitFigures f;
        int r;

        if (!l)
                return -ENOMEM;
        runtime__v1__linux_pod_sandbox_stats__init(l);
        *ret = l;
        r = unit_figures_get(bus, cri_json_str(inspect, "Slice"), &f);
        if (r >= 0)
                r = cpu_usage_new(&f, &l->cpu);
        if (r >= 0)
                r = memory_usage_new(&f, &l->memory);
        if (r >= 0)
                r = process_usage_new(&f, &l->process);
        if (r >= 0)
                r = pod_running_container_ids(inspect, &ids);
        if (r >= 0)
                r = containers_stats_append(bus, ids, NULL, &l->n_containers, &l->containers);
        return r < 0 ? r : sandbox_cpu_from_containers(l);
}

/* The stats of a ready sandbox (its namespaces pinned: pod state not "stopped") that matches the label
 * selector; 0 and *ret NULL for one that does not, is no sandbox, or is gone meanwhile. */
static int sandbox_stats_if(sd_bus *bus, const char *id, size_t n_selector, void *const *selector,
                            Runtime__V1__PodSandboxStats **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *o = NULL, *doc = NULL;
        Runtime__V1__PodSandboxStats *s;
        int r;

        *ret = NULL;
        r = cri_sandbox_find(bus, id, &error, &o, &doc);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (streq(cri_json_str(o, "State"), "stopped") ||
            !cri_labels_match(cri_json_obj(doc, "labels"), n_selector, selector))
                return 0;
        *ret = s = malloc(sizeof(*s));
        if (!s)
                return -ENOMEM;
        runtime__v1__pod_sandbox_stats__init(s);
        r = sandbox_attributes_new(o, doc, &s->attributes);
        if (r >= 0)
                r = linux_sandbox_stats_new(bus, o, &s->linux);
        if (r < 0) {
                protobuf_c_message_free_unpacked(&s->base, NULL);
                *ret = NULL;
        }
        return r;
}

static int pod_sandbox_stats(CriContext *ctx, const ProtobufCMessage *request,
                             ProtobufCMessage **ret_response, CriStatus *st) {
        const Runtime__V1__PodSandboxStatsRequest *req =
                (const Runtime__V1__PodSandboxStatsRequest *) request;
        Runtime__V1__PodSandboxStatsResponse *resp;
        int r;

        if (isempty(req->pod_sandbox_id))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "pod sandbox id is required");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__pod_sandbox_stats_response__init(resp);
        r = sandbox_stats_if(ctx->bus, req->pod_sandbox_id, 0, NULL, &resp->stats);
        if (r < 0 || !resp->stats) {
                protobuf_c_message_free_unpacked(&resp->base, NULL);
                return r < 0 ? cri_fail(st, GRPC_INTERNAL, "pod sandbox stats: %s", strerror(-r))
                             : cri_fail(st, GRPC_NOT_FOUND, "pod sandbox %s not found or not ready",
                                        req->pod_sandbox_id);
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int list_pod_sandbox_stats(CriContext *ctx, const ProtobufCMessage *request,
                                  ProtobufCMessage **ret_response, CriStatus *st) {
        const Runtime__V1__ListPodSandboxStatsRequest *req =
                (const Runtime__V1__ListPodSandboxStatsRequest *) request;
        const Runtime__V1__PodSandboxStatsFilter *filter = req->filter;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        Runtime__V1__ListPodSandboxStatsResponse *resp;
        int r;

        r = cri_pod_list_ids(ctx->bus, &error, &ids);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "failed to list pods");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__list_pod_sandbox_stats_response__init(resp);
        for (size_t i = 0; r >= 0 && ids && ids[i]; i++) {
                Runtime__V1__PodSandboxStats *s = NULL;

                if (filter && !cri_id_matches(ids[i], filter->id))
                        continue;
                r = sandbox_stats_if(ctx->bus, ids[i], filter ? filter->n_label_selector : 0,
                                     filter ? (void *const *) filter->label_selector : NULL, &s);
                if (s && cri_repeated_append(&resp->n_stats, &resp->stats, &s->base) < 0)
                        r = -ENOMEM;
        }
        if (r < 0) {
                protobuf_c_message_free_unpacked(&resp->base, NULL);
                return cri_fail(st, GRPC_INTERNAL, "pod sandbox stats: %s", strerror(-r));
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

const CriMethod cri_stats_methods[] = {
        { "/runtime.v1.RuntimeService/ContainerStats", &runtime__v1__container_stats_request__descriptor,
          container_stats },
        { "/runtime.v1.RuntimeService/ListContainerStats",
          &runtime__v1__list_container_stats_request__descriptor, list_container_stats },
        { "/runtime.v1.RuntimeService/PodSandboxStats", &runtime__v1__pod_sandbox_stats_request__descriptor,
          pod_sandbox_stats },
        { "/runtime.v1.RuntimeService/ListPodSandboxStats",
          &runtime__v1__list_pod_sandbox_stats_request__descriptor, list_pod_sandbox_stats },
        {},
};
