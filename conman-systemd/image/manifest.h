/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manifest.h — what registries and image layouts describe images with:
 * OCI image indexes and Docker manifest lists (one manifest per platform), OCI
 * and Docker schema2 image manifests (a config blob and ordered layer blobs), and
 * the image config (rootfs diff_ids and the process defaults). All input is
 * untrusted: every field is type-checked, every digest validated.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/health.h"
#include "shared/macro.h"
#include "shared/platform.h"
#include "image/digest.h"
#include "image/layer.h"

#define MEDIA_TYPE_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MEDIA_TYPE_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define MEDIA_TYPE_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_TYPE_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define MANIFEST_MAX_SIZE          (4U * 1024U * 1024U)
#define CONFIG_MAX_SIZE            (8U * 1024U * 1024U)

typedef enum ManifestKind {
        MANIFEST_OCI_INDEX,
        MANIFEST_DOCKER_LIST,
        MANIFEST_OCI,
        MANIFEST_DOCKER_V2S2,
        _MANIFEST_KIND_MAX,
        _MANIFEST_KIND_INVALID = -EINVAL,
} ManifestKind;

typedef struct Descriptor {
        char *media_type;
        char digest[DIGEST_STRING_MAX];
        uint64_t size;
} Descriptor;

typedef struct Manifest {
        ManifestKind kind;
        Descriptor config;
        Descriptor *layers;
        size_t n_layers;
} Manifest;

typedef struct ImageConfig {
        char *architecture, *os, *variant; /* as the config gives them (unchecked), or NULL */
        uint64_t created_usec;
        char **diff_ids; /* NULL-terminated, bottom layer first */
        size_t n_diff_ids;
        char **entrypoint, **cmd, **env; /* NULL when unset */
        char *working_dir, *user, *stop_signal;
        char **exposed_ports; /* "80/tcp", ... */
        char **labels;        /* "KEY=VALUE", ... */
        char **volumes;    /* config.Volumes: container paths that get anonymous volumes (docs/volumes.md) */
        HealthSpec health; /* its Healthcheck (shared/health.h); none when unset or bad */
} ImageConfig;

const char *manifest_kind_to_media_type(ManifestKind k);
/* Media type (parameters such as "; charset=utf-8" ignored) → kind. */
ManifestKind manifest_kind_from_media_type(const char *t);
bool manifest_kind_is_index(ManifestKind k);

/* Which kind a document is: its "mediaType" field, else the given content type. */
int manifest_detect_kind(const char *body, size_t size, const char *content_type, ManifestKind *ret);

/* An image manifest (not an index). -EPROTONOSUPPORT for schema1. Layers of any media type are
 * accepted here; manifest_unsupported_layer() names the first one conman cannot unpack. */
int manifest_parse(const char *body, size_t size, const char *content_type, Manifest **ret);
const Descriptor *manifest_unsupported_layer(const Manifest *m);
Manifest *manifest_free(Manifest *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manifest *, manifest_free);

LayerCompression layer_compression_from_media_type(const char *t);
/* The OCI layer media type of a compression (NONE, GZIP, ZSTD), NULL for others. */
const char *layer_compression_to_oci_media_type(LayerCompression c);
/* The media types above, for messages: "tar, tar+gzip, tar+zstd (OCI), tar.gzip, tar (docker)". */
#define LAYER_MEDIA_TYPES_SUPPORTED "OCI tar, tar+gzip and tar+zstd layers and Docker tar.gzip and tar layers"

/* Picks the manifest for a platform from an index (an exact variant before none); -ENOENT when none
 * fits. */
int index_select_platform(const char *body, size_t size, const Platform *want, Descriptor *ret);
/* The platforms an index has, for messages: "linux/amd64, linux/arm64/v8" ("none" when it names none). */
int index_list_platforms(const char *body, size_t size, char **ret);
void descriptor_done(Descriptor *d);
/* {"mediaType", "digest", "size"} with the digest validated. */
struct json_object;
int descriptor_from_json(struct json_object *o, Descriptor *ret);

int image_config_parse(const char *body, size_t size, ImageConfig **ret);
ImageConfig *image_config_free(ImageConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageConfig *, image_config_free);

/* Parses exactly size bytes of JSON (no trailing garbage); NULL when malformed. */
struct json_object *json_parse_buffer(const char *body, size_t size);

/* RFC 3339 ("2024-05-01T10:00:00.123456789Z", offsets allowed) → usec since the epoch. */
int parse_rfc3339(const char *s, uint64_t *ret);
