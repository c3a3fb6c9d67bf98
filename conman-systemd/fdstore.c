/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fdstore.c — see fdstore.h.
 */
#include <fcntl.h>
#include <systemd/sd-daemon.h>

#include "fdstore.h"
#include "util.h"

static bool under_systemd(void) {
        return getenv("NOTIFY_SOCKET") != NULL;
}

int fdstore_push(int fd, const char *name) {
        _cleanup_free_ char *msg = NULL;
        int r;

        if (!under_systemd())
                return 0;
        if (asprintf(&msg, "FDSTORE=1\nFDNAME=%s", name) < 0)
                return -ENOMEM;
        r = sd_pid_notify_with_fds(0, false, msg, &fd, 1);
        return r < 0 ? r : 0;
}

int fdstore_remove(const char *name) {
        _cleanup_free_ char *msg = NULL;

        if (!under_systemd())
                return 0;
        if (asprintf(&msg, "FDSTOREREMOVE=1\nFDNAME=%s", name) < 0)
                return -ENOMEM;
        return sd_notify(false, msg) < 0 ? -EIO : 0;
}

int fdstore_take_all(StoredFd **ret, size_t *ret_n) {
        char **names = NULL;
        StoredFd *fds;
        int n;

        n = sd_listen_fds_with_names(true, &names);
        if (n <= 0) {
                strv_freep(&names);
                *ret = NULL;
                *ret_n = 0;
                return n;
        }
        fds = calloc((size_t) n, sizeof(StoredFd));
        if (!fds) {
                for (int i = 0; i < n; i++)
                        close(SD_LISTEN_FDS_START + i);
                strv_freep(&names);
                return -ENOMEM;
        }
        for (int i = 0; i < n; i++) {
                fds[i].fd = SD_LISTEN_FDS_START + i;
                (void) fcntl(fds[i].fd, F_SETFD, FD_CLOEXEC);
                fds[i].name = names && names[i] ? names[i] : strdup("unknown");
                if (names)
                        names[i] = NULL;
        }
        free(names);
        *ret = fds;
        *ret_n = (size_t) n;
        return n;
}
