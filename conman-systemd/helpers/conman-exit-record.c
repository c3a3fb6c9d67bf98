/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-exit-record.c — run by systemd as the container unit's ExecStopPost=:
 * records how the container ended (exit-record.h) in its state directory, so the
 * record exists whether or not conmand is running, and removes the container's
 * cgroup below the unit's (unit.h: container_cgroup_path()) once it is empty, so
 * systemd can remove and collect the unit. Not a shim: it runs once, at stop.
 */
#include <fcntl.h>
#include <getopt.h>

#include "conman-config.h"
#include "shared/exit-record.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/pod-spec.h"
#include "shared/unit.h"
#include "shared/util.h"

/* rmdir of <hierarchy>/<path> in every mounted cgroup hierarchy (v1 controllers, named, unified, v2),
 * retried briefly while the last processes of the container are still being reaped. */
static void remove_container_cgroup(const char *unit, const char *slice) {
        _cleanup_free_ char *path = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (container_cgroup_path(unit, slice, &path) < 0)
                return;
        d = opendir("/sys/fs/cgroup");
        for (int pass = 0; pass < 2; pass++) {
                const char *hier = pass == 0 ? "" : NULL;
                if (pass == 1) {
                        if (!d)
                                break;
                        rewinddir(d);
                }
                do {
                        _cleanup_free_ char *p = NULL;
                        if (pass == 1) {
                                de = readdir(d);
                                if (!de)
                                        break;
                                if (de->d_name[0] == '.')
                                        continue;
                                hier = de->d_name;
                        }
                        if (asprintf(&p, "/sys/fs/cgroup/%s%s", hier, path) < 0)
                                return;
                        for (int i = 0; i < 50 && rmdir(p) < 0 && errno == EBUSY; i++)
                                usleep(20 * 1000);
                } while (pass == 1);
        }
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "state-dir", required_argument, NULL, 's' },
                { "unit", required_argument, NULL, 'u' },
                { "pod", required_argument, NULL, 'p' },
                { "slice", required_argument, NULL, 'S' },
                {},
        };
        _cleanup_(exit_record_done) ExitRecord e = { .exit_code = -1 };
        _cleanup_free_ char *path = NULL, *slice = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *state_dir = CONMAN_STATE_DIR, *unit = NULL, *id;
        int c, r;

        log_setup("conman-exit-record", LOG_TARGET_AUTO);
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                if (c == 's')
                        state_dir = optarg;
                else if (c == 'u' && string_has_prefix(optarg, CONMAN_UNIT_PREFIX) && !strchr(optarg, '/'))
                        unit = optarg;
                else if (c == 'p' && container_name_is_valid(optarg) && !slice) {
                        if (pod_slice_name(optarg, &slice) < 0)
                                return EXIT_FAILURE;
                } else if (c == 'S' && slice_name_is_valid(optarg) && !slice) {
                        if (!(slice = strdup(optarg)))
                                return EXIT_FAILURE;
                } else
                        return EXIT_FAILURE;
        if (optind + 1 != argc || !container_id_is_valid(argv[optind])) {
                log_error(
                        "Usage: conman-exit-record [--state-dir DIR] [--unit UNIT] [--pod POD|--slice SLICE] CONTAINER_ID");
                return EXIT_FAILURE;
        }
        id = argv[optind];

        if (unit)
                remove_container_cgroup(unit, slice);
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
