/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgroup-freezer.c — see cgroup-freezer.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/cgroup-freezer.h"

#define FREEZE_WAIT_STEPS 200 /* x 5 ms: runc waits about as long */

static int state_path(const char *root, const char *cgroup, char **ret) {
        return asprintf(ret, "%s/freezer%s/freezer.state", root, cgroup) < 0 ? -ENOMEM : 0;
}

static int read_state(const char *path, char *buf, size_t size) {
        _cleanup_free_ char *text = NULL;
        int r = read_file(path, 64, &text, NULL);

        if (r < 0)
                return r;
        snprintf(buf, size, "%.*s", (int) strcspn(text, "\n"), text);
        return 0;
}

int cgroup_v1_freezer_set(const char *root, const char *cgroup, bool freeze) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *word = freeze ? "FROZEN" : "THAWED";
        char state[32];
        int r;

        r = state_path(root, cgroup, &path);
        if (r < 0)
                return r;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_all(fd, word, strlen(word));
        if (r < 0 || !freeze)
                return r;
        for (unsigned i = 0; i < FREEZE_WAIT_STEPS; i++) {
                r = read_state(path, state, sizeof(state));
                if (r < 0)
                        return r;
                if (streq(state, "FROZEN"))
                        return 0;
                (void) write_all(fd, word, strlen(word)); /* the kernel may need asking again */
                nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
        }
        return -EBUSY;
}

bool cgroup_v1_freezer_is_frozen(const char *root, const char *cgroup) {
        _cleanup_free_ char *path = NULL;
        char state[32];

        if (state_path(root, cgroup, &path) < 0 || read_state(path, state, sizeof(state)) < 0)
                return false;
        return streq(state, "FROZEN") || streq(state, "FREEZING");
}
