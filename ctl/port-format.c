/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * port-format.c — see port-format.h.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "shared/util.h"
#include "port-format.h"

int port_filter_normalize(const char *filter, char **ret) {
        const char *slash = strchr(filter, '/');
        _cleanup_free_ char *number = strndup(filter, slash ? (size_t) (slash - filter) : strlen(filter));
        const char *proto = slash ? slash + 1 : "tcp";
        uint64_t port;

        if (!number)
                return -ENOMEM;
        if (!isdigit((unsigned char) number[0]) || safe_atou64(number, &port) < 0 || port == 0 ||
            port > 65535)
                return -EINVAL;
        if (!streq(proto, "tcp") && !streq(proto, "udp") && !streq(proto, "sctp"))
                return -EINVAL;
        return asprintf(ret, "%u/%s", (unsigned) port, proto) < 0 ? -ENOMEM : 0;
}

/* "0.0.0.0:8080", "[::1]:8080" */
static int format_address(struct json_object *binding, char **ret) {
        struct json_object *ip = NULL, *port = NULL;
        const char *i, *p;

        json_object_object_get_ex(binding, "HostIp", &ip);
        json_object_object_get_ex(binding, "HostPort", &port);
        i = ip ? json_object_get_string(ip) : "";
        p = port ? json_object_get_string(port) : "";
        if (isempty(i))
                i = "0.0.0.0";
        return asprintf(ret, strchr(i, ':') ? "[%s]:%s" : "%s:%s", i, p) < 0 ? -ENOMEM : 0;
}

int port_format_lines(struct json_object *ports, const char *filter, char ***ret) {
        _cleanup_strv_free_ char **lines = NULL;
        size_t n = 0;

        if (ports && !json_object_is_type(ports, json_type_object))
                ports = NULL;
        if (ports) {
                json_object_object_foreach(ports, key, bindings) {
                        if (filter && !streq(key, filter))
                                continue;
                        for (size_t i = 0; i < json_object_array_length(bindings); i++) {
                                _cleanup_free_ char *addr = NULL;
                                char *line = NULL;
                                int r = format_address(json_object_array_get_idx(bindings, i), &addr);

                                if (r < 0)
                                        return r;
                                if (filter)
                                        line = TAKE_PTR(addr);
                                else if (asprintf(&line, "%s -> %s", key, addr) < 0)
                                        return -ENOMEM;
                                if (strv_push_take(&lines, line) < 0)
                                        return -ENOMEM;
                                n++;
                        }
                }
        }
        if (filter && n == 0)
                return -ENOENT;
        if (!lines && !(lines = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(lines);
        return 0;
}
