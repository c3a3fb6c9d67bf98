/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-spec.c — see volume-spec.h.
 */
#include <stdlib.h>
#include <string.h>

#include "shared/names.h"
#include "shared/util.h"
#include "shared/volume-spec.h"

static const char *const mount_type_table[_MOUNT_TYPE_MAX] = {
        [MOUNT_TYPE_BIND] = "bind",
        [MOUNT_TYPE_VOLUME] = "volume",
        [MOUNT_TYPE_TMPFS] = "tmpfs",
};
DEFINE_STRING_TABLE_LOOKUP(mount_type, MountType);

bool volume_name_is_valid(const char *name) {
        return docker_name_is_valid(name, 2, VOLUME_NAME_MAX);
}

bool volume_source_is_name(const char *source) {
        return source && *source && !strchr(source, '/') && !streq(source, ".") && !streq(source, "..");
}

int volume_bind_parse(const char *spec, char **ret_source, char **ret_destination, bool *ret_read_only,
                      VolumePropagation *ret_propagation) {
        _cleanup_free_ char *copy = strdup(strempty(spec)), *source = NULL, *destination = NULL;
        char *dst, *opts;
        int r;

        if (!copy)
                return -ENOMEM;
        dst = strchr(copy, ':');
        if (!dst) { /* DST alone: an anonymous volume */
                if (copy[0] != '/')
                        return -EINVAL;
                destination = TAKE_PTR(copy);
                *ret_read_only = false;
                *ret_propagation = PROPAGATION_RPRIVATE;
        } else {
                *dst++ = '\0';
                opts = strchr(dst, ':');
                if (opts)
                        *opts++ = '\0';
                if (!*copy || !*dst || (!strchr(copy, '/') && !volume_name_is_valid(copy)))
                        return -EINVAL;
                r = volume_options_parse(opts, ret_read_only, ret_propagation);
                if (r < 0)
                        return r;
                source = strdup(copy);
                destination = strdup(dst);
                if (!source || !destination)
                        return -ENOMEM;
        }
        *ret_source = TAKE_PTR(source);
        *ret_destination = TAKE_PTR(destination);
        return 0;
}

void mount_spec_done(MountSpec *m) {
        free(m->source);
        free(m->target);
        free(m->propagation);
        free(m->tmpfs_options);
        *m = (MountSpec){};
}

/* "readonly", "readonly=true|1", "readonly=false|0" */
static int parse_bool_flag(const char *value, bool *ret) {
        if (!value || streq(value, "true") || streq(value, "1"))
                *ret = true;
        else if (streq(value, "false") || streq(value, "0"))
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

/* tmpfs-size=BYTES[kmg] → size=N, tmpfs-mode=OCTAL → mode=O, appended to *options. */
static int add_tmpfs_option(char **options, const char *key, const char *value) {
        _cleanup_free_ char *joined = NULL;
        int r;

        if (!value || !*value)
                return -EINVAL;
        if (asprintf(&joined, "%s%s%s=%s", strempty(*options), *options ? "," : "", key, value) < 0)
                return -ENOMEM;
        r = tmpfs_options_validate(joined);
        if (r < 0)
                return r;
        free(*options);
        *options = TAKE_PTR(joined);
        return 0;
}

static int set_once(char **target, const char *value) {
        if (*target || !value || !*value)
                return -EINVAL;
        *target = strdup(value);
        return *target ? 0 : -ENOMEM;
}

static int mount_spec_set(MountSpec *m, const char *key, const char *value, bool *seen_type) {
        if (streq(key, "type")) {
                if (*seen_type || !value || mount_type_from_string(value) < 0)
                        return -EINVAL;
                m->type = mount_type_from_string(value);
                *seen_type = true;
                return 0;
        }
        if (streq(key, "source") || streq(key, "src"))
                return set_once(&m->source, value);
        if (streq(key, "target") || streq(key, "destination") || streq(key, "dst"))
                return set_once(&m->target, value);
        if (streq(key, "readonly") || streq(key, "ro"))
                return parse_bool_flag(value, &m->read_only);
        if (streq(key, "bind-propagation"))
                return set_once(&m->propagation, value);
        if (streq(key, "tmpfs-size"))
                return add_tmpfs_option(&m->tmpfs_options, "size", value);
        if (streq(key, "tmpfs-mode"))
                return add_tmpfs_option(&m->tmpfs_options, "mode", value);
        if (streq(key, "consistency") || streq(key, "volume-nocopy"))
                return 0; /* docker accepts and ignores them on Linux (nocopy: nothing is copied here) */
        return -EINVAL;
}

/* What one type takes: a source for bind (required) and volume (a name), none for tmpfs. */
static int mount_spec_check(const MountSpec *m) {
        if (!container_path_is_valid(m->target) || streq(m->target, "/"))
                return -EINVAL;
        switch (m->type) {
        case MOUNT_TYPE_BIND: return m->source && m->source[0] == '/' && !m->tmpfs_options ? 0 : -EINVAL;
        case MOUNT_TYPE_VOLUME:
                return (!m->source || volume_name_is_valid(m->source)) && !m->tmpfs_options && !m->propagation
                               ? 0
                               : -EINVAL;
        case MOUNT_TYPE_TMPFS: return !m->source && !m->propagation ? 0 : -EINVAL;
        default: return -EINVAL;
        }
}

int mount_spec_parse(const char *spec, MountSpec *ret) {
        _cleanup_free_ char *copy = strdup(strempty(spec));
        _cleanup_(mount_spec_done) MountSpec m = { .type = MOUNT_TYPE_VOLUME };
        bool seen_type = false;
        char *save = NULL;
        int r;

        if (!copy)
                return -ENOMEM;
        for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(kv, '=');
                if (eq)
                        *eq = '\0';
                r = mount_spec_set(&m, kv, eq ? eq + 1 : NULL, &seen_type);
                if (r < 0)
                        return r;
        }
        r = mount_spec_check(&m);
        if (r < 0)
                return r;
        *ret = m;
        m = (MountSpec){};
        return 0;
}

static const char *const tmpfs_flags[] = { "ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev" };

static bool is_octal_mode(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 4)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '7')
                        return false;
        return true;
}

static int tmpfs_option_validate(const char *o) {
        const char *eq = strchr(o, '=');
        uint64_t u;

        for (size_t i = 0; i < ELEMENTSOF(tmpfs_flags); i++)
                if (streq(o, tmpfs_flags[i]))
                        return 0;
        if (!eq)
                return -EINVAL;
        if (string_has_prefix(o, "size="))
                return parse_size(eq + 1, &u) >= 0 && u > 0 ? 0 : -EINVAL;
        if (string_has_prefix(o, "mode="))
                return is_octal_mode(eq + 1) ? 0 : -EINVAL;
        if (string_has_prefix(o, "uid=") || string_has_prefix(o, "gid=") ||
            string_has_prefix(o, "nr_inodes="))
                return safe_atou64(eq + 1, &u) >= 0 && u <= UINT32_MAX ? 0 : -EINVAL;
        return -EINVAL;
}

int tmpfs_options_validate(const char *options) {
        _cleanup_free_ char *copy = strdup(strempty(options));
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (options && (*options == ',' || strstr(options, ",,") || options[strlen(options) - 1] == ','))
                return -EINVAL;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                int r = tmpfs_option_validate(o);
                if (r < 0)
                        return r;
        }
        return 0;
}

int tmpfs_spec_parse(const char *spec, char **ret_destination, char **ret_options) {
        _cleanup_free_ char *dest = NULL, *options = NULL;
        const char *colon = spec ? strchr(spec, ':') : NULL;
        int r;

        if (!spec)
                return -EINVAL;
        dest = colon ? strndup(spec, colon - spec) : strdup(spec);
        if (!dest || (colon && !(options = strdup(colon + 1))))
                return -ENOMEM;
        if (!container_path_is_valid(dest) || streq(dest, "/") || (options && !*options))
                return -EINVAL;
        r = tmpfs_options_validate(options);
        if (r < 0)
                return r;
        *ret_destination = TAKE_PTR(dest);
        if (ret_options)
                *ret_options = TAKE_PTR(options);
        return 0;
}

/* Drops the default that option o overrides (exec drops noexec, ...). */
static void drop_opposite(char **l, const char *o) {
        static const char *const pairs[][2] = {
                { "ro", "rw" },       { "rw", "ro" },     { "exec", "noexec" },
                { "suid", "nosuid" }, { "dev", "nodev" },
        };
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                if (!streq(o, pairs[i][0]))
                        continue;
                for (char **p = l; p && *p; p++)
                        if (streq(*p, pairs[i][1])) {
                                (*p)[0] = '\0';
                        }
        }
}

int tmpfs_mount_options(const char *options, char ***ret) {
        _cleanup_strv_free_ char **l = NULL, **out = NULL;
        _cleanup_free_ char *copy = strdup(strempty(options));
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (strv_push(&l, "rw") < 0 || strv_push(&l, "noexec") < 0 || strv_push(&l, "nosuid") < 0 ||
            strv_push(&l, "nodev") < 0)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                drop_opposite(l, o);
                if (!strv_contains(l, o) && strv_push(&l, o) < 0)
                        return -ENOMEM;
        }
        for (char **p = l; *p; p++)
                if (**p && strv_push(&out, *p) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(out);
        return 0;
}

static bool mounted_at(const ContainerSpec *spec, const char *path) {
        for (size_t i = 0; i < spec->n_volumes; i++)
                if (streq(spec->volumes[i].destination, path))
                        return true;
        for (char **t = spec->tmpfs; t && *t; t++)
                if (strneq(*t, path, strlen(path)) &&
                    ((*t)[strlen(path)] == '\0' || (*t)[strlen(path)] == ':'))
                        return true;
        return false;
}

int container_spec_add_image_volumes(ContainerSpec *spec, char *const *paths) {
        for (char *const *p = paths; p && *p; p++) {
                VolumeSpec *v;
                if (!container_path_is_valid(*p) || streq(*p, "/") || mounted_at(spec, *p))
                        continue;
                v = realloc(spec->volumes, sizeof(VolumeSpec) * (spec->n_volumes + 1));
                if (!v)
                        return -ENOMEM;
                spec->volumes = v;
                v[spec->n_volumes] = (VolumeSpec){ .destination = strdup(*p), .anonymous = true };
                if (!v[spec->n_volumes++].destination)
                        return -ENOMEM;
        }
        return 0;
}
