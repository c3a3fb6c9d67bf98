/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store.c — the image store's directories, blobs and unpacked layers (see store.h).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/layer.h"
#include "image/store-internal.h"

#define LAYER_TREE "root"
#define LAYER_META "layer.json"
#define LAYER_BLOB "blob" /* the compressed blob as it came, kept for push */

static int open_subdir(int dir_fd, const char *name, int *ret) {
        if (mkdirat(dir_fd, name, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        *ret = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return *ret < 0 ? negative_errno() : 0;
}

static int image_store_open_dirs(ImageStore *s) {
        _cleanup_close_ int blobs = -EBADF;
        int r;

        r = mkdir_p(s->path, 0700);
        if (r < 0)
                return r;
        s->dir_fd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir_fd < 0)
                return negative_errno();
        r = open_subdir(s->dir_fd, "blobs", &blobs);
        if (r >= 0)
                r = open_subdir(blobs, "sha256", &s->blobs_fd);
        if (r >= 0)
                r = open_subdir(s->dir_fd, "layers", &s->layers_fd);
        if (r >= 0)
                r = open_subdir(s->dir_fd, "images", &s->images_fd);
        if (r < 0)
                return r;
        /* Whatever a crashed or killed pull left behind goes. */
        r = rm_rf_at(s->dir_fd, "tmp");
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "Failed to empty %s/tmp, ignoring: %m", s->path);
        return open_subdir(s->dir_fd, "tmp", &s->tmp_fd);
}

int image_store_open(const char *state_dir, ImageStore **ret) {
        _cleanup_(image_store_freep) ImageStore *s = NULL;
        int r;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->dir_fd = s->blobs_fd = s->layers_fd = s->images_fd = s->tmp_fd = -EBADF;
        s->layer_limits = LAYER_LIMITS_DEFAULT;
        pthread_mutex_init(&s->lock, NULL);
        if (asprintf(&s->path, "%s/images", state_dir) < 0)
                return -ENOMEM;
        r = image_store_open_dirs(s);
        if (r < 0)
                return r;
        r = image_store_load_records(s);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

ImageStore *image_store_free(ImageStore *s) {
        if (!s)
                return NULL;
        image_record_list_free(s->images, s->n_images);
        safe_close(s->dir_fd);
        safe_close(s->blobs_fd);
        safe_close(s->layers_fd);
        safe_close(s->images_fd);
        safe_close(s->tmp_fd);
        pthread_mutex_destroy(&s->lock);
        free(s->path);
        free(s);
        return NULL;
}

const char *image_store_path(const ImageStore *s) {
        return s->path;
}

void image_store_set_in_use_func(ImageStore *s, ImageInUseFunc func, void *userdata) {
        pthread_mutex_lock(&s->lock);
        s->in_use = func;
        s->in_use_userdata = userdata;
        pthread_mutex_unlock(&s->lock);
}

void image_store_writer_begin(ImageStore *s) {
        pthread_mutex_lock(&s->lock);
        s->n_writers++;
        pthread_mutex_unlock(&s->lock);
}

void image_store_writer_end(ImageStore *s) {
        pthread_mutex_lock(&s->lock);
        if (s->n_writers > 0)
                s->n_writers--;
        pthread_mutex_unlock(&s->lock);
}

int image_store_tmp_fd(const ImageStore *s) {
        return s->tmp_fd;
}

int image_store_make_tmp(ImageStore *s, char **ret_name, int *ret_fd) {
        _cleanup_free_ char *name = NULL;
        int fd;

        if (asprintf(&name, "%s", random_hex_stack(16).s) < 0)
                return -ENOMEM;
        if (mkdirat(s->tmp_fd, name, 0700) < 0)
                return negative_errno();
        fd = openat(s->tmp_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                int r = negative_errno();
                (void) unlinkat(s->tmp_fd, name, AT_REMOVEDIR);
                return r;
        }
        *ret_name = TAKE_PTR(name);
        *ret_fd = fd;
        return 0;
}

bool image_store_has_layer(ImageStore *s, const char *diff_id) {
        _cleanup_free_ char *p = NULL;

        if (!digest_is_valid(diff_id) || asprintf(&p, "%s/" LAYER_TREE, digest_hex(diff_id)) < 0)
                return false;
        return faccessat(s->layers_fd, p, F_OK, AT_SYMLINK_NOFOLLOW) >= 0;
}

int image_store_put_blob(ImageStore *s, const char *digest, const void *data, size_t size) {
        char actual[DIGEST_STRING_MAX];
        int r;

        if (!digest_is_valid(digest))
                return -EINVAL;
        r = digest_buffer(data, size, actual);
        if (r < 0)
                return r;
        if (!streq(actual, digest))
                return -EBADMSG;
        return write_file_atomic_at(s->blobs_fd, digest_hex(digest), data, size, 0600);
}

static int write_layer_meta(int dir_fd, const LayerResult *res) {
        _cleanup_json_ struct json_object *j = json_object_new_object();

        if (!j)
                return -ENOMEM;
        json_object_object_add(j, "diffId", json_object_new_string(res->diff_id));
        json_object_object_add(j, "blobDigest", json_object_new_string(res->blob_digest));
        json_object_object_add(j, "size", json_object_new_int64((int64_t) res->diff_size));
        return json_write_file_atomic_at(dir_fd, LAYER_META, j);
}

static int check_layer(const LayerResult *res, const char *blob_digest, const char *diff_id, char *error,
                       size_t error_size) {
        if (blob_digest && !streq(res->blob_digest, blob_digest)) {
                snprintf(error, error_size, "layer blob has digest %s, expected %s", res->blob_digest,
                         blob_digest);
                return -EBADMSG;
        }
        if (!streq(res->diff_id, diff_id)) {
                snprintf(error, error_size, "unpacked layer has diff_id %s, the image config says %s",
                         res->diff_id, diff_id);
                return -EBADMSG;
        }
        return 0;
}

/* Keeps the blob next to the tree (a hard link of the scratch file when it is one, else a copy), so a
 * push sends the very bytes the manifest names. */
static int keep_layer_blob(int blob_fd, int dir_fd) {
        _cleanup_close_ int fd = -EBADF;
        char proc[64];
        struct stat st;
        int r;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", blob_fd);
        if (fstat(blob_fd, &st) < 0)
                return negative_errno();
        if (S_ISREG(st.st_mode) && linkat(AT_FDCWD, proc, dir_fd, LAYER_BLOB, AT_SYMLINK_FOLLOW) >= 0)
                return 0;
        if (lseek(blob_fd, 0, SEEK_SET) < 0) /* a pipe: nothing to keep */
                return 0;
        fd = openat(dir_fd, LAYER_BLOB, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        for (;;) {
                char buf[64 * 1024];
                ssize_t n = read(blob_fd, buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? negative_errno() : fsync(fd) < 0 ? negative_errno() : 0;
                r = write_all(fd, buf, (size_t) n);
                if (r < 0)
                        return r;
        }
}

static int unpack_layer_tmp(ImageStore *s, int tmp_dir_fd, int blob_fd, LayerCompression compression,
                            const char *blob_digest, const char *diff_id, char *error, size_t error_size) {
        _cleanup_close_ int root_fd = -EBADF;
        LayerResult res;
        int r;

        if (mkdirat(tmp_dir_fd, LAYER_TREE, 0755) < 0)
                return negative_errno();
        root_fd = openat(tmp_dir_fd, LAYER_TREE, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (root_fd < 0)
                return negative_errno();
        r = layer_extract(blob_fd, root_fd, compression, &s->layer_limits, &res);
        if (r < 0) {
                snprintf(error, error_size, "%s", res.error[0] ? res.error : strerror(-r));
                return r;
        }
        r = check_layer(&res, blob_digest, diff_id, error, error_size);
        if (r < 0)
                return r;
        if (syncfs(root_fd) < 0)
                return negative_errno();
        r = keep_layer_blob(blob_fd, tmp_dir_fd);
        if (r < 0)
                return r;
        return write_layer_meta(tmp_dir_fd, &res);
}

const LayerLimits *image_store_layer_limits(const ImageStore *s) {
        return &s->layer_limits;
}

void image_store_set_layer_limits(ImageStore *s, const LayerLimits *limits) {
        s->layer_limits = *limits;
}

int image_store_add_layer(ImageStore *s, int blob_fd, LayerCompression compression, const char *blob_digest,
                          const char *diff_id, char *error, size_t error_size) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int tmp_dir_fd = -EBADF;
        char dummy[1];
        int r;

        if (!error) {
                error = dummy;
                error_size = sizeof(dummy);
        }
        if (!digest_is_valid(diff_id) || (blob_digest && !digest_is_valid(blob_digest)))
                return -EINVAL;
        if (image_store_has_layer(s, diff_id))
                return 0;
        r = image_store_make_tmp(s, &tmp, &tmp_dir_fd);
        if (r < 0)
                return r;
        r = unpack_layer_tmp(s, tmp_dir_fd, blob_fd, compression, blob_digest, diff_id, error, error_size);
        if (r >= 0) {
                if (renameat(s->tmp_fd, tmp, s->layers_fd, digest_hex(diff_id)) >= 0) {
                        (void) fsync(s->layers_fd);
                        return 0;
                }
                r = negative_errno();
                if (r == -EEXIST || r == -ENOTEMPTY) /* a concurrent pull was faster */
                        r = 0;
        }
        (void) rm_rf_at(s->tmp_fd, tmp);
        return r;
}

bool image_store_has_blob(ImageStore *s, const char *digest) {
        return digest_is_valid(digest) &&
               faccessat(s->blobs_fd, digest_hex(digest), F_OK, AT_SYMLINK_NOFOLLOW) >= 0;
}

int image_store_read_blob(ImageStore *s, const char *digest, size_t max_size, char **ret, size_t *ret_size) {
        if (!digest_is_valid(digest))
                return -EINVAL;
        return read_file_at(s->blobs_fd, digest_hex(digest), max_size, ret, ret_size);
}

static int layer_blob_digest(ImageStore *s, const char *diff_id, char **ret) {
        _cleanup_free_ char *p = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *v;
        int r;

        if (asprintf(&p, "%s/" LAYER_META, digest_hex(diff_id)) < 0)
                return -ENOMEM;
        r = json_read_file_at(s->layers_fd, p, &j);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(j, "blobDigest", &v) || !json_object_is_type(v, json_type_string))
                return -EBADMSG;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

int image_store_open_layer_blob(ImageStore *s, const char *diff_id, const char *blob_digest, int *ret_fd,
                                uint64_t *ret_size) {
        _cleanup_free_ char *p = NULL, *kept = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        if (!digest_is_valid(diff_id) || !digest_is_valid(blob_digest))
                return -EINVAL;
        r = layer_blob_digest(s, diff_id, &kept);
        if (r < 0)
                return r;
        if (!streq(kept, blob_digest)) /* the layer came first with another compression */
                return -ENOENT;
        if (asprintf(&p, "%s/" LAYER_BLOB, digest_hex(diff_id)) < 0)
                return -ENOMEM;
        fd = openat(s->layers_fd, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        *ret_size = (uint64_t) st.st_size;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int image_store_open_layer_kept_blob(ImageStore *s, const char *diff_id,
                                     char ret_digest[static DIGEST_STRING_MAX], int *ret_fd,
                                     uint64_t *ret_size) {
        _cleanup_free_ char *kept = NULL;
        int r;

        if (!digest_is_valid(diff_id))
                return -EINVAL;
        r = layer_blob_digest(s, diff_id, &kept);
        if (r < 0)
                return r;
        if (!digest_is_valid(kept))
                return -EBADMSG;
        r = image_store_open_layer_blob(s, diff_id, kept, ret_fd, ret_size);
        if (r >= 0)
                strcpy(ret_digest, kept);
        return r;
}

int image_store_layer_size(ImageStore *s, const char *diff_id, uint64_t *ret) {
        _cleanup_free_ char *p = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *v;
        int r;

        if (asprintf(&p, "%s/" LAYER_META, digest_hex(diff_id)) < 0)
                return -ENOMEM;
        r = json_read_file_at(s->layers_fd, p, &j);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(j, "size", &v) || !json_object_is_type(v, json_type_int))
                return -EBADMSG;
        *ret = (uint64_t) json_object_get_int64(v);
        return 0;
}

int image_store_remove_unused_layers_locked(ImageStore *s, char ***deleted, uint64_t *reclaimed) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(s->layers_fd, ".", &d);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                _cleanup_free_ char *digest = NULL;
                uint64_t size = 0;

                if (!digest_hex_is_valid(de->d_name) || image_store_layer_referenced_locked(s, de->d_name))
                        continue;
                if (asprintf(&digest, DIGEST_PREFIX "%s", de->d_name) < 0)
                        return -ENOMEM;
                (void) image_store_layer_size(s, digest, &size);
                r = rm_rf_at(s->layers_fd, de->d_name);
                if (r < 0)
                        return r;
                if (reclaimed)
                        *reclaimed += size;
                if (deleted && strv_push_take(deleted, TAKE_PTR(digest)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int image_store_prune(ImageStore *s, char ***ret_deleted, uint64_t *ret_reclaimed) {
        _cleanup_strv_free_ char **deleted = NULL;
        uint64_t reclaimed = 0;
        int r;

        pthread_mutex_lock(&s->lock);
        if (s->n_writers > 0)
                r = -EBUSY;
        else
                r = image_store_prune_images_locked(s, &deleted);
        if (r >= 0)
                r = image_store_remove_unused_layers_locked(s, &deleted, &reclaimed);
        pthread_mutex_unlock(&s->lock);
        if (r < 0)
                return r;
        if (!deleted && !(deleted = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret_deleted = TAKE_PTR(deleted);
        *ret_reclaimed = reclaimed;
        return 0;
}
