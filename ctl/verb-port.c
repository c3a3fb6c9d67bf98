/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-port.c — `conmanctl port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports from
 * its spec (InspectContainer's NetworkSettings.Ports), printed as docker does (port-format.h).
 */
#include <getopt.h>
#include <json-c/json.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "port-format.h"

static void help(void) {
        printf("Usage: conmanctl port CONTAINER [PRIVATE_PORT[/PROTO]]\n\n"
               "List the container's published ports (-p), as PORT/PROTO -> HOST_IP:HOST_PORT, or the\n"
               "host addresses of one port (PROTO: tcp, the default, udp or sctp).\n");
}

static int inspect_ports(sd_bus *bus, const char *ref, struct json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        struct json_object *doc, *settings, *ports;
        const char *json;
        int r;

        r = ctl_call(bus, "InspectContainer", &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0) {
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "cannot inspect %s", ref) < 0)
                        return log_oom();
                return ctl_log_bus_error(what, &error, r);
        }
        doc = json_tokener_parse(json);
        if (!doc)
                return log_error_errno(-EBADMSG, "conmanctl port: malformed reply from conmand.");
        if (json_object_object_get_ex(doc, "NetworkSettings", &settings) &&
            json_object_object_get_ex(settings, "Ports", &ports))
                *ret = json_object_get(ports);
        else
                *ret = NULL;
        json_object_put(doc);
        return 0;
}

int verb_port(int argc, char *argv[]) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ struct json_object *ports = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_free_ char *filter = NULL;
        const char *ref;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c != 'h')
                        return ctl_usage_error();
                help();
                return 0;
        }
        if (argc - optind < 1 || argc - optind > 2)
                return log_error_errno(-EINVAL, "conmanctl port: name a container and at most one port.");
        ref = argv[optind];
        if (argc - optind == 2) {
                r = port_filter_normalize(argv[optind + 1], &filter);
                if (r == -ENOMEM)
                        return log_oom();
                if (r < 0)
                        return log_error_errno(r,
                                               "conmanctl port: invalid port '%s': use PORT[/PROTO], e.g. "
                                               "80 or 53/udp.",
                                               argv[optind + 1]);
        }
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = inspect_ports(bus, ref, &ports);
        if (r < 0)
                return r;
        r = port_format_lines(ports, filter, &lines);
        if (r == -ENOENT)
                return log_error_errno(r, "conmanctl port: no public port '%s' published for %s.", filter,
                                       ref);
        if (r < 0)
                return log_oom();
        for (char **l = lines; *l; l++)
                printf("%s\n", *l);
        return 0;
}
