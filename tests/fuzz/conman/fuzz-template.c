/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-template.c — conmanctl's --format templates (ctl/template.c) on arbitrary text: the input
 * up to the first NUL byte is the template, what follows (if any) the JSON document it runs over
 * (a fixed one otherwise). Parsing either succeeds or gives an error message with a position;
 * execution either writes output or gives an error, never both missing; the table writer takes
 * whatever came out.
 */
#include <stdint.h>
#include <stdio.h>

#include "shared/macro.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *default_doc =
        "{\"ID\":\"0123456789ab\",\"Names\":\"web\",\"Args\":[\"a\",\"b\"],\"State\":{\"ExitCode\":3,"
        "\"Running\":false},\"Labels\":{\"k\":\"v\",\"x\":\"\"},\"Nil\":null,\"F\":1.5}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_free_ char *s = NULL, *error = NULL, *buf = NULL;
        _cleanup_json_ struct json_object *doc = NULL;
        size_t len, out_size = 0;
        FILE *f;
        int r;

        if (size > 64 * 1024)
                return 0;
        if (!(s = malloc(size + 1)))
                return 0;
        memcpy(s, data, size);
        s[size] = 0;
        len = strlen(s);
        doc = json_tokener_parse(len < size ? s + len + 1 : default_doc);

        r = template_parse(s, &t, &error);
        if (r < 0) {
                if (r != -EINVAL || !error)
                        abort(); /* syntax errors come with a message */
                return 0;
        }
        if (error)
                abort();
        if (!(f = open_memstream(&buf, &out_size)))
                return 0;
        r = template_execute(t, doc, f, &error);
        fclose(f);
        if (r < 0 && (r != -EINVAL || !error))
                abort();
        if (r >= 0 && (error || out_size > 16 * 1024 * 1024))
                abort();
        if (buf) {
                FILE *null = fopen("/dev/null", "we");
                if (null) {
                        template_tabwrite(buf, null);
                        fclose(null);
                }
        }
        return 0;
}
