/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-util.c — see json-util.h.
 */
#include "shared/json-util.h"
#include "shared/util.h"

struct json_object *json_strv_new(char *const *l) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; a && l && l[i]; i++)
                json_object_array_add(a, json_object_new_string(l[i]));
        return a;
}

int json_strv_get(struct json_object *a, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n;

        if (!a)
                return 0;
        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        n = json_object_array_length(a);
        for (size_t i = 0; i < n; i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                if (!json_object_is_type(e, json_type_string))
                        return -EBADMSG;
                if (strv_push(&l, json_object_get_string(e)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int json_get_string(struct json_object *o, const char *key, char **ret) {
        struct json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_string))
                return -EBADMSG;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

bool json_get_bool(struct json_object *o, const char *key) {
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

uint64_t json_get_u64(struct json_object *o, const char *key, uint64_t def) {
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : def;
}
