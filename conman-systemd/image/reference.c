/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reference.c — parsing and normalizing image references (see reference.h).
 */
#include <ctype.h>

#include "shared/macro.h"
#include "image/digest.h"
#include "image/reference.h"

#define DEFAULT_DOMAIN  "docker.io"
#define NAME_MAX_LENGTH 255

Reference *reference_free(Reference *r) {
        if (!r)
                return NULL;
        free(r->domain);
        free(r->path);
        free(r->tag);
        free(r->digest);
        free(r);
        return NULL;
}

static bool is_alnum_lower(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_is_valid(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
                return false;
        while (i < n) {
                if (is_alnum_lower(s[i])) {
                        i++;
                        continue;
                }
                if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
                        i++;
                else if (s[i] == '_' && i + 2 < n && s[i + 1] == '_')
                        i += 2;
                else if (s[i] == '-')
                        while (i < n && s[i] == '-')
                                i++;
                else
                        return false;
                if (i >= n || !is_alnum_lower(s[i]))
                        return false;
        }
        return true;
}

static bool path_is_valid(const char *p) {
        for (;;) {
                const char *slash = strchr(p, '/');
                size_t n = slash ? (size_t) (slash - p) : strlen(p);
                if (!path_component_is_valid(p, n))
                        return false;
                if (!slash)
                        return true;
                p = slash + 1;
        }
}

/* host[:port], host labels of [a-zA-Z0-9-], or a bracketed IPv6 address. */
static bool domain_is_valid(const char *d) {
        const char *colon = NULL;
        size_t n;

        if (d[0] == '[') {
                const char *end = strchr(d, ']');
                if (!end || end == d + 1)
                        return false;
                for (const char *p = d + 1; p < end; p++)
                        if (!isxdigit((unsigned char) *p) && *p != ':' && *p != '.')
                                return false;
                colon = end[1] == ':' ? end + 1 : NULL;
                if (!colon && end[1])
                        return false;
        } else {
                colon = strchr(d, ':');
                n = colon ? (size_t) (colon - d) : strlen(d);
                if (n == 0 || d[0] == '-' || d[n - 1] == '-' || d[0] == '.' || d[n - 1] == '.')
                        return false;
                for (size_t i = 0; i < n; i++)
                        if (!isalnum((unsigned char) d[i]) && d[i] != '-' && d[i] != '.')
                                return false;
        }
        if (colon) {
                if (!colon[1] || strlen(colon + 1) > 5)
                        return false;
                for (const char *p = colon + 1; *p; p++)
                        if (!isdigit((unsigned char) *p))
                                return false;
        }
        return true;
}

bool reference_tag_is_valid(const char *tag) {
        size_t n = strlen(tag);

        if (n == 0 || n > 128)
                return false;
        if (!isalnum((unsigned char) tag[0]) && tag[0] != '_')
                return false;
        for (size_t i = 1; i < n; i++)
                if (!isalnum((unsigned char) tag[i]) && !strchr("_.-", tag[i]))
                        return false;
        return true;
}

static bool component_is_domain(const char *s, size_t n) {
        if (n == 9 && strneq(s, "localhost", 9))
                return true;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
                        return true;
        return false;
}

/* Splits "name[:tag]" in place; the tag is what follows the last ':' after the last '/'. */
static char *split_tag(char *name) {
        char *slash = strrchr(name, '/');
        char *colon = strrchr(slash ?: name, ':');

        if (!colon)
                return NULL;
        *colon = 0;
        return colon + 1;
}

static int reference_set_name(Reference *r, const char *name) {
        const char *slash = strchr(name, '/');

        if (slash && component_is_domain(name, (size_t) (slash - name))) {
                r->domain = strndup(name, (size_t) (slash - name));
                r->path = strdup(slash + 1);
        } else {
                r->domain = strdup(DEFAULT_DOMAIN);
                r->path = strdup(name);
        }
        if (!r->domain || !r->path)
                return -ENOMEM;
        if (streq(r->domain, "index.docker.io")) {
                free(r->domain);
                if (!(r->domain = strdup(DEFAULT_DOMAIN)))
                        return -ENOMEM;
        }
        if (!domain_is_valid(r->domain) || !path_is_valid(r->path))
                return -EINVAL;
        if (streq(r->domain, DEFAULT_DOMAIN) && !strchr(r->path, '/')) {
                char *p;
                if (asprintf(&p, "library/%s", r->path) < 0)
                        return -ENOMEM;
                free(r->path);
                r->path = p;
        }
        if (strlen(r->domain) + 1 + strlen(r->path) > NAME_MAX_LENGTH)
                return -EINVAL;
        return 0;
}

int reference_parse(const char *s, Reference **ret) {
        _cleanup_reference_ Reference *r = NULL;
        _cleanup_free_ char *copy = NULL;
        char *at, *tag;
        int k;

        if (isempty(s) || strlen(s) > 1024)
                return -EINVAL;
        copy = strdup(s);
        r = calloc(1, sizeof(*r));
        if (!copy || !r)
                return -ENOMEM;

        at = strchr(copy, '@');
        if (at) {
                *at = 0;
                if (!digest_is_valid(at + 1))
                        return -EINVAL;
                if (!(r->digest = strdup(at + 1)))
                        return -ENOMEM;
        }
        tag = split_tag(copy);
        if (tag) {
                if (!reference_tag_is_valid(tag))
                        return -EINVAL;
                if (!(r->tag = strdup(tag)))
                        return -ENOMEM;
        }
        k = reference_set_name(r, copy);
        if (k < 0)
                return k;
        if (!r->tag && !r->digest && !(r->tag = strdup("latest")))
                return -ENOMEM;
        *ret = TAKE_PTR(r);
        return 0;
}

int reference_repository(const Reference *r, char **ret) {
        return asprintf(ret, "%s/%s", r->domain, r->path) < 0 ? -ENOMEM : 0;
}

int reference_to_string(const Reference *r, char **ret) {
        int k;

        if (r->digest)
                k = asprintf(ret, "%s/%s@%s", r->domain, r->path, r->digest);
        else
                k = asprintf(ret, "%s/%s:%s", r->domain, r->path, r->tag);
        return k < 0 ? -ENOMEM : 0;
}

const char *reference_registry_host(const Reference *r) {
        return streq(r->domain, DEFAULT_DOMAIN) ? "registry-1.docker.io" : r->domain;
}
