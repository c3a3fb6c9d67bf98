/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-env.c — see run-env.h.
 */
#include "run-env.h"
#include "shared/util.h"

static bool key_is_valid(const char *k, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (k[i] == ' ' || k[i] == '\t' || k[i] == '\n' || k[i] == '\r')
                        return false;
        return true;
}

/* The index of the entry for the key k (length n) in env, or -1. */
static ssize_t env_find(char **env, const char *k, size_t n) {
        for (size_t i = 0; env && env[i]; i++)
                if (strneq(env[i], k, n) && env[i][n] == '=')
                        return (ssize_t) i;
        return -1;
}

/* Sets "KEY=VALUE" (taken), replacing an earlier entry of its key. */
static int env_set_take(char ***env, char *kv) {
        ssize_t i = env_find(*env, kv, strcspn(kv, "="));

        if (i >= 0) {
                free((*env)[i]);
                (*env)[i] = kv;
                return 0;
        }
        return strv_push_take(env, kv);
}

int run_env_add(char ***env, const char *entry, char *(*getenv_fn)(const char *) ) {
        size_t n = strcspn(entry, "=");
        const char *v;
        char *kv;

        if (!key_is_valid(entry, n))
                return -EINVAL;
        if (entry[n] == '=')
                kv = strdup(entry);
        else {
                v = getenv_fn(entry);
                if (!v)
                        return 0; /* unset: dropped, as docker does */
                if (asprintf(&kv, "%s=%s", entry, v) < 0)
                        kv = NULL;
        }
        return kv ? env_set_take(env, kv) : -ENOMEM;
}

int run_env_add_file_text(char ***env, const char *text, char *(*getenv_fn)(const char *),
                          unsigned *ret_bad_line) {
        unsigned line_no = 0;

        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, n);
                char *l;
                size_t len;
                int r;

                if (!line)
                        return -ENOMEM;
                line_no++;
                p += n + (p[n] == '\n');
                l = line + strspn(line, " \t");
                len = strlen(l);
                if (len > 0 && l[len - 1] == '\r') /* a file written on Windows */
                        l[len - 1] = '\0';
                if (l[0] == '#' || l[0] == 0)
                        continue;
                r = run_env_add(env, l, getenv_fn);
                if (r == -EINVAL)
                        *ret_bad_line = line_no;
                if (r < 0)
                        return r;
        }
        return 0;
}

int run_env_add_host(char ***env, char *const *host_env) {
        _cleanup_strv_free_ char **merged = NULL;

        for (char *const *h = host_env; h && *h; h++) {
                size_t n = strcspn(*h, "=");
                if (!(*h)[n] || !key_is_valid(*h, n) || env_find(*env, *h, n) >= 0 ||
                    env_find(merged, *h, n) >= 0)
                        continue;
                if (strv_push(&merged, *h) < 0)
                        return -ENOMEM;
        }
        for (char **e = *env; e && *e; e++)
                if (strv_push(&merged, *e) < 0)
                        return -ENOMEM;
        strv_freep(env);
        *env = TAKE_PTR(merged);
        return 0;
}
