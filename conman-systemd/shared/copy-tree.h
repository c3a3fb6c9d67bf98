/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy-tree.h — copies files, symlinks, FIFOs and whole directory trees between two open directories,
 * through *at() calls only, never following a symlink on either side (a symlink is copied as a symlink; one
 * already at the destination is replaced, not written through). Either side may be a container's root,
 * which the container's processes can change meanwhile: nothing here leaves the directory fds it was given.
 * Devices and sockets are skipped. Used by `conmanctl cp` (ctl/verb-cp.c) and by docker's copy of an image's
 * content into an empty volume on its first use (conman-rootfs copy-up, docs/volumes.md).
 */
#pragma once

#include <stdbool.h>

typedef struct CopyOptions {
        bool keep_owner; /* the source's uid/gid; else the caller's */
} CopyOptions;

/* Copies src_dir_fd/src_name to dst_dir_fd/dst_name; an existing directory there is merged into. 0 or
 * -errno; *ret_path (may be NULL) names the entry that failed, relative to the copy's root. */
int copy_entry(int src_dir_fd, const char *src_name, int dst_dir_fd, const char *dst_name,
               const CopyOptions *o, char **ret_path);

/* Copies the entries of src_fd into dst_fd (both directories; neither fd is closed), owners kept, then gives
 * dst_fd src_fd's mode and owner (a volume's first use). */
int copy_tree_at(int src_fd, int dst_fd);
/* Whether the directory has no entries (0/1, or a negative errno). */
int dir_is_empty_at(int dir_fd);

/* A volume's first use (docker's copy on first use): when the volume directory data_fd is empty, what the
 * mounted root root_fd has at path (resolved inside it: open_in_root()) is copied into it. 1 when copied, 0
 * when the volume was not empty or path is no directory, else -errno. */
int copy_up_at(int root_fd, const char *path, int data_fd);
