/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-log.c — see cri-log.h. Each entry goes out in one writev() on an O_APPEND file, so kubelet reading
 * the file never sees two entries interleaved.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "shared/macro.h"
#include "daemon/stdio/cri-log.h"

struct CriLog {
        char *path;
        int fd; /* -EBADF after a failed reopen */
};

static int open_log(const char *path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
        return fd < 0 ? -errno : fd;
}

int cri_log_open(const char *path, CriLog **ret) {
        CriLog *l;
        int fd;

        fd = open_log(path);
        if (fd < 0)
                return fd;
        l = calloc(1, sizeof(CriLog));
        if (!l || !(l->path = strdup(path))) {
                free(l);
                close(fd);
                return -ENOMEM;
        }
        l->fd = fd;
        *ret = l;
        return 0;
}

int cri_log_reopen(CriLog *l) {
        int fd;

        l->fd = safe_close(l->fd);
        fd = open_log(l->path);
        if (fd < 0)
                return fd;
        l->fd = fd;
        return 0;
}

size_t cri_log_format_prefix(char buf[static CRI_LOG_PREFIX_MAX], const char *stream, bool partial,
                             uint64_t realtime_nsec) {
        time_t sec = (time_t) (realtime_nsec / 1000000000);
        struct tm tm;
        size_t n;

        if (!gmtime_r(&sec, &tm))
                tm = (struct tm){ .tm_mday = 1, .tm_year = 70 };
        n = strftime(buf, CRI_LOG_PREFIX_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t) snprintf(buf + n, CRI_LOG_PREFIX_MAX - n, ".%09" PRIu64 "Z %.6s %c ",
                               realtime_nsec % 1000000000, stream, partial ? 'P' : 'F');
        return MIN(n, (size_t) CRI_LOG_PREFIX_MAX - 1);
}

int cri_log_write(CriLog *l, const char *stream, bool partial, const char *line, size_t len,
                  uint64_t realtime_nsec) {
        char prefix[CRI_LOG_PREFIX_MAX];
        struct iovec iov[3];
        size_t total;
        ssize_t n;

        if (l->fd < 0)
                return -EBADF;
        iov[0] = (struct iovec){ prefix, cri_log_format_prefix(prefix, stream, partial, realtime_nsec) };
        iov[1] = (struct iovec){ (void *) line, len };
        iov[2] = (struct iovec){ (void *) "\n", 1 };
        total = iov[0].iov_len + len + 1;
        do
                n = writev(l->fd, iov, 3);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return (size_t) n == total ? 0 : -ENOSPC; /* a short write to a regular file: the disk is full */
}

CriLog *cri_log_free(CriLog *l) {
        if (!l)
                return NULL;
        safe_close(l->fd);
        free(l->path);
        free(l);
        return NULL;
}

const char *cri_log_path(const CriLog *l) {
        return l->path;
}
