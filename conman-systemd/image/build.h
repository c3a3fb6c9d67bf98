/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * build.h — new images made here rather than fetched: one tarball layer on top of a base image (commit) or
 * of nothing (docker's import of a root filesystem tarball). The layer is decompressed into the store's tmp/
 * to learn its diff_id, unpacked with the path-safe extractor (layer.c: no "..", no absolute paths, no
 * writing through links, size limits), and the image config is made from the base's (or an empty one)
 * with --change instructions (change.h), a history entry and the new diff_id.
 */
#pragma once

#include "image/store.h"

/* What a container ran with, which docker's commit keeps in the new image's config (owned strings). */
typedef struct ImageBuildRun {
        char **command;    /* the init's argv: the image's Entrypoint (unless replaced) then the rest */
        char **env;        /* the whole environment, KEY=VALUE */
        char *working_dir; /* NULL: the image's */
        char *user;        /* NULL: the image's */
        char **labels;     /* KEY=VALUE, over the image's */
} ImageBuildRun;

void image_build_run_done(ImageBuildRun *run);

typedef struct ImageBuild {
        const char *base_id;      /* the image to build on (its config and layers), NULL: from scratch */
        char *const *changes;     /* Dockerfile instructions (change.h), may be NULL */
        const char *comment;      /* history comment (--message), may be NULL */
        const char *author;       /* may be NULL */
        const char *created_by;   /* history created_by, e.g. "conmanctl import" */
        const ImageBuildRun *run; /* commit: the container's run-time config over the base's, may be NULL */
} ImageBuild;

/* The image config JSON for b with the new layer diff_id on top. base_config (may be NULL) is the base
 * image's config text; created_usec is the creation time. Pure: unit-tested. */
int image_build_config(const ImageBuild *b, const char *base_config, size_t base_size, const char *diff_id,
                       uint64_t created_usec, char **ret, char **ret_error);

/* Reads a tarball (plain, gzip or zstd; a file or a pipe, to its end) from layer_fd, stores it as a layer
 * and records the image b describes, named tag (may be NULL). */
int image_build(ImageStore *s, int layer_fd, const ImageBuild *b, const char *tag,
                char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error);
