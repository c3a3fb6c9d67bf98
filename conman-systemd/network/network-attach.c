/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-attach.c — see network-attach.h.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/cni.h"
#include "network/etc-files.h"
#include "network/native.h"
#include "network/netns.h"
#include "network/network-attach.h"

#define ATTACHMENT_JSON "attachment.json"
#define RESULT_JSON     "result.json"

int network_context_init(NetworkContext *ctx, const char *state_dir, const char *run_dir) {
        *ctx = (NetworkContext){};
        if (asprintf(&ctx->runtime_dir, "%s/networks", run_dir) < 0 ||
            asprintf(&ctx->store_dir, "%s/networks", state_dir) < 0 ||
            asprintf(&ctx->ipam_dir, "%s/ipam", run_dir) < 0)
                return -ENOMEM;
        ctx->cni_path = getenv("CONMAN_CNI_PATH");
        ctx->store = (NetworkStore){ .dir = ctx->store_dir, .ipam_dir = ctx->ipam_dir };
        return 0;
}

void network_context_done(NetworkContext *ctx) {
        free(ctx->runtime_dir);
        free(ctx->store_dir);
        free(ctx->ipam_dir);
        *ctx = (NetworkContext){};
}

int network_netns_name(const char *container_id, char **ret) {
        return asprintf(ret, NETNS_PREFIX "%.12s", container_id) < 0 ? -ENOMEM : 0;
}

int network_container_paths(const char *run_dir, const char *container_id, char **ret_netns_path,
                            char **ret_etc_dir) {
        _cleanup_free_ char *name = NULL, *path = NULL, *etc = NULL;
        int r;

        r = network_netns_name(container_id, &name);
        if (r >= 0)
                r = netns_path(name, &path);
        if (r >= 0 && asprintf(&etc, "%s/networks/%s", run_dir, container_id) < 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret_netns_path = TAKE_PTR(path);
        *ret_etc_dir = TAKE_PTR(etc);
        return 0;
}

static int push_list_args(char ***argv, const char *flag, char **l) {
        for (char **v = l; v && *v; v++)
                if (strv_push(argv, flag) < 0 || strv_push(argv, *v) < 0)
                        return -ENOMEM;
        return 0;
}

/* conman-netns setup's --add-host, --dns, --dns-search, --dns-option, --ip, --mac-address. */
static int push_option_args(char ***argv, const NetworkOptions *o) {
        char *ip[] = { o->ip, NULL }, *mac[] = { o->mac_address, NULL };
        int r;

        r = push_list_args(argv, "--add-host", o->add_hosts);
        if (r >= 0)
                r = push_list_args(argv, "--dns", o->dns_servers);
        if (r >= 0)
                r = push_list_args(argv, "--dns-search", o->dns_searches);
        if (r >= 0)
                r = push_list_args(argv, "--dns-option", o->dns_options);
        if (r >= 0)
                r = push_list_args(argv, "--ip", ip);
        if (r >= 0)
                r = push_list_args(argv, "--mac-address", mac);
        return r;
}

int network_add_unit_hooks(const char *state_dir, const char *run_dir, const NetworkAttachRequest *req,
                           UnitHooks *hooks) {
        char *const setup_base[] = { CONMAN_LIBEXECDIR "/conman-netns",
                                     "setup",
                                     "--state-dir",
                                     (char *) state_dir,
                                     "--run-dir",
                                     (char *) run_dir,
                                     "--network",
                                     (char *) (req->network ?: NETWORK_DEFAULT_NAME),
                                     "--name",
                                     (char *) req->name,
                                     NULL };
        char *const teardown[] = { CONMAN_LIBEXECDIR "/conman-netns",
                                   "teardown",
                                   "--state-dir",
                                   (char *) state_dir,
                                   "--run-dir",
                                   (char *) run_dir,
                                   (char *) req->container_id,
                                   NULL };
        _cleanup_strv_free_ char **setup = strv_copy(setup_base);
        int r = setup ? 0 : -ENOMEM;

        if (r >= 0 && req->hostname &&
            (strv_push(&setup, "--hostname") < 0 || strv_push(&setup, req->hostname) < 0))
                r = -ENOMEM;
        for (char **a = req->aliases; r >= 0 && a && *a; a++)
                if (strv_push(&setup, "--alias") < 0 || strv_push(&setup, *a) < 0)
                        r = -ENOMEM;
        for (char **p = req->ports; r >= 0 && p && *p; p++)
                if (strv_push(&setup, "--publish") < 0 || strv_push(&setup, *p) < 0)
                        r = -ENOMEM;
        if (r >= 0 && req->options)
                r = push_option_args(&setup, req->options);
        if (r >= 0 && strv_push(&setup, req->container_id) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = unit_hooks_add(hooks, false, false, setup);
        if (r >= 0)
                r = unit_hooks_add(hooks, true, true, teardown);
        return r;
}

int network_attachment_file(const NetworkContext *ctx, const char *container_id, const char *file,
                            char **ret) {
        return asprintf(ret, "%s/%s%s%s", ctx->runtime_dir, container_id, file ? "/" : "", strempty(file)) < 0
                       ? -ENOMEM
                       : 0;
}

static void set_message(char **ret_message, char *msg) {
        if (ret_message && !*ret_message)
                *ret_message = msg;
        else
                free(msg);
}

static int read_json(const NetworkContext *ctx, const char *id, const char *file, struct json_object **ret) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        int r;

        r = network_attachment_file(ctx, id, file, &path);
        if (r >= 0)
                r = read_file(path, CNI_OUTPUT_MAX, &buf, NULL);
        if (r < 0)
                return r;
        *ret = json_tokener_parse(buf);
        return *ret ? 0 : -EBADMSG;
}

static int write_attachment_file(const NetworkContext *ctx, const char *id, const char *file,
                                 const char *data) {
        _cleanup_free_ char *path = NULL;
        int r = network_attachment_file(ctx, id, file, &path);
        return r < 0 ? r : write_file_atomic(path, data, strlen(data), 0644);
}

static const char *member(struct json_object *o, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

/* {"portMappings":[{"hostPort":..,"containerPort":..,"protocol":..,"hostIP":..}]} for portmap. */
static int capability_args(char *const *ports, struct json_object **ret) {
        _cleanup_json_ struct json_object *args = json_object_new_object();
        struct json_object *a = json_object_new_array();

        json_object_object_add(args, "portMappings", a);
        for (char *const *p = ports; p && *p; p++) {
                struct json_object *m;
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) < 0)
                        return -EINVAL;
                m = json_object_new_object();
                json_object_object_add(m, "hostPort", json_object_new_int(pm.host_port));
                json_object_object_add(m, "containerPort", json_object_new_int(pm.container_port));
                json_object_object_add(m, "protocol",
                                       json_object_new_string(port_protocol_to_string(pm.protocol)));
                if (pm.host_ip[0])
                        json_object_object_add(m, "hostIP", json_object_new_string(pm.host_ip));
                json_object_array_add(a, m);
        }
        *ret = TAKE_PTR(args);
        return 0;
}

static char **strv_from_json(struct json_object *a) {
        char **l = NULL;
        for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                if (json_object_is_type(e, json_type_string) && strv_push(&l, json_object_get_string(e)) < 0)
                        break;
        }
        return l;
}

/* What teardown needs, written before anything is made. */
static int write_attachment(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                            const char *netns) {
        _cleanup_json_ struct json_object *j = json_object_new_object();

        json_object_object_add(j, "containerId", json_object_new_string(req->container_id));
        json_object_object_add(j, "network", json_object_new_string(net->name));
        json_object_object_add(j, "name", json_object_new_string(req->name));
        if (req->hostname)
                json_object_object_add(j, "hostname", json_object_new_string(req->hostname));
        if (req->aliases)
                json_object_object_add(j, "aliases", json_strv_new(req->aliases));
        json_object_object_add(j, "netns", json_object_new_string(netns));
        json_object_object_add(j, "ifname", json_object_new_string(NETWORK_IFNAME));
        json_object_object_add(j, "ports", json_strv_new(req->ports));
        /* the native driver's own nftables rules for the container: only for published ports */
        json_object_object_add(j, "nftRules", json_object_new_boolean(req->ports && req->ports[0]));
        json_object_object_add(j, "driver", json_object_new_string(network_driver_to_string(net->driver)));
        json_object_object_add(j, "conflist", json_object_get(net->conflist));
        return write_attachment_file(ctx, req->container_id, ATTACHMENT_JSON,
                                     json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
}

static int loopback_conflist(struct json_object **ret) {
        struct json_object *l = json_object_new_object(), *plugins = json_object_new_array(),
                           *lo = json_object_new_object();

        json_object_object_add(lo, "type", json_object_new_string("loopback"));
        json_object_array_add(plugins, lo);
        json_object_object_add(l, "cniVersion", json_object_new_string(CNI_VERSION));
        json_object_object_add(l, "name", json_object_new_string("conman-loopback"));
        json_object_object_add(l, "plugins", plugins);
        *ret = l;
        return 0;
}

/* The two ADDs: lo up, then the network. */
static int run_add(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                   const char *netns_path, struct json_object **ret_result, char **ret_message) {
        _cleanup_json_ struct json_object *lo = NULL, *lo_result = NULL, *args = NULL;
        CniRuntime rt = { .container_id = req->container_id,
                          .netns = netns_path,
                          .ifname = "lo",
                          .cni_path = ctx->cni_path };
        int r;

        if (req->options && (req->options->ip || req->options->mac_address)) {
                set_message(ret_message, strdup("--ip and --mac-address need one of conman's own (native) "
                                                "networks, not a CNI configuration list."));
                return -EOPNOTSUPP;
        }
        r = loopback_conflist(&lo);
        if (r >= 0)
                r = cni_conflist_add(lo, &rt, &lo_result, ret_message);
        if (r >= 0)
                r = capability_args(req->ports, &args);
        if (r < 0)
                return r;
        rt.ifname = NETWORK_IFNAME;
        rt.capability_args = args;
        return cni_conflist_add(net->conflist, &rt, ret_result, ret_message);
}

static int run_native_add(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                          const char *netns_path, struct json_object **ret_result, char **ret_message) {
        NativeAttach a = { .container_id = req->container_id,
                           .netns_path = netns_path,
                           .ipam_dir = ctx->ipam_dir,
                           .ports = req->ports,
                           .ip = req->options ? req->options->ip : NULL,
                           .mac_address = req->options ? req->options->mac_address : NULL };
        _cleanup_free_ char *m = NULL;
        int r = native_attach(net, &a, ret_result, &m);

        set_message(ret_message, TAKE_PTR(m));
        return r;
}

typedef struct Peer {
        char *id, *ip, *name, *hostname;
        char **aliases;
} Peer;

static void peers_free(Peer *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].id);
                free(p[i].ip);
                free(p[i].name);
                free(p[i].hostname);
                strv_freep(&p[i].aliases);
        }
        free(p);
}

/* The IPv4 address (without prefix) of an attachment's cached result. */
static int attachment_ip(const NetworkContext *ctx, const char *id, char **ret_ip, CniResult **ret_result) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_(cni_result_freep) CniResult *res = NULL;
        const CniInterface *iface;
        const CniIp *ip;
        int r;

        r = read_json(ctx, id, RESULT_JSON, &j);
        if (r >= 0)
                r = cni_result_from_json(j, &res);
        if (r >= 0)
                r = cni_result_primary(res, NETWORK_IFNAME, &ip, &iface);
        if (r < 0)
                return r;
        *ret_ip = strndup(ip->address, strcspn(ip->address, "/"));
        if (!*ret_ip)
                return -ENOMEM;
        if (ret_result)
                *ret_result = TAKE_PTR(res);
        return 0;
}

/* A peer is another attachment on the same network that has an address. */
static int load_peer(const NetworkContext *ctx, const char *id, const char *network, Peer *ret) {
        _cleanup_json_ struct json_object *a = NULL;
        Peer p = {};

        if (read_json(ctx, id, ATTACHMENT_JSON, &a) < 0 || !streq(strempty(member(a, "network")), network) ||
            !member(a, "name") || attachment_ip(ctx, id, &p.ip, NULL) < 0)
                return -ENOENT;
        p.id = strdup(id);
        p.name = strdup(member(a, "name"));
        p.hostname = member(a, "hostname") ? strdup(member(a, "hostname")) : NULL;
        (void) json_strv_get(json_object_object_get(a, "aliases"), &p.aliases); /* a bad list: no aliases */
        *ret = p;
        return p.id && p.name ? 0 : -ENOMEM;
}

static int list_peers(const NetworkContext *ctx, const char *self_id, const char *network, Peer **ret,
                      size_t *ret_n) {
        _cleanup_strv_free_ char **ids = NULL;
        Peer *peers;
        size_t n = 0;
        int r;

        r = network_attached_ids(ctx, &ids);
        if (r < 0)
                return r;
        peers = calloc(strv_length(ids) + 1, sizeof(Peer));
        if (!peers)
                return -ENOMEM;
        for (char **id = ids; *id; id++)
                if (!streq(*id, self_id) && load_peer(ctx, *id, network, &peers[n]) >= 0)
                        n++;
        *ret = peers;
        *ret_n = n;
        return 0;
}

/* Serializes changes to the hosts files of a network's attachments. */
static int lock_runtime_dir(const NetworkContext *ctx) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        if (asprintf(&path, "%s/.lock", ctx->runtime_dir) < 0)
                return -ENOMEM;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        if (flock(fd, LOCK_EX) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

/* Rewrites a peer's hosts file in place: the container has its inode bind-mounted. */
static int rewrite_in_place(const char *path, const char *data) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
        size_t n = strlen(data);

        if (fd < 0)
                return negative_errno();
        return write_all(fd, data, n);
}

/* Adds (line != NULL) or removes self's line in a peer's hosts file. */
static int update_peer_hosts(const NetworkContext *ctx, const char *peer_id, const char *self_id,
                             const char *line) {
        _cleanup_free_ char *path = NULL, *old = NULL, *new = NULL;
        int r;

        r = network_attachment_file(ctx, peer_id, "hosts", &path);
        if (r >= 0)
                r = read_file(path, CNI_OUTPUT_MAX, &old, NULL);
        if (r >= 0)
                r = hosts_remove(old, self_id, &new);
        if (r >= 0 && line) {
                char *m = realloc(new, strlen(new) + strlen(line) + 1);
                if (!m)
                        return -ENOMEM;
                new = strcat(m, line);
        }
        return r < 0 ? r : rewrite_in_place(path, new);
}

static int read_host_resolv(char **ret) {
        _cleanup_free_ char *etc = NULL;

        if (read_file("/etc/resolv.conf", 1024 * 1024, &etc, NULL) >= 0 &&
            !strstr(etc, "nameserver 127.0.0.53")) {
                *ret = TAKE_PTR(etc);
                return 0;
        }
        /* systemd-resolved's stub: its upstream servers are in this file */
        if (read_file("/run/systemd/resolve/resolv.conf", 1024 * 1024, ret, NULL) >= 0)
                return 0;
        *ret = TAKE_PTR(etc);
        return 0;
}

static int write_resolv_and_hostname(const NetworkContext *ctx, const NetworkAttachRequest *req,
                                     const CniResult *res) {
        _cleanup_free_ char *host = NULL, *resolv = NULL, *hostname = NULL;
        const NetworkOptions *o = req->options;
        int r;

        (void) read_host_resolv(&host);
        r = resolv_conf_build(host, res->nameservers, res->search, &resolv);
        if (r >= 0 && o && (o->dns_servers || o->dns_searches || o->dns_options)) {
                _cleanup_free_ char *base = TAKE_PTR(resolv);
                r = resolv_conf_override("# Generated by conman (--dns, --dns-search, --dns-option).\n",
                                         o->dns_servers, o->dns_searches, o->dns_options, base, &resolv);
        }
        if (r >= 0)
                r = write_attachment_file(ctx, req->container_id, "resolv.conf", resolv);
        if (r >= 0 && asprintf(&hostname, "%.63s\n", req->hostname ?: req->container_id) < 0)
                r = -ENOMEM;
        if (r >= 0 && !req->hostname)
                hostname[12] = '\n', hostname[13] = 0; /* the short id, as oci-config.c names the host */
        if (r >= 0)
                r = write_attachment_file(ctx, req->container_id, "hostname", hostname);
        return r;
}

/* hosts for the new container, and its line in every peer's hosts. Under the runtime dir lock. */
static int write_hosts(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                       const char *ip, const char *gateway) {
        _cleanup_close_ int lock = -EBADF;
        _cleanup_free_ char *hosts = NULL, *line = NULL;
        _cleanup_free_ HostsEntry *entries = NULL;
        char short_id[13];
        Peer *peers = NULL;
        size_t n = 0;
        int r;

        snprintf(short_id, sizeof(short_id), "%.12s", req->container_id);
        HostsEntry self = {
                .ip = ip,
                .name = req->name,
                .hostname = req->hostname ?: short_id,
                .id = req->container_id,
                .aliases = req->aliases,
        };
        lock = lock_runtime_dir(ctx);
        if (lock < 0)
                return lock;
        r = list_peers(ctx, req->container_id, net->name, &peers, &n);
        if (r < 0)
                return r;
        entries = calloc(n + 1, sizeof(HostsEntry));
        for (size_t i = 0; entries && i < n; i++)
                entries[i] = (HostsEntry){ .ip = peers[i].ip,
                                           .name = peers[i].name,
                                           .hostname = peers[i].hostname,
                                           .id = peers[i].id,
                                           .aliases = peers[i].aliases };
        r = entries ? hosts_file_build(&self, entries, n, &hosts) : -ENOMEM;
        if (r >= 0 && req->options && req->options->add_hosts) {
                _cleanup_free_ char *base = TAKE_PTR(hosts);
                r = hosts_add_extra(base, req->options->add_hosts, gateway, &hosts);
        }
        if (r >= 0)
                r = write_attachment_file(ctx, req->container_id, "hosts", hosts);
        if (r >= 0)
                r = hosts_line(&self, &line);
        for (size_t i = 0; r >= 0 && i < n; i++)
                (void) update_peer_hosts(ctx, peers[i].id, req->container_id, line);
        peers_free(peers, n);
        return r;
}

static const char *attachment_gateway(const CniResult *res) {
        const CniInterface *iface;
        const CniIp *ip;
        return cni_result_primary(res, NETWORK_IFNAME, &ip, &iface) >= 0 ? ip->gateway : NULL;
}

static int write_etc_files(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                           struct json_object *result, char **ret_message) {
        _cleanup_(cni_result_freep) CniResult *res = NULL;
        _cleanup_free_ char *ip = NULL;
        int r;

        r = write_attachment_file(ctx, req->container_id, RESULT_JSON,
                                  json_object_to_json_string_ext(result, JSON_C_TO_STRING_PRETTY));
        if (r < 0)
                return r;
        r = attachment_ip(ctx, req->container_id, &ip, &res);
        if (r < 0) {
                set_message(ret_message,
                            strdup("The network's CNI plugins returned no IPv4 address for eth0."));
                return r;
        }
        r = write_resolv_and_hostname(ctx, req, res);
        if (r >= 0)
                r = write_hosts(ctx, req, net, ip, attachment_gateway(res));
        return r;
}

/* A namespace of that name that belongs to another container (same 12-character prefix)? */
static bool netns_taken(const NetworkContext *ctx, const char *id) {
        _cleanup_strv_free_ char **ids = NULL;

        if (network_attached_ids(ctx, &ids) < 0)
                return false;
        for (char **o = ids; *o; o++)
                if (!streq(*o, id) && strneq(*o, id, 12))
                        return true;
        return false;
}

static int prepare(const NetworkContext *ctx, const NetworkAttachRequest *req, const Network *net,
                   const char *netns, char **ret_message) {
        _cleanup_free_ char *dir = NULL;
        int r;

        if (netns_taken(ctx, req->container_id)) {
                set_message(ret_message, strdup("Another container's id starts with the same 12 characters; "
                                                "remove one of them."));
                return -EEXIST;
        }
        if (netns_exists(netns)) {
                log_info("Tearing down the stale network of container %.12s first.", req->container_id);
                (void) network_detach(ctx, req->container_id, NULL);
        }
        r = network_attachment_file(ctx, req->container_id, NULL, &dir);
        if (r >= 0)
                r = mkdir_p(dir, 0755);
        if (r >= 0)
                r = write_attachment(ctx, req, net, netns);
        return r;
}

static int load_network(const NetworkContext *ctx, const char *name, Network **ret, char **ret_message) {
        int r = network_store_load(&ctx->store, name, ret);
        char *m = NULL;

        if (r == -ENOENT)
                (void) asprintf(&m,
                                "Network '%s' does not exist; create it with 'conmanctl network create %s'.",
                                name, name);
        else if (r < 0)
                (void) asprintf(&m, "Network '%s' cannot be read: %s", name, strerror(-r));
        set_message(ret_message, m);
        return r;
}

int network_attach(const NetworkContext *ctx, const NetworkAttachRequest *req, char **ret_message) {
        _cleanup_(network_freep) Network *net = NULL;
        _cleanup_json_ struct json_object *result = NULL;
        _cleanup_free_ char *netns = NULL, *netns_file = NULL;
        int r;

        r = load_network(ctx, req->network ?: NETWORK_DEFAULT_NAME, &net, ret_message);
        if (r < 0)
                return r;
        r = network_netns_name(req->container_id, &netns);
        if (r >= 0)
                r = netns_path(netns, &netns_file);
        if (r >= 0)
                r = prepare(ctx, req, net, netns, ret_message);
        if (r < 0)
                return r;
        r = netns_create(netns);
        if (r < 0)
                set_message(ret_message,
                            strdup("Cannot create the network namespace (is CAP_SYS_ADMIN missing?)."));
        if (r >= 0 && net->driver == NETWORK_DRIVER_NATIVE)
                r = run_native_add(ctx, req, net, netns_file, &result, ret_message);
        else if (r >= 0)
                r = run_add(ctx, req, net, netns_file, &result, ret_message);
        if (r >= 0)
                r = write_etc_files(ctx, req, net, result, ret_message);
        if (r < 0)
                (void) network_detach(ctx, req->container_id, NULL);
        return r;
}

/* DEL of the network list and of loopback, from the snapshot in attachment.json. */
static int run_del(const NetworkContext *ctx, const char *id, struct json_object *att, const char *netns_file,
                   char **ret_message) {
        _cleanup_json_ struct json_object *prev = NULL, *args = NULL, *lo = NULL;
        _cleanup_strv_free_ char **ports = strv_from_json(json_object_object_get(att, "ports"));
        CniRuntime rt = {
                .container_id = id, .netns = netns_file, .ifname = NETWORK_IFNAME, .cni_path = ctx->cni_path
        };
        int r, ret;

        (void) read_json(ctx, id, RESULT_JSON, &prev);
        r = capability_args(ports, &args);
        if (r < 0)
                return r;
        rt.capability_args = args;
        ret = cni_conflist_del(json_object_object_get(att, "conflist"), &rt, prev, ret_message);
        rt.ifname = "lo";
        rt.capability_args = NULL;
        if (loopback_conflist(&lo) >= 0)
                (void) cni_conflist_del(lo, &rt, NULL, NULL);
        return ret;
}

static void remove_from_peers(const NetworkContext *ctx, const char *id) {
        _cleanup_close_ int lock = lock_runtime_dir(ctx);
        _cleanup_strv_free_ char **ids = NULL;

        if (lock < 0 || network_attached_ids(ctx, &ids) < 0)
                return;
        for (char **o = ids; *o; o++)
                if (!streq(*o, id))
                        (void) update_peer_hosts(ctx, *o, id, NULL);
}

/* An attachment written before "nftRules" may have rules of its own. */
static bool attachment_has_rules(struct json_object *att) {
        struct json_object *v;
        return !json_object_object_get_ex(att, "nftRules", &v) || json_object_get_boolean(v);
}

int network_detach(const NetworkContext *ctx, const char *container_id, char **ret_message) {
        _cleanup_json_ struct json_object *att = NULL;
        _cleanup_free_ char *netns = NULL, *netns_file = NULL, *dir = NULL;
        int r, ret = 0;

        r = network_netns_name(container_id, &netns);
        if (r >= 0)
                r = netns_path(netns, &netns_file);
        if (r >= 0)
                r = network_attachment_file(ctx, container_id, NULL, &dir);
        if (r < 0)
                return r;
        if (read_json(ctx, container_id, ATTACHMENT_JSON, &att) >= 0) {
                if (network_driver_from_string(strempty(member(att, "driver"))) == NETWORK_DRIVER_NATIVE)
                        ret = native_detach(&(NativeDetach){ .ipam_dir = ctx->ipam_dir,
                                                             .network = member(att, "network"),
                                                             .container_id = container_id,
                                                             .netns_path = netns_file,
                                                             .rules = attachment_has_rules(att) });
                else
                        ret = run_del(ctx, container_id, att, netns_file, ret_message);
        }
        remove_from_peers(ctx, container_id);
        r = netns_remove(netns);
        if (r < 0 && ret == 0)
                ret = r;
        r = rm_rf(dir);
        if (r < 0 && r != -ENOENT && ret == 0)
                ret = r;
        return ret;
}

int network_check(const NetworkContext *ctx, const char *container_id, char **ret_message) {
        _cleanup_json_ struct json_object *att = NULL, *prev = NULL, *args = NULL;
        _cleanup_free_ char *netns = NULL, *netns_file = NULL;
        _cleanup_strv_free_ char **ports = NULL;
        int r;

        r = read_json(ctx, container_id, ATTACHMENT_JSON, &att);
        if (r >= 0)
                r = read_json(ctx, container_id, RESULT_JSON, &prev);
        if (r >= 0)
                r = network_netns_name(container_id, &netns);
        if (r >= 0)
                r = netns_path(netns, &netns_file);
        if (r < 0)
                return r;
        if (network_driver_from_string(strempty(member(att, "driver"))) == NETWORK_DRIVER_NATIVE)
                return native_check(container_id, netns_file, ret_message);
        ports = strv_from_json(json_object_object_get(att, "ports"));
        r = capability_args(ports, &args);
        if (r < 0)
                return r;
        CniRuntime rt = { .container_id = container_id,
                          .netns = netns_file,
                          .ifname = NETWORK_IFNAME,
                          .cni_path = ctx->cni_path,
                          .capability_args = args };
        return cni_conflist_check(json_object_object_get(att, "conflist"), &rt, prev, ret_message);
}

static void add_address(struct json_object *o, const CniResult *res) {
        const CniInterface *iface = NULL;
        const CniIp *ip = NULL;
        const char *slash;

        if (cni_result_primary(res, NETWORK_IFNAME, &ip, &iface) < 0)
                return;
        slash = strchr(ip->address, '/');
        json_object_object_add(o, "IPAddress",
                               json_object_new_string_len(ip->address, (int) (slash - ip->address)));
        json_object_object_add(o, "IPPrefixLen", json_object_new_int(atoi(slash + 1)));
        json_object_object_add(o, "Gateway", json_object_new_string(strempty(ip->gateway)));
        json_object_object_add(o, "MacAddress",
                               json_object_new_string(iface && iface->mac ? iface->mac : ""));
}

int network_attachment_json(const NetworkContext *ctx, const char *container_id, struct json_object **ret) {
        _cleanup_json_ struct json_object *att = NULL, *result = NULL, *o = NULL;
        _cleanup_(cni_result_freep) CniResult *res = NULL;
        int r;

        r = read_json(ctx, container_id, ATTACHMENT_JSON, &att);
        if (r >= 0)
                r = read_json(ctx, container_id, RESULT_JSON, &result);
        if (r >= 0)
                r = cni_result_from_json(result, &res);
        if (r < 0)
                return r == -EBADMSG ? -ENOENT : r;
        o = json_object_new_object();
        json_object_object_add(o, "Network", json_object_new_string(strempty(member(att, "network"))));
        add_address(o, res);
        if (member(att, "netns")) {
                _cleanup_free_ char *p = NULL;
                if (netns_path(member(att, "netns"), &p) >= 0)
                        json_object_object_add(o, "SandboxKey", json_object_new_string(p));
        }
        json_object_object_add(o, "Ports", json_object_get(json_object_object_get(att, "ports")));
        /* --network-alias, docker's NetworkSettings.Networks.NAME.Aliases (null without) */
        json_object_object_add(o, "Aliases", json_object_get(json_object_object_get(att, "aliases")));
        *ret = TAKE_PTR(o);
        return 0;
}

int network_attached_ids(const NetworkContext *ctx, char ***ret) {
        _cleanup_closedir_ DIR *d = opendir(ctx->runtime_dir);
        _cleanup_strv_free_ char **ids = NULL;
        struct dirent *de;

        if (!d && errno != ENOENT)
                return negative_errno();
        while (d && (de = readdir(d)))
                if (strlen(de->d_name) == 64 && strspn(de->d_name, "0123456789abcdef") == 64 &&
                    strv_push(&ids, de->d_name) < 0)
                        return -ENOMEM;
        if (!ids && !(ids = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(ids);
        return 0;
}
