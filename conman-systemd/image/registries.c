/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registries.c — conman-registries.d(5): the parser of the mirror files and the endpoints of a pull
 * (see registries.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/registries.h"

static void mirror_done(RegistryMirror *m) {
        free(m->url);
        free(m->host);
        free(m->prefix);
}

static void entry_done(RegistryEntry *e) {
        free(e->domain);
        for (size_t i = 0; i < e->n_mirrors; i++)
                mirror_done(&e->mirrors[i]);
        free(e->mirrors);
}

RegistriesConfig *registries_config_free(RegistriesConfig *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_entries; i++)
                entry_done(&c->entries[i]);
        free(c->entries);
        free(c);
        return NULL;
}

const char *registries_dir(void) {
        const char *e = getenv("CONMAN_REGISTRIES_DIR");
        return e && e[0] == '/' ? e : REGISTRIES_DIR_DEFAULT;
}

static _printf_(2, 3) int parse_fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

/* host[:port]: DNS labels or an IPv4 address, or [IPv6]; a port 1..65535. */
static bool host_is_valid(const char *s) {
        const char *colon;
        size_t n;

        if (s[0] == '[') {
                const char *end = strchr(s, ']');
                if (!end || end == s + 1 ||
                    strspn(s + 1, "0123456789abcdefABCDEF:.") != (size_t) (end - s - 1))
                        return false;
                colon = end[1] == ':' ? end + 1 : NULL;
                if (!colon && end[1] != 0)
                        return false;
                n = (size_t) (end - s + 1);
        } else {
                colon = strchr(s, ':');
                n = colon ? (size_t) (colon - s) : strlen(s);
                if (n == 0 || n > 253)
                        return false;
                for (size_t i = 0; i < n; i++) {
                        bool edge =
                                i == 0 || s[i - 1] == '.' || i + 1 == n || s[i + 1] == '.' || s[i + 1] == ':';
                        if (!isalnum((unsigned char) s[i]) && !(s[i] == '-' && !edge) &&
                            !(s[i] == '.' && !edge))
                                return false;
                }
        }
        if (colon) {
                uint64_t port;
                if (strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
                    safe_atou64(colon + 1, &port) < 0 || port == 0 || port > 65535)
                        return false;
        }
        return n > 0;
}

/* A path prefix: components of [a-z0-9._-], separated by single slashes. */
static bool prefix_is_valid(const char *s) {
        if (!s[0] || s[0] == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//"))
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-/") == strlen(s);
}

/* [http://|https://]host[:port][/prefix][/] */
static int mirror_parse(const char *v, RegistryMirror *ret, char **ret_error) {
        _cleanup_free_ char *host = NULL, *prefix = NULL;
        const char *rest = v, *slash;
        bool plain = false;
        size_t n;

        if (string_has_prefix(v, "http://"))
                plain = true, rest = v + strlen("http://");
        else if (string_has_prefix(v, "https://"))
                rest = v + strlen("https://");
        else if (strstr(v, "://"))
                return parse_fail(ret_error, "mirror \"%s\": only http:// and https:// are supported", v);
        slash = strchr(rest, '/');
        host = slash ? strndup(rest, (size_t) (slash - rest)) : strdup(rest);
        if (!host)
                return -ENOMEM;
        if (!host_is_valid(host))
                return parse_fail(ret_error, "mirror \"%s\": \"%s\" is not a valid host[:port]", v, host);
        if (slash && slash[1]) {
                n = strlen(slash + 1);
                prefix = strndup(slash + 1, slash[n] == '/' ? n - 1 : n);
                if (!prefix)
                        return -ENOMEM;
                if (!prefix_is_valid(prefix))
                        return parse_fail(ret_error,
                                          "mirror \"%s\": the path \"%s\" is not a repository prefix "
                                          "(lowercase letters, digits, '.', '_', '-', single slashes)",
                                          v, prefix);
        }
        *ret = (RegistryMirror){ .host = TAKE_PTR(host), .prefix = TAKE_PTR(prefix), .plain_http = plain };
        if (asprintf(&ret->url, "%s://%s%s%s", plain ? "http" : "https", ret->host, ret->prefix ? "/" : "",
                     strempty(ret->prefix)) < 0)
                return mirror_done(ret), *ret = (RegistryMirror){}, -ENOMEM;
        return 0;
}

static int bool_parse(const char *v, bool *ret) {
        static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off",
                                                                                       "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return *ret = true, 0;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(v, no[i]) == 0)
                        return *ret = false, 0;
        return -EINVAL;
}

static RegistryEntry *entry_find(RegistriesConfig *c, const char *domain) {
        for (size_t i = 0; i < c->n_entries; i++)
                if (strcasecmp(c->entries[i].domain, domain) == 0)
                        return &c->entries[i];
        return NULL;
}

static int entry_get(RegistriesConfig *c, const char *domain, RegistryEntry **ret) {
        RegistryEntry *e = entry_find(c, domain), *l;

        if (!e) {
                l = realloc(c->entries, (c->n_entries + 1) * sizeof(RegistryEntry));
                if (!l)
                        return -ENOMEM;
                c->entries = l;
                e = &c->entries[c->n_entries];
                *e = (RegistryEntry){ .domain = strdup(domain) };
                if (!e->domain)
                        return -ENOMEM;
                c->n_entries++;
        }
        *ret = e;
        return 0;
}

static int entry_add_mirror(RegistryEntry *e, RegistryMirror *m) {
        RegistryMirror *l = realloc(e->mirrors, (e->n_mirrors + 1) * sizeof(RegistryMirror));

        if (!l)
                return -ENOMEM;
        e->mirrors = l;
        e->mirrors[e->n_mirrors++] = *m;
        *m = (RegistryMirror){};
        return 0;
}

/* Strips blanks at both ends and a comment ('#' or ';' at the start, or after a blank). */
static char *line_clean(char *l) {
        char *end;

        l += strspn(l, " \t\r");
        if (*l == '#' || *l == ';')
                return l + strlen(l);
        for (char *p = l + 1; *l && *p; p++)
                if ((*p == '#' || *p == ';') && (p[-1] == ' ' || p[-1] == '\t')) {
                        *p = 0;
                        break;
                }
        end = l + strlen(l);
        while (end > l && strchr(" \t\r", end[-1]))
                *--end = 0;
        return l;
}

/* [registry "NAME"] */
static int section_parse(RegistriesConfig *c, char *l, RegistryEntry **ret, char **ret_error) {
        size_t n = strlen(l);
        char *name, *q;

        if (l[n - 1] != ']')
                return parse_fail(ret_error, "a section header must end with ']'");
        l[n - 1] = 0;
        l = line_clean(l + 1);
        if (!string_has_prefix(l, "registry") || !strchr(" \t", l[strlen("registry")]))
                return parse_fail(ret_error, "unknown section \"[%s]\" (only [registry \"HOST\"])", l);
        name = l + strlen("registry");
        name += strspn(name, " \t");
        q = name[0] == '"' ? strchr(name + 1, '"') : NULL;
        if (!q || q[1] != 0)
                return parse_fail(ret_error, "the registry's name must be quoted: [registry \"gcr.io\"]");
        *q = 0;
        name++;
        if (!host_is_valid(name))
                return parse_fail(ret_error, "\"%s\" is not a registry host[:port]", name);
        if (!entry_find(c, name) && c->n_entries >= REGISTRIES_MAX)
                return parse_fail(ret_error, "more than %u registries", REGISTRIES_MAX);
        return entry_get(c, name, ret);
}

static int key_parse(RegistryEntry *e, char *l, char **ret_error) {
        char *eq = strchr(l, '='), *key, *value;
        _cleanup_(mirror_done) RegistryMirror m = {};
        int r;

        if (!eq)
                return parse_fail(ret_error, "expected \"key = value\" or a section header, got \"%s\"", l);
        *eq = 0;
        key = line_clean(l);
        value = line_clean(eq + 1);
        if (!e)
                return parse_fail(ret_error, "\"%s\" before any [registry \"HOST\"] section", key);
        if (!value[0])
                return parse_fail(ret_error, "%s: empty value", key);
        if (streq(key, "insecure") || streq(key, "mirror-only")) {
                r = bool_parse(value, streq(key, "insecure") ? &e->insecure : &e->mirror_only);
                return r < 0 ? parse_fail(ret_error, "%s: \"%s\" is not a boolean (true or false)", key,
                                          value)
                             : 0;
        }
        if (!streq(key, "mirror"))
                return parse_fail(ret_error, "unknown key \"%s\" (known: mirror, insecure, mirror-only)",
                                  key);
        if (e->n_mirrors >= REGISTRY_MIRRORS_MAX)
                return parse_fail(ret_error, "more than %u mirrors for %s", REGISTRY_MIRRORS_MAX, e->domain);
        r = mirror_parse(value, &m, ret_error);
        if (r < 0)
                return r;
        return entry_add_mirror(e, &m);
}

static int parse_lines(RegistriesConfig *c, char *data, char **ret_error) {
        _cleanup_free_ char *why = NULL;
        RegistryEntry *e = NULL;
        unsigned line = 0;
        char *save = NULL;
        int r = 0;

        for (char *l = data; l; l = save) {
                save = strchr(l, '\n');
                if (save)
                        *save++ = 0;
                line++;
                l = line_clean(l);
                if (!l[0])
                        continue;
                if (!utf8_is_valid(l))
                        r = parse_fail(&why, "not valid UTF-8");
                else if (l[0] == '[')
                        r = section_parse(c, l, &e, &why);
                else
                        r = key_parse(e, l, &why);
                if (r == -EINVAL)
                        return parse_fail(ret_error, "line %u: %s", line, why);
                if (r < 0)
                        return r;
        }
        return 0;
}

static RegistriesConfig *config_new(void) {
        return calloc(1, sizeof(RegistriesConfig));
}

/* Appends src's entries to dst (src is emptied). */
static int config_merge(RegistriesConfig *dst, RegistriesConfig *src) {
        for (size_t i = 0; i < src->n_entries; i++) {
                RegistryEntry *s = &src->entries[i], *d;
                bool fresh = !entry_find(dst, s->domain);
                int r;

                if (fresh && dst->n_entries >= REGISTRIES_MAX)
                        return -E2BIG;
                r = entry_get(dst, s->domain, &d);
                if (r < 0)
                        return r;
                if (!fresh && d->n_mirrors + s->n_mirrors > REGISTRY_MIRRORS_MAX)
                        return -E2BIG;
                for (size_t j = 0; j < s->n_mirrors; j++) {
                        r = entry_add_mirror(d, &s->mirrors[j]);
                        if (r < 0)
                                return r;
                }
                d->insecure = fresh ? s->insecure : d->insecure || s->insecure;
                d->mirror_only = fresh ? s->mirror_only : d->mirror_only || s->mirror_only;
        }
        return 0;
}

int registries_parse(RegistriesConfig *c, const char *data, size_t size, char **ret_error) {
        _cleanup_(registries_config_freep) RegistriesConfig *file = config_new();
        _cleanup_free_ char *copy = NULL;
        int r;

        *ret_error = NULL;
        if (!file)
                return -ENOMEM;
        if (size > REGISTRIES_FILE_MAX)
                return parse_fail(ret_error, "larger than %u bytes", REGISTRIES_FILE_MAX);
        if (memchr(data, 0, size))
                return parse_fail(ret_error, "contains a NUL byte");
        copy = strndup(data, size);
        if (!copy)
                return -ENOMEM;
        r = parse_lines(file, copy, ret_error);
        if (r < 0)
                return r;
        r = config_merge(c, file);
        if (r == -E2BIG)
                return parse_fail(ret_error,
                                  "with the files before it, more than %u registries or %u mirrors "
                                  "of one registry",
                                  REGISTRIES_MAX, REGISTRY_MIRRORS_MAX);
        return r;
}

static int name_compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names of the *.conf files of dir, sorted. */
static int list_conf_files(const char *dir, char ***ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        struct dirent *de;

        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                size_t k = strlen(de->d_name);
                if (de->d_name[0] == '.' || k <= 5 || !streq(de->d_name + k - 5, ".conf"))
                        continue;
                if (strv_push(&l, de->d_name) < 0)
                        return -ENOMEM;
                n++;
        }
        if (n > 0)
                qsort(l, n, sizeof(char *), name_compare);
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

/* A regular file (not a FIFO or device: a pull must not hang on it) of at most REGISTRIES_FILE_MAX. */
static int read_conf(int dir_fd, const char *name, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;

        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return read_full_fd(fd, REGISTRIES_FILE_MAX, ret, ret_size);
}

static int load_file(RegistriesConfig *c, const char *dir, int dir_fd, const char *name) {
        _cleanup_free_ char *data = NULL, *error = NULL;
        size_t size = 0;
        int r;

        r = read_conf(dir_fd, name, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_warning_errno(r, "Ignoring %s/%s: %s.", dir, name,
                                  r == -EBADFD  ? "not a regular file"
                                  : r == -EFBIG ? "file too large"
                                                : strerror(-r));
                return 0;
        }
        r = registries_parse(c, data, size, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                log_warning("Ignoring %s/%s: %s.", dir, name, error);
        return 0;
}

int registries_load_dir(const char *dir, RegistriesConfig **ret) {
        _cleanup_(registries_config_freep) RegistriesConfig *c = config_new();
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        size_t n = 0;
        int r;

        if (!c)
                return -ENOMEM;
        r = list_conf_files(dir, &names, &n);
        if (r == -ENOMEM)
                return r;
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "Cannot read the registry configuration %s: %m", dir);
        if (r >= 0 && (dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                log_warning_errno(negative_errno(), "Cannot open %s: %m", dir);
        for (size_t i = 0; dir_fd >= 0 && i < n; i++) {
                r = load_file(c, dir, dir_fd, names[i]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

int registries_endpoints(const RegistriesConfig *c, const char *domain, bool tls_verify,
                         RegistryEndpoint **ret, size_t *ret_n) {
        const RegistryEntry *e = c ? entry_find((RegistriesConfig *) c, domain) : NULL;
        size_t n = e ? e->n_mirrors : 0, k = 0;
        RegistryEndpoint *l = calloc(n + 1, sizeof(RegistryEndpoint));
        bool verify = tls_verify && !(e && e->insecure);

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                l[k++] = (RegistryEndpoint){ .host = e->mirrors[i].host,
                                             .prefix = e->mirrors[i].prefix,
                                             .url = e->mirrors[i].url,
                                             .plain_http = e->mirrors[i].plain_http,
                                             .tls_verify = verify };
        if (!e || !e->mirror_only || n == 0)
                l[k++] = (RegistryEndpoint){ .tls_verify = verify };
        *ret = l;
        *ret_n = k;
        return 0;
}
