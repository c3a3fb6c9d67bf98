/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-image-tags.c — a registry's tags/list answer, its Link header, and --platform spellings on arbitrary
 * input: every tag kept is valid, a next page stays in the repository's tag list, a parsed platform prints
 * and parses back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/platform.h"
#include "shared/util.h"
#include "image/reference.h"
#include "image/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_platform(const char *s) {
        char buf[PLATFORM_STRING_MAX], again_buf[PLATFORM_STRING_MAX];
        Platform p, again;

        if (platform_parse(s, &p) < 0)
                return;
        if (platform_parse(platform_to_string(&p, buf), &again) < 0 ||
            !streq(platform_to_string(&again, again_buf), buf))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_strv_free_ char **tags = calloc(1, sizeof(char *));
        _cleanup_free_ char *s = strndup((const char *) data, size), *what = NULL;

        if (!s || !tags)
                return 0;
        if (registry_tags_parse((const char *) data, size, &tags) >= 0)
                for (char **t = tags; *t; t++)
                        if (!reference_tag_is_valid(*t))
                                abort();
        if (registry_tags_next_page(s, "127.0.0.1:5050", "test/tags", &what) > 0 &&
            strncmp(what, "tags/list", 9) != 0)
                abort();
        fuzz_platform(s);
        return 0;
}
