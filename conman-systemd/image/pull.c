/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pull.c — registry → store (see pull.h).
 */
#include <fcntl.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registries.h"

typedef struct Pull {
        ImageStore *store;
        RegistryClient *client;
        Reference *ref;
        PullProgress *progress;
        const Platform *platform; /* asked for, or NULL for the host's */
        size_t current;           /* layer being fetched, for the progress callback */
        char **error;
} Pull;

void pull_progress_init(PullProgress *p) {
        *p = (PullProgress){};
        pthread_mutex_init(&p->lock, NULL);
}

void pull_progress_done(PullProgress *p) {
        free(p->layers);
        p->layers = NULL;
        pthread_mutex_destroy(&p->lock);
}

int pull_progress_snapshot(PullProgress *p, PullLayerProgress **ret, size_t *ret_n,
                           unsigned *ret_generation) {
        PullLayerProgress *c;

        pthread_mutex_lock(&p->lock);
        c = calloc(MAX(p->n_layers, 1U), sizeof(PullLayerProgress));
        if (c) {
                if (p->n_layers > 0)
                        memcpy(c, p->layers, p->n_layers * sizeof(PullLayerProgress));
                *ret_n = p->n_layers;
                *ret_generation = p->generation;
        }
        pthread_mutex_unlock(&p->lock);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

static int progress_set_layers(Pull *p, const Manifest *m) {
        PullLayerProgress *l;

        if (!p->progress)
                return 0;
        l = calloc(MAX(m->n_layers, 1U), sizeof(PullLayerProgress));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_layers; i++) {
                strcpy(l[i].digest, m->layers[i].digest);
                l[i].total = m->layers[i].size;
        }
        pthread_mutex_lock(&p->progress->lock);
        free(p->progress->layers);
        p->progress->layers = l;
        p->progress->n_layers = m->n_layers;
        p->progress->generation++;
        pthread_mutex_unlock(&p->progress->lock);
        return 0;
}

static void progress_update(Pull *p, size_t i, uint64_t done) {
        if (!p->progress)
                return;
        pthread_mutex_lock(&p->progress->lock);
        if (i < p->progress->n_layers) {
                p->progress->layers[i].done = done;
                p->progress->generation++;
        }
        pthread_mutex_unlock(&p->progress->lock);
}

static void on_blob_progress(uint64_t done, void *userdata) {
        Pull *p = userdata;
        progress_update(p, p->current, done);
}

#define pull_fail(x, r, ...) error_setf((x)->error, (r), __VA_ARGS__)

static int pull_fail_registry(Pull *p, int r, const char *what) {
        const char *e = registry_client_error(p->client);
        return pull_fail(p, r, "%s: %s", what, e[0] ? e : strerror(-r));
}

/* The manifest of an index for the platform asked for (or the host's); an error names those it has. */
static int pull_select_platform(Pull *p, const char *body, size_t size, Descriptor *ret) {
        _cleanup_free_ char *have = NULL;
        char buf[PLATFORM_STRING_MAX];
        Platform host;
        int r;

        if (!p->platform)
                platform_get_host(&host);
        r = index_select_platform(body, size, p->platform ?: &host, ret);
        if (r == -ENOENT) {
                if (index_list_platforms(body, size, &have) < 0)
                        return -ENOMEM;
                return pull_fail(p, -ENOENT, "the image index has no manifest for %s (it has %s)",
                                 platform_to_string(p->platform ?: &host, buf), have);
        }
        if (r < 0)
                return pull_fail(p, -EBADMSG, "the image index is malformed");
        return 0;
}

/* Fetches the manifest for the reference; an index is resolved to the platform. */
static int pull_manifest(Pull *p, char **ret_body, size_t *ret_size,
                         char ret_top_digest[static DIGEST_STRING_MAX],
                         char ret_digest[static DIGEST_STRING_MAX], Manifest **ret) {
        _cleanup_free_ char *body = NULL, *type = NULL;
        const Descriptor *bad;
        Descriptor d = {};
        ManifestKind kind;
        size_t size;
        int r;

        r = registry_get_manifest(p->client, p->ref->digest ?: p->ref->tag, &body, &size, &type,
                                  ret_top_digest);
        if (r < 0)
                return pull_fail_registry(p, r, "cannot fetch manifest");
        strcpy(ret_digest, ret_top_digest);
        r = manifest_detect_kind(body, size, type, &kind);
        if (r < 0)
                return pull_fail(p, r,
                                 "unsupported manifest (%s); schema 1 and unknown formats are not pulled",
                                 strna(type));
        if (manifest_kind_is_index(kind)) {
                r = pull_select_platform(p, body, size, &d);
                if (r < 0)
                        return r;
                free(body);
                free(type);
                body = type = NULL;
                r = registry_get_manifest(p->client, d.digest, &body, &size, &type, ret_digest);
                descriptor_done(&d);
                if (r < 0)
                        return pull_fail_registry(p, r, "cannot fetch platform manifest");
        }
        r = manifest_parse(body, size, type, ret);
        if (r < 0)
                return pull_fail(p, r, "cannot use manifest %s: %s", ret_digest,
                                 r == -EPROTONOSUPPORT ? "unsupported manifest schema" : "malformed");
        bad = manifest_unsupported_layer(*ret);
        if (bad) {
                r = pull_fail(p, -EPROTONOSUPPORT,
                              "layer %s has media type '%s': only " LAYER_MEDIA_TYPES_SUPPORTED
                              " are supported",
                              bad->digest, strna(bad->media_type));
                *ret = manifest_free(*ret);
                return r;
        }
        *ret_body = TAKE_PTR(body);
        *ret_size = size;
        return 0;
}

/* With a platform asked for, the config (authoritative) must name it, as docker checks. */
static int pull_check_platform(Pull *p, const ImageConfig *c) {
        char want[PLATFORM_STRING_MAX], have[PLATFORM_STRING_MAX];
        Platform actual;

        if (!p->platform)
                return 0;
        if (platform_from_fields(c->os, c->architecture, c->variant, &actual) < 0)
                return pull_fail(p, -ENOENT,
                                 "the image was found but its config names no valid platform "
                                 "(wanted %s)",
                                 platform_to_string(p->platform, want));
        if (platform_match_score(p->platform, &actual) > 0)
                return 0;
        return pull_fail(p, -ENOENT,
                         "the image was found but does not match the specified platform: wanted %s, "
                         "actual: %s",
                         platform_to_string(p->platform, want), platform_to_string(&actual, have));
}

static int pull_config(Pull *p, const Manifest *m, char **ret_blob, ImageConfig **ret) {
        _cleanup_free_ char *blob = NULL;
        int r;

        r = registry_get_blob_buffer(p->client, m->config.digest, m->config.size, &blob);
        if (r < 0)
                return pull_fail_registry(p, r, "cannot fetch image config");
        r = image_config_parse(blob, m->config.size, ret);
        if (r < 0)
                return pull_fail(p, r, "image config %s is malformed", m->config.digest);
        r = pull_check_platform(p, *ret);
        if (r < 0) {
                *ret = image_config_free(*ret);
                return r;
        }
        if ((*ret)->n_diff_ids != m->n_layers) {
                size_t n = (*ret)->n_diff_ids;
                *ret = image_config_free(*ret);
                return pull_fail(p, -EBADMSG, "manifest lists %zu layers but the config %zu", m->n_layers, n);
        }
        *ret_blob = TAKE_PTR(blob);
        return 0;
}

/* Downloads one layer blob into a scratch file below the store's tmp/ and unpacks it from there. */
static int pull_layer(Pull *p, const Descriptor *d, const char *diff_id) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF;
        char error[512] = "";
        int r;

        r = image_store_make_tmp(p->store, &tmp, &dir_fd);
        if (r < 0)
                return pull_fail(p, r, "cannot create a scratch directory: %s", strerror(-r));
        fd = openat(dir_fd, "blob", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                r = pull_fail(p, negative_errno(), "cannot create a scratch file: %m");
                goto finish;
        }
        r = registry_get_blob(p->client, d->digest, d->size, fd, on_blob_progress, p);
        if (r < 0) {
                r = pull_fail_registry(p, r, "cannot fetch layer");
                goto finish;
        }
        if (lseek(fd, 0, SEEK_SET) < 0) {
                r = negative_errno();
                goto finish;
        }
        r = image_store_add_layer(p->store, fd, layer_compression_from_media_type(d->media_type), d->digest,
                                  diff_id, error, sizeof(error));
        if (r < 0)
                r = pull_fail(p, r, "layer %s refused: %s", d->digest, error[0] ? error : strerror(-r));
finish:
        (void) rm_rf_at(image_store_tmp_fd(p->store), tmp);
        return r;
}

static int pull_layers(Pull *p, const Manifest *m, const ImageConfig *c) {
        int r;

        r = progress_set_layers(p, m);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_layers; i++) {
                p->current = i;
                if (image_store_has_layer(p->store, c->diff_ids[i])) {
                        log_debug("Layer %s is already in the store.", c->diff_ids[i]);
                        progress_update(p, i, m->layers[i].size);
                        continue;
                }
                r = pull_layer(p, &m->layers[i], c->diff_ids[i]);
                if (r < 0)
                        return r;
                progress_update(p, i, m->layers[i].size);
        }
        return 0;
}

static int pull_commit(Pull *p, const Manifest *m, const char *config, const char *manifest,
                       size_t manifest_size, const char *manifest_digest,
                       char ret_id[static IMAGE_ID_LENGTH + 1]) {
        _cleanup_free_ char *tag = NULL;
        int r;

        r = image_store_put_blob(p->store, m->config.digest, config, m->config.size);
        if (r >= 0)
                r = image_store_put_blob(p->store, manifest_digest, manifest, manifest_size);
        if (r < 0)
                return pull_fail(p, r, "cannot store manifest and config: %s", strerror(-r));
        /* a pull by digest names the image by that digest ("domain/path@sha256:..."), as a repo digest */
        if (reference_to_string(p->ref, &tag) < 0)
                return -ENOMEM;
        r = image_store_commit(p->store, m->config.digest, manifest_digest, tag, ret_id);
        if (r < 0)
                return pull_fail(p, r, "cannot record the image: %s", strerror(-r));
        return 0;
}

static int pull_run(Pull *p, char ret_id[static IMAGE_ID_LENGTH + 1]) {
        _cleanup_(manifest_freep) Manifest *m = NULL;
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        _cleanup_free_ char *manifest = NULL, *config = NULL;
        char top_digest[DIGEST_STRING_MAX], digest[DIGEST_STRING_MAX];
        size_t manifest_size = 0;
        int r;

        r = pull_manifest(p, &manifest, &manifest_size, top_digest, digest, &m);
        if (r < 0)
                return r;
        r = pull_config(p, m, &config, &c);
        if (r < 0)
                return r;
        r = pull_layers(p, m, c);
        if (r < 0)
                return r;
        return pull_commit(p, m, config, manifest, manifest_size, digest, ret_id);
}

/* Whether a failure at one endpoint lets the next one be tried: not when the pull was cancelled or the
 * host itself is short of something. */
static bool pull_error_is_final(int r) {
        return r == -ECANCELED || r == -ENOMEM || r == -ENOSPC || r == -EDQUOT || r == -EROFS;
}

static const char *endpoint_name(const RegistryEndpoint *e, const Reference *ref) {
        return e->url ?: ref->domain;
}

/* Pulls from one endpoint; *ret_error says what went wrong there. */
static int pull_from(Pull *p, const RegistryEndpoint *e, const RegistryOptions *opts,
                     char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error) {
        _cleanup_(registry_client_freep) RegistryClient *client = NULL;
        int r;

        *ret_error = NULL;
        p->error = ret_error;
        r = registry_client_new(p->ref, e, opts, &client);
        if (r < 0)
                return pull_fail(p, r, "cannot set up a registry client: %s", strerror(-r));
        if (e->host)
                log_debug("Pulling %s/%s from the mirror %s.", p->ref->domain, p->ref->path, e->url);
        p->client = client;
        r = pull_run(p, ret_id);
        p->client = NULL;
        return r;
}

/* "mirror URL: message; registry: message" */
static int pull_add_error(char **all, const char *where, const char *message, bool several) {
        char *joined;

        if (!several)
                return free_and_strdup(all, message);
        if (asprintf(&joined, "%s%s%s: %s", strempty(*all), *all ? "; " : "", where, strna(message)) < 0)
                return -ENOMEM;
        free(*all);
        *all = joined;
        return 0;
}

static int pull_endpoints(Pull *p, const RegistryOptions *opts, char ret_id[static IMAGE_ID_LENGTH + 1],
                          char **ret_error) {
        _cleanup_(registries_config_freep) RegistriesConfig *config = NULL;
        _cleanup_free_ RegistryEndpoint *endpoints = NULL;
        _cleanup_free_ char *all = NULL;
        size_t n = 0;
        int r;

        r = registries_load_dir(registries_dir(), &config);
        if (r >= 0)
                r = registries_endpoints(config, p->ref->domain, opts->tls_verify, &endpoints, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *error = NULL;

                r = pull_from(p, &endpoints[i], opts, ret_id, &error);
                if (r >= 0)
                        return r;
                if (pull_add_error(&all, endpoint_name(&endpoints[i], p->ref), error, n > 1) < 0)
                        return -ENOMEM;
                if (pull_error_is_final(r))
                        break;
        }
        if (ret_error)
                *ret_error = TAKE_PTR(all);
        return r;
}

int image_pull(ImageStore *s, const char *ref, const RegistryOptions *opts, const Platform *platform,
               PullProgress *progress, char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error) {
        _cleanup_reference_ Reference *parsed = NULL;
        Pull p = { .store = s, .progress = progress, .platform = platform, .error = ret_error };
        int r;

        if (ret_error)
                *ret_error = NULL;
        r = reference_parse(ref, &parsed);
        if (r < 0)
                return pull_fail(&p, r, "\"%s\" is not a valid image reference", ref);
        p.ref = parsed;
        image_store_writer_begin(s);
        r = pull_endpoints(&p, opts, ret_id, ret_error);
        image_store_writer_end(s);
        return r;
}
