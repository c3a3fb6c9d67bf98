/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fileio.c — atomic state files and small filesystem helpers.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/util.h"

int write_all(int fd, const void *data, size_t size) {
        const char *p = data;

        while (size > 0) {
                ssize_t n = write(fd, p, size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        return -EIO;
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

ssize_t read_all(int fd, void *buf, size_t size) {
        char *p = buf;
        size_t done = 0;

        while (done < size) {
                ssize_t n = read(fd, p + done, size - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                done += (size_t) n;
        }
        return (ssize_t) done;
}

int write_file_atomic_at(int dir_fd, const char *name, const void *data, size_t size, mode_t mode) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&tmp, ".#%s.%s", name, random_hex_stack(8).s) < 0)
                return -ENOMEM;

        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return negative_errno();

        r = write_all(fd, data, size);
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = negative_errno();
        if (r >= 0 && fsync(fd) < 0)
                r = negative_errno();
        if (r >= 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
                r = negative_errno();
        if (r < 0) {
                (void) unlinkat(dir_fd, tmp, 0);
                return r;
        }
        if (fsync(dir_fd) < 0)
                return negative_errno();
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *slash = strrchr(path, '/');

        if (!slash)
                dir = strdup(".");
        else
                dir = strndup(path, slash == path ? 1 : (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;

        dfd = open(dir, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dfd < 0)
                return negative_errno();
        return write_file_atomic_at(dfd, slash ? slash + 1 : path, data, size, mode);
}

int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, alloc = 4096;

        buf = malloc(alloc);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                ssize_t n;

                if (size + 1 >= alloc) {
                        char *nb;
                        if (alloc >= max_size + 2) /* read one byte past the limit: EOF or too big */
                                return -EFBIG;
                        alloc = MIN(alloc * 2, max_size + 2);
                        nb = realloc(buf, alloc);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                }
                n = read_all(fd, buf + size, alloc - size - 1);
                if (n < 0)
                        return (int) n;
                size += (size_t) n;
                if (size + 1 < alloc) /* short: the end of the file */
                        break;
        }
        if (size > max_size)
                return -EFBIG;
        buf[size] = 0;
        if (ret_size)
                *ret_size = size;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_file_at(int dir_fd, const char *name, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;

        fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        return read_full_fd(fd, max_size, ret, ret_size);
}

int opendir_at(int dir_fd, const char *path, DIR **ret) {
        int fd = openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;

        if (fd < 0)
                return negative_errno();
        d = fdopendir(fd);
        if (!d) {
                int r = negative_errno();
                safe_close(fd);
                return r;
        }
        *ret = d;
        return 0;
}

int open_in_root(int root_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) flags,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        long fd;

        fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
        return fd < 0 ? negative_errno() : (int) fd;
}

int read_file_in_root(int root_fd, const char *path, size_t max_size, char **ret) {
        _cleanup_close_ int pfd = -EBADF, fd = -EBADF;
        char proc[64];
        struct stat st;

        /* O_PATH first: nothing in the tree gets opened for real (a FIFO would block, a device could act on
         * open) before it is known to be a regular file. */
        pfd = open_in_root(root_fd, path, O_PATH | O_CLOEXEC);
        if (pfd < 0)
                return pfd;
        if (fstat(pfd, &st) < 0)
                return negative_errno();
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t) st.st_size > max_size)
                return -EFBIG;

        /* the same inode again, readable; a rename in the tree meanwhile cannot swap it */
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
        fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return read_full_fd(fd, max_size, ret, NULL);
}

const char *read_file_in_root_strerror(int r) {
        switch (r) {
        case -EISDIR: return "it is a directory, not a regular file";
        case -EBADFD: return "it is not a regular file (a FIFO, socket or device)";
        case -EFBIG: return "it is larger than the " ROOT_FILE_MAX_TEXT " limit";
        case -ELOOP: return "too many levels of symbolic links";
        case -ENOSYS: return "the kernel lacks openat2()";
        default: return strerror(-r);
        }
}

int read_file(const char *path, size_t max_size, char **ret, size_t *ret_size) {
        return read_file_at(AT_FDCWD, path, max_size, ret, ret_size);
}

int json_write_file_atomic_at(int dir_fd, const char *name, struct json_object *j) {
        const char *s =
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        _cleanup_free_ char *buf = NULL;

        if (!s)
                return -ENOMEM;
        if (asprintf(&buf, "%s\n", s) < 0)
                return -ENOMEM;
        return write_file_atomic_at(dir_fd, name, buf, strlen(buf), 0600);
}

int json_read_file_at(int dir_fd, const char *name, struct json_object **ret) {
        _cleanup_free_ char *buf = NULL;
        struct json_object *j;
        int r;

        r = read_file_at(dir_fd, name, 16 * 1024 * 1024, &buf, NULL);
        if (r < 0)
                return r;
        j = json_tokener_parse(buf);
        if (!j)
                return -EBADMSG;
        *ret = j;
        return 0;
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return negative_errno();
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static int rm_rf_children(int fd, dev_t dev) {
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        struct dirent *de;
        int ret = 0;

        if (!d) {
                safe_close(fd);
                return negative_errno();
        }
        while ((de = readdir(d))) {
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub;
                        if (st.st_dev != dev)
                                continue; /* never cross into a mount */
                        sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                (void) rm_rf_children(sub, dev);
                        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && ret == 0)
                                ret = negative_errno();
                } else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && ret == 0)
                        ret = negative_errno();
        }
        return ret;
}

int rm_rf_at(int dir_fd, const char *name) {
        struct stat st;
        int fd, r;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (!S_ISDIR(st.st_mode))
                return unlinkat(dir_fd, name, 0) < 0 ? negative_errno() : 0;

        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = rm_rf_children(fd, st.st_dev);
        if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && r >= 0)
                r = negative_errno();
        return r;
}

int rm_rf(const char *path) {
        return rm_rf_at(AT_FDCWD, path);
}
