/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fileio.h — reading files and writing them atomically (temp file in the same
 * directory, fsync, rename, fsync of the directory), and a few path helpers.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "macro.h"

/* Writes data to dir_fd/name atomically with the given mode. Returns 0 or -errno. */
int write_file_atomic_at(int dir_fd, const char *name, const void *data, size_t size, mode_t mode);
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);

/* Reads at most max_size bytes of a file into a NUL-terminated buffer owned by the caller. */
int read_file_at(int dir_fd, const char *name, size_t max_size, char **ret, size_t *ret_size);
int read_file(const char *path, size_t max_size, char **ret, size_t *ret_size);

/* JSON on disk, pretty-printed, written atomically. */
int json_write_file_atomic_at(int dir_fd, const char *name, struct json_object *j);
int json_read_file_at(int dir_fd, const char *name, struct json_object **ret);

/* mkdir -p with a mode; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);

/* Removes a directory tree below dir_fd/name without following symlinks or crossing mounts. */
int rm_rf_at(int dir_fd, const char *name);
int rm_rf(const char *path);
