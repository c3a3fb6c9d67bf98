/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry-tags.c — the tags of a repository: GET /v2/<name>/tags/list?n=<page>, following the Link
 * header's rel="next" page by page (see registry.h). The answer is untrusted: every tag is checked, the
 * next page must stay in the same repository of the same registry, and pages and tags are bounded.
 */
#include <json-c/json.h>

#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/registry-internal.h"

#define TAGS_PAGES_MAX 1000
#define TAGS_MAX       100000

/* The target of a Link header's rel="next": "<URL>; rel=\"next\"" → URL; NULL when there is none. */
static char *link_next_target(const char *link) {
        const char *lt = strchr(link, '<'), *gt = lt ? strchr(lt, '>') : NULL;

        if (!gt || (!strstr(gt, "rel=\"next\"") && !strstr(gt, "rel=next")))
                return NULL;
        return strndup(lt + 1, (size_t) (gt - lt - 1));
}

/* s after prefix, or NULL when s does not start with it. */
static const char *skip_prefix(const char *s, const char *prefix) {
        size_t n = strlen(prefix);
        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

int registry_tags_next_page(const char *link, const char *host, const char *path, char **ret_what) {
        _cleanup_free_ char *target = NULL, *prefix = NULL;
        const char *p;

        *ret_what = NULL;
        if (isempty(link))
                return 0;
        target = link_next_target(link);
        if (!target)
                return 0;
        p = skip_prefix(target, "https://") ?: skip_prefix(target, "http://");
        if (p) { /* absolute: the same registry only */
                p = skip_prefix(p, host);
                if (!p || *p != '/')
                        return -EBADMSG;
        } else
                p = target;
        if (asprintf(&prefix, "/v2/%s/", path) < 0)
                return -ENOMEM;
        p = skip_prefix(p, prefix);
        if (!p || !skip_prefix(p, "tags/list") || !strchr("?", p[strlen("tags/list")]))
                return -EBADMSG;
        for (const char *c = p; *c; c++)
                if (*c <= ' ' || *c >= 127 || *c == '#')
                        return -EBADMSG;
        *ret_what = strdup(p);
        return *ret_what ? 1 : -ENOMEM;
}

int registry_tags_parse(const char *body, size_t size, char ***tags) {
        _cleanup_json_ struct json_object *j = json_parse_buffer(body, size);
        struct json_object *list;

        if (!j || !json_object_is_type(j, json_type_object))
                return -EBADMSG;
        if (!json_object_object_get_ex(j, "tags", &list) || json_object_is_type(list, json_type_null))
                return 0; /* a repository without tags */
        if (!json_object_is_type(list, json_type_array))
                return -EBADMSG;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                const char *t = json_object_get_string(json_object_array_get_idx(list, i));

                if (!json_object_is_type(json_object_array_get_idx(list, i), json_type_string) ||
                    !reference_tag_is_valid(t))
                        return -EBADMSG;
                if (strv_length(*tags) >= TAGS_MAX)
                        return -E2BIG;
                if (!strv_contains(*tags, t) && strv_push(tags, t) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int tags_page(RegistryClient *c, const char *what, char ***tags, char **ret_next) {
        Exchange x = {
                .client = c, .fd = -EBADF, .max_size = MANIFEST_MAX_SIZE, .expected_size = UINT64_MAX
        };
        int r;

        r = registry_request(c, what, "application/json", NULL, &x);
        if (r >= 0) {
                r = registry_tags_parse(x.buf ?: "", x.buf_size, tags);
                if (r < 0)
                        r = client_fail(c, r == -ENOMEM ? r : -EBADMSG,
                                        "the tag list of %s/%s is malformed or too long", c->host, c->path);
        }
        if (r >= 0) {
                r = registry_tags_next_page(x.link, c->host, c->path, ret_next);
                if (r < 0)
                        r = client_fail(c, r, "the tag list of %s/%s links to another place: %.200s", c->host,
                                        c->path, x.link);
        }
        exchange_done(&x);
        return r;
}

int registry_list_tags(RegistryClient *c, unsigned page_size, char ***ret) {
        _cleanup_strv_free_ char **tags = calloc(1, sizeof(char *));
        _cleanup_free_ char *what = NULL;
        int r;

        if (!tags)
                return -ENOMEM;
        if (asprintf(&what, page_size > 0 ? "tags/list?n=%u" : "tags/list", page_size) < 0)
                return -ENOMEM;
        for (unsigned page = 0; what; page++) {
                _cleanup_free_ char *next = NULL;

                if (page >= TAGS_PAGES_MAX)
                        return client_fail(c, -E2BIG, "the tag list of %s/%s has more than %u pages", c->host,
                                           c->path, TAGS_PAGES_MAX);
                r = tags_page(c, what, &tags, &next);
                if (r < 0)
                        return r;
                free(what);
                what = TAKE_PTR(next);
        }
        *ret = TAKE_PTR(tags);
        return 0;
}
