/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-network.c — see container-network.h.
 */
#include "daemon/container-network.h"
#include <arpa/inet.h>
#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/json-util.h"

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/ipam.h"
#include "network/native.h"
#include "network/netns.h"
#include "daemon/container-ports.h"
#include "daemon/pod.h"

int container_network_context(Manager *m, NetworkContext *ret) {
        return network_context_init(ret, m->state_dir, m->run_dir);
}

static const char *network_of(const ContainerSpec *s) {
        return s->network_name ?: NETWORK_DEFAULT_NAME;
}

/* Another container on the network that asks for the address, or holds its lease now. */
static const char *address_holder(Manager *m, const ContainerSpec *spec, const char *network) {
        _cleanup_free_ char *lease = NULL, *owner = NULL;

        for (Container *c = m->containers; c; c = c->next)
                if (&c->spec != spec && c->spec.network == NETWORK_BRIDGE &&
                    streq(network_of(&c->spec), network) && c->spec.net.ip &&
                    streq(c->spec.net.ip, spec->net.ip))
                        return c->name;
        if (asprintf(&lease, "%s/ipam/%s/%s", m->run_dir, network, spec->net.ip) < 0 ||
            read_file(lease, 256, &owner, NULL) < 0)
                return NULL;
        owner[strcspn(owner, "\r\n")] = 0;
        Container *c = manager_get_container_by_id(m, owner);
        if (c && &c->spec == spec)
                return NULL; /* its own lease, left by a teardown that did not finish */
        return c ? c->name : "another container or pod";
}

/* --ip and --mac-address need the native driver; --ip an unused host address of the subnet. */
static int check_fixed_address(Manager *m, const ContainerSpec *spec, const Network *n, sd_bus_error *error) {
        uint32_t net, gw = 0, a;
        unsigned prefix;
        const char *holder;

        if (!spec->net.ip && !spec->net.mac_address)
                return 0;
        if (n->driver != NETWORK_DRIVER_NATIVE || !n->subnet)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "--ip and --mac-address need one of conman's own networks; '%s' is a "
                        "CNI configuration list.",
                        n->name);
        if (!spec->net.ip)
                return 0;
        if (subnet_parse(n->subnet, &net, &prefix) < 0 || inet_pton(AF_INET, spec->net.ip, &a) != 1)
                return -EINVAL;
        if (n->gateway)
                (void) inet_pton(AF_INET, n->gateway, &gw);
        if (ipam_address_check(net, prefix, ntohl(gw), ntohl(a)) < 0)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "--ip %s is not a free host address of network '%s' (%s, gateway %s).", spec->net.ip,
                        n->name, n->subnet, strempty(n->gateway));
        holder = address_holder(m, spec, n->name);
        if (holder)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "--ip %s is taken on network '%s' by %s.", spec->net.ip, n->name,
                                         holder);
        return 0;
}

int container_network_check(Manager *m, const ContainerSpec *spec, sd_bus_error *error) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_(network_freep) Network *n = NULL;
        int r;

        if (spec->network != NETWORK_BRIDGE)
                return 0;
        r = container_network_context(m, &ctx);
        if (r < 0)
                return r;
        r = network_store_load(&ctx.store, network_of(spec), &n);
        if (r == -ENOENT || r == -EINVAL)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_NO_SUCH_NETWORK,
                        "Network '%s' does not exist; create it with 'conmanctl network create "
                        "%s' or use --network bridge, none or host.",
                        network_of(spec), network_of(spec));
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Network '%s' has an unreadable configuration: %s", network_of(spec),
                                         strerror(-r));
        return check_fixed_address(m, spec, n, error);
}

int container_network_paths(Container *c, char **ret_netns_path, char **ret_etc_dir) {
        *ret_netns_path = *ret_etc_dir = NULL;
        if (c->spec.network != NETWORK_BRIDGE)
                return 0;
        return network_container_paths(c->manager->run_dir, c->id, ret_netns_path, ret_etc_dir);
}

int container_network_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error) {
        _cleanup_strv_free_ char **ports = NULL;
        int r;

        if (c->spec.network != NETWORK_BRIDGE)
                return 0;
        r = container_network_check(c->manager, &c->spec, error);
        if (r >= 0)
                r = container_ports_resolve(c, &ports, error);
        if (r < 0)
                return r;
        return network_add_unit_hooks(c->manager->state_dir, c->manager->run_dir,
                                      &(NetworkAttachRequest){ .container_id = c->id,
                                                               .network = network_of(&c->spec),
                                                               .name = c->name,
                                                               .hostname = c->spec.hostname,
                                                               .aliases = c->spec.network_aliases,
                                                               .ports = ports,
                                                               .options = &c->spec.net },
                                      hooks);
}

static void copy_field(struct json_object *to, struct json_object *from, const char *key,
                       struct json_object *def) {
        struct json_object *v;

        if (from && json_object_object_get_ex(from, key, &v)) {
                json_object_object_add(to, key, json_object_get(v));
                json_object_put(def);
        } else
                json_object_object_add(to, key, def);
}

struct json_object *network_settings_json(Manager *m, const char *owner_id, NetworkMode mode,
                                          const char *network_name, char **ports) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_json_ struct json_object *att = NULL;
        _cleanup_strv_free_ char **chosen = NULL;
        struct json_object *o = json_object_new_object(), *nets = json_object_new_object();
        static const char *const fields[] = { "IPAddress", "Gateway", "MacAddress", "SandboxKey" };
        const char *network = network_name ?: NETWORK_DEFAULT_NAME;

        if (mode == NETWORK_BRIDGE && container_network_context(m, &ctx) >= 0)
                (void) network_attachment_json(&ctx, owner_id, &att);
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                copy_field(o, att, fields[i], json_object_new_string(""));
        copy_field(o, att, "IPPrefixLen", json_object_new_int(0));
        /* while attached, the ports as published, with the host ports chosen at start; else the explicit ones
         */
        if (att && json_strv_get(json_object_object_get(att, "Ports"), &chosen) >= 0 && chosen)
                ports = chosen;
        json_object_object_add(o, "Ports", ports_json(ports, !chosen));
        if (mode == NETWORK_BRIDGE)
                json_object_object_add(nets, network, att ? json_object_get(att) : json_object_new_object());
        else
                json_object_object_add(nets, network_mode_to_string(mode), json_object_new_object());
        json_object_object_add(o, "Networks", nets);
        return o;
}

struct json_object *container_network_settings_json(Container *c) {
        Pod *p = c->spec.pod_id ? manager_get_pod_by_id(c->manager, c->spec.pod_id) : NULL;

        if (p) /* a member is on its pod's network: the pod's attachment and ports */
                return network_settings_json(c->manager, p->spec.id, p->spec.network, p->spec.network_name,
                                             p->spec.ports);
        return network_settings_json(c->manager, c->id, c->spec.network, c->spec.network_name, c->spec.ports);
}

void container_network_release(Container *c) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_free_ char *dir = NULL, *message = NULL;
        int r;

        if (c->spec.network != NETWORK_BRIDGE || container_network_context(c->manager, &ctx) < 0 ||
            network_attachment_file(&ctx, c->id, NULL, &dir) < 0 || access(dir, F_OK) < 0)
                return;
        log_info("Detaching the network of container %s that its unit left behind.", c->name);
        r = network_detach(&ctx, c->id, &message);
        if (r < 0)
                log_warning_errno(r, "Failed to detach the network of %s: %s", c->name,
                                  message ?: strerror(-r));
}

bool container_network_in_use(Manager *m, const char *network) {
        for (Container *c = m->containers; c; c = c->next)
                if (c->spec.network == NETWORK_BRIDGE && streq(network_of(&c->spec), network))
                        return true;
        for (Pod *p = m->pods; p; p = p->next)
                if (p->spec.network == NETWORK_BRIDGE &&
                    streq(p->spec.network_name ?: NETWORK_DEFAULT_NAME, network))
                        return true;
        return false;
}

static Container *container_by_id_prefix(Manager *m, const char *id, size_t n) {
        for (Container *c = m->containers; c; c = c->next)
                if (strneq(c->id, id, n))
                        return c;
        return NULL;
}

/* A pod's attachment and namespace are owned while its pin unit is up or on its way (a pin that was
 * activating when conmand restarted is making them right now): only a pin that is down leaves orphans. */
static bool pod_owner_is_pinned(Manager *m, const char *id, size_t n) {
        for (Pod *p = m->pods; p; p = p->next)
                if (strneq(p->spec.id, id, n) && (pod_is_pinned(p) || streq(p->pin_active, "activating") ||
                                                  streq(p->pin_active, "deactivating")))
                        return true;
        return false;
}

/* The owner of an attachment (a full id: a lookup) or of a namespace (12 characters: a walk). */
static bool owner_is_active(Manager *m, const char *id, size_t n) {
        Container *c = n == CONTAINER_ID_LENGTH && strlen(id) == n ? manager_get_container_by_id(m, id)
                                                                   : container_by_id_prefix(m, id, n);
        if (c && c->spec.network == NETWORK_BRIDGE && container_state_is_active(c->state))
                return true;
        return pod_owner_is_pinned(m, id, n);
}

static void detach_orphans(Manager *m, const NetworkContext *ctx) {
        _cleanup_strv_free_ char **ids = NULL;

        if (network_attached_ids(ctx, &ids) < 0)
                return;
        for (char **id = ids; *id; id++) {
                _cleanup_free_ char *message = NULL;
                int r;
                if (owner_is_active(m, *id, 64))
                        continue;
                log_info("Detaching orphaned network of container %.12s.", *id);
                r = network_detach(ctx, *id, &message);
                if (r < 0)
                        log_warning_errno(r, "Failed to detach the network of %.12s: %s", *id,
                                          message ?: strerror(-r));
        }
}

/* Namespaces without attachment state (a setup that died before writing it). */
static void remove_orphan_namespaces(Manager *m) {
        _cleanup_closedir_ DIR *d = opendir(NETNS_RUN_DIR);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                const char *id = de->d_name + strlen(NETNS_PREFIX);
                int r;
                if (!string_has_prefix(de->d_name, NETNS_PREFIX) || strlen(id) != 12 ||
                    owner_is_active(m, id, 12))
                        continue;
                log_info("Removing orphaned network namespace %s.", de->d_name);
                r = netns_remove(de->d_name);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove network namespace %s: %m", de->d_name);
        }
}

static bool native_owner_is_active(const char *id, size_t n, void *userdata) {
        return owner_is_active(userdata, id, n);
}

void container_network_cleanup_orphans(Manager *m) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        int r;

        if (container_network_context(m, &ctx) < 0)
                return;
        detach_orphans(m, &ctx);
        remove_orphan_namespaces(m);
        /* what the native driver left without attachment state (a setup killed before writing it) */
        r = native_cleanup_orphans(ctx.ipam_dir, native_owner_is_active, m);
        if (r < 0)
                log_warning_errno(r, "Failed to remove some orphaned native network leftovers: %m");
}
