/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nft-rules.h — the native driver's packet rules, in one nftables table of its own, `inet conman`
 * (base chains prerouting/output/postrouting for NAT, forward for filtering; the table coexists with
 * iptables-nft's tables). Every rule carries the comment "conman:<container id>", so teardown and
 * orphan clean-up delete exactly one container's rules: they list the table with handles and delete
 * those handles, all in one transaction. Rules of one container are added in one transaction too:
 *
 *   forward      ip daddr C accept; ip saddr C accept       (hosts whose FORWARD policy drops)
 *   postrouting  ip saddr C, daddr outside the subnet and not multicast: masquerade   (ipMasq)
 *   prerouting   [ip daddr HOSTIP | fib daddr type local] PROTO dport HP dnat to C:CP   (-p)
 *   output       the same, for connections from the host itself (e.g. to 127.0.0.1)
 *   postrouting  ip saddr 127.0.0.0/8 or the subnet, daddr C, dport CP: masquerade  (localhost, hairpin)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/macro.h"
#include "shared/network-spec.h"

#define NFT_TABLE          "conman"
#define NFT_COMMENT_PREFIX "conman:"

typedef struct NftContainer {
        const char *id;     /* 64 hex */
        const char *ip;     /* dotted IPv4 */
        const char *subnet; /* CIDR of its network */
        const PortMapping *ports;
        size_t n_ports;
} NftContainer;

/* The nft script that adds the table and chains (idempotent) and one container's rules. Pure. */
int nft_rules_build(const NftContainer *c, char **ret);

/* Reads `nft -a list table inet conman` output: for each rule with a conman comment, calls fn with its
 * chain, handle and container id. Pure. */
typedef int (*NftRuleFn)(const char *chain, unsigned long handle, const char *id, void *userdata);
int nft_listing_parse(const char *listing, NftRuleFn fn, void *userdata);
/* The delete commands for the rules of container id (every container when id is NULL) in a listing. */
int nft_delete_script(const char *listing, const char *id, char **ret);

/* Runs a script through libnftables in one transaction; *ret_message has nft's error. */
int nft_run(const char *script, char **ret_message);
/* Adds the rules of c. */
int nft_container_add(const NftContainer *c, char **ret_message);
/* Deletes the rules of container id; none is success. */
int nft_container_remove(const char *id);
/* Ids of the containers that have rules in the table (an empty list when none, or no table). */
int nft_rule_owners(char ***ret);
