/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-healthcheck.c — `conmanctl healthcheck run CONTAINER` (podman's): runs the container's health check
 * once through HealthcheckRun and exits 0 when it passed, 1 when it failed (printing "unhealthy", or
 * the status while it still counts as starting), 125 on an error (no check, not running). The timer of a
 * container's health check runs it (docs/health.md).
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "help.h"

static int healthcheck_run(sd_bus *bus, const char *ref) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *status;
        int32_t exit_code;
        int r;

        r = ctl_call(bus, "HealthcheckRun", &error, &reply, "s", ref);
        if (r < 0)
                return ctl_log_bus_error("cannot run the health check", &error, r);
        r = sd_bus_message_read(reply, "si", &status, &exit_code);
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed reply: %m");
        if (exit_code == 0)
                return 0;
        printf("%s\n", streq(status, "healthy") ? "unhealthy" : status);
        return 1;
}

static int verb_healthcheck_run(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl healthcheck run CONTAINER\n\n"
                               "Run the container's health check once and record the result.\n"
                               "Exit code 0: healthy, 1: the check failed, 125: an error.\n\n"
                               "  -h, --help        Show this help\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl healthcheck run: give one container.");
        r = ctl_bus_open(&bus);
        return r < 0 ? r : healthcheck_run(bus, argv[optind]);
}

int verb_healthcheck(int argc, char *argv[]) {
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl healthcheck run CONTAINER\n\n"
                       "  run CONTAINER       Run the container's health check once\n");
                return argc < 2 ? -EINVAL : 0;
        }
        if (streq(argv[1], "run"))
                return verb_healthcheck_run(argc - 1, argv + 1);
        return log_error_errno(
                -EINVAL, "conmanctl healthcheck: unknown command '%s'; 'run' is the one there is.", argv[1]);
}
