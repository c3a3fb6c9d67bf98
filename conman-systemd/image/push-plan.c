/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * push-plan.c — which blobs a push sends, in what order, and which it may mount (see push.h).
 */
#include "shared/util.h"
#include "image/push.h"

PushPlan *push_plan_free(PushPlan *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_blobs; i++) {
                free(p->blobs[i].diff_id);
                free(p->blobs[i].mount_from);
        }
        free(p->blobs);
        free(p);
        return NULL;
}

/* The path of the first repo digest that names digest's image in dest's registry, another repository. */
static int mount_source(char *const *repo_digests, const Reference *dest, char **ret) {
        *ret = NULL;
        for (char *const *d = repo_digests; d && *d; d++) {
                _cleanup_reference_ Reference *ref = NULL;

                if (reference_parse(*d, &ref) < 0)
                        continue;
                if (streq(ref->domain, dest->domain) && !streq(ref->path, dest->path))
                        return (*ret = strdup(ref->path)) ? 0 : -ENOMEM;
        }
        return 0;
}

static bool plan_has(const PushPlan *p, const char *digest) {
        for (size_t i = 0; i < p->n_blobs; i++)
                if (streq(p->blobs[i].digest, digest))
                        return true;
        return false;
}

static int plan_add(PushPlan *p, const Descriptor *d, const char *diff_id, const char *mount_from) {
        PushBlob *b;

        if (plan_has(p, d->digest))
                return 0;
        b = &p->blobs[p->n_blobs];
        *b = (PushBlob){ .size = d->size };
        strcpy(b->digest, d->digest);
        if ((diff_id && !(b->diff_id = strdup(diff_id))) ||
            (mount_from && !(b->mount_from = strdup(mount_from))))
                return free(b->diff_id), -ENOMEM;
        p->n_blobs++;
        return 0;
}

int push_plan_make(const Manifest *m, char *const *diff_ids, char *const *repo_digests, const Reference *dest,
                   PushPlan **ret) {
        _cleanup_(push_plan_freep) PushPlan *p = calloc(1, sizeof(*p));
        _cleanup_free_ char *from = NULL;
        int r;

        if (!p)
                return -ENOMEM;
        if (strv_length(diff_ids) != m->n_layers)
                return -EBADMSG;
        p->blobs = calloc(m->n_layers + 1, sizeof(PushBlob));
        if (!p->blobs)
                return -ENOMEM;
        r = mount_source(repo_digests, dest, &from);
        if (r >= 0)
                r = plan_add(p, &m->config, NULL, from);
        for (size_t i = 0; r >= 0 && i < m->n_layers; i++)
                r = plan_add(p, &m->layers[i], diff_ids[i], from);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}
