/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store-image.c — image records of the store: loading, lookup by reference or id,
 * committing a pulled or imported image, removal, and resolving an image for a
 * container (see store.h).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/reference.h"
#include "image/store-internal.h"

#define ID_PREFIX_MIN 4

ImageRecord *image_record_free(ImageRecord *r) {
        if (!r)
                return NULL;
        free(r->manifest_digest);
        strv_freep(&r->repo_tags);
        strv_freep(&r->repo_digests);
        strv_freep(&r->diff_ids);
        free(r);
        return NULL;
}

void image_record_list_free(ImageRecord **l, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_record_free(l[i]);
        free(l);
}

static int image_record_copy(const ImageRecord *r, ImageRecord **ret) {
        _cleanup_(image_record_freep) ImageRecord *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        *c = (ImageRecord){ .size = r->size,
                            .created_usec = r->created_usec,
                            .added_usec = r->added_usec,
                            .platform = r->platform };
        strcpy(c->id, r->id);
        if (r->manifest_digest && !(c->manifest_digest = strdup(r->manifest_digest)))
                return -ENOMEM;
        c->repo_tags = strv_copy(r->repo_tags);
        c->repo_digests = strv_copy(r->repo_digests);
        c->diff_ids = strv_copy(r->diff_ids);
        if (!c->repo_tags || !c->repo_digests || !c->diff_ids)
                return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

static int record_to_json(const ImageRecord *r, struct json_object **ret) {
        struct json_object *j = json_object_new_object();

        if (!j)
                return -ENOMEM;
        json_object_object_add(j, "id", json_object_new_string(r->id));
        if (r->manifest_digest)
                json_object_object_add(j, "manifestDigest", json_object_new_string(r->manifest_digest));
        json_object_object_add(j, "repoTags", json_strv_new(r->repo_tags));
        json_object_object_add(j, "repoDigests", json_strv_new(r->repo_digests));
        json_object_object_add(j, "layers", json_strv_new(r->diff_ids));
        json_object_object_add(j, "size", json_object_new_int64((int64_t) r->size));
        json_object_object_add(j, "created", json_object_new_int64((int64_t) r->created_usec));
        json_object_object_add(j, "added", json_object_new_int64((int64_t) r->added_usec));
        if (r->platform.os[0]) { /* docker's names: inspect shows them as they are */
                json_object_object_add(j, "Os", json_object_new_string(r->platform.os));
                json_object_object_add(j, "Architecture", json_object_new_string(r->platform.arch));
                if (r->platform.variant[0])
                        json_object_object_add(j, "Variant", json_object_new_string(r->platform.variant));
        }
        *ret = j;
        return 0;
}

int image_record_to_json(const ImageRecord *r, const char *config, size_t config_size,
                         struct json_object **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        char buf[40];
        int k;

        k = record_to_json(r, &j);
        if (k < 0)
                return k;
        json_object_object_add(j, "createdAt",
                               json_object_new_string(format_timestamp(r->created_usec, buf)));
        if (config) {
                struct json_object *c = json_tokener_parse(config);
                if (c)
                        json_object_object_add(j, "config", c);
        }
        (void) config_size;
        *ret = TAKE_PTR(j);
        return 0;
}

static int json_strv(struct json_object *j, const char *key, char ***ret) {
        struct json_object *a;

        if (!(*ret = calloc(1, sizeof(char *))))
                return -ENOMEM;
        if (!json_object_object_get_ex(j, key, &a))
                return 0;
        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        for (size_t i = 0; i < json_object_array_length(a); i++)
                if (strv_push(ret, json_object_get_string(json_object_array_get_idx(a, i))) < 0)
                        return -ENOMEM;
        return 0;
}

static uint64_t json_u64(struct json_object *j, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(j, key, &v) ? (uint64_t) json_object_get_int64(v) : 0;
}

static const char *json_get_string_or_null(struct json_object *j, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(j, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

static int record_from_json(struct json_object *j, ImageRecord **ret) {
        _cleanup_(image_record_freep) ImageRecord *r = calloc(1, sizeof(*r));
        struct json_object *v;
        int k;

        if (!r)
                return -ENOMEM;
        if (!json_object_object_get_ex(j, "id", &v) || !digest_hex_is_valid(json_object_get_string(v)))
                return -EBADMSG;
        strcpy(r->id, json_object_get_string(v));
        if (json_object_object_get_ex(j, "manifestDigest", &v) &&
            !(r->manifest_digest = strdup(json_object_get_string(v))))
                return -ENOMEM;
        k = json_strv(j, "repoTags", &r->repo_tags);
        if (k >= 0)
                k = json_strv(j, "repoDigests", &r->repo_digests);
        if (k >= 0)
                k = json_strv(j, "layers", &r->diff_ids);
        if (k < 0)
                return k;
        for (size_t i = 0; r->diff_ids[i]; i++)
                if (!digest_is_valid(r->diff_ids[i]))
                        return -EBADMSG;
        (void) platform_from_fields(json_get_string_or_null(j, "Os"),
                                    json_get_string_or_null(j, "Architecture"),
                                    json_get_string_or_null(j, "Variant"), &r->platform);
        r->size = json_u64(j, "size");
        r->created_usec = json_u64(j, "created");
        r->added_usec = json_u64(j, "added");
        *ret = TAKE_PTR(r);
        return 0;
}

static int save_record_locked(ImageStore *s, const ImageRecord *r) {
        _cleanup_json_ struct json_object *j = NULL;
        char name[IMAGE_ID_LENGTH + 6];
        int k;

        k = record_to_json(r, &j);
        if (k < 0)
                return k;
        snprintf(name, sizeof(name), "%s.json", r->id);
        return json_write_file_atomic_at(s->images_fd, name, j);
}

static int add_record_locked(ImageStore *s, ImageRecord *r) {
        ImageRecord **l = realloc(s->images, sizeof(ImageRecord *) * (s->n_images + 1));

        if (!l)
                return -ENOMEM;
        s->images = l;
        s->images[s->n_images++] = r;
        return 0;
}

/* An image record written before platforms were kept: its platform from its config blob. */
static int record_platform_from_config(ImageStore *s, ImageRecord *r) {
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        _cleanup_free_ char *blob = NULL;
        size_t size;
        int k;

        k = read_file_at(s->blobs_fd, r->id, CONFIG_MAX_SIZE, &blob, &size);
        if (k >= 0)
                k = image_config_parse(blob, size, &c);
        if (k >= 0)
                k = platform_from_fields(c->os, c->architecture, c->variant, &r->platform);
        return k;
}

static int load_record(ImageStore *s, const char *name) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        int k;

        k = json_read_file_at(s->images_fd, name, &j);
        if (k >= 0)
                k = record_from_json(j, &r);
        if (k < 0)
                return log_warning_errno(k, "Ignoring broken image record %s/images/%s: %m", s->path, name);
        if (!r->platform.os[0]) /* recorded before platforms were: the config has it */
                (void) record_platform_from_config(s, r);
        k = add_record_locked(s, r);
        if (k < 0)
                return k;
        TAKE_PTR(r);
        return 0;
}

int image_store_load_records(ImageStore *s) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(s->images_fd, ".", &d);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (de->d_name[0] == '.' || n != IMAGE_ID_LENGTH + 5 ||
                    !streq(de->d_name + IMAGE_ID_LENGTH, ".json"))
                        continue;
                if (load_record(s, de->d_name) == -ENOMEM)
                        return -ENOMEM;
        }
        return 0;
}

static bool is_hex(const char *s) {
        return s[strspn(s, "0123456789abcdef")] == 0;
}

/* Finds by id prefix; -ENOTUNIQ when several match. */
static int find_by_id_locked(ImageStore *s, const char *id, size_t *ret) {
        size_t n = strlen(id), found = SIZE_MAX;

        for (size_t i = 0; i < s->n_images; i++)
                if (strneq(s->images[i]->id, id, n)) {
                        if (found != SIZE_MAX)
                                return -ENOTUNIQ;
                        found = i;
                }
        if (found == SIZE_MAX)
                return -ENOENT;
        *ret = found;
        return 0;
}

/* Finds by name. *ret_tag is the matched tag, or NULL when matched by digest or id. */
static int find_locked(ImageStore *s, const char *ref, size_t *ret, char **ret_tag) {
        _cleanup_reference_ Reference *parsed = NULL;
        _cleanup_free_ char *name = NULL;
        const char *id = string_has_prefix(ref, DIGEST_PREFIX) ? ref + strlen(DIGEST_PREFIX) : ref;
        int r;

        *ret_tag = NULL;
        if (strlen(id) == IMAGE_ID_LENGTH && is_hex(id))
                return find_by_id_locked(s, id, ret);
        if (reference_parse(ref, &parsed) >= 0 && reference_to_string(parsed, &name) >= 0)
                for (size_t i = 0; i < s->n_images; i++)
                        if (strv_contains(s->images[i]->repo_tags, name) ||
                            strv_contains(s->images[i]->repo_digests, name)) {
                                *ret = i;
                                if (!parsed->digest)
                                        *ret_tag = TAKE_PTR(name);
                                return 0;
                        }
        if (strlen(id) >= ID_PREFIX_MIN && strlen(id) <= IMAGE_ID_LENGTH && is_hex(id)) {
                r = find_by_id_locked(s, id, ret);
                if (r != -ENOENT)
                        return r;
        }
        return parsed || is_hex(id) ? -ENOENT : -EINVAL;
}

int image_store_find(ImageStore *s, const char *ref, ImageRecord **ret) {
        _cleanup_free_ char *tag = NULL;
        size_t i;
        int r;

        pthread_mutex_lock(&s->lock);
        r = find_locked(s, ref, &i, &tag);
        if (r >= 0)
                r = image_record_copy(s->images[i], ret);
        pthread_mutex_unlock(&s->lock);
        return r;
}

int image_store_list(ImageStore *s, ImageRecord ***ret, size_t *ret_n) {
        ImageRecord **l;
        size_t n = 0;
        int r = 0;

        pthread_mutex_lock(&s->lock);
        l = calloc(s->n_images + 1, sizeof(ImageRecord *));
        if (!l)
                r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n_images; i++, n++)
                r = image_record_copy(s->images[i], &l[i]);
        pthread_mutex_unlock(&s->lock);
        if (r < 0) {
                image_record_list_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int image_store_read_config(ImageStore *s, const char *id, char **ret, size_t *ret_size) {
        if (!digest_hex_is_valid(id))
                return -EINVAL;
        return read_file_at(s->blobs_fd, id, CONFIG_MAX_SIZE, ret, ret_size);
}

bool image_store_layer_referenced_locked(ImageStore *s, const char *diff_hex) {
        for (size_t i = 0; i < s->n_images; i++)
                for (char **d = s->images[i]->diff_ids; *d; d++)
                        if (streq(digest_hex(*d), diff_hex))
                                return true;
        return false;
}

/* Removes tag from every image but keep; images left without tags stay, untagged ("dangling"). */
static int untag_others_locked(ImageStore *s, const char *tag, const ImageRecord *keep) {
        for (size_t i = 0; i < s->n_images; i++) {
                ImageRecord *r = s->images[i];
                size_t n = strv_length(r->repo_tags), w = 0;
                int k;

                if (r == keep || !strv_contains(r->repo_tags, tag))
                        continue;
                for (size_t j = 0; j < n; j++) {
                        if (streq(r->repo_tags[j], tag))
                                free(r->repo_tags[j]);
                        else
                                r->repo_tags[w++] = r->repo_tags[j];
                }
                r->repo_tags[w] = NULL;
                k = save_record_locked(s, r);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int repo_digest_for(const char *tag, const char *manifest_digest, char **ret) {
        _cleanup_reference_ Reference *ref = NULL;
        int r;

        r = reference_parse(tag, &ref);
        if (r < 0)
                return r;
        return asprintf(ret, "%s/%s@%s", ref->domain, ref->path, manifest_digest) < 0 ? -ENOMEM : 0;
}

static int record_new_from_config(ImageStore *s, const char *config_digest, ImageRecord **ret) {
        _cleanup_(image_record_freep) ImageRecord *r = calloc(1, sizeof(*r));
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        _cleanup_free_ char *blob = NULL;
        size_t size;
        int k;

        if (!r)
                return -ENOMEM;
        k = read_file_at(s->blobs_fd, digest_hex(config_digest), CONFIG_MAX_SIZE, &blob, &size);
        if (k >= 0)
                k = image_config_parse(blob, size, &c);
        if (k < 0)
                return k;
        for (size_t i = 0; i < c->n_diff_ids; i++) {
                uint64_t layer_size = 0;
                if (!image_store_has_layer(s, c->diff_ids[i]))
                        return -ENOENT;
                (void) image_store_layer_size(s, c->diff_ids[i], &layer_size);
                r->size += layer_size;
        }
        strcpy(r->id, digest_hex(config_digest));
        r->diff_ids = TAKE_PTR(c->diff_ids);
        r->created_usec = c->created_usec;
        r->added_usec = now_realtime_usec();
        (void) platform_from_fields(c->os, c->architecture, c->variant, &r->platform);
        r->repo_tags = calloc(1, sizeof(char *));
        r->repo_digests = calloc(1, sizeof(char *));
        if (!r->repo_tags || !r->repo_digests)
                return -ENOMEM;
        *ret = TAKE_PTR(r);
        return 0;
}

static int commit_locked(ImageStore *s, const char *config_digest, const char *manifest_digest,
                         const char *tag) {
        _cleanup_(image_record_freep) ImageRecord *fresh = NULL;
        _cleanup_free_ char *repo_digest = NULL;
        ImageRecord *r = NULL;
        size_t i;
        int k;

        if (find_by_id_locked(s, digest_hex(config_digest), &i) >= 0)
                r = s->images[i];
        else {
                k = record_new_from_config(s, config_digest, &fresh);
                if (k < 0)
                        return k;
                r = fresh;
        }
        if (manifest_digest && !r->manifest_digest && !(r->manifest_digest = strdup(manifest_digest)))
                return -ENOMEM;
        if (tag && strchr(tag, '@')) { /* pulled by digest: a repo digest, no tag */
                if (!strv_contains(r->repo_digests, tag) && strv_push(&r->repo_digests, tag) < 0)
                        return -ENOMEM;
                tag = NULL;
        }
        if (tag && !strv_contains(r->repo_tags, tag) && strv_push(&r->repo_tags, tag) < 0)
                return -ENOMEM;
        if (tag && manifest_digest) {
                k = repo_digest_for(tag, manifest_digest, &repo_digest);
                if (k < 0)
                        return k;
                if (!strv_contains(r->repo_digests, repo_digest) &&
                    strv_push(&r->repo_digests, repo_digest) < 0)
                        return -ENOMEM;
        }
        k = save_record_locked(s, r);
        if (k < 0)
                return k;
        if (fresh) {
                k = add_record_locked(s, fresh);
                if (k < 0)
                        return k;
                TAKE_PTR(fresh);
        }
        return tag ? untag_others_locked(s, tag, r) : 0;
}

int image_store_commit(ImageStore *s, const char *config_digest, const char *manifest_digest, const char *tag,
                       char ret_id[static IMAGE_ID_LENGTH + 1]) {
        int r;

        if (!digest_is_valid(config_digest) || (manifest_digest && !digest_is_valid(manifest_digest)))
                return -EINVAL;
        pthread_mutex_lock(&s->lock);
        r = commit_locked(s, config_digest, manifest_digest, tag);
        pthread_mutex_unlock(&s->lock);
        if (r >= 0)
                strcpy(ret_id, digest_hex(config_digest));
        return r;
}

static bool in_use_locked(ImageStore *s, const char *id) {
        return s->in_use && s->in_use(id, s->in_use_userdata);
}

static int delete_record_locked(ImageStore *s, size_t i) {
        ImageRecord *r = s->images[i];
        char name[IMAGE_ID_LENGTH + 6];

        snprintf(name, sizeof(name), "%s.json", r->id);
        if (unlinkat(s->images_fd, name, 0) < 0 && errno != ENOENT)
                return negative_errno();
        (void) unlinkat(s->blobs_fd, r->id, 0);
        if (r->manifest_digest)
                (void) unlinkat(s->blobs_fd, digest_hex(r->manifest_digest), 0);
        for (char **d = r->repo_digests; d && *d; d++) { /* other manifests it came with (a manifest
                                                          * names its config: no other image shares it) */
                const char *at = strrchr(*d, '@');
                if (at && digest_is_valid(at + 1))
                        (void) unlinkat(s->blobs_fd, digest_hex(at + 1), 0);
        }
        image_record_free(r);
        memmove(s->images + i, s->images + i + 1, (s->n_images - i - 1) * sizeof(ImageRecord *));
        s->n_images--;
        return 0;
}

static int strv_pushf_id(char ***l, const char *id) {
        char *s;
        if (asprintf(&s, DIGEST_PREFIX "%s", id) < 0)
                return -ENOMEM;
        return strv_push_take(l, s);
}

static int untag_all_locked(ImageStore *s, ImageRecord *r, char ***untagged) {
        for (char **t = r->repo_tags; *t; t++)
                if (strv_push(untagged, *t) < 0)
                        return -ENOMEM;
        strv_freep(&r->repo_tags);
        r->repo_tags = calloc(1, sizeof(char *));
        if (!r->repo_tags)
                return -ENOMEM;
        return save_record_locked(s, r);
}

static int untag_one_locked(ImageStore *s, ImageRecord *r, const char *tag, char ***untagged) {
        int k;

        k = strv_push(untagged, tag);
        if (k < 0)
                return k;
        /* untag_others_locked() with keep=NULL drops the tag from r */
        return untag_others_locked(s, tag, NULL);
}

static int remove_locked(ImageStore *s, const char *ref, bool force, char ***untagged, char ***deleted) {
        _cleanup_free_ char *tag = NULL;
        ImageRecord *r;
        size_t i;
        int k;

        k = find_locked(s, ref, &i, &tag);
        if (k < 0)
                return k;
        r = s->images[i];
        if (tag && strv_length(r->repo_tags) > 1)
                return untag_one_locked(s, r, tag, untagged);
        if (in_use_locked(s, r->id))
                return force ? untag_all_locked(s, r, untagged) : -EBUSY;
        for (char **t = r->repo_tags; *t; t++)
                if (strv_push(untagged, *t) < 0)
                        return -ENOMEM;
        k = strv_pushf_id(deleted, r->id);
        if (k >= 0)
                k = delete_record_locked(s, i);
        if (k >= 0 && s->n_writers == 0) /* a running pull may be counting on a layer */
                k = image_store_remove_unused_layers_locked(s, NULL, NULL);
        return k;
}

int image_store_remove(ImageStore *s, const char *ref, bool force, char ***ret_untagged,
                       char ***ret_deleted) {
        _cleanup_strv_free_ char **untagged = calloc(1, sizeof(char *)),
                                 **deleted = calloc(1, sizeof(char *));
        int r;

        if (!untagged || !deleted)
                return -ENOMEM;
        pthread_mutex_lock(&s->lock);
        r = remove_locked(s, ref, force, &untagged, &deleted);
        pthread_mutex_unlock(&s->lock);
        if (r < 0)
                return r;
        *ret_untagged = TAKE_PTR(untagged);
        *ret_deleted = TAKE_PTR(deleted);
        return 0;
}

int image_store_prune_images_locked(ImageStore *s, char ***deleted) {
        for (size_t i = 0; i < s->n_images;) {
                ImageRecord *r = s->images[i];
                int k;

                if (strv_length(r->repo_tags) > 0 || in_use_locked(s, r->id)) {
                        i++;
                        continue;
                }
                k = strv_pushf_id(deleted, r->id);
                if (k >= 0)
                        k = delete_record_locked(s, i);
                if (k < 0)
                        return k;
        }
        return 0;
}

ResolvedImage *resolved_image_free(ResolvedImage *i) {
        if (!i)
                return NULL;
        free(i->id);
        free(i->reference);
        strv_freep(&i->layer_dirs);
        image_config_free(i->config);
        free(i);
        return NULL;
}

static int resolve_locked(ImageStore *s, const char *ref, ResolvedImage *ret) {
        _cleanup_free_ char *tag = NULL, *blob = NULL;
        ImageRecord *r;
        size_t i, size;
        int k;

        k = find_locked(s, ref, &i, &tag);
        if (k < 0)
                return k;
        r = s->images[i];
        if (!(ret->id = strdup(r->id)))
                return -ENOMEM;
        if (r->repo_tags[0] && !(ret->reference = strdup(r->repo_tags[0])))
                return -ENOMEM;
        if (!(ret->layer_dirs = calloc(1, sizeof(char *))))
                return -ENOMEM;
        for (char **d = r->diff_ids; *d; d++, ret->n_layers++) {
                char *p;
                if (asprintf(&p, "%s/layers/%s/root", s->path, digest_hex(*d)) < 0 ||
                    strv_push_take(&ret->layer_dirs, p) < 0)
                        return -ENOMEM;
        }
        k = read_file_at(s->blobs_fd, r->id, CONFIG_MAX_SIZE, &blob, &size);
        if (k >= 0)
                k = image_config_parse(blob, size, &ret->config);
        return k;
}

int image_store_resolve(ImageStore *s, const char *ref, ResolvedImage **ret) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = calloc(1, sizeof(*img));
        int r;

        if (!img)
                return -ENOMEM;
        pthread_mutex_lock(&s->lock);
        r = resolve_locked(s, ref, img);
        pthread_mutex_unlock(&s->lock);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(img);
        return 0;
}

/* A tag as stored: normalized, and a tag, not a digest. */
static int normalize_tag(const char *s, char **ret) {
        _cleanup_reference_ Reference *ref = NULL;
        int r;

        r = reference_parse(s, &ref);
        if (r < 0)
                return r;
        if (ref->digest)
                return -EINVAL;
        return reference_to_string(ref, ret);
}

static int tag_locked(ImageStore *s, const char *source, const char *tag) {
        _cleanup_free_ char *matched = NULL;
        ImageRecord *r;
        size_t i;
        int k;

        k = find_locked(s, source, &i, &matched);
        if (k < 0)
                return k;
        r = s->images[i];
        if (strv_contains(r->repo_tags, tag))
                return 0;
        if (strv_push(&r->repo_tags, tag) < 0)
                return -ENOMEM;
        k = save_record_locked(s, r);
        if (k < 0)
                return k;
        return untag_others_locked(s, tag, r);
}

int image_store_tag(ImageStore *s, const char *source, const char *target, char **ret_tag) {
        _cleanup_free_ char *tag = NULL;
        int r;

        r = normalize_tag(target, &tag);
        if (r < 0)
                return r;
        pthread_mutex_lock(&s->lock);
        r = tag_locked(s, source, tag);
        pthread_mutex_unlock(&s->lock);
        if (r >= 0 && ret_tag)
                *ret_tag = TAKE_PTR(tag);
        return r;
}

static bool tag_exists_locked(ImageStore *s, const char *tag) {
        for (size_t i = 0; i < s->n_images; i++)
                if (strv_contains(s->images[i]->repo_tags, tag))
                        return true;
        return false;
}

int image_store_untag(ImageStore *s, const char *tag, char **ret_tag) {
        _cleanup_free_ char *name = NULL;
        int r;

        r = normalize_tag(tag, &name);
        if (r < 0)
                return r;
        pthread_mutex_lock(&s->lock);
        r = tag_exists_locked(s, name) ? untag_others_locked(s, name, NULL) : -ENOENT;
        pthread_mutex_unlock(&s->lock);
        if (r >= 0 && ret_tag)
                *ret_tag = TAKE_PTR(name);
        return r;
}

int image_store_add_repo_digest(ImageStore *s, const char *id, const char *repo_digest) {
        ImageRecord *r;
        size_t i;
        int k;

        pthread_mutex_lock(&s->lock);
        k = find_by_id_locked(s, id, &i);
        if (k >= 0) {
                r = s->images[i];
                if (!strv_contains(r->repo_digests, repo_digest))
                        k = strv_push(&r->repo_digests, repo_digest) < 0 ? -ENOMEM : save_record_locked(s, r);
        }
        pthread_mutex_unlock(&s->lock);
        return k;
}
