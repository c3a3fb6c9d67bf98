/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manifest.c — parsing manifests, indexes and image configs (see manifest.h).
 */
#include <time.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/manifest.h"

static const char *const manifest_kind_table[_MANIFEST_KIND_MAX] = {
        [MANIFEST_OCI_INDEX] = MEDIA_TYPE_OCI_INDEX,
        [MANIFEST_DOCKER_LIST] = MEDIA_TYPE_DOCKER_LIST,
        [MANIFEST_OCI] = MEDIA_TYPE_OCI_MANIFEST,
        [MANIFEST_DOCKER_V2S2] = MEDIA_TYPE_DOCKER_MANIFEST,
};

static const char *const layer_media_types[][2] = {
        { "application/vnd.oci.image.layer.v1.tar", "none" },
        { "application/vnd.oci.image.layer.v1.tar+gzip", "gzip" },
        { "application/vnd.oci.image.layer.v1.tar+zstd", "zstd" },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar", "none" },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "gzip" },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", "zstd" },
        { "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "gzip" },
        { "application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip" },
        { "application/vnd.docker.image.rootfs.diff.tar", "none" },
};

const char *layer_compression_to_oci_media_type(LayerCompression c) {
        /* the first three rows are none, gzip and zstd, in the enum's order */
        return c >= LAYER_COMPRESSION_NONE && c <= LAYER_COMPRESSION_ZSTD ? layer_media_types[c][0] : NULL;
}

const char *manifest_kind_to_media_type(ManifestKind k) {
        return k >= 0 && k < _MANIFEST_KIND_MAX ? manifest_kind_table[k] : NULL;
}

ManifestKind manifest_kind_from_media_type(const char *t) {
        size_t n;

        if (!t)
                return _MANIFEST_KIND_INVALID;
        n = strcspn(t, "; \t");
        for (int k = 0; k < _MANIFEST_KIND_MAX; k++)
                if (strlen(manifest_kind_table[k]) == n && strneq(t, manifest_kind_table[k], n))
                        return (ManifestKind) k;
        return _MANIFEST_KIND_INVALID;
}

bool manifest_kind_is_index(ManifestKind k) {
        return k == MANIFEST_OCI_INDEX || k == MANIFEST_DOCKER_LIST;
}

LayerCompression layer_compression_from_media_type(const char *t) {
        for (size_t i = 0; t && i < ELEMENTSOF(layer_media_types); i++)
                if (streq(t, layer_media_types[i][0]))
                        return streq(layer_media_types[i][1], "gzip")   ? LAYER_COMPRESSION_GZIP
                               : streq(layer_media_types[i][1], "zstd") ? LAYER_COMPRESSION_ZSTD
                                                                        : LAYER_COMPRESSION_NONE;
        return _LAYER_COMPRESSION_INVALID;
}

struct json_object *json_parse_buffer(const char *body, size_t size) {
        json_tokener *tok;
        struct json_object *j;

        if (size > INT32_MAX)
                return NULL;
        tok = json_tokener_new();
        if (!tok)
                return NULL;
        j = json_tokener_parse_ex(tok, body, (int) size);
        if (j && (json_tokener_get_error(tok) != json_tokener_success ||
                  json_tokener_get_parse_end(tok) != size)) {
                json_object_put(j);
                j = NULL;
        }
        json_tokener_free(tok);
        return j;
}

static int parse_json(const char *body, size_t size, struct json_object **ret) {
        struct json_object *j;

        if (size > CONFIG_MAX_SIZE)
                return -EFBIG;
        j = json_parse_buffer(body, size);
        if (!j)
                return -EBADMSG;
        if (!json_object_is_type(j, json_type_object))
                return json_object_put(j), -EBADMSG;
        *ret = j;
        return 0;
}

static const char *json_get_string(struct json_object *o, const char *key) {
        struct json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

int manifest_detect_kind(const char *body, size_t size, const char *content_type, ManifestKind *ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *v;
        const char *t;
        int r;

        r = parse_json(body, size, &j);
        if (r < 0)
                return r;
        if (json_object_object_get_ex(j, "schemaVersion", &v) && json_object_get_int(v) == 1)
                return -EPROTONOSUPPORT;
        t = json_get_string(j, "mediaType") ?: content_type;
        if (!t && json_object_object_get_ex(j, "manifests", &v))
                t = MEDIA_TYPE_OCI_INDEX;
        else if (!t)
                t = MEDIA_TYPE_OCI_MANIFEST;
        *ret = manifest_kind_from_media_type(t);
        return *ret < 0 ? -EPROTONOSUPPORT : 0;
}

void descriptor_done(Descriptor *d) {
        free(d->media_type);
        d->media_type = NULL;
}

int descriptor_from_json(struct json_object *o, Descriptor *ret) {
        struct json_object *v;
        const char *digest = json_get_string(o, "digest"), *mt = json_get_string(o, "mediaType");
        int64_t size;

        if (!digest || !digest_is_valid(digest) || !mt)
                return -EBADMSG;
        if (!json_object_object_get_ex(o, "size", &v) || !json_object_is_type(v, json_type_int))
                return -EBADMSG;
        size = json_object_get_int64(v);
        if (size < 0)
                return -EBADMSG;
        if (!(ret->media_type = strdup(mt)))
                return -ENOMEM;
        strcpy(ret->digest, digest);
        ret->size = (uint64_t) size;
        return 0;
}

Manifest *manifest_free(Manifest *m) {
        if (!m)
                return NULL;
        descriptor_done(&m->config);
        for (size_t i = 0; i < m->n_layers; i++)
                descriptor_done(&m->layers[i]);
        free(m->layers);
        free(m);
        return NULL;
}

static int manifest_parse_layers(Manifest *m, struct json_object *layers) {
        size_t n;
        int r;

        if (!layers || !json_object_is_type(layers, json_type_array))
                return -EBADMSG;
        n = json_object_array_length(layers);
        if (n > 1024)
                return -E2BIG;
        m->layers = calloc(MAX(n, 1U), sizeof(Descriptor));
        if (!m->layers)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = descriptor_from_json(json_object_array_get_idx(layers, i), &m->layers[i]);
                if (r < 0)
                        return r;
                m->n_layers++;
        }
        return 0;
}

const Descriptor *manifest_unsupported_layer(const Manifest *m) {
        for (size_t i = 0; i < m->n_layers; i++)
                if (layer_compression_from_media_type(m->layers[i].media_type) < 0)
                        return &m->layers[i];
        return NULL;
}

int manifest_parse(const char *body, size_t size, const char *content_type, Manifest **ret) {
        _cleanup_(manifest_freep) Manifest *m = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *config = NULL, *layers = NULL;
        ManifestKind kind;
        int r;

        r = manifest_detect_kind(body, size, content_type, &kind);
        if (r < 0)
                return r;
        if (manifest_kind_is_index(kind))
                return -EMEDIUMTYPE;
        r = parse_json(body, size, &j);
        if (r < 0)
                return r;
        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->kind = kind;
        if (!json_object_object_get_ex(j, "config", &config) ||
            !json_object_is_type(config, json_type_object))
                return -EBADMSG;
        r = descriptor_from_json(config, &m->config);
        if (r < 0)
                return r;
        (void) json_object_object_get_ex(j, "layers", &layers);
        r = manifest_parse_layers(m, layers);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* The platform an index entry names; -EINVAL when it names none or a malformed one. */
static int entry_platform(struct json_object *entry, Platform *ret) {
        struct json_object *p;

        if (!json_object_object_get_ex(entry, "platform", &p) || !json_object_is_type(p, json_type_object))
                return -EINVAL;
        return platform_from_fields(json_get_string(p, "os"), json_get_string(p, "architecture"),
                                    json_get_string(p, "variant"), ret);
}

static int index_manifests(const char *body, size_t size, struct json_object **ret_json,
                           struct json_object **ret_list) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *list;
        int r;

        r = parse_json(body, size, &j);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(j, "manifests", &list) || !json_object_is_type(list, json_type_array))
                return -EBADMSG;
        *ret_list = list;
        *ret_json = TAKE_PTR(j);
        return 0;
}

int index_select_platform(const char *body, size_t size, const Platform *want, Descriptor *ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *list, *best = NULL;
        int r, best_score = 0;

        r = index_manifests(body, size, &j, &list);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *e = json_object_array_get_idx(list, i);
                Platform have;
                int s;

                if (entry_platform(e, &have) < 0)
                        continue;
                s = platform_match_score(want, &have);
                if (s > best_score) {
                        best = e;
                        best_score = s;
                }
        }
        if (!best)
                return -ENOENT;
        return descriptor_from_json(best, ret);
}

int index_list_platforms(const char *body, size_t size, char **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_free_ char *all = NULL;
        struct json_object *list;
        int r;

        r = index_manifests(body, size, &j, &list);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                char buf[PLATFORM_STRING_MAX], *joined;
                Platform p;

                if (entry_platform(json_object_array_get_idx(list, i), &p) < 0 || streq(p.os, "unknown"))
                        continue; /* buildx's attestation manifests are "unknown/unknown" */
                if (asprintf(&joined, "%s%s%s", strempty(all), all ? ", " : "", platform_to_string(&p, buf)) <
                    0)
                        return -ENOMEM;
                free(all);
                all = joined;
        }
        *ret = all ? TAKE_PTR(all) : strdup("none");
        return *ret ? 0 : -ENOMEM;
}

ImageConfig *image_config_free(ImageConfig *c) {
        if (!c)
                return NULL;
        free(c->architecture);
        free(c->os);
        free(c->variant);
        strv_freep(&c->diff_ids);
        strv_freep(&c->entrypoint);
        strv_freep(&c->cmd);
        strv_freep(&c->env);
        free(c->working_dir);
        free(c->user);
        free(c->stop_signal);
        strv_freep(&c->volumes);
        strv_freep(&c->exposed_ports);
        strv_freep(&c->labels);
        health_spec_done(&c->health);
        free(c);
        return NULL;
}

/* A JSON array of strings → strv; a missing or null key leaves *ret NULL. */
static int json_get_strv(struct json_object *o, const char *key, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        struct json_object *a;

        if (!o || !json_object_object_get_ex(o, key, &a) || json_object_is_type(a, json_type_null))
                return 0;
        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        if (!(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                struct json_object *s = json_object_array_get_idx(a, i);
                if (!json_object_is_type(s, json_type_string))
                        return -EBADMSG;
                if (strv_push(&l, json_object_get_string(s)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Keys of a JSON object ("ExposedPorts") or KEY=VALUE pairs of a string map ("Labels"). */
static int json_get_keys(struct json_object *o, const char *key, bool with_values, char ***ret) {
        struct json_object *m;

        if (!o || !json_object_object_get_ex(o, key, &m) || json_object_is_type(m, json_type_null))
                return 0;
        if (!json_object_is_type(m, json_type_object))
                return -EBADMSG;
        json_object_object_foreach(m, k, v) {
                _cleanup_free_ char *s = NULL;
                if (with_values && !json_object_is_type(v, json_type_string))
                        return -EBADMSG;
                if (asprintf(&s, "%s%s%s", k, with_values ? "=" : "",
                             with_values ? json_object_get_string(v) : "") < 0)
                        return -ENOMEM;
                if (strv_push_take(ret, TAKE_PTR(s)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int strdup_optional(const char *s, char **ret) {
        if (!s)
                return 0;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int image_config_parse_process(ImageConfig *c, struct json_object *p) {
        int r = 0;

        if (!p || json_object_is_type(p, json_type_null))
                return 0;
        if (!json_object_is_type(p, json_type_object))
                return -EBADMSG;
        if (r >= 0)
                r = json_get_strv(p, "Entrypoint", &c->entrypoint);
        if (r >= 0)
                r = json_get_strv(p, "Cmd", &c->cmd);
        if (r >= 0)
                r = json_get_strv(p, "Env", &c->env);
        if (r >= 0)
                r = strdup_optional(json_get_string(p, "WorkingDir"), &c->working_dir);
        if (r >= 0)
                r = strdup_optional(json_get_string(p, "User"), &c->user);
        if (r >= 0)
                r = strdup_optional(json_get_string(p, "StopSignal"), &c->stop_signal);
        if (r >= 0)
                r = json_get_keys(p, "ExposedPorts", false, &c->exposed_ports);
        if (r >= 0)
                r = json_get_keys(p, "Labels", true, &c->labels);
        if (r >= 0)
                r = json_get_keys(p, "Volumes", false, &c->volumes);
        if (r >= 0) /* a check the image gets wrong is no reason to refuse the image */
                (void) health_spec_from_docker_json(json_object_object_get(p, "Healthcheck"), &c->health);
        return r;
}

static int image_config_parse_rootfs(ImageConfig *c, struct json_object *j) {
        struct json_object *rootfs;
        int r;

        if (!json_object_object_get_ex(j, "rootfs", &rootfs) ||
            !json_object_is_type(rootfs, json_type_object))
                return -EBADMSG;
        if (!streq(strempty(json_get_string(rootfs, "type")), "layers"))
                return -EBADMSG;
        r = json_get_strv(rootfs, "diff_ids", &c->diff_ids);
        if (r < 0)
                return r;
        if (!c->diff_ids && !(c->diff_ids = calloc(1, sizeof(char *))))
                return -ENOMEM;
        c->n_diff_ids = strv_length(c->diff_ids);
        for (size_t i = 0; i < c->n_diff_ids; i++)
                if (!digest_is_valid(c->diff_ids[i]))
                        return -EBADMSG;
        return 0;
}

int image_config_parse(const char *body, size_t size, ImageConfig **ret) {
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *p = NULL;
        const char *created;
        int r;

        r = parse_json(body, size, &j);
        if (r < 0)
                return r;
        if (!(c = calloc(1, sizeof(*c))))
                return -ENOMEM;
        r = image_config_parse_rootfs(c, j);
        if (r < 0)
                return r;
        r = strdup_optional(json_get_string(j, "architecture"), &c->architecture);
        if (r >= 0)
                r = strdup_optional(json_get_string(j, "os"), &c->os);
        if (r >= 0)
                r = strdup_optional(json_get_string(j, "variant"), &c->variant);
        if (r < 0)
                return r;
        created = json_get_string(j, "created");
        if (created)
                (void) parse_rfc3339(created, &c->created_usec);
        (void) json_object_object_get_ex(j, "config", &p);
        r = image_config_parse_process(c, p);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int parse_rfc3339(const char *s, uint64_t *ret) {
        struct tm tm = {};
        const char *p;
        uint64_t frac = 0, scale = USEC_PER_SEC;
        long offset = 0;
        time_t t;

        p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!p)
                return -EINVAL;
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        if (scale > 1) {
                                scale /= 10;
                                frac += (uint64_t) (*p - '0') * scale;
                        }
        if (*p == '+' || *p == '-') {
                int h, m;
                if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
                        return -EINVAL;
                offset = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
        } else if (*p != 'Z' || p[1])
                return -EINVAL;
        t = timegm(&tm);
        if (t < 0 || t - offset < 0)
                return -ERANGE;
        *ret = (uint64_t) (t - offset) * USEC_PER_SEC + frac;
        return 0;
}
