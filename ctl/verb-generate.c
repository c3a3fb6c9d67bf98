/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-generate.c — `conmanctl generate unit CONTAINER`: prints a .container file (conman.container(5))
 * for an existing container, so that one made with `conmanctl run` can become a boot-time container
 * (what `podman generate systemd` and Quadlet do for podman). The text comes from conmand's
 * GenerateContainerFile (container-file-format.c); this verb only prints it.
 */
#include <getopt.h>

#include "shared/log.h"
#include "ctl.h"

static int verb_generate_unit(int argc, char *argv[]) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *text;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl generate unit CONTAINER\n\n"
                               "Print a .container file (conman.container(5)) that makes the container a\n"
                               "boot-time container. Save it as /etc/conman/containers/NAME.container,\n"
                               "remove the container or change ContainerName= in the file (the names must\n"
                               "not clash), and run 'systemctl daemon-reload': conman-NAME.service then runs\n"
                               "it, also at boot.\n");
                        return 0;
                default: return -EINVAL;
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl generate unit: name one container.");

        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "GenerateContainerFile", &error, &reply, "s", argv[optind]);
        if (r < 0)
                return ctl_log_bus_error("cannot generate a .container file", &error, r);
        r = sd_bus_message_read(reply, "s", &text);
        if (r < 0)
                return log_error_errno(r, "conmanctl generate unit: malformed reply: %m");
        fputs(text, stdout);
        return 0;
}

int verb_generate(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "unit", NULL, verb_generate_unit },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl generate unit CONTAINER\n\n"
                       "  unit CONTAINER      Print a .container file that makes it a boot-time container\n");
                return argc < 2 ? -EINVAL : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl generate: unknown kind '%s'; 'unit' is the one there is.",
                               argv[1]);
}
