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

/* A port or a range "LOW-HIGH" of [s, s+len): *ret_low, *ret_count (1 for a single port). */
static int parse_port_range(const char *s, size_t len, uint16_t *ret_low, unsigned *ret_count) {
        const char *dash = memchr(s, '-', len);
        uint16_t low, high;

        if (!dash) {
                *ret_count = 1;
                return parse_port(s, len, ret_low);
        }
        if (parse_port(s, (size_t) (dash - s), &low) < 0 ||
            parse_port(dash + 1, len - (size_t) (dash - s) - 1, &high) < 0 || high < low)
                return -EINVAL;
        *ret_low = low;
        *ret_count = (unsigned) (high - low) + 1;
        return 0;
}

/* The parts of "[[HOSTIP:][HOSTPORT[-HIGH]]:]PORT[-HIGH]" before the protocol; an empty host port is 0. */
static int parse_parts(const char *s, const char *end, PortMapping *p, unsigned *ret_host_count,
                       unsigned *ret_count) {
        const char *c1 = memchr(s, ':', (size_t) (end - s)), *c2 = NULL, *hp;

        *ret_host_count = 0;
        if (!c1) /* PORT: a free host port */
                return parse_port_range(s, (size_t) (end - s), &p->container_port, ret_count);
        c2 = memchr(c1 + 1, ':', (size_t) (end - c1 - 1));
        if (c2 && parse_host_ip(s, (size_t) (c1 - s), p->host_ip) < 0)
                return -EINVAL;
        hp = c2 ? c1 + 1 : s;
        if (!c2)
                c2 = c1;
        if (c2 > hp && parse_port_range(hp, (size_t) (c2 - hp), &p->host_port, ret_host_count) < 0)
                return -EINVAL;
        if (c2 == hp && hp == s)
                return -EINVAL; /* ":PORT" */
        return parse_port_range(c2 + 1, (size_t) (end - c2 - 1), &p->container_port, ret_count);
}

int port_mappings_parse(const char *s, PortMapping **ret, size_t *ret_n) {
        PortMapping p = { .protocol = PORT_PROTOCOL_TCP };
        unsigned host_count, count;
        const char *slash, *end;
        PortMapping *l;

        if (isempty(s) || strlen(s) > 64)
                return -EINVAL;
        slash = strchr(s, '/');
        end = slash ?: s + strlen(s);
        if (slash && (p.protocol = port_protocol_from_string(slash + 1)) < 0)
                return -EINVAL;
        if (parse_parts(s, end, &p, &host_count, &count) < 0)
                return -EINVAL;
        if (host_count != 0 && host_count != count)
                return -ERANGE; /* a host range of another length than the container range */
        if (count > NETWORK_PORTS_MAX)
                return -E2BIG;
        l = calloc(count, sizeof(PortMapping));
        if (!l)
                return -ENOMEM;
        for (unsigned i = 0; i < count; i++) {
                l[i] = p;
                l[i].container_port = (uint16_t) (p.container_port + i);
                if (host_count)
                        l[i].host_port = (uint16_t) (p.host_port + i);
        }
        *ret = l;
        *ret_n = count;
        return 0;
}

int port_mapping_parse(const char *s, PortMapping *ret) {
        _cleanup_free_ PortMapping *l = NULL;
        size_t n;
        int r = port_mappings_parse(s, &l, &n);

        if (r < 0)
                return r;
        if (n != 1)
                return -EINVAL;
        *ret = l[0];
        return 0;
}

int port_mapping_format(const PortMapping *p, char **ret) {
        const char *proto = port_protocol_to_string(p->protocol);
        int r;

        if (p->host_port == 0 && p->host_ip[0])
                r = asprintf(ret, "%s::%u/%s", p->host_ip, p->container_port, proto);
        else if (p->host_port == 0)
                r = asprintf(ret, "%u/%s", p->container_port, proto);
        else if (p->host_ip[0])
                r = asprintf(ret, "%s:%u:%u/%s", p->host_ip, p->host_port, p->container_port, proto);
        else
                r = asprintf(ret, "%u:%u/%s", p->host_port, p->container_port, proto);
        return r < 0 ? -ENOMEM : 0;
}

bool port_mapping_conflicts(const PortMapping *a, const PortMapping *b) {
        if (a->host_port == 0 || a->host_port != b->host_port || a->protocol != b->protocol)
                return false;
        return !a->host_ip[0] || !b->host_ip[0] || streq(a->host_ip, b->host_ip);
}
