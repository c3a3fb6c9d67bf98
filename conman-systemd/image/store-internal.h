/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store-internal.h — the ImageStore object, shared by store.c (directories, blobs,
 * layers) and store-image.c (image records, lookup, removal). Not for other modules.
 */
#pragma once

#include <pthread.h>

#include "image/store.h"

struct ImageStore {
        pthread_mutex_t lock; /* guards images[], n_writers and every metadata write */
        char *path;           /* STATE_DIR/images */
        int dir_fd, blobs_fd, layers_fd, images_fd, tmp_fd;

        ImageRecord **images;
        size_t n_images;
        unsigned n_writers;

        LayerLimits layer_limits;

        ImageInUseFunc in_use;
        void *in_use_userdata;
};

/* store-image.c */
int image_store_load_records(ImageStore *s);
bool image_store_layer_referenced_locked(ImageStore *s, const char *diff_hex);
int image_store_prune_images_locked(ImageStore *s, char ***deleted);
/* store.c */
int image_store_remove_unused_layers_locked(ImageStore *s, char ***deleted, uint64_t *reclaimed);
