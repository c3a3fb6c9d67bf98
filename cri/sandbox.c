/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox.c — pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus,
 * ListPodSandbox, each a conman pod (docs/pods.md).
 *
 * A sandbox is the pod k8s-NAME-NAMESPACE-HASH (cri_sandbox_name()); its id is the pod's id. What conmand
 * has no field for (metadata, the CRI labels and annotations, log directory, namespace options, ports)
 * is the JSON document under the pod's annotation io.conman.cri.sandbox, so nothing lives in conman-cri.
 * READY is a pinned pod; StopPodSandbox stops the members and then the pin unit (the namespaces go).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "cri/cri-conman.h"
#include "cri/node-network.h"

typedef Runtime__V1__NamespaceOption NamespaceOption;

/* ---- the sandbox document (io.conman.cri.sandbox) ---- */

static const NamespaceOption *sandbox_namespaces(const Runtime__V1__PodSandboxConfig *cfg) {
        if (!cfg->linux || !cfg->linux->security_context)
                return NULL;
        return cfg->linux->security_context->namespace_options;
}

static struct json_object *ports_json(const Runtime__V1__PodSandboxConfig *cfg) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < cfg->n_port_mappings; i++) {
                const Runtime__V1__PortMapping *p = cfg->port_mappings[i];
                struct json_object *o = json_object_new_object();

                json_object_object_add(o, "protocol", json_object_new_int(p->protocol));
                json_object_object_add(o, "container_port", json_object_new_int(p->container_port));
                json_object_object_add(o, "host_port", json_object_new_int(p->host_port));
                json_object_object_add(o, "host_ip", json_object_new_string(strempty(p->host_ip)));
                json_object_array_add(a, o);
        }
        return a;
}

static struct json_object *sandbox_doc_new(const Runtime__V1__PodSandboxConfig *cfg, const char *handler) {
        const Runtime__V1__PodSandboxMetadata *md = cfg->metadata;
        const NamespaceOption *ns = sandbox_namespaces(cfg);
        struct json_object *o = json_object_new_object(), *m = json_object_new_object(),
                           *n = json_object_new_object();

        json_object_object_add(m, "name", json_object_new_string(strempty(md->name)));
        json_object_object_add(m, "uid", json_object_new_string(strempty(md->uid)));
        json_object_object_add(m, "namespace", json_object_new_string(strempty(md->namespace_)));
        json_object_object_add(m, "attempt", json_object_new_int64(md->attempt));
        json_object_object_add(o, "metadata", m);
        json_object_object_add(o, "labels", cri_map_to_json(cfg->n_labels, (void *const *) cfg->labels));
        json_object_object_add(o, "annotations",
                               cri_map_to_json(cfg->n_annotations, (void *const *) cfg->annotations));
        json_object_object_add(o, "log_directory", json_object_new_string(strempty(cfg->log_directory)));
        json_object_object_add(o, "hostname", json_object_new_string(strempty(cfg->hostname)));
        json_object_object_add(o, "runtime_handler", json_object_new_string(strempty(handler)));
        json_object_object_add(n, "network", json_object_new_int(ns ? ns->network : 0));
        json_object_object_add(n, "pid", json_object_new_int(ns ? ns->pid : 0));
        json_object_object_add(n, "ipc", json_object_new_int(ns ? ns->ipc : 0));
        json_object_object_add(o, "namespace_options", n);
        json_object_object_add(o, "port_mappings", ports_json(cfg));
        return o;
}

static Runtime__V1__PodSandboxMetadata *metadata_from_doc(struct json_object *doc) {
        struct json_object *m = cri_json_obj(doc, "metadata");
        Runtime__V1__PodSandboxMetadata *md = malloc(sizeof(*md));

        if (!md)
                return NULL;
        runtime__v1__pod_sandbox_metadata__init(md);
        md->name = cri_strdup(cri_json_str(m, "name"));
        md->uid = cri_strdup(cri_json_str(m, "uid"));
        md->namespace_ = cri_strdup(cri_json_str(m, "namespace"));
        md->attempt = (uint32_t) cri_json_int(m, "attempt");
        return md;
}

static NamespaceOption *namespaces_from_doc(struct json_object *doc) {
        struct json_object *n = cri_json_obj(doc, "namespace_options");
        NamespaceOption *ns = malloc(sizeof(*ns));

        if (!ns)
                return NULL;
        runtime__v1__namespace_option__init(ns);
        ns->network = (Runtime__V1__NamespaceMode) cri_json_int(n, "network");
        ns->pid = (Runtime__V1__NamespaceMode) cri_json_int(n, "pid");
        ns->ipc = (Runtime__V1__NamespaceMode) cri_json_int(n, "ipc");
        return ns;
}

/* ---- RunPodSandbox ---- */

static const char *pid_mode(const NamespaceOption *ns) {
        if (!ns || ns->pid == RUNTIME__V1__NAMESPACE_MODE__POD) /* CRI's default */
                return "pod";
        return ns->pid == RUNTIME__V1__NAMESPACE_MODE__NODE ? "host" : "private";
}

static int append_publish(sd_bus_message *m, const Runtime__V1__PodSandboxConfig *cfg) {
        _cleanup_strv_free_ char **ports = NULL;

        for (size_t i = 0; i < cfg->n_port_mappings; i++) {
                const Runtime__V1__PortMapping *p = cfg->port_mappings[i];
                bool any_ip = isempty(p->host_ip) || streq(p->host_ip, "0.0.0.0");
                char buf[128];

                if (p->host_port <= 0 || p->protocol == RUNTIME__V1__PROTOCOL__SCTP)
                        continue; /* not published (host_port 0), or a protocol conman0 cannot forward */
                snprintf(buf, sizeof(buf), "%s%s%d:%d%s", any_ip ? "" : p->host_ip, any_ip ? "" : ":",
                         p->host_port, p->container_port,
                         p->protocol == RUNTIME__V1__PROTOCOL__UDP ? "/udp" : "/tcp");
                if (strv_push(&ports, buf) < 0)
                        return -ENOMEM;
        }
        return ports ? cri_opt_strv(m, "Publish", ports) : 0;
}

static int append_dns(sd_bus_message *m, const Runtime__V1__DNSConfig *dns) {
        int r = 0;

        if (!dns)
                return 0;
        if (dns->n_servers > 0)
                r = cri_opt_strn(m, "DnsServers", dns->n_servers, dns->servers);
        if (r >= 0 && dns->n_searches > 0)
                r = cri_opt_strn(m, "DnsSearches", dns->n_searches, dns->searches);
        if (r >= 0 && dns->n_options > 0)
                r = cri_opt_strn(m, "DnsOptions", dns->n_options, dns->options);
        return r;
}

/* kubelet's systemd cgroup driver names a slice ("kubepods-burstable-pod<uid>.slice"), maybe as a path. */
static const char *cgroup_parent_slice(const Runtime__V1__PodSandboxConfig *cfg) {
        const char *p = cfg->linux ? cfg->linux->cgroup_parent : NULL, *base;

        if (isempty(p))
                return NULL;
        base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
        return strlen(base) > strlen(".slice") && streq(base + strlen(base) - strlen(".slice"), ".slice")
                       ? base
                       : NULL;
}

static bool sandbox_host_network(const Runtime__V1__PodSandboxConfig *cfg) {
        const NamespaceOption *ns = sandbox_namespaces(cfg);
        return ns && ns->network == RUNTIME__V1__NAMESPACE_MODE__NODE;
}

static int append_pod_options(sd_bus_message *m, const Runtime__V1__PodSandboxConfig *cfg, const char *doc,
                              const char *network) {
        const NamespaceOption *ns = sandbox_namespaces(cfg);
        bool host_net = ns && ns->network == RUNTIME__V1__NAMESPACE_MODE__NODE;
        _cleanup_json_ struct json_object *labels =
                cri_map_to_json(cfg->n_labels, (void *const *) cfg->labels);
        _cleanup_json_ struct json_object *annotations = json_object_new_object();
        const char *slice = cgroup_parent_slice(cfg);
        int r;

        if (!labels || !annotations)
                return -ENOMEM;
        json_object_object_add(annotations, CRI_ANNOTATION_SANDBOX, json_object_new_string(doc));
        r = cri_opt_map(m, "Labels", labels);
        if (r >= 0)
                r = cri_opt_map(m, "Annotations", annotations);
        /* With the node's network kubelet passes the node's name: the nearest thing to its UTS namespace. */
        if (r >= 0 && !isempty(cfg->hostname))
                r = cri_opt_string(m, "Hostname", cfg->hostname);
        if (r >= 0)
                r = cri_opt_string(m, "Network", host_net ? "host" : network ?: "bridge");
        if (r >= 0 && !host_net)
                r = append_publish(m, cfg);
        if (r >= 0)
                r = append_dns(m, cfg->dns_config);
        if (r >= 0 && slice)
                r = cri_opt_string(m, "CgroupParent", slice);
        if (r >= 0)
                r = cri_opt_string(m, "Pid", pid_mode(ns));
        if (r >= 0 && ns && ns->ipc == RUNTIME__V1__NAMESPACE_MODE__NODE) /* else conmand's default: pod */
                r = cri_opt_string(m, "Ipc", "host");
        return r;
}

static int create_pod(sd_bus *bus, const Runtime__V1__PodSandboxConfig *cfg, const char *name,
                      const char *doc, const char *network, sd_bus_error *error, char **ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *id;
        int r;

        r = cri_call_new(bus, "CreatePod", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = append_pod_options(m, cfg, doc, network);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = cri_call(bus, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        return *ret_id ? 0 : -ENOMEM;
}

static int method_run_pod_sandbox(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                  CriStatus *st) {
        const Runtime__V1__RunPodSandboxRequest *req = (const void *) request;
        const Runtime__V1__PodSandboxConfig *cfg = req->config;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *doc = NULL;
        _cleanup_free_ char *name = NULL, *id = NULL, *network = NULL;
        Runtime__V1__RunPodSandboxResponse *resp;
        int r;

        if (!cfg || !cfg->metadata || isempty(cfg->metadata->name))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "the sandbox config needs metadata with a name");
        r = cri_sandbox_name(cfg->metadata->name, cfg->metadata->namespace_, cfg->metadata->uid,
                             cfg->metadata->attempt, &name);
        if (r < 0)
                return cri_fail(st, GRPC_INTERNAL, "sandbox name: %s", strerror(-r));
        doc = sandbox_doc_new(cfg, req->runtime_handler);
        if (!doc)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        if (!sandbox_host_network(cfg)) { /* the node's CNI network when conman-cri was given one */
                r = cri_node_network(ctx->bus, &network, &error);
                if (r < 0)
                        return cri_fail_bus(st, &error, r, "CreateNetwork");
        }
        r = create_pod(ctx->bus, cfg, name, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
                       network, &error, &id);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "CreatePod");
        r = cri_pod_start(ctx->bus, id, &error);
        if (r < 0) {
                int code = cri_fail_bus(st, &error, r, "StartPod");

                sd_bus_error_free(&error);
                (void) cri_pod_remove(ctx->bus, id, true, &error); /* no half-made sandbox is left */
                return code;
        }
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__run_pod_sandbox_response__init(resp);
        resp->pod_sandbox_id = TAKE_PTR(id);
        *ret = &resp->base;
        return GRPC_OK;
}

/* ---- looking a sandbox up ---- */

static int fail_lookup(CriStatus *st, const sd_bus_error *error, int r, const char *ref) {
        if (r == -ENOENT)
                return cri_fail(st, GRPC_NOT_FOUND, "pod sandbox %s not found", strempty(ref));
        return cri_fail_bus(st, error, r, "InspectPod");
}

static bool sandbox_ready(struct json_object *inspect) {
        return !streq(cri_json_str(inspect, "State"), "stopped");
}

/* ---- StopPodSandbox, RemovePodSandbox ---- */

static int method_stop_pod_sandbox(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                   CriStatus *st) {
        const Runtime__V1__StopPodSandboxRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        Runtime__V1__StopPodSandboxResponse *resp = malloc(sizeof(*resp));
        int r;

        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__stop_pod_sandbox_response__init(resp);
        *ret = &resp->base; /* the transport frees it on failure too */
        r = cri_sandbox_find(ctx->bus, req->pod_sandbox_id, &error, &inspect, &doc);
        if (r == -ENOENT)
                return GRPC_OK; /* CRI: stopping an unknown sandbox is fine */
        if (r < 0)
                return fail_lookup(st, &error, r, req->pod_sandbox_id);
        /* CRI: containers still running "must be forcibly terminated" (kubelet stopped them with their grace
         * period before): 0 is SIGKILL at once, as containerd does. */
        r = cri_pod_stop(ctx->bus, cri_json_str(inspect, "Id"), 0, &error);
        if (r < 0 && !cri_error_is_not_found(&error))
                return cri_fail_bus(st, &error, r, "StopPod");
        sd_bus_error_free(&error);
        /* conmand's StopPod keeps the namespaces; a stopped sandbox has none: stop the pin unit too. */
        r = cri_unit_stop(ctx->bus, cri_json_str(inspect, "Unit"), &error);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "stopping the pod's pin unit");
        return GRPC_OK;
}

static int method_remove_pod_sandbox(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                     CriStatus *st) {
        const Runtime__V1__RemovePodSandboxRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        Runtime__V1__RemovePodSandboxResponse *resp = malloc(sizeof(*resp));
        int r;

        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__remove_pod_sandbox_response__init(resp);
        *ret = &resp->base;
        r = cri_sandbox_find(ctx->bus, req->pod_sandbox_id, &error, &inspect, &doc);
        if (r == -ENOENT)
                return GRPC_OK;
        if (r < 0)
                return fail_lookup(st, &error, r, req->pod_sandbox_id);
        r = cri_pod_remove(ctx->bus, cri_json_str(inspect, "Id"), true, &error);
        if (r < 0 && !cri_error_is_not_found(&error))
                return cri_fail_bus(st, &error, r, "RemovePod");
        return GRPC_OK;
}

/* ---- PodSandboxStatus ---- */

static Runtime__V1__PodSandboxNetworkStatus *network_status(struct json_object *inspect,
                                                            struct json_object *doc) {
        Runtime__V1__PodSandboxNetworkStatus *n = malloc(sizeof(*n));
        bool host = cri_json_int(cri_json_obj(doc, "namespace_options"), "network") ==
                    RUNTIME__V1__NAMESPACE_MODE__NODE;

        if (!n)
                return NULL;
        runtime__v1__pod_sandbox_network_status__init(n);
        n->ip = cri_strdup(host || !sandbox_ready(inspect) ? "" : cri_json_str(inspect, "IPAddress"));
        return n;
}

static Runtime__V1__LinuxPodSandboxStatus *linux_status(struct json_object *doc) {
        Runtime__V1__LinuxPodSandboxStatus *l = malloc(sizeof(*l));

        if (!l)
                return NULL;
        runtime__v1__linux_pod_sandbox_status__init(l);
        l->namespaces = malloc(sizeof(*l->namespaces));
        if (!l->namespaces)
                return l;
        runtime__v1__namespace__init(l->namespaces);
        l->namespaces->options = namespaces_from_doc(doc);
        return l;
}

static Runtime__V1__PodSandboxStatus *sandbox_status(struct json_object *inspect, struct json_object *doc) {
        Runtime__V1__PodSandboxStatus *s = malloc(sizeof(*s));

        if (!s)
                return NULL;
        runtime__v1__pod_sandbox_status__init(s);
        s->id = cri_strdup(cri_json_str(inspect, "Id"));
        s->metadata = metadata_from_doc(doc);
        s->state = sandbox_ready(inspect) ? RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY
                                          : RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_NOTREADY;
        s->created_at = cri_parse_timestamp_ns(cri_json_str(inspect, "Created"));
        s->network = network_status(inspect, doc);
        s->linux = linux_status(doc);
        (void) cri_map_from_json(cri_json_obj(doc, "labels"),
                                 &runtime__v1__pod_sandbox_status__labels_entry__descriptor, &s->n_labels,
                                 (void ***) &s->labels);
        (void) cri_map_from_json(cri_json_obj(doc, "annotations"),
                                 &runtime__v1__pod_sandbox_status__annotations_entry__descriptor,
                                 &s->n_annotations, (void ***) &s->annotations);
        s->runtime_handler = cri_strdup(cri_json_str(doc, "runtime_handler"));
        return s;
}

/* verbose: "info", a JSON document of what conmand knows (crictl inspectp prints it). */
static void add_verbose_info(Runtime__V1__PodSandboxStatusResponse *resp, struct json_object *inspect,
                             struct json_object *doc) {
        _cleanup_json_ struct json_object *info = json_object_new_object();

        if (!info)
                return;
        json_object_object_add(info, "conman", json_object_get(inspect));
        json_object_object_add(info, "config", json_object_get(doc));
        json_object_object_add(info, "pid", json_object_new_int(0)); /* a pod has no process (docs/pods.md) */
        (void) cri_map_add(&runtime__v1__pod_sandbox_status_response__info_entry__descriptor, &resp->n_info,
                           (void ***) &resp->info, "info",
                           json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN));
}

static int method_pod_sandbox_status(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                     CriStatus *st) {
        const Runtime__V1__PodSandboxStatusRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        Runtime__V1__PodSandboxStatusResponse *resp;
        int r;

        r = cri_sandbox_find(ctx->bus, req->pod_sandbox_id, &error, &inspect, &doc);
        if (r < 0)
                return fail_lookup(st, &error, r, req->pod_sandbox_id);
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__pod_sandbox_status_response__init(resp);
        *ret = &resp->base;
        resp->status = sandbox_status(inspect, doc);
        resp->timestamp = cri_now_ns();
        if (req->verbose)
                add_verbose_info(resp, inspect, doc);
        return resp->status ? GRPC_OK : cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
}

/* ---- ListPodSandbox ---- */

static bool sandbox_filtered_out(const Runtime__V1__PodSandboxFilter *f, struct json_object *inspect,
                                 struct json_object *doc) {
        Runtime__V1__PodSandboxState state = sandbox_ready(inspect)
                                                     ? RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY
                                                     : RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_NOTREADY;

        if (!f)
                return false;
        if (f->state && f->state->state != state)
                return true;
        return !cri_labels_match(cri_json_obj(doc, "labels"), f->n_label_selector,
                                 (void *const *) f->label_selector);
}

static Runtime__V1__PodSandbox *sandbox_item(struct json_object *inspect, struct json_object *doc) {
        Runtime__V1__PodSandbox *p = malloc(sizeof(*p));

        if (!p)
                return NULL;
        runtime__v1__pod_sandbox__init(p);
        p->id = cri_strdup(cri_json_str(inspect, "Id"));
        p->metadata = metadata_from_doc(doc);
        p->state = sandbox_ready(inspect) ? RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY
                                          : RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_NOTREADY;
        p->created_at = cri_parse_timestamp_ns(cri_json_str(inspect, "Created"));
        (void) cri_map_from_json(cri_json_obj(doc, "labels"),
                                 &runtime__v1__pod_sandbox__labels_entry__descriptor, &p->n_labels,
                                 (void ***) &p->labels);
        (void) cri_map_from_json(cri_json_obj(doc, "annotations"),
                                 &runtime__v1__pod_sandbox__annotations_entry__descriptor, &p->n_annotations,
                                 (void ***) &p->annotations);
        p->runtime_handler = cri_strdup(cri_json_str(doc, "runtime_handler"));
        return p;
}

static int method_list_pod_sandbox(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                   CriStatus *st) {
        const Runtime__V1__ListPodSandboxRequest *req = (const void *) request;
        const Runtime__V1__PodSandboxFilter *f = req->filter;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        Runtime__V1__ListPodSandboxResponse *resp;
        int r;

        r = cri_pod_list_ids(ctx->bus, &error, &ids);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "ListPods");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__list_pod_sandbox_response__init(resp);
        *ret = &resp->base;
        for (char **id = ids; *id; id++) {
                _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;

                if (f && !cri_id_matches(*id, f->id))
                        continue;
                r = cri_sandbox_find(ctx->bus, *id, &error, &inspect, &doc);
                if (r == -ENOENT)
                        continue; /* removed meanwhile, or not a sandbox */
                if (r < 0)
                        return fail_lookup(st, &error, r, *id);
                if (sandbox_filtered_out(f, inspect, doc))
                        continue;
                if (cri_repeated_append(&resp->n_items, &resp->items,
                                        (ProtobufCMessage *) sandbox_item(inspect, doc)) < 0)
                        return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        }
        return GRPC_OK;
}

const CriMethod cri_sandbox_methods[] = {
        { "/runtime.v1.RuntimeService/RunPodSandbox", &runtime__v1__run_pod_sandbox_request__descriptor,
          method_run_pod_sandbox },
        { "/runtime.v1.RuntimeService/StopPodSandbox", &runtime__v1__stop_pod_sandbox_request__descriptor,
          method_stop_pod_sandbox },
        { "/runtime.v1.RuntimeService/RemovePodSandbox", &runtime__v1__remove_pod_sandbox_request__descriptor,
          method_remove_pod_sandbox },
        { "/runtime.v1.RuntimeService/PodSandboxStatus", &runtime__v1__pod_sandbox_status_request__descriptor,
          method_pod_sandbox_status },
        { "/runtime.v1.RuntimeService/ListPodSandbox", &runtime__v1__list_pod_sandbox_request__descriptor,
          method_list_pod_sandbox },
        {},
};
