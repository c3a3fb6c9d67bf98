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
 *     through a symlink is refused, hardlink targets must lie inside the layer;
 *   - only user.* xattrs (not user.overlay.*) and POSIX ACLs are applied: security.*
 *     (SELinux labels, file capabilities) and trusted.* are dropped;
 *   - only the decompressor of the layer's media type runs (gzip, zstd or none), and
 *     the uncompressed size and entry count are capped (LayerLimits).
 *
 * Entries are applied by shared/tar-extract.c. While reading, the raw input's digest (the blob digest) and
 * the uncompressed tar's digest (the diff_id) are computed and returned.
 */
#pragma once

#include <errno.h>
#include <stdint.h>

#include "image/digest.h"

/* How a layer blob is compressed, from its media type (manifest.c). Only these decompressors are
 * ever enabled: libarchive's "all" would also run external programs (lrzip, lzop, grzip). */
typedef enum LayerCompression {
        LAYER_COMPRESSION_NONE,
        LAYER_COMPRESSION_GZIP,
        LAYER_COMPRESSION_ZSTD,
        LAYER_COMPRESSION_DETECT, /* no media type known (docker-archive, rootfs tarballs): any of the above
                                   */
        _LAYER_COMPRESSION_MAX,
        _LAYER_COMPRESSION_INVALID = -EINVAL,
} LayerCompression;

/* Caps on what one layer may unpack to; a refusal names the cap and how to raise it. */
typedef struct LayerLimits {
        uint64_t max_bytes;   /* of the uncompressed tar */
        uint64_t max_entries; /* tar entries */
} LayerLimits;

#define LAYER_MAX_BYTES_DEFAULT   (UINT64_C(64) << 30) /* 64 GiB */
#define LAYER_MAX_ENTRIES_DEFAULT UINT64_C(4000000)
#define LAYER_LIMITS_DEFAULT      ((LayerLimits){ LAYER_MAX_BYTES_DEFAULT, LAYER_MAX_ENTRIES_DEFAULT })
#define LAYER_MAX_BYTES_ENV       "CONMAN_LAYER_MAX_BYTES"
#define LAYER_MAX_ENTRIES_ENV     "CONMAN_LAYER_MAX_ENTRIES"

/* The caps from $CONMAN_LAYER_MAX_BYTES and $CONMAN_LAYER_MAX_ENTRIES (a number, for bytes with an
 * optional k/m/g/t suffix), the defaults where unset. -EINVAL for a malformed or zero value. */
int layer_limits_from_environment(LayerLimits *ret);

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
int layer_extract(int input_fd, int dir_fd, LayerCompression compression, const LayerLimits *limits,
                  LayerResult *ret);

/* decompress.c: copies the tarball in in_fd (plain, gzip or zstd; read to its end) uncompressed into out_fd
 * and computes its diff_id. -EFBIG beyond limits->max_bytes, -EBADMSG for a corrupt stream. */
int layer_decompress(int in_fd, int out_fd, const LayerLimits *limits,
                     char ret_diff_id[static DIGEST_STRING_MAX], uint64_t *ret_size);
/* decompress.c: the same tarball compressed with to (GZIP or ZSTD; deterministic: the same tar gives the same
 * blob) into out_fd: its diff_id, the blob's digest and size. -EINVAL for another to. */
int layer_compress(int in_fd, int out_fd, LayerCompression to, const LayerLimits *limits,
                   char ret_diff_id[static DIGEST_STRING_MAX], char ret_digest[static DIGEST_STRING_MAX],
                   uint64_t *ret_size);
/* How a blob is compressed, from its first bytes (gzip, zstd, else none). */
LayerCompression layer_compression_from_magic(const void *head, size_t size);
/* "gzip", "zstd", "none" (podman's --compression-format spelling) and back; DETECT has no name. */
const char *layer_compression_to_string(LayerCompression c);
LayerCompression layer_compression_from_string(const char *s);
