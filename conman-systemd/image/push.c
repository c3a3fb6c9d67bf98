/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * push.c — store → registry (see push.h).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/push.h"
#include "image/registries.h"

typedef struct Push {
        ImageStore *store;
        RegistryClient *client;
        Reference *dest;
        ImageRecord *image;
        PullProgress *progress;
        size_t current;
        PushResult *result;
        uint64_t chunk_size;          /* blobs larger than this go in PATCH chunks of it; 0: all monolithic */
        LayerCompression compression; /* asked for, or DETECT: as stored */
        PushSource source;            /* what goes: the stored manifest, or one made for this push */
        char **error;
} Push;

/* $CONMAN_PUSH_CHUNK_SIZE ("16M", "0" for monolithic uploads only), else PUSH_CHUNK_SIZE_DEFAULT. */
static uint64_t push_chunk_size(void) {
        const char *e = getenv(PUSH_CHUNK_SIZE_ENV);
        uint64_t v;

        if (isempty(e) || parse_size(e, &v) < 0)
                return PUSH_CHUNK_SIZE_DEFAULT;
        return v;
}

void push_result_done(PushResult *r) {
        free(r->destination);
        r->destination = NULL;
}

#define push_fail(x, r, ...) error_setf((x)->error, (r), __VA_ARGS__)

static int push_fail_registry(Push *p, int r, const char *what) {
        const char *e = registry_client_error(p->client);
        return push_fail(p, r, "%s: %s", what, e[0] ? e : strerror(-r));
}

static int progress_set_blobs(Push *p, const PushPlan *plan) {
        PullLayerProgress *l;

        if (!p->progress)
                return 0;
        l = calloc(MAX(plan->n_blobs, 1U), sizeof(PullLayerProgress));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_blobs; i++) {
                strcpy(l[i].digest, plan->blobs[i].digest);
                l[i].total = plan->blobs[i].size;
        }
        pthread_mutex_lock(&p->progress->lock);
        free(p->progress->layers);
        p->progress->layers = l;
        p->progress->n_layers = plan->n_blobs;
        p->progress->generation++;
        pthread_mutex_unlock(&p->progress->lock);
        return 0;
}

static void progress_update(Push *p, size_t i, uint64_t done) {
        if (!p->progress)
                return;
        pthread_mutex_lock(&p->progress->lock);
        if (i < p->progress->n_layers) {
                p->progress->layers[i].done = done;
                p->progress->generation++;
        }
        pthread_mutex_unlock(&p->progress->lock);
}

static void on_upload_progress(uint64_t done, void *userdata) {
        Push *p = userdata;
        progress_update(p, p->current, done);
}

/* The blob's bytes: the config from blobs/, a layer's kept blob. */
static int blob_open(Push *p, const PushBlob *b, int *ret_fd) {
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint64_t size;
        size_t n;
        int r;

        r = push_source_open_blob(&p->source, b->digest, ret_fd);
        if (r != 0)
                return r < 0 ? push_fail(p, r, "cannot open blob %s: %s", b->digest, strerror(-r)) : 0;
        if (b->diff_id) {
                r = image_store_open_layer_blob(p->store, b->diff_id, b->digest, ret_fd, &size);
                if (r == -ENOENT)
                        return push_fail(p, -EPROTONOSUPPORT,
                                         "the store has layer %s unpacked but not its blob %s (it came with "
                                         "another compression, or before blobs were kept): pull the image "
                                         "again to push it",
                                         b->diff_id, b->digest);
                if (r >= 0 && size != b->size)
                        r = push_fail(p, -EBADMSG,
                                      "kept blob %s has %" PRIu64 " bytes, the manifest says %" PRIu64,
                                      b->digest, size, b->size);
                return r < 0 ? push_fail(p, r, "cannot open blob %s: %s", b->digest, strerror(-r)) : 0;
        }
        r = image_store_read_blob(p->store, b->digest, CONFIG_MAX_SIZE, &data, &n);
        if (r < 0)
                return push_fail(p, r, "cannot read config %s: %s", b->digest, strerror(-r));
        fd = memfd_create("config", MFD_CLOEXEC);
        if (fd < 0 || (r = write_all(fd, data, n)) < 0)
                return push_fail(p, fd < 0 ? negative_errno() : r, "cannot stage config: %m");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int push_blob(Push *p, const PushBlob *b) {
        _cleanup_free_ char *location = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = registry_blob_exists(p->client, b->digest);
        if (r < 0)
                return push_fail_registry(p, r, "cannot check blob");
        if (r > 0) {
                p->result->skipped++;
                return 0;
        }
        if (b->mount_from) {
                r = registry_mount_blob(p->client, b->digest, b->mount_from, &location);
                if (r < 0)
                        return push_fail_registry(p, r, "cannot mount blob");
                if (r > 0) {
                        log_debug("Mounted %s from %s.", b->digest, b->mount_from);
                        p->result->mounted++;
                        return 0;
                }
        }
        r = blob_open(p, b, &fd);
        if (r < 0)
                return r;
        r = registry_upload_blob(p->client, b->digest, fd, b->size, location, p->chunk_size,
                                 on_upload_progress, p);
        if (r < 0)
                return push_fail_registry(p, r, "cannot upload blob");
        p->result->uploaded++;
        return 0;
}

static int push_blobs(Push *p, const PushPlan *plan) {
        int r;

        r = progress_set_blobs(p, plan);
        for (size_t i = 0; r >= 0 && i < plan->n_blobs; i++) {
                p->current = i;
                r = push_blob(p, &plan->blobs[i]);
                if (r >= 0)
                        progress_update(p, i, plan->blobs[i].size);
        }
        return r;
}

/* The manifest to send: the one the image came with from the repository it was named by ("pull
 * registry/a:v2s2" after "pull registry/a:oci" of the same image keeps both), else its first. */
static const char *push_manifest_digest(Push *p, const char *image) {
        _cleanup_reference_ Reference *ref = NULL;
        _cleanup_free_ char *repo = NULL;
        size_t n;

        if (reference_parse(image, &ref) < 0 || reference_repository(ref, &repo) < 0)
                return p->image->manifest_digest;
        n = strlen(repo);
        for (char **d = p->image->repo_digests; d && *d; d++)
                if (strneq(*d, repo, n) && (*d)[n] == '@' && digest_is_valid(*d + n + 1) &&
                    image_store_has_blob(p->store, *d + n + 1))
                        return *d + n + 1;
        return p->image->manifest_digest;
}

/* The stored manifest digest, read and parsed into p->source (no fds: its blobs are the kept ones). */
static int push_load_stored(Push *p, const char *digest) {
        PushSource *src = &p->source;
        int r;

        r = image_store_read_blob(p->store, digest, MANIFEST_MAX_SIZE, &src->manifest, &src->manifest_size);
        if (r < 0)
                return push_fail(p, r, "cannot read manifest %s: %s", digest, strerror(-r));
        r = manifest_parse(src->manifest, src->manifest_size, NULL, &src->m);
        if (r < 0) /* an OCI manifest may leave out its mediaType */
                r = manifest_parse(src->manifest, src->manifest_size, MEDIA_TYPE_OCI_MANIFEST, &src->m);
        if (r < 0)
                return push_fail(p, r, "stored manifest %s is unusable", digest);
        strcpy(src->digest, digest);
        return 0;
}

static int push_load_config(Push *p, ImageConfig **ret) {
        _cleanup_free_ char *config = NULL;
        size_t size;
        int r;

        r = image_store_read_config(p->store, p->image->id, &config, &size);
        if (r >= 0)
                r = image_config_parse(config, size, ret);
        return r < 0 ? push_fail(p, r, "cannot read the image config: %s", strerror(-r)) : 0;
}

/* Whether layer diff_id's kept blob is the one d names (not the same tree compressed otherwise). */
static bool layer_blob_kept(Push *p, const char *diff_id, const Descriptor *d) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t size;

        return image_store_open_layer_blob(p->store, diff_id, d->digest, &fd, &size) >= 0;
}

/* Whether the stored manifest may go as it is: every layer in the compression asked for, if any, and its
 * blob kept in the store. */
static bool stored_manifest_fits(Push *p, const Manifest *m, char *const *diff_ids) {
        bool recompress =
                p->compression == LAYER_COMPRESSION_GZIP || p->compression == LAYER_COMPRESSION_ZSTD;

        if (strv_length(diff_ids) != m->n_layers)
                return true; /* the plan says what is wrong */
        for (size_t i = 0; i < m->n_layers; i++) {
                if (recompress &&
                    layer_compression_from_media_type(m->layers[i].media_type) != p->compression)
                        return false;
                if (!layer_blob_kept(p, diff_ids[i], &m->layers[i]))
                        return false;
        }
        return true;
}

/* A manifest made for this push (push-source.c), into p->source. */
static int push_make_source(Push *p, char *const *diff_ids) {
        const char *layer = NULL;
        int r;

        r = push_source_make(p->store, p->image->id, diff_ids, p->compression, &p->source, &layer);
        if (r == -ENOENT && layer)
                return push_fail(p, -EPROTONOSUPPORT,
                                 "the store has layer %s unpacked but not its blob (it came before blobs "
                                 "were kept): pull or load the image again to push it",
                                 layer);
        if (r < 0 && layer)
                return push_fail(p, r, "cannot prepare layer %s: %s", layer, strerror(-r));
        if (r < 0)
                return push_fail(p, r, "cannot make a manifest for %.12s: %s", p->image->id, strerror(-r));
        return 0;
}

/* What to send, into p->source: the stored manifest when there is one that fits, else one made here. */
static int push_load(Push *p, const char *image, const ImageConfig *c) {
        const char *digest = push_manifest_digest(p, image);
        int r;

        if (digest) {
                r = push_load_stored(p, digest);
                if (r < 0 || stored_manifest_fits(p, p->source.m, c->diff_ids))
                        return r;
                push_source_done(&p->source);
        }
        return push_make_source(p, c->diff_ids);
}

static int push_run(Push *p, const char *image) {
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        _cleanup_(push_plan_freep) PushPlan *plan = NULL;
        _cleanup_free_ char *repo_digest = NULL;
        const PushSource *src = &p->source;
        int r;

        r = push_load_config(p, &c);
        if (r >= 0)
                r = push_load(p, image, c);
        if (r < 0)
                return r;
        strcpy(p->result->digest, src->digest);
        r = push_plan_make(src->m, c->diff_ids, p->image->repo_digests, p->dest, &plan);
        if (r < 0)
                return push_fail(p, r, "manifest and config of %.12s disagree", p->image->id);
        r = push_blobs(p, plan);
        if (r < 0)
                return r;
        r = registry_put_manifest(p->client, p->dest->tag, src->manifest, src->manifest_size,
                                  manifest_kind_to_media_type(src->m->kind));
        if (r < 0)
                return push_fail_registry(p, r, "cannot upload the manifest");
        if (asprintf(&repo_digest, "%s/%s@%s", p->dest->domain, p->dest->path, p->result->digest) < 0)
                return -ENOMEM;
        return image_store_add_repo_digest(p->store, p->image->id, repo_digest);
}

/* The registry itself as registries.d describes it (insecure = true turns TLS checks off); pushes never go
 * to a mirror. */
static int push_endpoint(const Reference *dest, const RegistryOptions *opts, RegistryOptions *ret) {
        _cleanup_(registries_config_freep) RegistriesConfig *config = NULL;
        int r;

        *ret = *opts;
        r = registries_load_dir(registries_dir(), &config);
        if (r < 0)
                return r;
        for (size_t i = 0; i < config->n_entries; i++)
                if (streq(config->entries[i].domain, dest->domain) && config->entries[i].insecure)
                        ret->tls_verify = false;
        return 0;
}

static int push_destination(Push *p, const char *image, const char *destination) {
        const char *id = string_has_prefix(image, DIGEST_PREFIX) ? image + strlen(DIGEST_PREFIX) : image;
        int r;

        if (!destination && strlen(id) >= 4 && string_has_prefix(p->image->id, id))
                return push_fail(p, -EINVAL, "image %s is given by id: name a DESTINATION to push it to",
                                 image);
        r = reference_parse(destination ?: image, &p->dest);
        if (r < 0)
                return push_fail(p, -EINVAL, "\"%s\" is not a valid image reference", destination ?: image);
        if (!p->dest->tag)
                return push_fail(p, -EINVAL, "push to a tag, not a digest: %s", destination ?: image);
        p->result->destination = NULL;
        return reference_to_string(p->dest, &p->result->destination);
}

int image_push(ImageStore *s, const char *image, const char *destination, const RegistryOptions *opts,
               LayerCompression compression, PullProgress *progress, PushResult *ret, char **ret_error) {
        _cleanup_(registry_client_freep) RegistryClient *client = NULL;
        _cleanup_reference_ Reference *dest = NULL;
        _cleanup_(image_record_freep) ImageRecord *rec = NULL;
        Push p = { .store = s,
                   .progress = progress,
                   .result = ret,
                   .error = ret_error,
                   .chunk_size = push_chunk_size(),
                   .compression = compression };
        RegistryOptions o;
        int r;

        *ret = (PushResult){};
        if (ret_error)
                *ret_error = NULL;
        r = image_store_find(s, image, &rec);
        if (r < 0)
                return push_fail(&p, r, "image %s: %s", image,
                                 r == -ENOENT ? "not in the store" : strerror(-r));
        p.image = rec;
        r = push_destination(&p, image, destination);
        dest = p.dest;
        if (r < 0)
                return r;
        r = push_endpoint(dest, opts, &o);
        if (r >= 0)
                r = registry_client_new(dest, NULL, &o, &client);
        if (r < 0)
                return push_fail(&p, r, "cannot set up a registry client: %s", strerror(-r));
        p.client = client;
        r = push_run(&p, image);
        push_source_done(&p.source);
        return r;
}
