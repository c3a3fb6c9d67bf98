/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pipe-keeper.c — see pipe-keeper.h.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "shared/log.h"
#include "daemon/fdstore.h"
#include "daemon/pipe-keeper.h"
#include "daemon/stdio/container-stdio.h"

static const char *const kinds[] = { "stdout", "stderr" };

int container_keep_pipes(Container *c) {
        int fds[2], n = 0, r;

        if (c->main_pid == 0 || !getenv("NOTIFY_SOCKET"))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                int fd = output_fd(c->stdio, kinds[i]);
                if (fd >= 0)
                        fds[n++] = fd;
        }
        if (n == 0)
                return 0;
        r = sd_pid_notify_with_fds((pid_t) c->main_pid, false, "FDSTORE=1\nFDNAME=conman-output", fds,
                                   (unsigned) n);
        if (r < 0)
                return log_warning_errno(r, "Failed to keep the output pipes of %s in its unit: %m", c->name);
        return 0;
}

/* Opens the read side of the pipe behind /proc/PID/fd/N. */
static int reopen_pipe(uint32_t pid, int n) {
        char path[64];
        struct stat st;
        int fd;

        snprintf(path, sizeof(path), "/proc/%u/fd/%i", pid, n);
        if (stat(path, &st) < 0)
                return negative_errno();
        if (!S_ISFIFO(st.st_mode))
                return -ENOTSUP; /* the container redirected its output elsewhere */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int container_reopen_pipes(Container *c) {
        if (c->state != CONTAINER_RUNNING || c->main_pid == 0 || container_is_generated(c))
                return 0; /* a generated unit writes to the journal itself */
        for (int i = 0; i < 2; i++) {
                char name[FDSTORE_NAME_MAX];
                int fd, r;

                if (output_fd(c->stdio, kinds[i]) >= 0)
                        continue;
                fd = reopen_pipe(c->main_pid, i + 1);
                if (fd < 0) {
                        log_warning_errno(fd, "Cannot reopen the %s of %s; its output is not forwarded: %m",
                                          kinds[i], c->name);
                        continue;
                }
                if (fdstore_name(kinds[i], c->id, name) >= 0)
                        (void) fdstore_push(fd, name);
                r = output_adopt(container_stdio(c), kinds[i], fd);
                if (r < 0)
                        log_warning_errno(r, "Failed to follow the %s of %s: %m", kinds[i], c->name);
                else
                        log_info("Reopened the %s of %s through /proc.", kinds[i], c->name);
        }
        return 0;
}
