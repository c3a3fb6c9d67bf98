/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * names.c — see names.h.
 */
#include <ctype.h>
#include <string.h>

#include "shared/names.h"
#include "shared/util.h"

bool container_name_is_valid(const char *name) {
        return docker_name_is_valid(name, 1, 63);
}

bool docker_name_is_valid(const char *name, size_t min, size_t max) {
        size_t n;

        if (!name || !isalnum((unsigned char) name[0]) || !isascii((unsigned char) name[0]))
                return false;
        n = strlen(name);
        if (n < min || n > max)
                return false;
        for (size_t i = 1; i < n; i++) {
                unsigned char c = (unsigned char) name[i];
                if (!(isascii(c) && (isalnum(c) || c == '_' || c == '.' || c == '-')))
                        return false;
        }
        return true;
}

static bool is_lower_hex(const char *s, size_t min, size_t max) {
        size_t n = s ? strlen(s) : 0;

        if (n < min || n > max)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

bool container_id_is_valid(const char *id) {
        return is_lower_hex(id, CONTAINER_ID_LENGTH, CONTAINER_ID_LENGTH);
}

bool container_id_prefix_is_valid(const char *prefix) {
        return is_lower_hex(prefix, 1, CONTAINER_ID_LENGTH);
}

bool container_path_is_valid(const char *path) {
        const char *p;

        if (!path || path[0] != '/' || strlen(path) > 4096 || !utf8_is_valid(path))
                return false;
        if (streq(path, "/"))
                return true;
        for (p = path; *p;) {
                const char *e;
                size_t n;

                p++; /* skip '/' */
                e = strchrnul(p, '/');
                n = (size_t) (e - p);
                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p = e;
        }
        return true;
}

bool env_assignment_is_valid(const char *e) {
        const char *eq;

        if (!e || !utf8_is_valid(e) || strlen(e) > 65536)
                return false;
        eq = strchr(e, '=');
        if (!eq || eq == e)
                return false;
        for (const char *p = e; p < eq; p++)
                if (!isascii((unsigned char) *p) || !isgraph((unsigned char) *p))
                        return false;
        return true;
}

bool label_key_is_valid(const char *k) {
        size_t n = k ? strlen(k) : 0;

        if (n == 0 || n > 255 || !utf8_is_valid(k))
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) k[i] < 0x21 || k[i] == '=' || k[i] == 0x7f)
                        return false;
        return true;
}

static bool string_has_suffix_slice(const char *s) {
        size_t n = strlen(s);
        return n >= 6 && streq(s + n - 6, ".slice");
}

bool dns_name_is_valid(const char *s) {
        size_t n = s ? strlen(s) : 0;

        return n > 0 && n <= DNS_NAME_MAX && s[0] != '-' && s[0] != '.' &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n;
}

bool slice_name_is_valid(const char *slice) {
        size_t n = slice ? strlen(slice) : 0, stem;

        if (n <= strlen(".slice") || n > 255 || !string_has_suffix_slice(slice))
                return false;
        stem = n - strlen(".slice");
        if (slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--"))
                return false;
        for (size_t i = 0; i < stem; i++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.\\-", slice[i]))
                        return false;
        return true;
}

bool image_name_has_tag_or_digest(const char *name) {
        const char *last = strrchr(name, '/');
        return strchr(name, '@') || strchr(last ? last + 1 : name, ':');
}
