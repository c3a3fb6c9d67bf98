/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-image-reference.c — reference_parse() and its round trip on arbitrary strings. */
#include <stdint.h>

#include "shared/macro.h"
#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_reference_ Reference *r = NULL, *again = NULL;
        _cleanup_free_ char *s = strndup((const char *) data, size), *out = NULL, *out2 = NULL;

        if (!s || reference_parse(s, &r) < 0)
                return 0;
        /* a normalized reference parses to itself */
        if (reference_to_string(r, &out) < 0 || reference_parse(out, &again) < 0 ||
            reference_to_string(again, &out2) < 0 || !streq(out, out2))
                abort();
        return 0;
}
