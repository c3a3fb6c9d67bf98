/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-network.h — containers on CNI networks (docs/networking.md): the
 * ExecStartPre=/ExecStopPost= hooks that run conman-netns setup/teardown in the unit,
 * the namespace path and /etc files config.json refers to, the check at create that the
 * network exists, the NetworkSettings of inspect, and the clean-up of orphans at start.
 */
#pragma once

#include "shared/unit.h"
#include "network/network-attach.h"
#include "daemon/container.h"

/* The context for conmand's directories. */
int container_network_context(Manager *m, NetworkContext *ret);

/* At create: the network of a bridge container must exist (NoSuchNetwork otherwise). */
int container_network_check(Manager *m, const ContainerSpec *spec, sd_bus_error *error);

/* For a bridge container "/run/netns/conman-<id12>" and <run>/networks/<id> (where hosts, hostname
 * and resolv.conf appear); NULL (and 0) for other modes. */
int container_network_paths(Container *c, char **ret_netns_path, char **ret_etc_dir);

/* conman-netns setup/teardown for bridge containers. */
int container_network_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error);

/* NetworkSettings of whatever owns the attachment owner_id (a container, or a pod for itself and its
 * members). */
struct json_object *network_settings_json(Manager *m, const char *owner_id, NetworkMode mode,
                                          const char *network_name, char **ports);
/* docker's NetworkSettings: {"Networks":{...},"IPAddress","MacAddress","Gateway","Ports",...}. */
struct json_object *container_network_settings_json(Container *c);

/* At rm: detaches what the unit's ExecStopPost= could not (it was killed, or failed). */
void container_network_release(Container *c);

/* True when some container (running or not) is on the network. */
bool container_network_in_use(Manager *m, const char *network);

/* Detaches attachments and removes conman-* namespaces that belong to no active container:
 * leftovers of units that could not run their ExecStopPost= (conmand restart, crash). */
void container_network_cleanup_orphans(Manager *m);
