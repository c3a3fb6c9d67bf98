/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * import.h — images from local files into the store:
 *   - an OCI image layout directory (oci-layout, index.json, blobs/),
 *   - an oci-archive tarball (such a directory, tarred),
 *   - a docker-save tarball (manifest.json, <config>.json, <layer>/layer.tar) or
 *     its unpacked directory.
 * Every blob is checked against its digest, every layer against the config's
 * diff_id; tarballs are unpacked with the same path-safe extractor as layers.
 */
#pragma once

#include "image/store.h"

/* Imports every image found at path. tag (may be NULL) names the first image instead of the
 * names the archive carries. ret_ids gets the ids, *ret_error a message for people on failure. */
int image_import(ImageStore *s, const char *path, const char *tag, char ***ret_ids, char **ret_error);
/* The same from an fd the caller keeps: an archive (a file or a pipe, read to its end) or a layout directory.
 */
int image_import_fd(ImageStore *s, int fd, const char *tag, char ***ret_ids, char **ret_error);
