/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-history.c — an image's history rows (docker's API shape) from its config's "history" and its
 * layer sizes. Pure: no store, no bus; conmand's ImageHistory method (bus/image-dbus.c) feeds it.
 */
#include <errno.h>
#include <string.h>

#include "shared/json-util.h"
#include "shared/macro.h"
#include "image/manifest.h"
#include "daemon/image-history.h"

static const char *member_string(struct json_object *o, const char *key) {
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : "";
}

static int64_t created_seconds(struct json_object *o) {
        uint64_t usec = 0;

        (void) parse_rfc3339(member_string(o, "created"), &usec);
        return (int64_t) (usec / 1000000);
}

static struct json_object *history_row(int64_t created, const char *created_by, uint64_t size,
                                       const char *comment) {
        struct json_object *row = json_object_new_object();

        if (!row)
                return NULL;
        json_object_object_add(row, "Id", json_object_new_string("<missing>"));
        json_object_object_add(row, "Created", json_object_new_int64(created));
        json_object_object_add(row, "CreatedBy", json_object_new_string(created_by));
        json_object_object_add(row, "Tags", json_object_new_array());
        json_object_object_add(row, "Size", json_object_new_int64((int64_t) size));
        json_object_object_add(row, "Comment", json_object_new_string(comment));
        return row;
}

/* Rows oldest first: one per history entry, a non-empty one taking the next layer's size. Without a
 * history, one row per layer with the image's creation time. */
static int rows_oldest_first(struct json_object *config, const uint64_t *layer_sizes, size_t n_layers,
                             struct json_object *rows) {
        struct json_object *history = NULL;
        size_t layer = 0;

        if (!config || !json_object_object_get_ex(config, "history", &history) ||
            !json_object_is_type(history, json_type_array) || json_object_array_length(history) == 0) {
                for (size_t i = 0; i < n_layers; i++)
                        if (json_object_array_add(
                                    rows, history_row(created_seconds(config), "", layer_sizes[i], "")) < 0)
                                return -ENOMEM;
                return 0;
        }
        for (size_t i = 0; i < json_object_array_length(history); i++) {
                struct json_object *h = json_object_array_get_idx(history, i), *empty;
                uint64_t size = 0;

                if (!json_object_is_type(h, json_type_object))
                        continue;
                if (!(json_object_object_get_ex(h, "empty_layer", &empty) &&
                      json_object_is_type(empty, json_type_boolean) && json_object_get_boolean(empty)) &&
                    layer < n_layers)
                        size = layer_sizes[layer++];
                if (json_object_array_add(rows,
                                          history_row(created_seconds(h), member_string(h, "created_by"),
                                                      size, member_string(h, "comment"))) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int image_history_build(const char *config, const char *image_id, char *const *tags,
                        const uint64_t *layer_sizes, size_t n_layers, struct json_object **ret) {
        _cleanup_json_ struct json_object *c = config ? json_tokener_parse(config) : NULL;
        _cleanup_json_ struct json_object *rows = json_object_new_array(), *newest = json_object_new_array();
        char id[80];
        size_t n;
        int r;

        if (!rows || !newest)
                return -ENOMEM;
        r = rows_oldest_first(c && json_object_is_type(c, json_type_object) ? c : NULL, layer_sizes, n_layers,
                              rows);
        if (r < 0)
                return r;
        n = json_object_array_length(rows);
        for (size_t i = n; i > 0; i--)
                if (json_object_array_add(newest, json_object_get(json_object_array_get_idx(rows, i - 1))) <
                    0)
                        return -ENOMEM;
        if (n > 0) {
                struct json_object *top = json_object_array_get_idx(newest, 0);

                snprintf(id, sizeof(id), "sha256:%s", image_id);
                json_object_object_add(top, "Id", json_object_new_string(id));
                json_object_object_add(top, "Tags", json_strv_new(tags));
        }
        *ret = TAKE_PTR(newest);
        return 0;
}
