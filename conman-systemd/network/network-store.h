/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-store.h — the networks containers can join: CNI configuration lists stored
 * as <state>/networks/NAME.conflist (written atomically by `conmanctl network create`),
 * plus the default network conman0 which exists without a file (built in; a file of
 * that name overrides it). Every network made here is a Linux bridge with host-local
 * IPAM (allocations under <run>/ipam, so they end with the boot like the namespaces
 * they belong to), masquerading, the portmap plugin for published ports and the
 * firewall plugin for hosts whose FORWARD policy drops.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#include "shared/macro.h"

#define NETWORK_DEFAULT_BRIDGE   "conman0"
#define NETWORK_DEFAULT_SUBNET   "10.77.0.0/16"
#define NETWORK_AUTO_SUBNET_BASE "10.78.0.0" /* user networks get 10.78.N.0/24 unless told */

/* How a network's containers are attached: conman's own in-process bridge driver (native.h) for
 * the built-in conman0 and networks made by `network create`, whose lists carry "driver": "native";
 * the CNI plugins for every other list (one a user wrote, or one made before the native driver). */
typedef enum NetworkDriver {
        NETWORK_DRIVER_CNI,
        NETWORK_DRIVER_NATIVE,
        _NETWORK_DRIVER_MAX,
        _NETWORK_DRIVER_INVALID = -EINVAL,
} NetworkDriver;

const char *network_driver_to_string(NetworkDriver d);
NetworkDriver network_driver_from_string(const char *s);

typedef struct Network {
        char *name;
        char *bridge; /* NULL when the list has no bridge plugin */
        char *subnet; /* CIDR of the first host-local range, or NULL */
        char *gateway;
        bool builtin; /* conman0 from code, not from a file */
        NetworkDriver driver;
        struct json_object *conflist;
} Network;

Network *network_free(Network *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(Network *, network_free);
void network_free_many(Network **l, size_t n);

/* Parses "a.b.c.d/N" (IPv4, 8 <= N <= 30, no host bits set). */
int subnet_parse(const char *s, uint32_t *ret_addr, unsigned *ret_prefix);
bool subnets_overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb);
/* Validates subnet and gateway (in the subnet, neither network nor broadcast address); an empty
 * gateway becomes the first host address. *ret_message says what is wrong on -EINVAL. */
int network_address_plan(const char *subnet, const char *gateway, char **ret_gateway, char **ret_message);

/* The configuration list of a bridge network; driver native adds "driver": "native" at the top (CNI
 * tools ignore the key, so the list still describes the same network to them). */
int network_conflist_build(const char *name, const char *bridge, const char *subnet, const char *gateway,
                           const char *ipam_dir, NetworkDriver driver, struct json_object **ret);
/* Reads name, bridge, subnet, gateway and driver back out of a list (fields it lacks stay NULL; native
 * only when the list says so and has a bridge, subnet and gateway). */
int network_from_conflist(struct json_object *conflist, Network **ret);

typedef struct NetworkStore {
        const char *dir;      /* <state>/networks */
        const char *ipam_dir; /* <run>/ipam */
} NetworkStore;

/* -ENOENT when there is no such network. */
int network_store_load(const NetworkStore *s, const char *name, Network **ret);
/* All networks, conman0 first, then by name. Unreadable files are skipped with a warning. */
int network_store_list(const NetworkStore *s, Network ***ret, size_t *ret_n);
/* subnet/gateway may be NULL (a free 10.78.N.0/24 and its .1). -EEXIST: name taken;
 * -EINVAL/-EADDRINUSE with *ret_message. */
int network_store_create(const NetworkStore *s, const char *name, const char *subnet, const char *gateway,
                         Network **ret, char **ret_message);
/* Stores a CNI configuration list (or a single-plugin .conf) written elsewhere, such as a node's
 * /etc/cni/net.d file, as network name: its containers go through its CNI plugins. The same list again is
 * no change; another one of that name is -EEXIST; a malformed one -EINVAL with *ret_message. */
int network_store_import(const NetworkStore *s, const char *name, const char *text, Network **ret,
                         char **ret_message);
/* -ENOENT: no such network; -EPERM: the built-in default. The caller checks that no container uses it. */
int network_store_remove(const NetworkStore *s, const char *name);

/* The JSON shown by `conmanctl network inspect`/`ls`. */
struct json_object *network_to_json(const Network *n);
