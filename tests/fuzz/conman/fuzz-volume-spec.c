/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-volume-spec.c — the parsers of volume names, -v specs, --mount specs and --tmpfs specs
 * (shared/volume-spec.c; conmand parses CreateContainer's Tmpfs and Volumes sources from any caller), with
 * the properties callers rely on: a valid name has no '/', a parsed --mount has an absolute target, a
 * tmpfs' options always carry nosuid and nodev unless asked otherwise.
 */
#include <stdint.h>
#include <stdlib.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "shared/volume-spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bind(const char *s) {
        _cleanup_free_ char *src = NULL, *dst = NULL;
        VolumePropagation p;
        bool ro;

        if (volume_bind_parse(s, &src, &dst, &ro, &p) < 0)
                return;
        if (!dst || (src && !strchr(src, '/') && !volume_name_is_valid(src)) ||
            !volume_propagation_to_string(p))
                abort();
}

static void check_mount(const char *s) {
        _cleanup_(mount_spec_done) MountSpec m = {};

        if (mount_spec_parse(s, &m) < 0)
                return;
        if (!m.target || m.target[0] != '/' ||
            (m.type == MOUNT_TYPE_BIND && (!m.source || m.source[0] != '/')))
                abort();
        if (m.tmpfs_options && tmpfs_options_validate(m.tmpfs_options) < 0)
                abort();
}

static void check_tmpfs(const char *s) {
        _cleanup_free_ char *dest = NULL, *opts = NULL;
        _cleanup_strv_free_ char **l = NULL;

        if (tmpfs_spec_parse(s, &dest, &opts) < 0)
                return;
        if (dest[0] != '/' || tmpfs_mount_options(opts, &l) < 0)
                abort();
        if ((!opts || !strstr(opts, "suid")) && !strv_contains(l, "nosuid"))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = strndup((const char *) data, size);

        if (!s)
                return 0;
        if (volume_name_is_valid(s) && strchr(s, '/'))
                abort();
        check_bind(s);
        check_mount(s);
        check_tmpfs(s);
        return 0;
}
