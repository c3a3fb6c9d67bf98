/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-spec.c — see network-spec.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "shared/network-spec.h"
#include "shared/util.h"

static const char *const port_protocol_table[_PORT_PROTOCOL_MAX] = {
        [PORT_PROTOCOL_TCP] = "tcp",
        [PORT_PROTOCOL_UDP] = "udp",
};

DEFINE_STRING_TABLE_LOOKUP(port_protocol, PortProtocol);

bool network_name_is_valid(const char *name) {
        static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        size_t n;

        if (isempty(name))
                return false;
        n = strlen(name);
        if (n > NETWORK_NAME_MAX || !strchr(alnum, name[0]))
                return false;
        if (streq(name, "none") || streq(name, "host") || streq(name, "bridge"))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!strchr(alnum, name[i]) && !strchr("_.-", name[i]))
                        return false;
        return true;
}

/* A port number: digits only, 1..65535. */
static int parse_port(const char *s, size_t len, uint16_t *ret) {
        char buf[8];
        uint64_t v;

        if (len == 0 || len >= sizeof(buf) || strspn(s, "0123456789") < len)
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = 0;
        if (safe_atou64(buf, &v) < 0 || v == 0 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

static int parse_host_ip(const char *s, size_t len, char ret[static 16]) {
        struct in_addr a;
        char buf[16];

        if (len == 0 || len >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = 0;
        if (inet_pton(AF_INET, buf, &a) != 1)
                return -EINVAL;
        if (a.s_addr == INADDR_ANY)
                buf[0] = 0; /* 0.0.0.0 means all addresses, spelled "" */
        memcpy(ret, buf, sizeof(buf));
        return 0;
}

int port_mapping_parse(const char *s, PortMapping *ret) {
        PortMapping p = { .protocol = PORT_PROTOCOL_TCP };
        const char *slash, *c1, *c2, *end;

        if (isempty(s) || strlen(s) > 64)
                return -EINVAL;
        slash = strchr(s, '/');
        end = slash ?: s + strlen(s);
        if (slash && (p.protocol = port_protocol_from_string(slash + 1)) < 0)
                return -EINVAL;
        c1 = memchr(s, ':', (size_t) (end - s));
        if (!c1)
                return -EINVAL; /* a host port is required: no random ports */
        c2 = memchr(c1 + 1, ':', (size_t) (end - c1 - 1));
        if (c2) {
                if (parse_host_ip(s, (size_t) (c1 - s), p.host_ip) < 0 ||
                    parse_port(c1 + 1, (size_t) (c2 - c1 - 1), &p.host_port) < 0 ||
                    parse_port(c2 + 1, (size_t) (end - c2 - 1), &p.container_port) < 0)
                        return -EINVAL;
        } else if (parse_port(s, (size_t) (c1 - s), &p.host_port) < 0 ||
                   parse_port(c1 + 1, (size_t) (end - c1 - 1), &p.container_port) < 0)
                return -EINVAL;
        *ret = p;
        return 0;
}

int port_mapping_format(const PortMapping *p, char **ret) {
        int r;

        if (p->host_ip[0])
                r = asprintf(ret, "%s:%u:%u/%s", p->host_ip, p->host_port, p->container_port,
                             port_protocol_to_string(p->protocol));
        else
                r = asprintf(ret, "%u:%u/%s", p->host_port, p->container_port,
                             port_protocol_to_string(p->protocol));
        return r < 0 ? -ENOMEM : 0;
}

bool port_mapping_conflicts(const PortMapping *a, const PortMapping *b) {
        if (a->host_port != b->host_port || a->protocol != b->protocol)
                return false;
        return !a->host_ip[0] || !b->host_ip[0] || streq(a->host_ip, b->host_ip);
}
