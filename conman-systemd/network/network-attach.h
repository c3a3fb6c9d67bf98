/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-attach.h — a container on a network, set up and torn down by the helper
 * conman-netns in the unit's ExecStartPre=/ExecStopPost= (and by conmand for
 * orphans it finds at start). State of one attachment lives in <run>/networks/<id>/:
 *
 *   attachment.json  what was asked (network, names, ports) and a snapshot of the
 *                    network's configuration list, written BEFORE any plugin runs,
 *                    so teardown can always DEL exactly what ADD may have made
 *   result.json      the CNI result of ADD (the cached result for DEL and CHECK)
 *   hosts, hostname, resolv.conf   bind-mounted into the container at /etc/...
 *
 * The namespace is /run/netns/conman-<first 12 id chars>. Peers on the same network find
 * each other by name through /etc/hosts: setup writes every attached peer into the new
 * container's hosts file and appends the new container to each peer's file (rewritten
 * in place, since the container sees the file's inode); teardown takes it out again.
 */
#pragma once

#include <json-c/json.h>

#include "shared/network-options.h"
#include "shared/unit.h"
#include "network/network-store.h"

#define NETWORK_IFNAME "eth0"
#define NETNS_PREFIX   "conman-"

typedef struct NetworkContext {
        char *runtime_dir;    /* <run>/networks */
        char *store_dir;      /* <state>/networks */
        char *ipam_dir;       /* <run>/ipam */
        const char *cni_path; /* NULL: CNI_DEFAULT_PATH */
        NetworkStore store;
} NetworkContext;

int network_context_init(NetworkContext *ctx, const char *state_dir, const char *run_dir);
void network_context_done(NetworkContext *ctx);

/* "conman-<12 chars of id>" */
int network_netns_name(const char *container_id, char **ret);
/* <run>/networks/<id>/<file> */
int network_attachment_file(const NetworkContext *ctx, const char *container_id, const char *file,
                            char **ret);

typedef struct NetworkAttachRequest {
        const char *container_id;
        const char *network;           /* NULL: conman0 */
        const char *name;              /* the container's name, its name for peers */
        const char *hostname;          /* NULL: the short id */
        char **aliases;                /* --network-alias: more names for peers (DNS names); may be NULL */
        char **ports;                  /* "[IP:]HOST:PORT/PROTO", every host port chosen (no free ones) */
        const NetworkOptions *options; /* --add-host, --dns*, --ip, --mac-address; may be NULL */
} NetworkAttachRequest;

/* The namespace and the directory of hosts/hostname/resolv.conf that a container on a bridge
 * network uses (its config.json points at them; they exist once conman-netns setup ran). */
int network_container_paths(const char *run_dir, const char *container_id, char **ret_netns_path,
                            char **ret_etc_dir);
/* Adds the unit's ExecStartPre= (conman-netns setup) and ExecStopPost= (teardown). The one place
 * that writes them, for conmand's transient units and conman-generator's unit files. */
int network_add_unit_hooks(const char *state_dir, const char *run_dir, const NetworkAttachRequest *req,
                           UnitHooks *hooks);

/* Creates the namespace, runs ADD (loopback, then the network's list), writes the files.
 * On failure everything made is undone; *ret_message (may be NULL) says why for people. */
int network_attach(const NetworkContext *ctx, const NetworkAttachRequest *req, char **ret_message);
/* DEL, removes the namespace and the state; idempotent, and works from whatever part of
 * the state exists. Returns the first error but always finishes. */
int network_detach(const NetworkContext *ctx, const char *container_id, char **ret_message);
/* CHECK of the list against the cached result. */
int network_check(const NetworkContext *ctx, const char *container_id, char **ret_message);

/* What inspect shows: {"Network","IPAddress","IPPrefixLen","MacAddress","Gateway","SandboxKey",
 * "Ports":[...]}; -ENOENT when the container is not attached now. */
int network_attachment_json(const NetworkContext *ctx, const char *container_id, struct json_object **ret);

/* Ids of every container with attachment state under <run>/networks. */
int network_attached_ids(const NetworkContext *ctx, char ***ret);
