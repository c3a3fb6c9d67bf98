/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-exit-record.c — run by systemd as the container unit's ExecStopPost=:
 * records how the container ended (exit-record.h) in its state directory, so the
 * record exists whether or not conmand is running. Not a shim: it runs once, at stop.
 */
#include <fcntl.h>
#include <getopt.h>

#include "conman-config.h"
#include "exit-record.h"
#include "log.h"
#include "names.h"
#include "util.h"

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "state-dir", required_argument, NULL, 's' },
                {},
        };
        _cleanup_(exit_record_done) ExitRecord e = { .exit_code = -1 };
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *state_dir = CONMAN_STATE_DIR, *id;
        int c, r;

        log_setup("conman-exit-record", LOG_TARGET_AUTO);
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                if (c == 's')
                        state_dir = optarg;
                else
                        return EXIT_FAILURE;
        if (optind + 1 != argc || !container_id_is_valid(argv[optind])) {
                log_error("Usage: conman-exit-record [--state-dir DIR] CONTAINER_ID");
                return EXIT_FAILURE;
        }
        id = argv[optind];

        if (asprintf(&path, "%s/containers/%s", state_dir, id) < 0)
                return EXIT_FAILURE;
        dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd < 0) {
                log_debug_errno(errno, "Container directory %s is gone, nothing to record: %m", path);
                return EXIT_SUCCESS;
        }

        r = exit_record_from_env(getenv("EXIT_CODE"), getenv("EXIT_STATUS"), getenv("SERVICE_RESULT"),
                                 now_realtime_usec(), &e);
        if (r >= 0)
                r = exit_record_write(dfd, &e);
        if (r < 0) {
                log_error_errno(r, "Failed to write the exit record of %s: %m", id);
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
