/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fileio.h — reading files and writing them atomically (temp file in the same
 * directory, fsync, rename, fsync of the directory), and a few path helpers.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "shared/macro.h"

/* The one read and write loop: they retry after EINTR and after short transfers, on blocking fds.
 * write_all() writes all size bytes: 0 or -errno. read_all() reads until size bytes or the end of the
 * file: the number of bytes read (less than size only at the end) or -errno. For blocking fds only:
 * an error (-EAGAIN too) is returned as it is, whatever was moved before it. */
int write_all(int fd, const void *data, size_t size);
ssize_t read_all(int fd, void *buf, size_t size);

/* Writes data to dir_fd/name atomically with the given mode. Returns 0 or -errno. */
int write_file_atomic_at(int dir_fd, const char *name, const void *data, size_t size, mode_t mode);
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);

/* Reads at most max_size bytes of a file into a NUL-terminated buffer owned by the caller; -EFBIG when
 * the file is larger. read_full_fd() reads an open fd to its end the same way. */
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);
int read_file_at(int dir_fd, const char *name, size_t max_size, char **ret, size_t *ret_size);
int read_file(const char *path, size_t max_size, char **ret, size_t *ret_size);

/* The directory dir_fd/path as a DIR stream of its own (path "." for dir_fd itself, from its start),
 * O_CLOEXEC. 0 or -errno. The one way the tree opens a directory to read it. */
int opendir_at(int dir_fd, const char *path, DIR **ret);

/* Files inside a root filesystem the daemon does not trust (an image, a --rootfs directory):
 * open_in_root() is openat2() with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so "..", absolute symlinks
 * and absolute paths all stay below root_fd. read_file_in_root() reads a regular file only, without
 * ever opening anything else for reading (a FIFO cannot block it): -ENOENT, -EISDIR, -EBADFD (FIFO,
 * socket, device), -EFBIG (more than max_size bytes; the message names ROOT_FILE_MAX_TEXT,
 * so callers pass ROOT_FILE_MAX), -ELOOP, or another -errno.
 * read_file_in_root_strerror() words those errors for a message. */
#define ROOT_FILE_MAX      ((size_t) 4 * 1024 * 1024)
#define ROOT_FILE_MAX_TEXT "4 MiB"
int open_in_root(int root_fd, const char *path, int flags);
int read_file_in_root(int root_fd, const char *path, size_t max_size, char **ret);
const char *read_file_in_root_strerror(int r);

/* JSON on disk, pretty-printed, written atomically. */
int json_write_file_atomic_at(int dir_fd, const char *name, struct json_object *j);
int json_read_file_at(int dir_fd, const char *name, struct json_object **ret);

/* mkdir -p with a mode; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);

/* Removes a directory tree below dir_fd/name without following symlinks or crossing mounts. */
int rm_rf_at(int dir_fd, const char *name);
int rm_rf(const char *path);
