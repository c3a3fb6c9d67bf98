/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy-tree.h — `conmanctl cp`'s copier: a file, a symlink, a FIFO or a whole directory tree from one
 * directory fd to another, through *at() calls only, never following a symlink on either side (a symlink
 * is copied as a symlink; one already at the destination is replaced, not written through). Both sides may
 * be a container's root, which the container's processes can change meanwhile: nothing here leaves the two
 * directory fds it was given. Devices and sockets are skipped.
 */
#pragma once

#include <stdbool.h>

typedef struct CopyOptions {
        bool keep_owner; /* -a: the source's uid/gid; else the caller's (root) */
} CopyOptions;

/* Copies src_dir_fd/src_name to dst_dir_fd/dst_name; an existing directory there is merged into. 0 or
 * -errno; *ret_path (may be NULL) names the entry that failed, relative to the copy's root. */
int copy_entry(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
               const CopyOptions *o, char **ret_path);
