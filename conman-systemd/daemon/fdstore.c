/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fdstore.c — see fdstore.h.
 */
#include <fcntl.h>
#include <systemd/sd-daemon.h>

#include "shared/util.h"
#include "daemon/fdstore.h"

_Static_assert(FDSTORE_FDNAMES_MAX < FDSTORE_ARG_STRLEN_MAX,
               "FileDescriptorStoreMax= is too large for $LISTEN_FDNAMES (see fdstore.h)");

static const struct {
        char letter;
        const char *kind;
} fd_kinds[] = { { 'o', "stdout" }, { 'e', "stderr" }, { 't', "console" }, { 'i', "stdin" } };

int fdstore_name(const char *kind, const char *container_id, char ret[static FDSTORE_NAME_MAX]) {
        for (size_t i = 0; i < ELEMENTSOF(fd_kinds); i++)
                if (streq(fd_kinds[i].kind, kind)) {
                        snprintf(ret, FDSTORE_NAME_MAX, "%c%.*s", fd_kinds[i].letter, FDSTORE_ID_CHARS,
                                 container_id);
                        return 0;
                }
        return -EINVAL;
}

int fdstore_parse_name(const char *name, const char **ret_kind, const char **ret_id) {
        const char *dash = strchr(name, '-');

        for (size_t i = 0; i < ELEMENTSOF(fd_kinds); i++) {
                size_t n = strlen(fd_kinds[i].kind);
                bool old = dash && (size_t) (dash - name) == n && strneq(name, fd_kinds[i].kind, n);
                if (old || (!dash && name[0] == fd_kinds[i].letter && strlen(name) == 1 + FDSTORE_ID_CHARS)) {
                        *ret_kind = fd_kinds[i].kind;
                        *ret_id = old ? dash + 1 : name + 1;
                        return 0;
                }
        }
        return -EINVAL;
}

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
