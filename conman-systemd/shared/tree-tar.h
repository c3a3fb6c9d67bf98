/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tree-tar.h — a directory tree written as a tar stream into an fd: a container's merged root (export) or
 * its overlay upper directory (commit), where overlayfs whiteouts (character devices 0/0) become OCI
 * whiteouts ".wh.NAME" and an opaque directory (trusted.overlay.opaque=y, or user.overlay.opaque with
 * userxattr) gets a ".wh..wh..opq" entry. The tree is walked with openat(O_NOFOLLOW) from dir_fd; symlinks
 * are stored, never followed; only regular files are opened (FIFOs and devices are stored as nodes). Owners,
 * modes, mtimes, hardlinks (within the tree), symlinks, FIFOs and device nodes are kept; sockets are
 * skipped; xattrs are not stored. Used by image export/commit (image/rootfs-archive.c) and `conmanctl cp`.
 */
#pragma once

#include <stdbool.h>

#define OCI_WHITEOUT_PREFIX ".wh."
#define OCI_WHITEOUT_OPAQUE ".wh..wh..opq"

typedef enum TreeTarMode {
        TREE_TAR_PLAIN,         /* every entry as it is */
        TREE_TAR_OVERLAY_UPPER, /* overlayfs whiteouts and opaque directories as OCI whiteouts */
} TreeTarMode;

/* The OCI whiteout entry for a path deleted in an upper directory: "dir/name" → "dir/.wh.name". */
int oci_whiteout_path(const char *path, char **ret);

/* Writes the tree below dir_fd into out_fd as a tar stream (pax). *ret_error (may be NULL) gets a message
 * for people on failure. */
int tree_tar_write(int dir_fd, TreeTarMode mode, int out_fd, char **ret_error);

/* Writes dir_fd/name (a file, symlink, FIFO or a whole directory tree) as a tar stream whose entries start
 * with the name "as" (`conmanctl cp CONTAINER:SRC -`: SRC's basename, as docker). */
int tree_tar_write_entry(int dir_fd, const char *name, const char *as, int out_fd, char **ret_error);
