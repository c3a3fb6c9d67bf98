/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-names.c — the validators of names, ids, container paths, environment entries and
 * label keys (names.c) on arbitrary strings, with the properties callers rely on: a valid
 * name is a valid unit-name part, a valid path has no "..", "." or empty component.
 */
#include <stdint.h>

#include "shared/macro.h"
#include "shared/names.h"
#include "shared/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *s) {
        if (!container_name_is_valid(s))
                return;
        if (strlen(s) > 63 || strchr(s, '/') || strchr(s, ' ') || s[0] == '-' || s[0] == '.')
                abort();
}

static void check_path(const char *s) {
        if (!container_path_is_valid(s))
                return;
        if (s[0] != '/' || strstr(s, "//") || strstr(s, "/../") || strstr(s, "/./") || !utf8_is_valid(s))
                abort();
        if (!streq(s, "/") &&
            (string_has_prefix(strrchr(s, '/'), "/..") ? strlen(strrchr(s, '/')) <= 3 : false))
                abort();
        if (strlen(s) > 1 && s[strlen(s) - 1] == '/')
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = strndup((const char *) data, size);

        if (!s)
                return 0;
        check_name(s);
        check_path(s);
        if (container_id_is_valid(s) && (!container_id_prefix_is_valid(s) || strlen(s) != 64))
                abort();
        if (env_assignment_is_valid(s) && (!strchr(s, '=') || s[0] == '='))
                abort();
        if (label_key_is_valid(s) && (strchr(s, '=') || strlen(s) > 255))
                abort();
        (void) utf8_is_valid(s);
        return 0;
}
