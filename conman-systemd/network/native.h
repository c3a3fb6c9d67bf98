/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native.h — the native bridge driver: what the CNI plugins bridge, host-local, loopback, portmap
 * and firewall do for conman's own networks, done in-process (netlink through libmnl, leases in
 * ipam.c, nftables rules in nft-rules.c). network-attach.c calls it for networks whose stored
 * configuration says "driver": "native"; everything else still goes through CNI.
 *
 * Names on the host are derived from the container id, so teardown needs nothing but the id:
 * the host end of the veth pair is "cm<first 12 id chars>", its leases and its nft rules carry the
 * full id. Teardown removes all three by id, whatever part of setup happened.
 */
#pragma once

#include <json-c/json.h>

#include "network/network-store.h"

#define NATIVE_VETH_PREFIX "cm"
/* In <ipam>/<network>/: the network's own nftables rules are in the table (see nft-rules.h). */
#define NATIVE_RULES_MARK "nft-rules"

/* "cm<12 chars of id>" */
int native_veth_name(const char *container_id, char **ret);

typedef struct NativeAttach {
        const char *container_id;
        const char *netns_path; /* /run/netns/conman-<id12>, already made */
        const char *ipam_dir;
        char **ports;            /* "[IP:]HOST:PORT/PROTO" */
        const char *ip;          /* --ip: this address of the subnet, refused when another holds it; NULL */
        const char *mac_address; /* --mac-address: eth0's; NULL: the kernel's random one */
} NativeAttach;

/* Sets up eth0 and lo in the namespace, the bridge and veth, the lease and the rules. On success
 * *ret_result is a CNI-1.0-shaped result (interfaces, ips, routes, dns) like the bridge plugin's.
 * On failure the caller tears down with native_detach(). */
int native_attach(const Network *net, const NativeAttach *a, struct json_object **ret_result,
                  char **ret_message);
typedef struct NativeDetach {
        const char *ipam_dir;
        const char *network;      /* NULL: every network */
        const char *container_id; /* 64 hex */
        const char *netns_path;   /* the namespace the caller removes next, or NULL */
        bool rules;               /* the container has rules of its own (published ports) */
} NativeDetach;

/* Removes the container's rules, its address and leases; the veth pair goes with the namespace, which the
 * caller removes next (without one, the host end is deleted here). Idempotent; returns the first error but
 * always finishes. */
int native_detach(const NativeDetach *d);
/* What `network rm` leaves of a native network: its own rules and their mark. */
int native_network_remove(const char *ipam_dir, const char *network);
/* The host veth is up on its bridge and eth0 exists in the namespace; *ret_message says what is missing. */
int native_check(const char *container_id, const char *netns_path, char **ret_message);

/* Whether the container (or pod) whose id starts with the n characters of id still owns its network. */
typedef bool (*NativeOwnerActiveFn)(const char *id, size_t n, void *userdata);
/* Removes what the native driver left for owners that are not active: nft rules, host veths
 * ("cm<id12>") and leases under ipam_dir. For conmand's start; returns the first error. */
int native_cleanup_orphans(const char *ipam_dir, NativeOwnerActiveFn active, void *userdata);
