/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conmand.c — main() of the conman daemon: options, logging, then the manager.
 */
#include <getopt.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "daemon/manager.h"

static const char *arg_state_dir = NULL;
static const char *arg_run_dir = NULL;
static const char *arg_runtime = NULL;

static void help(void) {
        printf("Usage: conmand [OPTIONS]\n\n"
               "The conman-systemd daemon: owns io.conman1 on the system bus and runs each\n"
               "container as the systemd service conman-<name>.service.\n\n"
               "Options:\n"
               "  -h --help               Show this help\n"
               "     --version            Show the version\n"
               "     --state-dir=DIR      Where containers are kept (default %s)\n"
               "     --run-dir=DIR        Runtime state (default %s)\n"
               "     --runtime=NAME       Default OCI runtime: runc or crun (default %s)\n"
               "\nSee conmand(8).\n",
               CONMAN_STATE_DIR, CONMAN_RUN_DIR, CONMAN_DEFAULT_RUNTIME);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_STATE_DIR,
                ARG_RUN_DIR,
                ARG_RUNTIME
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "runtime", required_argument, NULL, ARG_RUNTIME },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': help(); return 0;
                case ARG_VERSION: printf("conmand %s\n", CONMAN_VERSION); return 0;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_RUN_DIR: arg_run_dir = optarg; break;
                case ARG_RUNTIME:
                        if (!streq(optarg, "runc") && !streq(optarg, "crun"))
                                return log_error_errno(-EINVAL, "Unknown runtime '%s': use runc or crun.",
                                                       optarg);
                        arg_runtime = optarg;
                        break;
                default: return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmand takes no positional arguments.");
        return 1;
}

int main(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        log_setup("conmand", LOG_TARGET_AUTO);
        conman_bus_errors_register();

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        r = manager_new(&(ManagerConfig){ arg_state_dir, arg_run_dir, arg_runtime }, &m);
        if (r < 0) {
                log_oom();
                return EXIT_FAILURE;
        }

        r = manager_start(m);
        if (r < 0)
                return EXIT_FAILURE;

        r = manager_run(m);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
