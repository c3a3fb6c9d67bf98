/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-spec.h — the words a user types for networking, validated the same way by
 * conmanctl, conmand and the helper: network names and published ports
 * ("[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]"). Part of libconman, so container-spec.c
 * can validate a spec without the CNI code.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

#define NETWORK_DEFAULT_NAME "conman0"
#define NETWORK_NAME_MAX     48
#define NETWORK_NAME_RULE    "[a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 48 characters; not none, host or bridge)"
#define NETWORK_PORTS_MAX    256

typedef enum PortProtocol {
        PORT_PROTOCOL_TCP,
        PORT_PROTOCOL_UDP,
        _PORT_PROTOCOL_MAX,
        _PORT_PROTOCOL_INVALID = -EINVAL,
} PortProtocol;

typedef struct PortMapping {
        char host_ip[16];        /* dotted IPv4, "" = all addresses */
        uint16_t host_port;      /* 1..65535; 0 = a free one, chosen when the container starts */
        uint16_t container_port; /* 1..65535 */
        PortProtocol protocol;
} PortMapping;

/* A user-defined network's name: also a file name (NAME.conflist), so no '/' and no leading '.'. */
bool network_name_is_valid(const char *name);

const char *port_protocol_to_string(PortProtocol p);
PortProtocol port_protocol_from_string(const char *s);

/* Parses docker's -p: "[[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|udp]" (IPv4 host address), each port
 * also a range LOW-HIGH; a missing host port is 0 (a free one). A host range must be as long as the
 * container range: "8000-8002:80-82" is three mappings. -EINVAL when malformed, -ERANGE for ranges of
 * different lengths, -E2BIG for more than NETWORK_PORTS_MAX. *ret is freed by the caller. */
int port_mappings_parse(const char *s, PortMapping **ret, size_t *ret_n);
/* One mapping (no range): -EINVAL when malformed or a range of more than one port. */
int port_mapping_parse(const char *s, PortMapping *ret);
/* The canonical spelling: "HOSTIP:HOSTPORT:CONTAINERPORT/PROTO" with HOSTIP omitted when "", and
 * "[HOSTIP::]CONTAINERPORT/PROTO" for a free host port. */
int port_mapping_format(const PortMapping *p, char **ret);
/* True when both bind the same host port and protocol on overlapping addresses (free ports never do). */
bool port_mapping_conflicts(const PortMapping *a, const PortMapping *b);
