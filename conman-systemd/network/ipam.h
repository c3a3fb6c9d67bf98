/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ipam.h — IPv4 address management of the native bridge driver, in host-local's own on-disk
 * format so both can share a directory: <ipam>/<network>/<ip> holds "<container id>\r\n<ifname>",
 * <ipam>/<network>/last_reserved_ip.0 the address handed out last (the next search starts after
 * it, round robin, so an address is not reused at once), and an flock on <ipam>/<network>/lock
 * serializes allocations. The directory is on /run: leases end with the boot, like the
 * namespaces they belong to.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

typedef bool (*IpamTakenFn)(uint32_t addr, void *userdata);

/* The next free host address of net/prefix after last (host byte order), skipping the network and
 * broadcast addresses and the gateway. -ENOSPC when every address is taken. Pure: for tests. */
int ipam_next(uint32_t net, unsigned prefix, uint32_t gateway, uint32_t last, IpamTakenFn taken,
              void *userdata, uint32_t *ret);

/* Leases an address of subnet (CIDR) for container_id in <ipam_dir>/<network>; an address the
 * container already holds there is returned again. *ret is dotted IPv4. */
int ipam_reserve(const char *ipam_dir, const char *network, const char *subnet, const char *gateway,
                 const char *container_id, char **ret);
/* The same with a fixed address (--ip; NULL: the next free one): -EDOM when wanted is outside the subnet
 * (or its network or broadcast address), -EADDRINUSE when it is the gateway or another container's lease. */
int ipam_reserve_address(const char *ipam_dir, const char *network, const char *subnet, const char *gateway,
                         const char *container_id, const char *wanted, char **ret);
/* Whether a (host byte order) is a host address of net/prefix other than gateway: 0, -EDOM or -EADDRINUSE.
 * Pure: for tests and for conmand's check at create. */
int ipam_address_check(uint32_t net, unsigned prefix, uint32_t gateway, uint32_t a);
/* Removes every lease of container_id under <ipam_dir>/<network> (network NULL: of all networks).
 * Nothing to remove is success. */
int ipam_release(const char *ipam_dir, const char *network, const char *container_id);
/* Takes <ipam_dir>/<network>/lock for other per-network state kept beside the leases (create: the
 * directory too, else -ENOENT without it): returns the lock's fd (closing it unlocks) and *ret_dfd. */
int ipam_network_lock(const char *ipam_dir, const char *network, bool create, int *ret_dfd);
/* Container ids holding a lease anywhere under ipam_dir (an empty list when none). */
int ipam_lease_owners(const char *ipam_dir, char ***ret);
