/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-options.c — see network-options.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/json-util.h"
#include "shared/network-options.h"
#include "shared/network-spec.h"
#include "shared/util.h"

void network_options_done(NetworkOptions *o) {
        strv_freep(&o->expose);
        strv_freep(&o->add_hosts);
        strv_freep(&o->dns_servers);
        strv_freep(&o->dns_searches);
        strv_freep(&o->dns_options);
        free(o->ip);
        free(o->mac_address);
        *o = (NetworkOptions){};
}

bool network_options_is_set(const NetworkOptions *o) {
        return o->publish_all || o->add_hosts || o->dns_servers || o->dns_searches || o->dns_options ||
               o->ip || o->mac_address;
}

int expose_parse(const char *s, char ***l) {
        _cleanup_free_ PortMapping *m = NULL;
        size_t n;
        int r;

        if (isempty(s) || strchr(s, ':'))
                return -EINVAL;
        r = port_mappings_parse(s, &m, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%u/%s", m[i].container_port, port_protocol_to_string(m[i].protocol)) < 0)
                        return -ENOMEM;
                if (!strv_contains(*l, p) && strv_push_take(l, TAKE_PTR(p)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static bool ip_is_valid(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static bool host_name_is_valid(const char *s, size_t n) {
        if (n == 0 || n > 253)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", s[i]))
                        return false;
        return true;
}

int add_host_parse(const char *s, char **ret_name, char **ret_ip) {
        size_t n = strcspn(s, ":=");
        const char *ip = s + n + 1;

        if (!s[n] || !host_name_is_valid(s, n) || (!streq(ip, NETWORK_HOST_GATEWAY) && !ip_is_valid(ip)))
                return -EINVAL;
        if (ret_name && !(*ret_name = strndup(s, n)))
                return -ENOMEM;
        if (ret_ip && !(*ret_ip = strdup(ip))) {
                if (ret_name) {
                        free(*ret_name);
                        *ret_name = NULL;
                }
                return -ENOMEM;
        }
        return 0;
}

int mac_address_parse(const char *s, uint8_t ret[6]) {
        unsigned v[6];
        int end = 0;

        if (strlen(s) != 17 ||
            sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6 ||
            end != 17)
                return -EINVAL;
        for (size_t i = 0; i < 6; i++) {
                if (!strchr("0123456789abcdefABCDEF", s[i * 3]) ||
                    !strchr("0123456789abcdefABCDEF", s[i * 3 + 1]))
                        return -EINVAL;
                ret[i] = (uint8_t) v[i];
        }
        if ((ret[0] & 1) || (ret[0] | ret[1] | ret[2] | ret[3] | ret[4] | ret[5]) == 0)
                return -EINVAL;
        return 0;
}

bool dns_word_is_valid(const char *w, size_t max) {
        size_t n = strlen(w);

        if (n == 0 || n > max)
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) w[i] <= ' ' || (unsigned char) w[i] >= 0x7f || w[i] == '#' || w[i] == ';')
                        return false;
        return true;
}

#define invalid(error, ...) sd_bus_error_setf((error), CONMAN_ERROR_INVALID_ARGUMENT, __VA_ARGS__)

int dns_settings_validate(char *const *servers, char *const *searches, char *const *options,
                          sd_bus_error *error) {
        if (strv_length((char **) servers) > NETWORK_DNS_MAX ||
            strv_length((char **) searches) > NETWORK_DNS_MAX ||
            strv_length((char **) options) > NETWORK_DNS_MAX)
                return invalid(error, "At most 32 DNS servers, search domains and options each.");
        for (char *const *a = servers; a && *a; a++)
                if (!ip_is_valid(*a))
                        return invalid(error, "Invalid --dns '%.64s': not an IPv4 or IPv6 address.", *a);
        for (char *const *d = searches; d && *d; d++)
                if (!dns_word_is_valid(*d, 253))
                        return invalid(error,
                                       "Invalid --dns-search '%.64s': use 1-253 printable characters "
                                       "without spaces.",
                                       *d);
        for (char *const *o = options; o && *o; o++)
                if (!dns_word_is_valid(*o, 128))
                        return invalid(error,
                                       "Invalid --dns-option '%.64s': use 1-128 printable characters without "
                                       "spaces (ndots:5).",
                                       *o);
        return 0;
}

static int validate_expose(char *const *expose, sd_bus_error *error) {
        if (strv_length((char **) expose) > NETWORK_PORTS_MAX)
                return invalid(error, "Too many --expose ports (at most %d).", NETWORK_PORTS_MAX);
        for (char *const *e = expose; e && *e; e++) {
                _cleanup_strv_free_ char **l = NULL;
                if (expose_parse(*e, &l) < 0 || strv_length(l) != 1)
                        return invalid(error, "Invalid --expose '%.64s': use PORT[/tcp|udp].", *e);
        }
        return 0;
}

int network_options_validate(const NetworkOptions *o, sd_bus_error *error) {
        struct in_addr a;
        uint8_t mac[6];
        int r;

        r = validate_expose(o->expose, error);
        if (r < 0)
                return r;
        if (strv_length(o->add_hosts) > NETWORK_ADD_HOST_MAX)
                return invalid(error, "Too many --add-host (at most %d).", NETWORK_ADD_HOST_MAX);
        for (char **h = o->add_hosts; h && *h; h++)
                if (add_host_parse(*h, NULL, NULL) < 0)
                        return invalid(error,
                                       "Invalid --add-host '%.64s': use NAME:IP (an IPv4 or IPv6 address, or "
                                       "host-gateway).",
                                       *h);
        if (o->ip && (inet_pton(AF_INET, o->ip, &a) != 1 || a.s_addr == INADDR_ANY))
                return invalid(error, "Invalid --ip '%.64s': use an IPv4 address such as 10.77.0.50.", o->ip);
        if (o->mac_address && mac_address_parse(o->mac_address, mac) < 0)
                return invalid(error,
                               "Invalid --mac-address '%.64s': use six hex octets such as 02:42:ac:11:00:02 "
                               "(unicast: the first octet even).",
                               o->mac_address);
        return dns_settings_validate(o->dns_servers, o->dns_searches, o->dns_options, error);
}

void network_options_to_json(const NetworkOptions *o, struct json_object *j) {
        const struct {
                const char *key;
                char **l;
        } lists[] = {
                { "expose", o->expose },          { "addHosts", o->add_hosts },
                { "dnsServers", o->dns_servers }, { "dnsSearches", o->dns_searches },
                { "dnsOptions", o->dns_options },
        };

        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                if (lists[i].l)
                        json_object_object_add(j, lists[i].key, json_strv_new(lists[i].l));
        if (o->publish_all)
                json_object_object_add(j, "publishAll", json_object_new_boolean(true));
        if (o->ip)
                json_object_object_add(j, "ip", json_object_new_string(o->ip));
        if (o->mac_address)
                json_object_object_add(j, "macAddress", json_object_new_string(o->mac_address));
}

int network_options_from_json(struct json_object *j, NetworkOptions *o) {
        int r;

        r = json_strv_get(json_object_object_get(j, "expose"), &o->expose);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(j, "addHosts"), &o->add_hosts);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(j, "dnsServers"), &o->dns_servers);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(j, "dnsSearches"), &o->dns_searches);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(j, "dnsOptions"), &o->dns_options);
        if (r >= 0)
                r = json_get_string(j, "ip", &o->ip);
        if (r >= 0)
                r = json_get_string(j, "macAddress", &o->mac_address);
        if (r < 0)
                return r;
        o->publish_all = json_get_bool(j, "publishAll");
        return 0;
}
