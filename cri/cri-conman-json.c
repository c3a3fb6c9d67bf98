/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-conman-json.c — the pure half of cri-conman.h: reading conmand's inspect documents and the CRI
 * documents in their Annotations, CRI maps ⇄ JSON, label selectors, conman names for sandboxes and
 * containers, timestamps. No bus here: tests/unit/cri/test-cri-conman.c drives it all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/digest.h"
#include "cri/cri-conman.h"

#define NAME_MAX_LEN 63
#define HASH_LEN     12

const char *cri_json_str(struct json_object *o, const char *key) {
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return "";
        return json_object_get_string(v);
}

struct json_object *cri_json_obj(struct json_object *o, const char *key) {
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
                return NULL;
        return v;
}

int64_t cri_json_int(struct json_object *o, const char *key) {
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v))
                return 0;
        if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_boolean))
                return 0;
        return json_object_get_int64(v);
}

int64_t cri_parse_timestamp_ns(const char *s) {
        struct tm tm = {};
        const char *p;
        int64_t ns = 0, scale = 100000000;
        time_t t;

        if (isempty(s))
                return 0;
        p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!p || tm.tm_year < 70)
                return 0;
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
                        ns += (*p - '0') * scale;
        if (*p != 'Z')
                return 0;
        t = timegm(&tm);
        return t < 0 ? 0 : (int64_t) t * 1000000000 + ns;
}

int cri_annotation_doc(struct json_object *inspect, const char *key, struct json_object **ret) {
        struct json_object *doc, *annotations = cri_json_obj(inspect, "Annotations");
        const char *text;

        if (!annotations) /* InspectContainer has them beside the Labels, in Config (docker's place) */
                annotations = cri_json_obj(cri_json_obj(inspect, "Config"), "Annotations");
        text = cri_json_str(annotations, key);

        if (isempty(text))
                return -ENOENT;
        doc = json_tokener_parse(text);
        if (!doc || !json_object_is_type(doc, json_type_object)) {
                json_object_put(doc);
                return -EBADMSG;
        }
        *ret = doc;
        return 0;
}

struct json_object *cri_map_to_json(size_t n, void *const *entries) {
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; o && i < n; i++) {
                const CriMapEntry *e = entries[i];
                json_object_object_add(o, strempty(e->key), json_object_new_string(strempty(e->value)));
        }
        return o;
}

int cri_repeated_append(size_t *n, void *array_ptr, ProtobufCMessage *message) {
        void ***array = array_ptr;
        void **a = message ? realloc(*array, (*n + 1) * sizeof(void *)) : NULL;

        if (!a) {
                if (message)
                        protobuf_c_message_free_unpacked(message, NULL);
                return -ENOMEM;
        }
        a[(*n)++] = message;
        *array = a;
        return 0;
}

int cri_map_add(const ProtobufCMessageDescriptor *d, size_t *n, void ***entries, const char *key,
                const char *value) {
        CriMapEntry *e;
        void **a = realloc(*entries, (*n + 1) * sizeof(void *));

        if (!a)
                return -ENOMEM;
        *entries = a;
        e = malloc(d->sizeof_message);
        if (!e)
                return -ENOMEM;
        protobuf_c_message_init(d, e);
        e->key = cri_strdup(key);
        e->value = cri_strdup(value);
        a[(*n)++] = e; /* counted even half-made: the response's free handles it */
        return e->key && e->value ? 0 : -ENOMEM;
}

int cri_map_from_json(struct json_object *o, const ProtobufCMessageDescriptor *d, size_t *ret_n,
                      void ***ret) {
        if (!o)
                return 0;
        json_object_object_foreach(o, k, v) {
                if (!json_object_is_type(v, json_type_string))
                        continue;
                int r = cri_map_add(d, ret_n, ret, k, json_object_get_string(v));
                if (r < 0)
                        return r;
        }
        return 0;
}

bool cri_labels_match(struct json_object *labels, size_t n, void *const *selector) {
        for (size_t i = 0; i < n; i++) {
                const CriMapEntry *e = selector[i];
                struct json_object *v;

                if (!labels || !json_object_object_get_ex(labels, strempty(e->key), &v) ||
                    !json_object_is_type(v, json_type_string) ||
                    !streq(json_object_get_string(v), strempty(e->value)))
                        return false;
        }
        return true;
}

/* Keeps [a-zA-Z0-9_.-] of s, other bytes become '_'; at most max bytes. */
static void name_part(char *dst, const char *s, size_t max) {
        size_t i;

        for (i = 0; s && s[i] && i < max; i++) {
                char c = s[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '_' || c == '.' || c == '-';
                dst[i] = ok ? c : '_';
        }
        dst[i] = 0;
}

/* "k8s-" + parts joined by '-' (shortened alike) + "-" + the first HASH_LEN hex of sha256(key). */
static int derive_name(const char *key, const char *const *parts, size_t n_parts, char **ret) {
        char digest[DIGEST_STRING_MAX], buf[NAME_MAX_LEN + 1] = "k8s";
        size_t room = NAME_MAX_LEN - strlen("k8s") - 1 - HASH_LEN; /* 4 + hash, the rest for the parts */
        int r = digest_buffer(key, strlen(key), digest);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n_parts; i++) {
                size_t len = strlen(buf), share = room / (n_parts - i);
                if (share < 2)
                        break;
                buf[len] = '-';
                name_part(buf + len + 1, parts[i], share - 1);
                room -= strlen(buf) - len;
        }
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "-%.*s", HASH_LEN, digest_hex(digest));
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int cri_sandbox_name(const char *name, const char *namespace, const char *uid, uint32_t attempt, char **ret) {
        _cleanup_free_ char *key = NULL;
        const char *parts[] = { strempty(name), strempty(namespace) };

        if (asprintf(&key, "%s/%s/%s/%u", strempty(namespace), strempty(name), strempty(uid), attempt) < 0)
                return -ENOMEM;
        return derive_name(key, parts, ELEMENTSOF(parts), ret);
}

int cri_container_name(const char *sandbox_id, const char *name, uint32_t attempt, char **ret) {
        _cleanup_free_ char *key = NULL;
        const char *parts[] = { strempty(name) };

        if (asprintf(&key, "%s/%s/%u", strempty(sandbox_id), strempty(name), attempt) < 0)
                return -ENOMEM;
        return derive_name(key, parts, ELEMENTSOF(parts), ret);
}

bool cri_id_matches(const char *id, const char *prefix) {
        return isempty(prefix) || string_has_prefix(strempty(id), prefix);
}

char *cri_strdup(const char *s) {
        return strdup(strempty(s));
}

int64_t cri_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}
