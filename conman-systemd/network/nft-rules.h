/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nft-rules.h — the native driver's packet rules, in one nftables table of its own, `inet conman`
 * (base chains prerouting/output/postrouting for NAT, forward for filtering; the table coexists with
 * iptables-nft's tables). Every rule carries its owner in its comment: "conman:<container id>" for a
 * container's published ports, "conman-network:<name>" for what a network needs whoever is on it (added
 * with its first container, kept until `network rm`, as docker keeps a bridge's masquerade rule). Teardown
 * and orphan clean-up delete exactly one owner's rules: they list the table with handles and delete those
 * handles, all in one transaction. An owner's rules are added in one transaction too:
 *
 *   forward      ip daddr S accept; ip saddr S accept       (hosts whose FORWARD policy drops)    network
 *   postrouting  ip saddr S, daddr outside S and not multicast: masquerade   (ipMasq)            network
 *   prerouting   [ip daddr HOSTIP | fib daddr type local] PROTO dport HP dnat to C:CP   (-p)    container
 *   output       the same, for connections from the host itself (e.g. to 127.0.0.1)             container
 *   postrouting  ip saddr 127.0.0.0/8 or S, daddr C, dport CP: masquerade  (localhost, hairpin)  container
 *
 * So a container without published ports costs no nftables transaction at all (each costs the kernel an
 * RCU grace period when its socket closes: ~10 ms).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/macro.h"
#include "shared/network-spec.h"

#define NFT_TABLE                  "conman"
#define NFT_COMMENT_PREFIX         "conman:"
#define NFT_NETWORK_COMMENT_PREFIX "conman-network:"
#define NFT_OWNER_MAX              64

typedef struct NftContainer {
        const char *id;     /* 64 hex */
        const char *ip;     /* dotted IPv4 */
        const char *subnet; /* CIDR of its network */
        const PortMapping *ports;
        size_t n_ports;
} NftContainer;

/* The nft script that adds the table and chains (idempotent) and one container's rules. Pure. */
int nft_rules_build(const NftContainer *c, char **ret);
/* The same for a network's own rules (subnet CIDR). Pure. */
int nft_network_rules_build(const char *network, const char *subnet, char **ret);

/* Reads `nft -a list table inet conman` output: for each rule whose comment starts with prefix
 * (NFT_COMMENT_PREFIX or NFT_NETWORK_COMMENT_PREFIX), calls fn with its chain, handle and owner (the rest
 * of the comment). Pure. */
typedef int (*NftRuleFn)(const char *chain, unsigned long handle, const char *owner, void *userdata);
int nft_listing_parse_owners(const char *listing, const char *prefix, NftRuleFn fn, void *userdata);
/* The delete commands for the rules of owner (every owner of prefix when NULL) in a listing. */
int nft_delete_script(const char *listing, const char *prefix, const char *owner, char **ret);

/* Runs a script through libnftables in one transaction; *ret_message has nft's error. */
int nft_run(const char *script, char **ret_message);
/* Adds the rules of c. */
int nft_container_add(const NftContainer *c, char **ret_message);
/* Deletes the rules of one owner; none is success. */
int nft_owner_remove(const char *prefix, const char *owner);
/* The owners of prefix that have rules in the table (an empty list when none, or no table). */
int nft_rule_owners(const char *prefix, char ***ret);
