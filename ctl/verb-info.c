/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-info.c — `conmanctl version` and `conmanctl info`: what the client and the
 * daemon are, read from io.conman1.Manager's properties.
 */
#include <getopt.h>

#include "conman-config.h"
#include "shared/log.h"
#include "ctl.h"

/* Parses the verb's only option, --help. Returns 0 when help was printed, 1 to go on, <0 on error. */
static int parse_help_only(int argc, char *argv[], const char *usage) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': fputs(usage, stdout); return 0;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl: %s takes no arguments.", argv[0]);
        return 1;
}

static int get_manager_string(sd_bus *bus, const char *property, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(bus, "io.conman1", "/io/conman1", "io.conman1.Manager", property,
                                       &error, ret);
        if (r < 0)
                return ctl_log_bus_error("cannot read daemon facts", &error, r);
        return 0;
}

/* Like docker's, the client's version is printed without a daemon; the daemon's is added when it answers. */
int verb_version(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *daemon_version = NULL;
        int r;

        r = parse_help_only(argc, argv,
                            "Usage: conmanctl version\n\n"
                            "Print the client's version and, when conmand answers, the daemon's. Exits 0\n"
                            "without a daemon too (`conmanctl --version` is the same).\n\n"
                            "  -h, --help   Show this help\n");
        if (r <= 0)
                return r;

        printf("Client: conmanctl %s\n", CONMAN_VERSION);
        fflush(stdout);
        r = getenv("CONMAN_BUS_ADDRESS") ? ctl_bus_open(&bus) : sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                               "Version", &error, &daemon_version);
        if (r < 0)
                fprintf(stderr, "Daemon: not reachable (%s)\n", error.message ?: strerror(-r));
        else
                printf("Daemon: conmand %s\n", daemon_version);
        return 0;
}

int verb_info(int argc, char *argv[]) {
        static const char *const props[][2] = {
                { "Version", "Daemon version" },
                { "StateDirectory", "State directory" },
                { "DefaultRuntime", "Default runtime" },
                { "SystemdVersion", "systemd version" },
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r;

        r = parse_help_only(argc, argv,
                            "Usage: conmanctl info\n\n"
                            "Print facts about the daemon: versions, where it keeps state, the default OCI\n"
                            "runtime, the systemd it drives, and how many containers it knows.\n");
        if (r <= 0)
                return r;

        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;

        printf("%-18s %s\n", "Client version:", CONMAN_VERSION);
        for (size_t i = 0; i < ELEMENTSOF(props); i++) {
                _cleanup_free_ char *v = NULL;
                r = get_manager_string(bus, props[i][0], &v);
                if (r < 0)
                        return r;
                printf("%-17s: %s\n", props[i][1], v);
        }
        return 0;
}
