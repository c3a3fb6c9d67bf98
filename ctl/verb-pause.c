/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-pause.c — `conmanctl pause|unpause CONTAINER...` (PauseContainer/UnpauseContainer: systemd's
 * FreezeUnit/ThawUnit of each container's unit) and `conmanctl rename CONTAINER NEW_NAME`
 * (RenameContainer). Names are printed as docker does: pause and unpause print each container, rename
 * prints nothing.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

static int parse_help_only(int argc, char *argv[], const char *usage) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c != 'h')
                        return ctl_usage_error();
                fputs(usage, stdout);
                return 0;
        }
        return 1;
}

int ctl_each_container(sd_bus *bus, char **refs, const char *failure, CtlContainerAction action,
                       void *userdata) {
        int r, ret = 0;

        for (char **ref = refs; ref && *ref; ref++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *what = NULL;

                r = action(bus, *ref, userdata, &error);
                if (r >= 0) {
                        printf("%s\n", *ref);
                        continue;
                }
                if (asprintf(&what, "%s %s", failure, *ref) < 0)
                        return log_oom();
                ret = ctl_log_bus_error(what, &error, r);
        }
        return ret;
}

static int call_method(sd_bus *bus, const char *ref, void *method, sd_bus_error *error) {
        return ctl_call(bus, method, error, NULL, "s", ref);
}

int verb_pause(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool pause = streq(argv[0], "pause");
        int r;

        r = parse_help_only(
                argc, argv,
                pause ? "Usage: conmanctl pause CONTAINER...\n\n"
                        "Pause all processes of running containers: systemd freezes their unit's\n"
                        "cgroup (FreezeUnit). ps and inspect show them as paused; stop, restart,\n"
                        "rm -f and kill -s KILL thaw them first.\n"
                      : "Usage: conmanctl unpause CONTAINER...\n\n"
                        "Resume the processes of paused containers (systemd's ThawUnit).\n");
        if (r <= 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl %s: name at least one container.", argv[0]);
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        return ctl_each_container(bus, argv + optind, pause ? "cannot pause" : "cannot unpause", call_method,
                                  (void *) (pause ? "PauseContainer" : "UnpauseContainer"));
}

int verb_rename(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *what = NULL;
        int r;

        r = parse_help_only(
                argc, argv,
                "Usage: conmanctl rename CONTAINER NEW_NAME\n\n"
                "Rename a created or exited container; its unit becomes conman-NEW_NAME.service.\n"
                "A running container cannot be renamed (stop it first): its unit is named after\n"
                "it and systemd cannot rename a unit.\n");
        if (r <= 0)
                return r;
        if (argc - optind != 2)
                return log_error_errno(-EINVAL, "conmanctl rename: name a container and its new name.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "RenameContainer", &error, NULL, "ss", argv[optind], argv[optind + 1]);
        if (r >= 0)
                return 0;
        if (asprintf(&what, "cannot rename %s", argv[optind]) < 0)
                return log_oom();
        return ctl_log_bus_error(what, &error, r);
}
