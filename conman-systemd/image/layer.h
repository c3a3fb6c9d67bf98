/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * layer.h — unpacking one image layer (a tar stream, uncompressed or gzip/zstd)
 * into an empty directory, the way overlayfs wants to see it:
 *
 *   - OCI whiteouts become overlay whiteouts: ".wh.NAME" → a 0/0 character device
 *     NAME, ".wh..wh..opq" → xattr trusted.overlay.opaque=y on its directory;
 *   - regular files, directories, symlinks, hardlinks, device nodes and fifos are
 *     created with the entry's mode, ownership, xattrs and mtime (device nodes are
 *     skipped where mknod is not permitted);
 *   - nothing is ever written outside the directory: every path is resolved one
 *     component at a time with openat(O_NOFOLLOW) from the layer's root fd, ".."
 *     components are refused, leading "/" is stripped, a path that would pass
 *     through a symlink is refused, hardlink targets must lie inside the layer,
 *     and xattrs in the trusted.overlay./user.overlay. namespaces are dropped.
 *
 * While reading, the raw input's digest (the blob digest) and the uncompressed
 * tar's digest (the diff_id) are computed and returned.
 */
#pragma once

#include <stdint.h>

#include "digest.h"

typedef struct LayerResult {
        char blob_digest[DIGEST_STRING_MAX];
        char diff_id[DIGEST_STRING_MAX];
        uint64_t blob_size;
        uint64_t diff_size; /* bytes of the uncompressed tar */
        char error[512];    /* why a layer was refused, for people */
} LayerResult;

/* Reads the layer from input_fd (to its end) and unpacks it below dir_fd.
 * Returns 0, -EXDEV for an entry that tries to leave the directory, -EBADMSG for a
 * malformed archive, or another -errno. The directory is left as it is on failure;
 * the caller removes it. */
int layer_extract(int input_fd, int dir_fd, LayerResult *ret);

/* Validates and normalizes a tar entry path: strips "./" and leading "/", drops
 * empty and "." components, refuses "..". Returns "" for the root itself. */
int layer_path_normalize(const char *raw, char **ret);
