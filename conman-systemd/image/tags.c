/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tags.c — the tags of a repository for `pull --all-tags` (see tags.h): the repository's registry
 * endpoints (mirrors first, registries.h) are asked in order, the first that answers wins.
 */

#include "image/tags.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "image/registries.h"

#define TAGS_PAGE_SIZE_ENV "CONMAN_TAGS_PAGE_SIZE"

/* $CONMAN_TAGS_PAGE_SIZE (tags a page), else 0: the registry's own paging. */
static unsigned tags_page_size(void) {
        const char *e = getenv(TAGS_PAGE_SIZE_ENV);
        unsigned long n;
        char *end;

        if (isempty(e))
                return 0;
        n = strtoul(e, &end, 10);
        return *end || n > 10000 ? 0 : (unsigned) n;
}

#define tags_fail(x, r, ...) error_setf((x), (r), __VA_ARGS__)

static int tags_from(const Reference *ref, const RegistryEndpoint *e, const RegistryOptions *opts,
                     char ***ret, char **ret_error) {
        _cleanup_(registry_client_freep) RegistryClient *client = NULL;
        int r;

        r = registry_client_new(ref, e, opts, &client);
        if (r < 0)
                return tags_fail(ret_error, r, "cannot set up a registry client: %s", strerror(-r));
        r = registry_list_tags(client, tags_page_size(), ret);
        if (r < 0)
                return tags_fail(ret_error, r, "cannot list the tags of %s/%s at %s: %s", ref->domain,
                                 ref->path, e->url ?: ref->domain,
                                 registry_client_error(client)[0] ? registry_client_error(client)
                                                                  : strerror(-r));
        return 0;
}

int image_list_tags(const char *repository, const RegistryOptions *opts, char ***ret, char **ret_error) {
        _cleanup_(registries_config_freep) RegistriesConfig *config = NULL;
        _cleanup_free_ RegistryEndpoint *endpoints = NULL;
        _cleanup_reference_ Reference *ref = NULL;
        size_t n = 0;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (reference_parse(repository, &ref) < 0)
                return tags_fail(ret_error, -EINVAL, "\"%s\" is not a valid repository name", repository);
        if (image_name_has_tag_or_digest(repository))
                return tags_fail(ret_error, -EINVAL, "\"%s\": a tag or digest can't be used with all tags",
                                 repository);
        r = registries_load_dir(registries_dir(), &config);
        if (r >= 0)
                r = registries_endpoints(config, ref->domain, opts->tls_verify, &endpoints, &n);
        if (r < 0)
                return tags_fail(ret_error, r, "cannot read the registries configuration: %s", strerror(-r));
        for (size_t i = 0; i < n; i++) {
                if (ret_error) { /* the last endpoint's reason is the one told */
                        free(*ret_error);
                        *ret_error = NULL;
                }
                r = tags_from(ref, &endpoints[i], opts, ret, ret_error);
                if (r >= 0 || r == -ECANCELED || r == -ENOMEM)
                        return r;
        }
        return r;
}
