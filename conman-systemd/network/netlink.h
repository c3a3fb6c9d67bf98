/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netlink.h — the rtnetlink requests of the native bridge driver, through libmnl: links (bridge,
 * veth pair with its peer made straight inside a namespace, up, master, hairpin, delete), IPv4
 * addresses and the default route. One Netlink talks to the namespace it was opened in.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

typedef struct Netlink Netlink;

/* In the caller's network namespace. */
int netlink_open(Netlink **ret);
/* In the namespace bind-mounted at netns_path (the caller's own namespace is left unchanged). */
int netlink_open_in(const char *netns_path, Netlink **ret);
Netlink *netlink_close(Netlink *nl);
DEFINE_TRIVIAL_CLEANUP_FUNC(Netlink *, netlink_close);

/* ifindex and MAC (ret_mac may be NULL) of a link; -ENODEV when there is none. */
int netlink_link_get(Netlink *nl, const char *name, int *ret_ifindex, uint8_t ret_mac[6]);
int netlink_link_up(Netlink *nl, int ifindex);
/* Deletes the link; 0 when it did not exist. */
int netlink_link_delete(Netlink *nl, const char *name);
/* The bridge (made when missing), with address gateway/prefix and up. Returns its ifindex. */
int netlink_bridge_ensure(Netlink *nl, const char *name, uint32_t gateway, unsigned prefix);
/* Sets the link's hardware address (before it is up). */
int netlink_link_set_mac(Netlink *nl, int ifindex, const uint8_t mac[6]);
/* A veth pair: host_name enslaved to master (ifindex), its peer peer_name inside the namespace of
 * peer_netns_fd. */
int netlink_veth_create(Netlink *nl, const char *host_name, int master, const char *peer_name,
                        int peer_netns_fd);
int netlink_bridge_port_hairpin(Netlink *nl, int ifindex, bool on);
/* addr/prefix (host byte order) on ifindex; already there is success. */
int netlink_address_add(Netlink *nl, int ifindex, uint32_t addr, unsigned prefix);
/* Removes every IPv4 address of the interface (and so the routes through them). */
int netlink_addresses_flush(Netlink *nl, int ifindex);
/* The default route via gateway on ifindex. */
int netlink_default_route_add(Netlink *nl, int ifindex, uint32_t gateway);
/* Names of the links of kind "veth" whose name starts with prefix. */
int netlink_veth_names(Netlink *nl, const char *prefix, char ***ret);
