/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cni-result.c — parsing of CNI results (see cni.h). Plugin output is untrusted: every
 * field is type-checked, sizes are bounded, and anything unexpected is -EBADMSG.
 */
#include <arpa/inet.h>

#include "shared/util.h"
#include "network/cni.h"

#define CNI_RESULT_ENTRIES_MAX 256

CniResult *cni_result_free(CniResult *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_interfaces; i++) {
                free(r->interfaces[i].name);
                free(r->interfaces[i].mac);
                free(r->interfaces[i].sandbox);
        }
        free(r->interfaces);
        for (size_t i = 0; i < r->n_ips; i++) {
                free(r->ips[i].address);
                free(r->ips[i].gateway);
        }
        free(r->ips);
        strv_freep(&r->nameservers);
        strv_freep(&r->search);
        free(r->domain);
        free(r->cni_version);
        free(r);
        return NULL;
}

/* An optional string member: absent or null is fine, another type is not. */
static int get_opt_string(struct json_object *o, const char *key, char **ret) {
        struct json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) > 4096)
                return -EBADMSG;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

/* An optional array member; *ret_n = 0 when absent. */
static int get_opt_array(struct json_object *o, const char *key, struct json_object **ret, size_t *ret_n) {
        struct json_object *v;

        *ret = NULL;
        *ret_n = 0;
        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_array))
                return -EBADMSG;
        *ret_n = json_object_array_length(v);
        if (*ret_n > CNI_RESULT_ENTRIES_MAX)
                return -EBADMSG;
        *ret = v;
        return 0;
}

static int parse_strv(struct json_object *o, const char *key, char ***ret) {
        struct json_object *a;
        size_t n;
        int r;

        r = get_opt_array(o, key, &a, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                if (!json_object_is_type(e, json_type_string) || json_object_get_string_len(e) > 4096)
                        return -EBADMSG;
                r = strv_push(ret, json_object_get_string(e));
        }
        return r;
}

static int parse_interfaces(struct json_object *o, CniResult *res) {
        struct json_object *a;
        size_t n;
        int r;

        r = get_opt_array(o, "interfaces", &a, &n);
        if (r < 0 || n == 0)
                return r;
        res->interfaces = calloc(n, sizeof(CniInterface));
        if (!res->interfaces)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                CniInterface *iface = &res->interfaces[res->n_interfaces++];

                if (!json_object_is_type(e, json_type_object))
                        return -EBADMSG;
                r = get_opt_string(e, "name", &iface->name);
                if (r >= 0)
                        r = get_opt_string(e, "mac", &iface->mac);
                if (r >= 0)
                        r = get_opt_string(e, "sandbox", &iface->sandbox);
                if (r < 0)
                        return r;
                if (!iface->name)
                        return -EBADMSG;
        }
        return 0;
}

/* "a.b.c.d/n" or an IPv6 CIDR. */
static bool cidr_is_valid(const char *s) {
        const char *slash = strrchr(s, '/');
        char addr[INET6_ADDRSTRLEN];
        unsigned char buf[16];
        uint64_t prefix;
        bool v6;

        if (!slash || (size_t) (slash - s) >= sizeof(addr))
                return false;
        memcpy(addr, s, (size_t) (slash - s));
        addr[slash - s] = 0;
        v6 = strchr(addr, ':');
        if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1)
                return false;
        return safe_atou64(slash + 1, &prefix) >= 0 && prefix <= (v6 ? 128u : 32u);
}

static bool ip_is_valid(const char *s) {
        unsigned char buf[16];
        return inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, buf) == 1;
}

static int parse_one_ip(struct json_object *e, const CniResult *res, CniIp *ip) {
        struct json_object *v;
        int r;

        ip->interface = -1;
        if (!json_object_is_type(e, json_type_object))
                return -EBADMSG;
        r = get_opt_string(e, "address", &ip->address);
        if (r >= 0)
                r = get_opt_string(e, "gateway", &ip->gateway);
        if (r < 0)
                return r;
        if (!ip->address || !cidr_is_valid(ip->address) || (ip->gateway && !ip_is_valid(ip->gateway)))
                return -EBADMSG;
        if (json_object_object_get_ex(e, "interface", &v) && !json_object_is_type(v, json_type_null)) {
                int64_t idx;
                if (!json_object_is_type(v, json_type_int))
                        return -EBADMSG;
                idx = json_object_get_int64(v);
                if (idx < 0 || (size_t) idx >= res->n_interfaces)
                        return -EBADMSG;
                ip->interface = (int) idx;
        }
        return 0;
}

static int parse_ips(struct json_object *o, CniResult *res) {
        struct json_object *a;
        size_t n;
        int r;

        r = get_opt_array(o, "ips", &a, &n);
        if (r < 0 || n == 0)
                return r;
        res->ips = calloc(n, sizeof(CniIp));
        if (!res->ips)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = parse_one_ip(json_object_array_get_idx(a, i), res, &res->ips[res->n_ips++]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_dns(struct json_object *o, CniResult *res) {
        struct json_object *dns;
        int r;

        if (!json_object_object_get_ex(o, "dns", &dns) || json_object_is_type(dns, json_type_null))
                return 0;
        if (!json_object_is_type(dns, json_type_object))
                return -EBADMSG;
        r = parse_strv(dns, "nameservers", &res->nameservers);
        if (r >= 0)
                r = parse_strv(dns, "search", &res->search);
        if (r >= 0)
                r = get_opt_string(dns, "domain", &res->domain);
        for (char **s = res->nameservers; r >= 0 && s && *s; s++)
                if (!ip_is_valid(*s))
                        r = -EBADMSG;
        return r;
}

int cni_result_from_json(struct json_object *j, CniResult **ret) {
        _cleanup_(cni_result_freep) CniResult *res = NULL;
        int r;

        if (!json_object_is_type(j, json_type_object))
                return -EBADMSG;
        res = calloc(1, sizeof(CniResult));
        if (!res)
                return -ENOMEM;
        r = get_opt_string(j, "cniVersion", &res->cni_version);
        if (r >= 0)
                r = parse_interfaces(j, res);
        if (r >= 0)
                r = parse_ips(j, res);
        if (r >= 0)
                r = parse_dns(j, res);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(res);
        return 0;
}

static bool only_whitespace(const char *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!strchr(" \t\r\n", p[i]) || p[i] == 0)
                        return false;
        return true;
}

int cni_result_parse(const char *data, size_t size, CniResult **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_tokener *tok;
        bool ok;

        if (size > CNI_OUTPUT_MAX)
                return -E2BIG;
        if (size == 0 || memchr(data, 0, size))
                return -EBADMSG;
        tok = json_tokener_new_ex(32);
        if (!tok)
                return -ENOMEM;
        j = json_tokener_parse_ex(tok, data, (int) size);
        ok = j && json_tokener_get_error(tok) == json_tokener_success &&
             only_whitespace(data + json_tokener_get_parse_end(tok), size - json_tokener_get_parse_end(tok));
        json_tokener_free(tok);
        if (!ok)
                return -EBADMSG;
        return cni_result_from_json(j, ret);
}

static bool is_ipv4_cidr(const char *s) {
        return !strchr(s, ':');
}

int cni_result_primary(const CniResult *r, const char *ifname, const CniIp **ret_ip,
                       const CniInterface **ret_iface) {
        const CniIp *fallback = NULL;

        for (size_t i = 0; i < r->n_ips; i++) {
                const CniIp *ip = &r->ips[i];
                const CniInterface *iface = ip->interface >= 0 ? &r->interfaces[ip->interface] : NULL;

                if (!is_ipv4_cidr(ip->address))
                        continue;
                if (iface && iface->sandbox && ifname && streq(iface->name, ifname)) {
                        *ret_ip = ip;
                        *ret_iface = iface;
                        return 0;
                }
                if (!fallback)
                        fallback = ip;
        }
        if (!fallback)
                return -ENOENT;
        *ret_ip = fallback;
        *ret_iface = fallback->interface >= 0 ? &r->interfaces[fallback->interface] : NULL;
        return 0;
}
