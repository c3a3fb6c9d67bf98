/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy-tree.c — see copy-tree.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/util.h"

#define COPY_DEPTH_MAX 256

static int copy_data(int in, int out) {
        char buf[65536];
        ssize_t n;

        while ((n = read(in, buf, sizeof(buf))) > 0) {
                int r = write_all(out, buf, (size_t) n);
                if (r < 0)
                        return r;
        }
        return n < 0 ? -errno : 0;
}

/* The metadata of st onto fd (an open file or directory): mode, times, and the owner with keep_owner. */
static int apply_meta(int fd, const struct stat *st, const CopyOptions *o) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (o->keep_owner && fchown(fd, st->st_uid, st->st_gid) < 0)
                return -errno;
        if (fchmod(fd, st->st_mode & 07777) < 0)
                return -errno;
        return futimens(fd, times) < 0 ? -errno : 0;
}

/* Makes room for a new non-directory at dst: removes what is there unless it is a directory. */
static int clear_target(int dst_dir_fd, const char *name) {
        struct stat st;

        if (fstatat(dst_dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        return unlinkat(dst_dir_fd, name, 0) < 0 ? -errno : 0;
}

static int copy_at(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
                   const CopyOptions *o, unsigned depth, const char *rel, char **ret_path);

static int copy_file(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
                     const struct stat *st, const CopyOptions *o) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        struct stat now;
        int r;

        in = openat(src_dir_fd, src_name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (in < 0)
                return -errno;
        if (fstat(in, &now) < 0)
                return -errno;
        if (!S_ISREG(now.st_mode)) /* swapped meanwhile */
                return -EBADFD;
        r = clear_target(dst_dir_fd, dst_name);
        if (r < 0)
                return r;
        out = openat(dst_dir_fd, dst_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return -errno;
        r = copy_data(in, out);
        return r < 0 ? r : apply_meta(out, st, o);
}

static int copy_dir(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
                    const struct stat *st, const CopyOptions *o, unsigned depth, const char *rel,
                    char **ret_path) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (depth > COPY_DEPTH_MAX)
                return -ELOOP;
        in = openat(src_dir_fd, src_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return -errno;
        if (mkdirat(dst_dir_fd, dst_name, 0700) < 0 && errno != EEXIST)
                return -errno;
        out = openat(dst_dir_fd, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (out < 0)
                return -errno; /* ELOOP/ENOTDIR: a symlink or file is in the way */
        d = fdopendir(dup(in));
        if (!d)
                return -errno;
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *child = NULL;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&child, "%s/%s", rel, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = copy_at(in, de->d_name, out, de->d_name, o, depth + 1, child, ret_path);
        }
        closedir(d);
        return r < 0 ? r : apply_meta(out, st, o);
}

static int copy_at(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
                   const CopyOptions *o, unsigned depth, const char *rel, char **ret_path) {
        struct stat st;
        int r;

        if (fstatat(src_dir_fd, src_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                r = -errno;
        else if (S_ISREG(st.st_mode))
                r = copy_file(src_dir_fd, src_name, dst_dir_fd, dst_name, &st, o);
        else if (S_ISDIR(st.st_mode))
                r = copy_dir(src_dir_fd, src_name, dst_dir_fd, dst_name, &st, o, depth, rel, ret_path);
        else if (S_ISLNK(st.st_mode)) {
                char target[4096];
                ssize_t n = readlinkat(src_dir_fd, src_name, target, sizeof(target) - 1);

                r = n < 0 ? -errno : clear_target(dst_dir_fd, dst_name);
                if (r >= 0) {
                        target[n] = 0;
                        r = symlinkat(target, dst_dir_fd, dst_name) < 0 ? -errno : 0;
                }
                if (r >= 0 && o->keep_owner &&
                    fchownat(dst_dir_fd, dst_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                        r = -errno;
        } else if (S_ISFIFO(st.st_mode)) {
                r = clear_target(dst_dir_fd, dst_name);
                if (r >= 0)
                        r = mkfifoat(dst_dir_fd, dst_name, st.st_mode & 07777) < 0 ? -errno : 0;
        } else
                return 0; /* devices and sockets: skipped */
        if (r < 0 && ret_path && !*ret_path)
                *ret_path = strdup(rel);
        return r;
}

int copy_entry(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
               const CopyOptions *o, char **ret_path) {
        return copy_at(src_dir_fd, src_name, dst_dir_fd, dst_name, o, 0, src_name, ret_path);
}

int copy_tree_at(int src_fd, int dst_fd) {
        static const CopyOptions keep = { .keep_owner = true };
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        struct stat st;
        int r;

        if (fstat(src_fd, &st) < 0)
                return negative_errno();
        r = opendir_at(src_fd, ".", &d);
        if (r < 0)
                return r;
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        r = copy_entry(src_fd, de->d_name, dst_fd, de->d_name, &keep, NULL);
                        if (r < 0)
                                return r;
                }
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

int copy_up_at(int root_fd, const char *path, int data_fd) {
        _cleanup_close_ int src_fd = -EBADF;
        int r;

        r = dir_is_empty_at(data_fd);
        if (r <= 0)
                return r;
        src_fd = open_in_root(root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src_fd == -ENOENT || src_fd == -ENOTDIR)
                return 0; /* nothing to copy */
        if (src_fd < 0)
                return src_fd;
        r = copy_tree_at(src_fd, data_fd);
        return r < 0 ? r : 1;
}
