/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-attach.c — `conmanctl attach`: connects to a running container's terminal
 * (TTY containers) or its stdio (-i containers) through conmand; the detach keys
 * leave it running, its exit ends the session with its exit code.
 */
#include <getopt.h>

#include "shared/log.h"
#include "attach-session.h"
#include "ctl.h"

static void help(void) {
        printf("Usage: conmanctl attach [OPTIONS] CONTAINER\n\n"
               "Connect to a running container's terminal or stdio: its output from now on, our input to it.\n"
               "The detach keys leave the container running; when it exits, attach exits with its code.\n\n"
               "      --detach-keys KEYS  Keys that detach (default ctrl-p,ctrl-q; \"\" turns detaching off)\n"
               "      --no-stdin          Do not forward our input\n"
               "      --help              Show this help\n");
}

int verb_attach(int argc, char *argv[]) {
        enum {
                ARG_DETACH_KEYS = 0x100,
                ARG_NO_STDIN,
                ARG_HELP
        };
        static const struct option options[] = {
                { "detach-keys", required_argument, NULL, ARG_DETACH_KEYS },
                { "no-stdin", no_argument, NULL, ARG_NO_STDIN },
                { "help", no_argument, NULL, ARG_HELP },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        SessionParams p = { .kind = SESSION_ATTACH, .stdin = true };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+", options, NULL)) >= 0)
                switch (c) {
                case ARG_DETACH_KEYS: p.detach_keys = optarg; break;
                case ARG_NO_STDIN: p.stdin = false; break;
                case ARG_HELP: help(); return 0;
                default: return ctl_usage_error();
                }
        if (optind + 1 != argc)
                return log_error_errno(
                        -EINVAL, "conmanctl attach: name one container. See 'conmanctl attach --help'.");
        p.id = argv[optind];
        if (ctl_bus_open(&bus) < 0)
                return EXIT_DAEMON_ERROR;
        return ctl_session_run(bus, &p);
}
