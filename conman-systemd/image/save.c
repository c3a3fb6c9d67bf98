/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * save.c — images → docker-archive or oci-archive tarball in an fd (see save.h).
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/layer.h"
#include "image/reference.h"
#include "image/save.h"

#define OCI_REF_ANNOTATION "org.opencontainers.image.ref.name"
#define MEDIA_TYPE_OCI_TAR "application/vnd.oci.image.layer.v1.tar"

static const char *const format_table[_IMAGE_ARCHIVE_FORMAT_MAX] = {
        [IMAGE_ARCHIVE_DOCKER] = "docker-archive",
        [IMAGE_ARCHIVE_OCI] = "oci-archive",
};

const char *image_archive_format_to_string(ImageArchiveFormat f) {
        return f >= 0 && f < _IMAGE_ARCHIVE_FORMAT_MAX ? format_table[f] : NULL;
}

ImageArchiveFormat image_archive_format_from_string(const char *s) {
        for (int i = 0; s && i < _IMAGE_ARCHIVE_FORMAT_MAX; i++)
                if (streq(s, format_table[i]))
                        return (ImageArchiveFormat) i;
        return _IMAGE_ARCHIVE_FORMAT_INVALID;
}

const char *layer_media_type_from_magic(const void *head, size_t size) {
        return layer_compression_to_oci_media_type(layer_compression_from_magic(head, size));
}

typedef struct Save {
        ImageStore *store;
        ImageArchiveFormat format;
        struct archive *archive;
        char **written;           /* entry names already in the archive (blobs shared by images) */
        struct json_object *list; /* docker: manifest.json; oci: index.json's manifests */
        char **error;
} Save;

#define save_fail(x, r, ...) error_setf((x)->error, (r), __VA_ARGS__)

static int archive_fail(Save *sv, const char *name) {
        int e = archive_errno(sv->archive);

        return save_fail(sv, e > 0 ? -e : -EIO, "cannot write %s: %s", name,
                         strna(archive_error_string(sv->archive)));
}

static int save_header(Save *sv, const char *name, mode_t type, uint64_t size) {
        struct archive_entry *e = archive_entry_new();
        int r;

        if (!e)
                return -ENOMEM;
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
        archive_entry_set_size(e, type == AE_IFDIR ? 0 : (la_int64_t) size);
        archive_entry_set_mtime(e, 0, 0);
        r = archive_write_header(sv->archive, e);
        archive_entry_free(e);
        return r == ARCHIVE_OK ? 0 : archive_fail(sv, name);
}

/* Whether name is new to the archive (and remembers it). */
static int save_once(Save *sv, const char *name) {
        int r;

        if (strv_contains(sv->written, name))
                return 0;
        r = strv_push(&sv->written, name);
        return r < 0 ? r : 1;
}

static int save_buffer(Save *sv, const char *name, const void *data, size_t size) {
        int r = save_once(sv, name);

        if (r <= 0)
                return r;
        r = save_header(sv, name, AE_IFREG, size);
        if (r < 0)
                return r;
        if (size > 0 && archive_write_data(sv->archive, data, size) != (la_ssize_t) size)
                return archive_fail(sv, name);
        return 0;
}

static int save_dir(Save *sv, const char *name) {
        int r = save_once(sv, name);

        return r <= 0 ? r : save_header(sv, name, AE_IFDIR, 0);
}

/* Copies size bytes of fd (from its start) as the entry name; a file that changed size is refused. */
static int save_fd(Save *sv, const char *name, int fd, uint64_t size) {
        char buf[64 * 1024];
        uint64_t left = size;
        int r = save_once(sv, name);

        if (r <= 0)
                return r;
        r = save_header(sv, name, AE_IFREG, size);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        while (left > 0) {
                ssize_t n = read_all(fd, buf, MIN(sizeof(buf), left));
                if (n < 0)
                        return save_fail(sv, (int) n, "cannot read %s: %s", name, strerror((int) -n));
                if (n == 0)
                        return save_fail(sv, -EIO, "%s became shorter while it was saved", name);
                if (archive_write_data(sv->archive, buf, (size_t) n) != n)
                        return archive_fail(sv, name);
                left -= (uint64_t) n;
        }
        return 0;
}

/* A layer's kept blob: fd, size, digest and media type. */
typedef struct LayerBlob {
        int fd;
        uint64_t size;
        char digest[DIGEST_STRING_MAX];
        const char *media_type;
} LayerBlob;

static void layer_blob_done(LayerBlob *b) {
        b->fd = safe_close(b->fd);
}

static int open_layer(Save *sv, const char *diff_id, LayerBlob *ret) {
        unsigned char head[4];
        ssize_t n;
        int r;

        r = image_store_open_layer_kept_blob(sv->store, diff_id, ret->digest, &ret->fd, &ret->size);
        if (r < 0)
                return save_fail(sv, r,
                                 "layer %s has no kept blob (%s); pull or load the image again to save it",
                                 diff_id, strerror(-r));
        n = pread(ret->fd, head, sizeof(head), 0);
        if (n < 0)
                return negative_errno();
        ret->media_type = streq(ret->digest, diff_id) ? MEDIA_TYPE_OCI_TAR
                                                      : layer_media_type_from_magic(head, (size_t) n);
        return 0;
}

/* Decompresses a kept blob into an unnamed file below the store's tmp/, checking it hashes to diff_id. */
static int decompress_layer(Save *sv, const LayerBlob *b, const char *diff_id, int *ret_fd,
                            uint64_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        char actual[DIGEST_STRING_MAX];
        int r = 0;

        fd = openat(image_store_tmp_fd(sv->store), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0 || lseek(b->fd, 0, SEEK_SET) < 0)
                r = negative_errno();
        if (r >= 0)
                r = layer_decompress(b->fd, fd, image_store_layer_limits(sv->store), actual, ret_size);
        if (r >= 0 && !streq(actual, diff_id))
                r = -EBADMSG;
        if (r < 0)
                return save_fail(sv, r, "cannot decompress layer %s: %s", diff_id, strerror(-r));
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The names an image is saved under: the one asked for when it is a tag, else all its tags. */
static int names_for(const ImageRecord *rec, const char *asked, char ***ret) {
        _cleanup_reference_ Reference *ref = NULL;
        _cleanup_free_ char *name = NULL;

        if (reference_parse(asked, &ref) >= 0 && !ref->digest && reference_to_string(ref, &name) >= 0 &&
            strv_contains(rec->repo_tags, name))
                return strv_push(ret, name);
        *ret = strv_copy(rec->repo_tags);
        return *ret ? 0 : -ENOMEM;
}

static int save_config(Save *sv, const ImageRecord *rec, const char *name, size_t *ret_size) {
        _cleanup_free_ char *config = NULL;
        size_t size;
        int r;

        r = image_store_read_config(sv->store, rec->id, &config, &size);
        if (r < 0)
                return save_fail(sv, r, "cannot read the config of %s: %s", rec->id, strerror(-r));
        *ret_size = size;
        return save_buffer(sv, name, config, size);
}

static int save_docker_layer(Save *sv, const char *diff_id, struct json_object *layers) {
        _cleanup_(layer_blob_done) LayerBlob b = { .fd = -EBADF };
        _cleanup_close_ int tar_fd = -EBADF;
        _cleanup_free_ char *name = NULL;
        uint64_t size;
        int r;

        if (asprintf(&name, "%s.tar", digest_hex(diff_id)) < 0)
                return -ENOMEM;
        json_object_array_add(layers, json_object_new_string(name));
        if (strv_contains(sv->written, name))
                return 0;
        r = open_layer(sv, diff_id, &b);
        if (r < 0)
                return r;
        if (streq(b.digest, diff_id))
                return save_fd(sv, name, b.fd, b.size);
        r = decompress_layer(sv, &b, diff_id, &tar_fd, &size);
        return r < 0 ? r : save_fd(sv, name, tar_fd, size);
}

static int save_docker_image(Save *sv, const ImageRecord *rec, char **names) {
        _cleanup_json_ struct json_object *entry = json_object_new_object();
        struct json_object *layers = json_object_new_array(), *tags = json_object_new_array();
        _cleanup_free_ char *config_name = NULL;
        size_t config_size;
        int r;

        if (!entry || !layers || !tags || asprintf(&config_name, "%s.json", rec->id) < 0) {
                json_object_put(layers);
                json_object_put(tags);
                return -ENOMEM;
        }
        json_object_object_add(entry, "Config", json_object_new_string(config_name));
        json_object_object_add(entry, "RepoTags", tags);
        json_object_object_add(entry, "Layers", layers);
        for (size_t i = 0; names && names[i]; i++)
                json_object_array_add(tags, json_object_new_string(names[i]));
        r = save_config(sv, rec, config_name, &config_size);
        for (size_t i = 0; r >= 0 && rec->diff_ids && rec->diff_ids[i]; i++)
                r = save_docker_layer(sv, rec->diff_ids[i], layers);
        if (r < 0)
                return r;
        return json_object_array_add(sv->list, TAKE_PTR(entry)) < 0 ? -ENOMEM : 0;
}

static struct json_object *descriptor_json(const char *media_type, const char *digest, uint64_t size) {
        struct json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "mediaType", json_object_new_string(media_type));
        json_object_object_add(o, "digest", json_object_new_string(digest));
        json_object_object_add(o, "size", json_object_new_int64((int64_t) size));
        return o;
}

static int save_oci_blob_fd(Save *sv, const LayerBlob *b) {
        _cleanup_free_ char *name = NULL;

        if (asprintf(&name, "blobs/sha256/%s", digest_hex(b->digest)) < 0)
                return -ENOMEM;
        return save_fd(sv, name, b->fd, b->size);
}

static int save_oci_blob(Save *sv, const char *data, size_t size, char ret_digest[static DIGEST_STRING_MAX]) {
        _cleanup_free_ char *name = NULL;
        int r;

        r = digest_buffer(data, size, ret_digest);
        if (r < 0)
                return r;
        if (asprintf(&name, "blobs/sha256/%s", digest_hex(ret_digest)) < 0)
                return -ENOMEM;
        return save_buffer(sv, name, data, size);
}

/* The OCI manifest of the image, its layers written as they go. */
static int save_oci_manifest(Save *sv, const ImageRecord *rec, struct json_object **ret) {
        _cleanup_json_ struct json_object *m = json_object_new_object(), *layers = json_object_new_array();
        _cleanup_free_ char *config_name = NULL, *config_digest = NULL;
        size_t config_size;
        int r;

        if (!m || !layers || asprintf(&config_name, "blobs/sha256/%s", rec->id) < 0 ||
            asprintf(&config_digest, DIGEST_PREFIX "%s", rec->id) < 0)
                return -ENOMEM;
        r = save_config(sv, rec, config_name, &config_size);
        for (size_t i = 0; r >= 0 && rec->diff_ids && rec->diff_ids[i]; i++) {
                _cleanup_(layer_blob_done) LayerBlob b = { .fd = -EBADF };
                r = open_layer(sv, rec->diff_ids[i], &b);
                if (r >= 0)
                        r = save_oci_blob_fd(sv, &b);
                if (r >= 0)
                        json_object_array_add(layers, descriptor_json(b.media_type, b.digest, b.size));
        }
        if (r < 0)
                return r;
        json_object_object_add(m, "schemaVersion", json_object_new_int(2));
        json_object_object_add(m, "mediaType", json_object_new_string(MEDIA_TYPE_OCI_MANIFEST));
        json_object_object_add(m, "config",
                               descriptor_json(MEDIA_TYPE_OCI_CONFIG, config_digest, config_size));
        json_object_object_add(m, "layers", TAKE_PTR(layers));
        *ret = TAKE_PTR(m);
        return 0;
}

static int save_oci_image(Save *sv, const ImageRecord *rec, char **names) {
        _cleanup_json_ struct json_object *m = NULL;
        char digest[DIGEST_STRING_MAX];
        const char *body;
        size_t size;
        int r;

        r = save_oci_manifest(sv, rec, &m);
        if (r < 0)
                return r;
        body = json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN, &size);
        r = save_oci_blob(sv, body, size, digest);
        if (r < 0)
                return r;
        for (size_t i = 0; i == 0 || (names && names[i]); i++) {
                struct json_object *d = descriptor_json(MEDIA_TYPE_OCI_MANIFEST, digest, size), *a;
                if (!d)
                        return -ENOMEM;
                if (names && names[i] && (a = json_object_new_object())) {
                        json_object_object_add(a, OCI_REF_ANNOTATION, json_object_new_string(names[i]));
                        json_object_object_add(d, "annotations", a);
                }
                json_object_array_add(sv->list, d);
        }
        return 0;
}

static int save_image(Save *sv, const char *asked) {
        _cleanup_(image_record_freep) ImageRecord *rec = NULL;
        char **names = NULL;
        int r;

        r = image_store_find(sv->store, asked, &rec);
        if (r < 0)
                return save_fail(sv, r, "%s: %s", asked,
                                 r == -ENOENT     ? "no such image"
                                 : r == -ENOTUNIQ ? "ambiguous id prefix"
                                                  : strerror(-r));
        r = names_for(rec, asked, &names);
        if (r >= 0)
                r = sv->format == IMAGE_ARCHIVE_DOCKER ? save_docker_image(sv, rec, names)
                                                       : save_oci_image(sv, rec, names);
        strv_freep(&names);
        return r;
}

static int save_index(Save *sv) {
        static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
        _cleanup_json_ struct json_object *index = NULL;
        const char *body;
        size_t size;
        int r;

        if (sv->format == IMAGE_ARCHIVE_DOCKER) {
                body = json_object_to_json_string_length(sv->list, JSON_C_TO_STRING_PLAIN, &size);
                return save_buffer(sv, "manifest.json", body, size);
        }
        r = save_buffer(sv, "oci-layout", layout, strlen(layout));
        if (r < 0 || !(index = json_object_new_object()))
                return r < 0 ? r : -ENOMEM;
        json_object_object_add(index, "schemaVersion", json_object_new_int(2));
        json_object_object_add(index, "manifests", json_object_get(sv->list));
        body = json_object_to_json_string_length(index, JSON_C_TO_STRING_PLAIN, &size);
        return save_buffer(sv, "index.json", body, size);
}

int image_save(ImageStore *s, char *const *images, ImageArchiveFormat format, int out_fd, char **ret_error) {
        Save sv = { .store = s, .format = format, .error = ret_error };
        int r = 0;

        if (ret_error)
                *ret_error = NULL;
        if (format < 0 || format >= _IMAGE_ARCHIVE_FORMAT_MAX || strv_length(images) == 0)
                return -EINVAL;
        sv.archive = archive_write_new();
        sv.list = json_object_new_array();
        if (!sv.archive || !sv.list)
                r = -ENOMEM;
        if (r >= 0 && (archive_write_set_format_pax_restricted(sv.archive) != ARCHIVE_OK ||
                       archive_write_set_bytes_in_last_block(sv.archive, 1) != ARCHIVE_OK ||
                       archive_write_open_fd(sv.archive, out_fd) != ARCHIVE_OK))
                r = archive_fail(&sv, "the archive");
        if (r >= 0 && format == IMAGE_ARCHIVE_OCI)
                r = save_dir(&sv, "blobs/");
        if (r >= 0 && format == IMAGE_ARCHIVE_OCI)
                r = save_dir(&sv, "blobs/sha256/");
        for (size_t i = 0; r >= 0 && images[i]; i++)
                r = save_image(&sv, images[i]);
        if (r >= 0)
                r = save_index(&sv);
        if (r >= 0 && archive_write_close(sv.archive) != ARCHIVE_OK)
                r = archive_fail(&sv, "the archive");
        if (sv.archive)
                archive_write_free(sv.archive);
        json_object_put(sv.list);
        strv_freep(&sv.written);
        return r;
}
