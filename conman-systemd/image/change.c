/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * change.c — Dockerfile instructions as image config changes (see change.h).
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "shared/json-util.h"
#include "shared/util.h"
#include "image/change.h"

static _printf_(3, 4) int change_fail(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

static const char *skip_blanks(const char *p) {
        while (*p == ' ' || *p == '\t')
                p++;
        return p;
}

/* CMD/ENTRYPOINT: a JSON array of strings (exec form), else the shell form /bin/sh -c ARG. */
static int command_value(const char *arg, struct json_object **ret) {
        _cleanup_json_ struct json_object *a = NULL;

        if (*arg == '[') {
                a = json_tokener_parse(arg);
                if (!a || !json_object_is_type(a, json_type_array))
                        return -EINVAL;
                for (size_t i = 0; i < json_object_array_length(a); i++)
                        if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
                                return -EINVAL;
        } else {
                if (!*arg || !(a = json_object_new_array()))
                        return *arg ? -ENOMEM : -EINVAL;
                json_object_array_add(a, json_object_new_string("/bin/sh"));
                json_object_array_add(a, json_object_new_string("-c"));
                json_object_array_add(a, json_object_new_string(arg));
        }
        *ret = TAKE_PTR(a);
        return 0;
}

/* The next word of a KEY=VALUE list; double quotes group blanks and are removed, \ escapes a character. */
static int next_word(const char **p, char **ret) {
        size_t n = 0, size = strlen(*p) + 1;
        char *w = malloc(size);
        bool quoted = false;
        const char *s = skip_blanks(*p);

        if (!w)
                return -ENOMEM;
        for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
                if (*s == '"')
                        quoted = !quoted;
                else if (*s == '\\' && s[1])
                        w[n++] = *++s;
                else
                        w[n++] = *s;
        }
        w[n] = 0;
        *p = skip_blanks(s);
        if (quoted) {
                free(w);
                return -EINVAL;
        }
        *ret = w;
        return 0;
}

static struct json_object *object_at(struct json_object *config, const char *key) {
        struct json_object *o;

        if (json_object_object_get_ex(config, key, &o) && json_object_is_type(o, json_type_object))
                return o;
        o = json_object_new_object();
        json_object_object_add(config, key, o);
        return o;
}

static struct json_object *array_at(struct json_object *config, const char *key) {
        struct json_object *a;

        if (json_object_object_get_ex(config, key, &a) && json_object_is_type(a, json_type_array))
                return a;
        a = json_object_new_array();
        json_object_object_add(config, key, a);
        return a;
}

/* Sets KEY=VALUE in Env, replacing the variable when it is there. */
static void env_set(struct json_object *config, const char *key, const char *value) {
        struct json_object *env = array_at(config, "Env");
        _cleanup_free_ char *entry = NULL;
        size_t klen = strlen(key);

        if (asprintf(&entry, "%s=%s", key, value) < 0)
                return;
        for (size_t i = 0; i < json_object_array_length(env); i++) {
                const char *e = json_object_get_string(json_object_array_get_idx(env, i));
                if (e && strncmp(e, key, klen) == 0 && e[klen] == '=') {
                        json_object_array_put_idx(env, i, json_object_new_string(entry));
                        return;
                }
        }
        json_object_array_add(env, json_object_new_string(entry));
}

/* ENV/LABEL: KEY=VALUE words; ENV also takes the old "KEY VALUE" form. */
static int apply_pairs(struct json_object *config, const char *arg, bool env) {
        const char *p = arg, *blank = strpbrk(arg, " \t"), *eq = strchr(arg, '=');
        int r;

        if (!*arg)
                return -EINVAL;
        if (env && (!eq || (blank && blank < eq))) {
                _cleanup_free_ char *key = strndup(arg, blank ? (size_t) (blank - arg) : strlen(arg));
                if (!key || !blank)
                        return key ? -EINVAL : -ENOMEM;
                env_set(config, key, skip_blanks(blank));
                return 0;
        }
        while (*p) {
                _cleanup_free_ char *w = NULL;
                char *e;
                r = next_word(&p, &w);
                if (r < 0)
                        return r;
                e = strchr(w, '=');
                if (!e || e == w)
                        return -EINVAL;
                *e = 0;
                if (env)
                        env_set(config, w, e + 1);
                else
                        json_object_object_add(object_at(config, "Labels"), w, json_object_new_string(e + 1));
        }
        return 0;
}

static int apply_expose(struct json_object *config, const char *arg) {
        const char *p = arg;
        int r;

        if (!*arg)
                return -EINVAL;
        while (*p) {
                _cleanup_free_ char *w = NULL, *port = NULL;
                const char *slash;
                char *end;
                unsigned long n;
                r = next_word(&p, &w);
                if (r < 0)
                        return r;
                slash = strchr(w, '/');
                n = strtoul(w, &end, 10);
                if (end == w || n == 0 || n > 65535 || (*end && end != slash) ||
                    (slash && strcasecmp(slash + 1, "tcp") && strcasecmp(slash + 1, "udp") &&
                     strcasecmp(slash + 1, "sctp")))
                        return -EINVAL;
                if (asprintf(&port, "%lu/%s", n, slash ? slash + 1 : "tcp") < 0)
                        return -ENOMEM;
                for (char *c = port; *c; c++)
                        *c = (char) tolower((unsigned char) *c);
                json_object_object_add(object_at(config, "ExposedPorts"), port, json_object_new_object());
        }
        return 0;
}

static int apply_string(struct json_object *config, const char *key, const char *arg) {
        if (!*arg)
                return -EINVAL;
        json_object_object_add(config, key, json_object_new_string(arg));
        return 0;
}

static int apply_command(struct json_object *config, const char *key, const char *arg) {
        struct json_object *v = NULL;
        int r = command_value(arg, &v);

        if (r < 0)
                return r;
        json_object_object_add(config, key, v);
        return 0;
}

int image_change_apply(struct json_object *config, const char *change, char **ret_error) {
        size_t n = strcspn(change, "= \t");
        const char *arg;
        int r;

        if (ret_error)
                *ret_error = NULL;
        arg = skip_blanks(change + n);
        if (*arg == '=' && change[n] != '=') /* "CMD = x" */
                arg = skip_blanks(arg + 1);
        else if (change[n] == '=')
                arg = skip_blanks(change + n + 1);
#define IS(word) (n == strlen(word) && strncasecmp(change, word, n) == 0)
        if (IS("CMD"))
                r = apply_command(config, "Cmd", arg);
        else if (IS("ENTRYPOINT"))
                r = apply_command(config, "Entrypoint", arg);
        else if (IS("ENV"))
                r = apply_pairs(config, arg, true);
        else if (IS("LABEL"))
                r = apply_pairs(config, arg, false);
        else if (IS("WORKDIR"))
                r = apply_string(config, "WorkingDir", arg);
        else if (IS("USER"))
                r = apply_string(config, "User", arg);
        else if (IS("EXPOSE"))
                r = apply_expose(config, arg);
        else
                return change_fail(
                        ret_error, -EINVAL,
                        "unsupported change \"%s\": use CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE or "
                        "LABEL",
                        change);
#undef IS
        if (r == -EINVAL)
                return change_fail(ret_error, r, "malformed change \"%s\"", change);
        return r;
}

int image_changes_apply(struct json_object *config, char *const *changes, char **ret_error) {
        int r;

        for (size_t i = 0; changes && changes[i]; i++) {
                r = image_change_apply(config, changes[i], ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}
