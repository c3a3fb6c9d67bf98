/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * push.h — pushing one image of the store to a registry (OCI distribution spec): the image's stored
 * manifest (OCI or Docker schema2, the very bytes it came with) and the blobs it names. Each blob is
 * checked with HEAD first and skipped when the registry has it; a blob of an image pulled from another
 * repository of the same registry is mounted from there (POST ?mount=&from=), else uploaded
 * monolithically (POST, then PUT ?digest=), or in PATCH chunks when large. The config goes first, then the
 * layers bottom up, and the manifest last: a push that fails leaves blobs but no manifest naming missing
 * ones.
 *
 * The plan (which blobs, in what order, mounted or uploaded) is pure and unit-tested
 * (tests/unit/image/test-image-push.c); image_push() runs it. Synchronous; conmand runs it in a worker
 * thread (image-job.c).
 */
#pragma once

#include "image/manifest.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registry.h"
#include "image/store.h"

/* Blobs larger than this are uploaded in PATCH chunks of this size; $CONMAN_PUSH_CHUNK_SIZE (in conmand's
 * environment: "16M", or 0 for monolithic uploads only) overrides it. */
#define PUSH_CHUNK_SIZE_DEFAULT (64ULL * 1024 * 1024)
#define PUSH_CHUNK_SIZE_ENV     "CONMAN_PUSH_CHUNK_SIZE"

typedef struct PushBlob {
        char digest[DIGEST_STRING_MAX];
        uint64_t size;
        char *diff_id;    /* the layer's, NULL for the config */
        char *mount_from; /* a repository of the destination registry that has it, or NULL */
} PushBlob;

typedef struct PushPlan {
        PushBlob *blobs; /* in upload order: config, then layers bottom first, no digest twice */
        size_t n_blobs;
} PushPlan;

/* The plan for pushing the image (manifest m, its config's diff_ids, the repo digests it is known by:
 * "domain/path@sha256:...") to dest. -EBADMSG when diff_ids and layers disagree. */
int push_plan_make(const Manifest *m, char *const *diff_ids, char *const *repo_digests, const Reference *dest,
                   PushPlan **ret);
PushPlan *push_plan_free(PushPlan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(PushPlan *, push_plan_free);

/* What a push sends: the stored manifest (fds NULL: the blobs are the kept ones), or (push-source.c) an OCI
 * manifest made for the stored config and a blob per layer (fds[i] for m->layers[i]: the kept blob, or one
 * compressed for the push). */
typedef struct PushSource {
        Manifest *m;
        int *fds;
        char *manifest; /* m as JSON, the bytes sent */
        size_t manifest_size;
        char digest[DIGEST_STRING_MAX];
} PushSource;

/* The OCI manifest for m (its config and layer descriptors), as JSON text. Pure: unit-tested. */
int push_manifest_format(const Manifest *m, char **ret);
/* The source for image_id with layers diff_ids, compressed with compression (GZIP or ZSTD), or as kept
 * (DETECT: a plain tar gets gzip). *ret_failed_layer names the layer a failure was about, else NULL. */
int push_source_make(ImageStore *s, const char *image_id, char *const *diff_ids, LayerCompression compression,
                     PushSource *ret, const char **ret_failed_layer);
void push_source_done(PushSource *src);
/* A new fd of the blob digest when the source made or opened it: 1, else 0. */
int push_source_open_blob(const PushSource *src, const char *digest, int *ret_fd);

/* What a push did, for people. */
typedef struct PushResult {
        char digest[DIGEST_STRING_MAX]; /* the manifest's */
        char *destination;              /* normalized "domain/path:tag" */
        unsigned uploaded, mounted, skipped;
} PushResult;

void push_result_done(PushResult *r);

/* Pushes image (a name, id or id prefix) to destination (NULL: the image's own name, then image must be a
 * name). compression: LAYER_COMPRESSION_GZIP or _ZSTD re-compresses layers stored otherwise (a new
 * manifest; the store is not changed), LAYER_COMPRESSION_DETECT sends them as stored. *ret_error (may be
 * NULL) gets a message for people on failure. -ENOENT no such image, -EINVAL bad reference, -EPROTONOSUPPORT
 * nothing to push from (no kept layer blob), -EACCES authentication failed, -EBADMSG the registry refused a
 * blob, -ECANCELED cancelled, transport errors as image_pull(). */
int image_push(ImageStore *s, const char *image, const char *destination, const RegistryOptions *opts,
               LayerCompression compression, PullProgress *progress, PushResult *ret, char **ret_error);
