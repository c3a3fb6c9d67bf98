/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-history.h — an image's history as docker's API answers GET /images/NAME/history: from the
 * image config's "history" and the unpacked sizes of its layers, newest first.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* config: the image config JSON (may be NULL: one row per layer then). layer_sizes[i]: the size of the
 * i-th layer, bottom first. The top row carries Id "sha256:<image_id>" and Tags = tags, the others
 * "<missing>" as docker's for pulled images. Each row: Id, Created (seconds), CreatedBy, Tags, Size,
 * Comment. Entries marked empty_layer have Size 0; entries beyond the layers count 0 too.
 * Returns 0 or -ENOMEM. */
int image_history_build(const char *config, const char *image_id, char *const *tags,
                        const uint64_t *layer_sizes, size_t n_layers, struct json_object **ret);
