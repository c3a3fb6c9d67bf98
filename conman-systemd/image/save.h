/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * save.h — images of the store out as one tarball, written into an fd (docker save):
 *   - docker-archive: manifest.json, <config hex>.json, <diff_id hex>.tar (uncompressed layers, so each
 *     hashes to its diff_id), as `docker save` and skopeo's docker-archive: write it;
 *   - oci-archive: an OCI image layout (oci-layout, index.json, blobs/sha256/...) tarred; the layers are the
 *     compressed blobs the store kept, under an OCI manifest made for them (ref.name: the full name).
 * The image config is the stored one byte for byte, so the image id survives save → load.
 */
#pragma once

#include <errno.h>

#include "image/store.h"

typedef enum ImageArchiveFormat {
        IMAGE_ARCHIVE_DOCKER,
        IMAGE_ARCHIVE_OCI,
        _IMAGE_ARCHIVE_FORMAT_MAX,
        _IMAGE_ARCHIVE_FORMAT_INVALID = -EINVAL,
} ImageArchiveFormat;

const char *image_archive_format_to_string(ImageArchiveFormat f);
ImageArchiveFormat image_archive_format_from_string(const char *s);

/* The media type of a layer blob from its first bytes: gzip, zstd, else plain tar. */
const char *layer_media_type_from_magic(const void *head, size_t size);

/* Writes the images (names, ids or id prefixes) into out_fd (not closed; a file or a pipe) as one archive.
 * *ret_error (may be NULL) gets a message for people on failure. */
int image_save(ImageStore *s, char *const *images, ImageArchiveFormat format, int out_fd, char **ret_error);
