/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-dbus.c — networks on the bus (see network-dbus.h). Handlers parse, validate,
 * authorize, call the network store and reply.
 */
#include "daemon/bus/network-dbus.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/native.h"
#include "daemon/container-network.h"
#include "daemon/bus/bus-util.h"

static int invalid_name(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                 "Invalid network name '%s': names match " NETWORK_NAME_RULE ".", name);
}

static int no_such_network(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_NETWORK,
                                 "No such network: '%s'. 'conmanctl network ls' lists them.", name);
}

/* Options of CreateNetwork: Subnet s, Gateway s; or ConfList s. */
static int read_create_options(sd_bus_message *msg, const char **subnet, const char **gateway,
                               const char **conflist, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key, **target;
                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                target = streq(key, "Subnet")     ? subnet
                         : streq(key, "Gateway")  ? gateway
                         : streq(key, "ConfList") ? conflist
                                                  : NULL;
                if (!target)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown option '%s': networks take Subnet and Gateway, or "
                                                 "ConfList.",
                                                 key);
                r = sd_bus_message_read(msg, "v", "s", target);
                if (r < 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Option '%s' must be a string.", key);
                r = sd_bus_message_exit_container(msg);
        }
        return r < 0 ? r : sd_bus_message_exit_container(msg);
}

static int create_error(sd_bus_error *error, int r, const char *name, const char *message) {
        if (r == -EEXIST)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_NETWORK_EXISTS,
                        "Network '%s' already exists; remove it first or choose another name.", name);
        if (r == -EINVAL || r == -EADDRINUSE)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Cannot create network '%s': %s", name,
                                         message ?: "invalid subnet or gateway.");
        return r;
}

static int method_create_network(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_(network_freep) Network *n = NULL;
        _cleanup_free_ char *message = NULL;
        const char *name, *subnet = NULL, *gateway = NULL, *conflist = NULL;
        Manager *m = userdata;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r >= 0)
                r = read_create_options(msg, &subnet, &gateway, &conflist, error);
        if (r < 0)
                return r;
        if (!network_name_is_valid(name))
                return invalid_name(error, name);
        if (conflist && (subnet || gateway))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "A network is either a configuration list (ConfList) or a subnet.");
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = container_network_context(m, &ctx);
        if (r < 0)
                return r;
        if (conflist)
                r = network_store_import(&ctx.store, name, conflist, &n, &message);
        else
                r = network_store_create(&ctx.store, name, isempty(subnet) ? NULL : subnet, gateway, &n,
                                         &message);
        if (r < 0)
                return create_error(error, r, name, message);
        log_info("Created network %s (%s, gateway %s, bridge %s).", n->name, strna(n->subnet),
                 strna(n->gateway), strna(n->bridge));
        return sd_bus_reply_method_return(msg, "sss", strempty(n->subnet), strempty(n->gateway),
                                          strempty(n->bridge));
}

static unsigned count_users(Manager *m, const char *network) {
        unsigned n = 0;
        for (Container *c = m->containers; c; c = c->next)
                if (c->spec.network == NETWORK_BRIDGE &&
                    streq(c->spec.network_name ?: NETWORK_DEFAULT_NAME, network))
                        n++;
        return n;
}

static int append_network(sd_bus_message *reply, Manager *m, const Network *n) {
        return sd_bus_message_append(reply, "(ssssbu)", n->name, strempty(n->bridge), strempty(n->subnet),
                                     strempty(n->gateway), n->builtin, count_users(m, n->name));
}

static int method_list_networks(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(network_context_done) NetworkContext ctx = {};
        Manager *m = userdata;
        Network **l = NULL;
        size_t n = 0;
        int r;

        r = container_network_context(m, &ctx);
        if (r >= 0)
                r = network_store_list(&ctx.store, &l, &n);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssssbu)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = append_network(reply, m, l[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        network_free_many(l, n);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

/* {"<id>": {"Name":..., "IPAddress":..., "MacAddress":...}} of the containers attached now. */
static struct json_object *attached_json(Manager *m, const NetworkContext *ctx, const char *network) {
        struct json_object *o = json_object_new_object();

        for (Container *c = m->containers; c; c = c->next) {
                struct json_object *a = NULL;
                if (c->spec.network != NETWORK_BRIDGE ||
                    !streq(c->spec.network_name ?: NETWORK_DEFAULT_NAME, network) ||
                    network_attachment_json(ctx, c->id, &a) < 0)
                        continue;
                json_object_object_add(a, "Name", json_object_new_string(c->name));
                json_object_object_add(o, c->id, a);
        }
        return o;
}

static int method_inspect_network(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_(network_freep) Network *n = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        if (!network_name_is_valid(name))
                return invalid_name(error, name);
        r = container_network_context(m, &ctx);
        if (r < 0)
                return r;
        r = network_store_load(&ctx.store, name, &n);
        if (r == -ENOENT)
                return no_such_network(error, name);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Network '%s' cannot be read: %s", name, strerror(-r));
        j = network_to_json(n);
        json_object_object_add(j, "Containers", attached_json(m, &ctx, name));
        return sd_bus_reply_method_return(
                msg, "s",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int method_remove_network(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        Manager *m = userdata;
        const char *name;
        unsigned users;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        if (!network_name_is_valid(name))
                return invalid_name(error, name);
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        users = count_users(m, name);
        if (users > 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Network '%s' is used by %u container(s); remove them first.", name,
                                         users);
        r = container_network_context(m, &ctx);
        if (r >= 0)
                r = network_store_remove(&ctx.store, name);
        if (r == -EPERM)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Network '%s' is the built-in default and cannot be removed.", name);
        if (r == -ENOENT)
                return no_such_network(error, name);
        if (r < 0)
                return r;
        r = native_network_remove(ctx.ipam_dir, name);
        if (r < 0)
                log_warning_errno(r, "Failed to remove the nftables rules of network %s: %m", name);
        log_info("Removed network %s.", name);
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable network_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("CreateNetwork", SD_BUS_ARGS("s", name, "a{sv}", options),
                                SD_BUS_RESULT("s", subnet, "s", gateway, "s", bridge), method_create_network,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListNetworks", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssssbu)", networks),
                                method_list_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectNetwork", SD_BUS_ARGS("s", name), SD_BUS_RESULT("s", json),
                                method_inspect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveNetwork", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT,
                                method_remove_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int network_bus_export(Manager *m) {
        int r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager",
                                         network_manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export the network methods: %m");
        return 0;
}
