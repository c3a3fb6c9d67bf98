/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy-tree.c — see copy-tree.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/macro.h"

#define COPY_DEPTH_MAX 256

static int copy_attributes(int fd, const struct stat *st) {
        const struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
            futimens(fd, times) < 0)
                return negative_errno();
        return 0;
}

static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st) {
        _cleanup_close_ int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int out = -EBADF;

        if (in < 0)
                return negative_errno();
        out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return negative_errno();
        for (off_t left = st->st_size; left > 0;) {
                ssize_t n = sendfile(out, in, NULL, MIN(left, (off_t) 1 << 30));
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break; /* the file shrank meanwhile */
                left -= n;
        }
        return copy_attributes(out, st);
}

static int copy_symlink(int src_dir, int dst_dir, const char *name, const struct stat *st) {
        char target[PATH_MAX];
        const struct timespec times[2] = { st->st_atim, st->st_mtim };
        ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);

        if (n < 0)
                return negative_errno();
        target[n] = '\0';
        if (symlinkat(target, dst_dir, name) < 0 ||
            fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
            utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        return 0;
}

static int copy_entries(int src_fd, int dst_fd, unsigned depth);

static int copy_dir(int src_dir, int dst_dir, const char *name, const struct stat *st, unsigned depth) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        int r;

        if (depth >= COPY_DEPTH_MAX)
                return -ELOOP;
        in = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return negative_errno();
        if (mkdirat(dst_dir, name, 0700) < 0)
                return negative_errno();
        out = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (out < 0)
                return negative_errno();
        r = copy_entries(in, out, depth + 1);
        return r < 0 ? r : copy_attributes(out, st);
}

static int copy_entries(int src_fd, int dst_fd, unsigned depth) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(src_fd, ".", &d);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(src_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return negative_errno();
                if (S_ISDIR(st.st_mode))
                        r = copy_dir(src_fd, dst_fd, de->d_name, &st, depth);
                else if (S_ISREG(st.st_mode))
                        r = copy_file(src_fd, dst_fd, de->d_name, &st);
                else if (S_ISLNK(st.st_mode))
                        r = copy_symlink(src_fd, dst_fd, de->d_name, &st);
                else
                        r = 0; /* device nodes, fifos, sockets: not copied */
                if (r < 0)
                        return r;
        }
        return 0;
}

int copy_tree_at(int src_fd, int dst_fd) {
        struct stat st;
        int r;

        if (fstat(src_fd, &st) < 0)
                return negative_errno();
        r = copy_entries(src_fd, dst_fd, 0);
        if (r < 0)
                return r;
        /* docker gives the volume the directory's owner and mode; its times are the volume's own */
        if (fchown(dst_fd, st.st_uid, st.st_gid) < 0 || fchmod(dst_fd, st.st_mode & 07777) < 0)
                return negative_errno();
        return 0;
}

int dir_is_empty_at(int dir_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = opendir_at(dir_fd, ".", &d);

        if (r < 0)
                return r;
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        return 0;
        return 1;
}
