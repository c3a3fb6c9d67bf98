/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image.h — the pure parts of the ImageService (image.c), for its unit tests: conmand's InspectImage
 * document as a CRI Image, the image config's User as uid or user name, and the ListImages filter.
 *
 * CRI names an image by its id ("sha256:<64 hex>", as containerd and docker do), by a tag or by a repo
 * digest; conmand's records already hold docker-normalized names ("docker.io/library/busybox:latest",
 * "gcr.io/x/y@sha256:..."), the original names even when a mirror served the image (registries.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cri/cri.h"

#define CRI_IMAGE_ID_PREFIX "sha256:"

/* containerd's rule for the config's User: "1002" and "1003:1004" give a uid, "www-data" and
 * "www-data:1004" a user name, "" neither. *ret_username is malloc()ed or NULL. */
int cri_image_user(const char *user, bool *ret_has_uid, int64_t *ret_uid, char **ret_username);

/* A CRI Image (malloc()ed, for protobuf_c_message_free_unpacked()) from InspectImage's JSON, and, when
 * ret_info is given, the verbose "info" JSON (manifest digest, layers, the image config as imageSpec).
 * -EBADMSG for a document without an id. */
int cri_image_from_inspect(const char *json, Runtime__V1__Image **ret, char **ret_info);

/* Whether an image answers to a ListImages filter: its id (with or without "sha256:", or a prefix of at
 * least 4 hex digits), a tag or repo digest after docker's normalization ("busybox" matches
 * "docker.io/library/busybox:latest"), or, for a name given without tag or digest, any tag of that
 * repository. An empty filter matches everything. */
bool cri_image_matches(const Runtime__V1__Image *image, const char *filter);
