/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rootfs-archive.h — a container's root filesystem out as a tarball (export) or as a new image layer
 * (commit), from paths the daemon gathered on its main thread; both run in a worker thread.
 */
#pragma once

#include "image/build.h"
#include "image/store.h"

typedef struct RootfsPaths {
        char *rootfs;      /* where the container's root is (mounted while it runs) */
        char *upper;       /* its overlay upper dir, NULL for a --rootfs container */
        char **layer_dirs; /* its image's layers, bottom first, NULL for a --rootfs container */
        char *scratch;     /* a directory to mount a read-only overlay on while the container is down */
} RootfsPaths;

void rootfs_paths_done(RootfsPaths *p);

/* Writes the merged root as a tar stream into out_fd: the live mount while the container runs, else a
 * read-only overlay of its upper dir on its image's layers (mounted at scratch for the time). */
int rootfs_export(const RootfsPaths *p, int out_fd, char **ret_error);

/* The upper dir as a layer (deletions as OCI whiteouts) on top of the container's image (b->base_id):
 * a new image, named tag (may be NULL). */
int rootfs_commit(ImageStore *s, const RootfsPaths *p, const ImageBuild *b, const char *tag,
                  char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error);
