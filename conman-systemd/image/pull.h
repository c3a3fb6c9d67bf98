/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pull.h — pulling one image from a registry into the store: resolve the tag (an
 * index picks the host's platform or the one asked for), fetch and verify manifest and config, fetch
 * and unpack the layers the store does not have yet, then record the image.
 * Synchronous; conmand runs it in a worker thread (image-dbus.c).
 */
#pragma once

#include <pthread.h>

#include "image/registry.h"
#include "image/store.h"

typedef struct PullLayerProgress {
        char digest[DIGEST_STRING_MAX]; /* blob digest */
        uint64_t done, total;           /* bytes; done == total for layers already present */
} PullLayerProgress;

/* Shared between the pulling thread (writer) and whoever shows progress (reader). */
typedef struct PullProgress {
        pthread_mutex_t lock;
        PullLayerProgress *layers;
        size_t n_layers;
        unsigned generation; /* bumped on every change */
} PullProgress;

void pull_progress_init(PullProgress *p);
void pull_progress_done(PullProgress *p);
/* A copy of the current state; *ret is owned by the caller. */
int pull_progress_snapshot(PullProgress *p, PullLayerProgress **ret, size_t *ret_n, unsigned *ret_generation);

/* Pulls ref for platform (NULL: the host's; when given, the image config must name it too, as docker
 * checks). ret_id receives the image id; *ret_error (may be NULL) a message for people on failure.
 * -EINVAL bad reference, -ENOENT unknown in the registry, -EACCES authentication failed,
 * -EBADMSG digest/size mismatch or refused layer, -EPROTONOSUPPORT unsupported format,
 * -ECANCELED cancelled, -EHOSTUNREACH/-ECONNREFUSED/-ETIMEDOUT/-EPROTO transport. */
int image_pull(ImageStore *s, const char *ref, const RegistryOptions *opts, const Platform *platform,
               PullProgress *progress, char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error);
