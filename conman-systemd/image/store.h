/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store.h — the content-addressed image store under STATE_DIR/images (docs/images.md):
 *
 *   blobs/sha256/<hex>        manifests and image configs, by digest (verified)
 *   layers/<diff_id hex>/     one unpacked layer: root/ (the tree), layer.json and blob (the
 *                             compressed blob it came as, for push)
 *   images/<id>.json          one image: id (= config digest), tags, manifest digest, layers
 *   tmp/                      downloads and unpacking in progress; emptied at open
 *
 * Everything appears by rename(2) from tmp/ or is written atomically, so a crash
 * or failed pull never leaves a partial layer or image: a layer is there complete
 * and verified or not at all, an image record is written only after all its
 * layers are there.
 *
 * API FOR CONTAINERS (container.c and friends):
 *
 *   ImageStore *s = manager->image_store;
 *   _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
 *   r = image_store_resolve(s, "busybox", &img);    // name, name:tag, name@digest, id or id prefix
 *       // -ENOENT: not in the store (pull it), -ENOTUNIQ: ambiguous id prefix, -EINVAL: bad ref
 *   img->id            64 hex chars: store this in the container's metadata
 *   img->layer_dirs    absolute paths, bottom layer first → overlay_mount() (overlay.h)
 *   img->config        Entrypoint/Cmd/Env/WorkingDir/User/StopSignal/ExposedPorts/Labels
 *
 *   image_store_set_in_use_func(s, func, userdata): func(image_id, userdata) returns true
 *   while a container uses that image; rmi then refuses (or, with force, only untags)
 *   and prune keeps the image and its layers. Call it once when the manager starts. func runs
 *   on conmand's main thread with the store's lock held: it must not call into the store.
 *
 * All functions are thread-safe (pulls run in worker threads); they return 0 or -errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/macro.h"
#include "image/digest.h"
#include "image/manifest.h"

#define IMAGE_ID_LENGTH 64

typedef struct ImageStore ImageStore;

typedef struct ImageRecord {
        char id[IMAGE_ID_LENGTH + 1];
        char *manifest_digest; /* "sha256:..." of the manifest it came with, or NULL */
        char **repo_tags;      /* "docker.io/library/busybox:latest", ... (may be empty) */
        char **repo_digests;   /* "docker.io/library/busybox@sha256:..." */
        char **diff_ids;       /* bottom layer first */
        uint64_t size;         /* bytes of all layers, uncompressed */
        uint64_t created_usec; /* from the image config */
        uint64_t added_usec;   /* when it entered the store */
        Platform platform;     /* from the image config (authoritative); os "" when it names none */
} ImageRecord;

typedef struct ResolvedImage {
        char *id;
        char *reference;   /* the first tag, or NULL */
        char **layer_dirs; /* NULL-terminated absolute paths, bottom layer first */
        size_t n_layers;
        ImageConfig *config;
} ResolvedImage;

typedef bool (*ImageInUseFunc)(const char *image_id, void *userdata);

int image_store_open(const char *state_dir, ImageStore **ret);
ImageStore *image_store_free(ImageStore *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageStore *, image_store_free);
const char *image_store_path(const ImageStore *s);
void image_store_set_in_use_func(ImageStore *s, ImageInUseFunc func, void *userdata);

/* --- for containers --- */
int image_store_resolve(ImageStore *s, const char *ref, ResolvedImage **ret);
ResolvedImage *resolved_image_free(ResolvedImage *i);
DEFINE_TRIVIAL_CLEANUP_FUNC(ResolvedImage *, resolved_image_free);

/* --- queries (copies, owned by the caller) --- */
int image_store_find(ImageStore *s, const char *ref, ImageRecord **ret);
int image_store_list(ImageStore *s, ImageRecord ***ret, size_t *ret_n);
/* The image config blob of an image, as JSON text. */
int image_store_read_config(ImageStore *s, const char *id, char **ret, size_t *ret_size);
ImageRecord *image_record_free(ImageRecord *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageRecord *, image_record_free);
void image_record_list_free(ImageRecord **l, size_t n);
/* The record as JSON (for inspect), with the config embedded when given. */
int image_record_to_json(const ImageRecord *r, const char *config, size_t config_size,
                         struct json_object **ret);

/* A blob (manifest, config) as stored. */
bool image_store_has_blob(ImageStore *s, const char *digest);
int image_store_read_blob(ImageStore *s, const char *digest, size_t max_size, char **ret, size_t *ret_size);
/* The kept compressed blob of a layer, read-only; -ENOENT when the layer was stored from another blob
 * (the same tree compressed otherwise) or before blobs were kept. */
int image_store_open_layer_blob(ImageStore *s, const char *diff_id, const char *blob_digest, int *ret_fd,
                                uint64_t *ret_size);
/* The kept blob of a layer whatever its digest (save: its digest tells the compression). */
int image_store_open_layer_kept_blob(ImageStore *s, const char *diff_id,
                                     char ret_digest[static DIGEST_STRING_MAX], int *ret_fd,
                                     uint64_t *ret_size);

/* --- names --- */
/* Adds the tag target (a reference, normalized here) to the image source names, taking it from any
 * other image (docker tag). -ENOENT no such image, -EINVAL bad target (a digest is no tag). */
int image_store_tag(ImageStore *s, const char *source, const char *target, char **ret_tag);
/* Removes one tag; the image stays, untagged when it was its last (docker's untag). -ENOENT when no image
 * has that tag. */
int image_store_untag(ImageStore *s, const char *tag, char **ret_tag);
/* Records a repo digest ("domain/path@sha256:...") for the image id, after a push. */
int image_store_add_repo_digest(ImageStore *s, const char *id, const char *repo_digest);

/* --- writing (pull, import) --- */
/* Marks a writer busy (pull/import): layer removal waits for prune while any is. */
void image_store_writer_begin(ImageStore *s);
void image_store_writer_end(ImageStore *s);
/* A fresh directory below tmp/ (fd and name relative to tmp/); removed by the caller or at next open. */
int image_store_make_tmp(ImageStore *s, char **ret_name, int *ret_fd);
int image_store_tmp_fd(const ImageStore *s);
bool image_store_has_layer(ImageStore *s, const char *diff_id);
/* The unpacked size of a stored layer (its layer.json); -ENOENT when it is not there. */
int image_store_layer_size(ImageStore *s, const char *diff_id, uint64_t *ret);
/* Stores a blob after checking its digest. */
int image_store_put_blob(ImageStore *s, const char *digest, const void *data, size_t size);
/* Unpacks a layer blob (read from fd) into the store, checking the blob digest when given and the
 * diff_id always. error (may be NULL) receives a human explanation of a refusal. */
int image_store_add_layer(ImageStore *s, int blob_fd, LayerCompression compression, const char *blob_digest,
                          const char *diff_id, char *error, size_t error_size);
/* The caps on one layer's unpacked size and entries (LAYER_LIMITS_DEFAULT unless set). */
const LayerLimits *image_store_layer_limits(const ImageStore *s);
void image_store_set_layer_limits(ImageStore *s, const LayerLimits *limits);
/* Records an image whose layers are all present. tag (a normalized reference "domain/path:tag", or
 * "domain/path@sha256:..." for a pull by digest: a repo digest only) and manifest_digest may be NULL. The
 * config blob must have been stored. ret_id gets the image id. */
int image_store_commit(ImageStore *s, const char *config_digest, const char *manifest_digest, const char *tag,
                       char ret_id[static IMAGE_ID_LENGTH + 1]);

/* --- removal --- */
/* Removes tag or image: a tag of an image with several tags is only untagged; an image in use is
 * refused with -EBUSY, or with force untagged only. Lists what was untagged and deleted. */
int image_store_remove(ImageStore *s, const char *ref, bool force, char ***ret_untagged, char ***ret_deleted);
/* Removes untagged images not in use, then layers no image refers to. -EBUSY while a pull runs. */
int image_store_prune(ImageStore *s, char ***ret_deleted, uint64_t *ret_reclaimed);
