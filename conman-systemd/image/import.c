/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * import.c — OCI layouts, oci-archive and docker-save tarballs → store (see import.h).
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/import.h"
#include "image/layer.h"
#include "image/manifest.h"
#include "image/reference.h"

#define OCI_REF_ANNOTATION  "org.opencontainers.image.ref.name"
#define DOCKER_MANIFEST_MAX (1024U * 1024U)

typedef struct Import {
        ImageStore *store;
        int dir_fd;      /* the layout or the unpacked archive */
        const char *tag; /* for the first image, or NULL */
        char **ids;
        char **error;
} Import;

#define import_fail(x, r, ...) error_setf((x)->error, (r), __VA_ARGS__)

/* Opens a file below dir_fd; symlinks are followed only while they stay below it. */
static int open_beneath(int dir_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC | O_NOCTTY),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));

        return fd < 0 ? negative_errno() : (int) fd;
}

static int read_beneath(int dir_fd, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open_beneath(dir_fd, path, O_RDONLY);
        _cleanup_free_ char *name = NULL;

        if (fd < 0)
                return fd;
        if (asprintf(&name, "/proc/self/fd/%d", fd) < 0)
                return -ENOMEM;
        return read_file(name, max, ret, ret_size);
}

static int blob_name(const char *digest, char **ret) {
        return asprintf(ret, "blobs/sha256/%s", digest_hex(digest)) < 0 ? -ENOMEM : 0;
}

/* Reads a small blob of an OCI layout and checks its digest. */
static int read_blob(Import *im, const Descriptor *d, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *name = NULL, *buf = NULL;
        char actual[DIGEST_STRING_MAX];
        size_t size;
        int r;

        r = blob_name(d->digest, &name);
        if (r >= 0)
                r = read_beneath(im->dir_fd, name, max, &buf, &size);
        if (r < 0)
                return import_fail(im, r, "cannot read blob %s: %s", d->digest, strerror(-r));
        r = digest_buffer(buf, size, actual);
        if (r < 0)
                return r;
        if (!streq(actual, d->digest) || size != d->size)
                return import_fail(im, -EBADMSG, "blob %s has digest %s and %zu bytes: refusing it",
                                   d->digest, actual, size);
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

static int add_layer_file(Import *im, const char *path, LayerCompression compression, const char *blob_digest,
                          const char *diff_id) {
        _cleanup_close_ int fd = -EBADF;
        char error[512] = "";
        int r;

        if (image_store_has_layer(im->store, diff_id))
                return 0;
        fd = open_beneath(im->dir_fd, path, O_RDONLY);
        if (fd < 0)
                return import_fail(im, fd, "cannot open layer %s: %s", path, strerror(-fd));
        r = image_store_add_layer(im->store, fd, compression, blob_digest, diff_id, error, sizeof(error));
        if (r < 0)
                return import_fail(im, r, "layer %s refused: %s", path, error[0] ? error : strerror(-r));
        return 0;
}

/* The tag to give: the explicit one for the first image, else what the archive says, normalized.
 * An OCI ref.name without '/' or ':' is a bare tag ("1", "latest") with no repository: untagged. */
static int pick_tag(Import *im, const char *archive_name, char **ret) {
        _cleanup_reference_ Reference *ref = NULL;
        const char *name = im->tag && strv_length(im->ids) == 0 ? im->tag : archive_name;

        *ret = NULL;
        if (isempty(name) || (name != im->tag && !strpbrk(name, "/:")))
                return 0;
        if (reference_parse(name, &ref) < 0 || ref->digest) {
                if (name == im->tag)
                        return import_fail(im, -EINVAL, "\"%s\" is not a valid image name", name);
                log_debug("Ignoring image name \"%s\" of the archive.", name);
                return 0;
        }
        return reference_to_string(ref, ret);
}

static int commit(Import *im, const char *config_digest, const char *manifest_digest,
                  const char *archive_name) {
        _cleanup_free_ char *tag = NULL;
        char id[IMAGE_ID_LENGTH + 1];
        int r;

        r = pick_tag(im, archive_name, &tag);
        if (r < 0)
                return r;
        r = image_store_commit(im->store, config_digest, manifest_digest, tag, id);
        if (r < 0)
                return import_fail(im, r, "cannot record the image: %s", strerror(-r));
        return strv_push(&im->ids, id);
}

static int import_oci_manifest(Import *im, const Descriptor *d, const char *name, unsigned depth);

static int import_oci_index(Import *im, const char *body, size_t size, const char *name, unsigned depth) {
        char buf[PLATFORM_STRING_MAX];
        Descriptor d = {};
        Platform host;
        int r;

        if (depth > 2)
                return import_fail(im, -ELOOP, "image indexes nest too deep");
        platform_get_host(&host);
        r = index_select_platform(body, size, &host, &d);
        if (r < 0)
                return import_fail(im, r, "the image index has no manifest for %s",
                                   platform_to_string(&host, buf));
        r = import_oci_manifest(im, &d, name, depth + 1);
        descriptor_done(&d);
        return r;
}

static int import_oci_layers(Import *im, const Manifest *m, const ImageConfig *c) {
        int r;

        if (c->n_diff_ids != m->n_layers)
                return import_fail(im, -EBADMSG, "manifest lists %zu layers but the config %zu", m->n_layers,
                                   c->n_diff_ids);
        for (size_t i = 0; i < m->n_layers; i++) {
                _cleanup_free_ char *path = NULL;
                r = blob_name(m->layers[i].digest, &path);
                if (r >= 0)
                        r = add_layer_file(im, path,
                                           layer_compression_from_media_type(m->layers[i].media_type),
                                           m->layers[i].digest, c->diff_ids[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int import_oci_manifest(Import *im, const Descriptor *d, const char *name, unsigned depth) {
        _cleanup_free_ char *body = NULL, *config = NULL;
        _cleanup_(manifest_freep) Manifest *m = NULL;
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        size_t size, config_size;
        ManifestKind kind;
        int r;

        r = read_blob(im, d, MANIFEST_MAX_SIZE, &body, &size);
        if (r < 0)
                return r;
        r = manifest_detect_kind(body, size, d->media_type, &kind);
        if (r >= 0 && manifest_kind_is_index(kind))
                return import_oci_index(im, body, size, name, depth);
        if (r >= 0)
                r = manifest_parse(body, size, d->media_type, &m);
        if (r < 0)
                return import_fail(im, r, "manifest %s is unsupported or malformed", d->digest);
        if (manifest_unsupported_layer(m))
                return import_fail(im, -EPROTONOSUPPORT,
                                   "layer %s has media type '%s': only " LAYER_MEDIA_TYPES_SUPPORTED
                                   " are supported",
                                   manifest_unsupported_layer(m)->digest,
                                   strna(manifest_unsupported_layer(m)->media_type));
        r = read_blob(im, &m->config, CONFIG_MAX_SIZE, &config, &config_size);
        if (r < 0)
                return r;
        r = image_config_parse(config, config_size, &c);
        if (r < 0)
                return import_fail(im, r, "image config %s is malformed", m->config.digest);
        r = import_oci_layers(im, m, c);
        if (r < 0)
                return r;
        r = image_store_put_blob(im->store, m->config.digest, config, config_size);
        if (r >= 0)
                r = image_store_put_blob(im->store, d->digest, body, size);
        if (r < 0)
                return import_fail(im, r, "cannot store manifest and config: %s", strerror(-r));
        return commit(im, m->config.digest, d->digest, name);
}

static const char *annotation(struct json_object *entry, const char *key) {
        struct json_object *a, *v;

        if (!json_object_object_get_ex(entry, "annotations", &a) || !json_object_object_get_ex(a, key, &v) ||
            !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static int import_oci_layout(Import *im) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *list;
        size_t size;
        int r;

        r = read_beneath(im->dir_fd, "index.json", MANIFEST_MAX_SIZE, &buf, &size);
        if (r < 0)
                return import_fail(im, r, "cannot read index.json: %s", strerror(-r));
        j = json_tokener_parse(buf);
        if (!j || !json_object_object_get_ex(j, "manifests", &list) ||
            !json_object_is_type(list, json_type_array))
                return import_fail(im, -EBADMSG, "index.json is malformed");
        if (json_object_array_length(list) == 0)
                return import_fail(im, -ENOENT, "the OCI layout holds no image");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *e = json_object_array_get_idx(list, i);
                Descriptor d = {};
                r = descriptor_from_json(e, &d);
                if (r < 0)
                        return import_fail(im, r, "index.json has a malformed entry");
                r = import_oci_manifest(im, &d, annotation(e, OCI_REF_ANNOTATION), 0);
                descriptor_done(&d);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int json_string_at(struct json_object *o, const char *key, const char **ret) {
        struct json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return -EBADMSG;
        *ret = json_object_get_string(v);
        return 0;
}

static int import_docker_config(Import *im, const char *path, char ret_digest[static DIGEST_STRING_MAX],
                                ImageConfig **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        int r;

        r = read_beneath(im->dir_fd, path, CONFIG_MAX_SIZE, &buf, &size);
        if (r < 0)
                return import_fail(im, r, "cannot read config %s: %s", path, strerror(-r));
        r = digest_buffer(buf, size, ret_digest);
        if (r < 0)
                return r;
        r = image_config_parse(buf, size, ret);
        if (r < 0)
                return import_fail(im, r, "image config %s is malformed", path);
        return image_store_put_blob(im->store, ret_digest, buf, size);
}

static int import_docker_entry(Import *im, struct json_object *e) {
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        struct json_object *layers, *tags;
        char digest[DIGEST_STRING_MAX];
        const char *config;
        size_t n;
        int r;

        if (json_string_at(e, "Config", &config) < 0 || !json_object_object_get_ex(e, "Layers", &layers) ||
            !json_object_is_type(layers, json_type_array))
                return import_fail(im, -EBADMSG, "manifest.json is malformed");
        r = import_docker_config(im, config, digest, &c);
        if (r < 0)
                return r;
        n = json_object_array_length(layers);
        if (n != c->n_diff_ids)
                return import_fail(im, -EBADMSG, "manifest.json lists %zu layers but the config %zu", n,
                                   c->n_diff_ids);
        for (size_t i = 0; i < n; i++) {
                struct json_object *l = json_object_array_get_idx(layers, i);
                if (!json_object_is_type(l, json_type_string))
                        return import_fail(im, -EBADMSG, "manifest.json is malformed");
                r = add_layer_file(im, json_object_get_string(l), LAYER_COMPRESSION_DETECT, NULL,
                                   c->diff_ids[i]);
                if (r < 0)
                        return r;
        }
        if (im->tag || !json_object_object_get_ex(e, "RepoTags", &tags) ||
            !json_object_is_type(tags, json_type_array) || json_object_array_length(tags) == 0)
                return commit(im, digest, NULL, NULL);
        for (size_t i = 0; i < json_object_array_length(tags); i++) {
                struct json_object *t = json_object_array_get_idx(tags, i);
                r = commit(im, digest, NULL,
                           json_object_is_type(t, json_type_string) ? json_object_get_string(t) : NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int import_docker_archive(Import *im) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        size_t size;
        int r;

        r = read_beneath(im->dir_fd, "manifest.json", DOCKER_MANIFEST_MAX, &buf, &size);
        if (r < 0)
                return import_fail(im, r, "cannot read manifest.json: %s", strerror(-r));
        j = json_tokener_parse(buf);
        if (!j || !json_object_is_type(j, json_type_array) || json_object_array_length(j) == 0)
                return import_fail(im, -EBADMSG, "manifest.json is malformed or empty");
        for (size_t i = 0; i < json_object_array_length(j); i++) {
                r = import_docker_entry(im, json_object_array_get_idx(j, i));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Unpacks a tarball below the store's tmp/ with the layer extractor; returns the tree's fd. */
static int unpack_archive(Import *im, int fd, char **ret_tmp, int *ret_dir_fd) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int tmp_fd = -EBADF, root_fd = -EBADF;
        LayerResult res;
        int r;

        r = image_store_make_tmp(im->store, &tmp, &tmp_fd);
        if (r < 0)
                return import_fail(im, r, "cannot create a scratch directory: %s", strerror(-r));
        *ret_tmp = TAKE_PTR(tmp);
        if (mkdirat(tmp_fd, "root", 0700) < 0)
                return negative_errno();
        root_fd = openat(tmp_fd, "root", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (root_fd < 0)
                return negative_errno();
        r = layer_extract(fd, root_fd, LAYER_COMPRESSION_DETECT, image_store_layer_limits(im->store), &res);
        if (r < 0)
                return import_fail(im, r, "cannot unpack the archive: %s",
                                   res.error[0] ? res.error : strerror(-r));
        *ret_dir_fd = TAKE_FD(root_fd);
        return 0;
}

static int import_tree(Import *im) {
        if (faccessat(im->dir_fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return import_oci_layout(im);
        if (faccessat(im->dir_fd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return import_docker_archive(im);
        return import_fail(im, -EMEDIUMTYPE, "not an OCI image layout, oci-archive or docker-save archive");
}

int image_import_fd(ImageStore *s, int fd, const char *tag, char ***ret_ids, char **ret_error) {
        Import im = { .store = s, .dir_fd = -EBADF, .tag = tag, .error = ret_error };
        _cleanup_free_ char *tmp = NULL;
        struct stat st;
        int r = 0;

        if (ret_error)
                *ret_error = NULL;
        if (fstat(fd, &st) < 0)
                return import_fail(&im, negative_errno(), "cannot read the archive: %m");
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
                return import_fail(&im, -EMEDIUMTYPE, "not a file, directory or pipe");
        image_store_writer_begin(s);
        if (S_ISDIR(st.st_mode)) {
                im.dir_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (im.dir_fd < 0)
                        r = negative_errno();
        } else
                r = unpack_archive(&im, fd, &tmp, &im.dir_fd);
        if (im.dir_fd >= 0)
                r = import_tree(&im);
        image_store_writer_end(s);
        if (tmp)
                (void) rm_rf_at(image_store_tmp_fd(s), tmp);
        safe_close(im.dir_fd);
        if (r >= 0 && !im.ids)
                r = import_fail(&im, -ENOENT, "the archive holds no image");
        if (r < 0) {
                strv_freep(&im.ids);
                return r;
        }
        *ret_ids = im.ids;
        return 0;
}

int image_import(ImageStore *s, const char *path, const char *tag, char ***ret_ids, char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (ret_error)
                *ret_error = NULL;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = negative_errno();
                if (ret_error && asprintf(ret_error, "cannot open %s: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        return image_import_fd(s, fd, tag, ret_ids, ret_error);
}
