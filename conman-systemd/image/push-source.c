/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * push-source.c — what a push sends when the image has no stored manifest (load of a docker-archive,
 * import, commit) or --compression-format asks for a compression it is not stored in: an OCI manifest made
 * here for the stored config and one blob per layer. A layer's blob is the store's kept one when that is
 * compressed as wanted, else the layer compressed for this push into an unnamed file below the store's tmp/
 * (gzip for a layer kept uncompressed, unless another compression is asked for). gzip without a timestamp
 * and zstd give the same bytes for the same tar, so pushing an image again makes the same digests and
 * uploads nothing. The store is not changed. See push.h.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <unistd.h>

#include "shared/json-util.h"
#include "shared/util.h"
#include "image/push.h"

void push_source_done(PushSource *src) {
        if (src->fds)
                for (size_t i = 0; src->m && i < src->m->n_layers; i++)
                        safe_close(src->fds[i]);
        free(src->fds);
        free(src->manifest);
        manifest_free(src->m);
        *src = (PushSource){};
}

static struct json_object *descriptor_to_json(const Descriptor *d) {
        struct json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "mediaType", json_object_new_string(d->media_type));
        json_object_object_add(o, "digest", json_object_new_string(d->digest));
        json_object_object_add(o, "size", json_object_new_int64((int64_t) d->size));
        return o;
}

int push_manifest_format(const Manifest *m, char **ret) {
        _cleanup_json_ struct json_object *j = json_object_new_object();
        struct json_object *layers = json_object_new_array();

        if (!j || !layers)
                return json_object_put(layers), -ENOMEM;
        json_object_object_add(j, "schemaVersion", json_object_new_int(2));
        json_object_object_add(j, "mediaType", json_object_new_string(MEDIA_TYPE_OCI_MANIFEST));
        json_object_object_add(j, "config", descriptor_to_json(&m->config));
        json_object_object_add(j, "layers", layers);
        for (size_t i = 0; i < m->n_layers; i++)
                json_object_array_add(layers, descriptor_to_json(&m->layers[i]));
        *ret = strdup(
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        return *ret ? 0 : -ENOMEM;
}

/* The compression a layer is sent with: the one asked for, else the kept blob's, gzip for a plain tar. */
static LayerCompression target_compression(LayerCompression asked, LayerCompression kept) {
        if (asked == LAYER_COMPRESSION_GZIP || asked == LAYER_COMPRESSION_ZSTD)
                return asked;
        return kept == LAYER_COMPRESSION_NONE ? LAYER_COMPRESSION_GZIP : kept;
}

/* The layer diff_id compressed with to, from its kept blob kept_fd, into an unnamed file. */
static int compress_layer(ImageStore *s, const char *diff_id, int kept_fd, LayerCompression to, Descriptor *d,
                          int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        char actual[DIGEST_STRING_MAX];
        int r;

        fd = openat(image_store_tmp_fd(s), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0 || lseek(kept_fd, 0, SEEK_SET) < 0)
                return negative_errno();
        r = layer_compress(kept_fd, fd, to, image_store_layer_limits(s), actual, d->digest, &d->size);
        if (r < 0)
                return r;
        if (!streq(actual, diff_id)) /* the kept blob is not what the store says */
                return -EBADMSG;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Layer i: its blob (an fd) and its descriptor in d. */
static int source_layer(ImageStore *s, const char *diff_id, LayerCompression asked, Descriptor *d,
                        int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        unsigned char head[4];
        LayerCompression kept, to;
        ssize_t n;
        int r;

        r = image_store_open_layer_kept_blob(s, diff_id, d->digest, &fd, &d->size);
        if (r < 0)
                return r;
        n = pread(fd, head, sizeof(head), 0);
        if (n < 0)
                return negative_errno();
        kept = streq(d->digest, diff_id) ? LAYER_COMPRESSION_NONE
                                         : layer_compression_from_magic(head, (size_t) n);
        to = target_compression(asked, kept);
        d->media_type = strdup(layer_compression_to_oci_media_type(to));
        if (!d->media_type)
                return -ENOMEM;
        if (to == kept) {
                *ret_fd = TAKE_FD(fd);
                return 0;
        }
        return compress_layer(s, diff_id, fd, to, d, ret_fd);
}

static int source_config(ImageStore *s, const char *image_id, Descriptor *d) {
        _cleanup_free_ char *config = NULL;
        size_t size;
        int r;

        r = image_store_read_config(s, image_id, &config, &size);
        if (r < 0)
                return r;
        r = digest_buffer(config, size, d->digest);
        if (r < 0)
                return r;
        d->size = size;
        d->media_type = strdup(MEDIA_TYPE_OCI_CONFIG);
        return d->media_type ? 0 : -ENOMEM;
}

int push_source_make(ImageStore *s, const char *image_id, char *const *diff_ids, LayerCompression compression,
                     PushSource *ret, const char **ret_failed_layer) {
        _cleanup_(push_source_done) PushSource src = {};
        size_t n = strv_length(diff_ids);
        int r;

        *ret_failed_layer = NULL;
        src.m = calloc(1, sizeof(Manifest));
        if (!src.m || !(src.m->layers = calloc(MAX(n, 1U), sizeof(Descriptor))) ||
            !(src.fds = malloc(MAX(n, 1U) * sizeof(int))))
                return -ENOMEM;
        src.m->kind = MANIFEST_OCI;
        for (size_t i = 0; i < n; i++)
                src.fds[i] = -EBADF;
        src.m->n_layers = n;
        r = source_config(s, image_id, &src.m->config);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                r = source_layer(s, diff_ids[i], compression, &src.m->layers[i], &src.fds[i]);
                if (r < 0)
                        *ret_failed_layer = diff_ids[i];
        }
        if (r >= 0)
                r = push_manifest_format(src.m, &src.manifest);
        if (r < 0)
                return r;
        src.manifest_size = strlen(src.manifest);
        r = digest_buffer(src.manifest, src.manifest_size, src.digest);
        if (r < 0)
                return r;
        *ret = src;
        src = (PushSource){};
        return 0;
}

int push_source_open_blob(const PushSource *src, const char *digest, int *ret_fd) {
        for (size_t i = 0; src->m && src->fds && i < src->m->n_layers; i++)
                if (streq(src->m->layers[i].digest, digest) && src->fds[i] >= 0) {
                        *ret_fd = fcntl(src->fds[i], F_DUPFD_CLOEXEC, 3);
                        return *ret_fd < 0 ? negative_errno() : 1;
                }
        return 0;
}
