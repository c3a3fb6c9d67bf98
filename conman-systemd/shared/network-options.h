/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-options.h — a container's network options besides its network and published ports, with
 * docker's spelling: --expose, -P/--publish-all, --add-host, --dns, --dns-search, --dns-option, --ip and
 * --mac-address. Parsed and checked the same way by conmanctl, conmand and the generator; stored in
 * container.json; conmand turns them into conman-netns setup's arguments (network-attach.h).
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/macro.h"

#define NETWORK_DNS_MAX      32 /* servers, search domains, options: at most this many each */
#define NETWORK_ADD_HOST_MAX 256
#define NETWORK_HOST_GATEWAY "host-gateway" /* --add-host NAME:host-gateway: the bridge's gateway */

typedef struct NetworkOptions {
        char **expose;       /* --expose (and the image's ExposedPorts): canonical "PORT/PROTO" */
        bool publish_all;    /* -P: every exposed port on a free host port */
        char **add_hosts;    /* "NAME:IP", IP also host-gateway */
        char **dns_servers;  /* nameserver lines of resolv.conf (IPv4 or IPv6); NULL: the network's */
        char **dns_searches; /* search domains */
        char **dns_options;  /* "options" words (ndots:5) */
        char *ip;            /* --ip: a fixed IPv4 address on the bridge network; NULL: leased */
        char *mac_address;   /* --mac-address: eth0's address, "02:42:ac:11:00:02"; NULL: random */
} NetworkOptions;

void network_options_done(NetworkOptions *o);
bool network_options_is_set(const NetworkOptions *o); /* anything that needs a bridge network (not expose) */

/* --expose PORT[-HIGH][/tcp|udp] → canonical "PORT/PROTO" strings appended to *l (deduplicated). */
int expose_parse(const char *s, char ***l);
/* --add-host NAME:IP (also NAME=IP, as docker); IP an IPv4/IPv6 address or host-gateway. Either return
 * may be NULL. */
int add_host_parse(const char *s, char **ret_name, char **ret_ip);
/* "aa:bb:cc:dd:ee:ff", unicast (the lowest bit of the first octet clear) and not all zero. */
int mac_address_parse(const char *s, uint8_t ret[6]);
/* A DNS search domain or option word: 1..max printable characters without blanks, '#' or ';'. */
bool dns_word_is_valid(const char *w, size_t max);

/* Refuses what cannot work, naming the flag (InvalidArgument). */
int network_options_validate(const NetworkOptions *o, sd_bus_error *error);
/* The DNS part alone: servers, search domains and options (shared with CreatePod). */
int dns_settings_validate(char *const *servers, char *const *searches, char *const *options,
                          sd_bus_error *error);

/* Keys "expose", "publishAll", "addHosts", "dnsServers", "dnsSearches", "dnsOptions", "ip", "macAddress"
 * of container.json, each only when set. */
void network_options_to_json(const NetworkOptions *o, struct json_object *j);
int network_options_from_json(struct json_object *j, NetworkOptions *o);
