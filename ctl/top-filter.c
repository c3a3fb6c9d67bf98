/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * top-filter.c — see top-filter.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/util.h"
#include "top-filter.h"

#define BLANKS " \t"

/* The index-th whitespace-separated field of line (up to its end), or NULL; its length in *ret_len. */
static const char *nth_field(const char *line, size_t len, size_t index, size_t *ret_len) {
        const char *p = line, *end = line + len;

        for (size_t i = 0;; i++) {
                while (p < end && strchr(BLANKS, *p))
                        p++;
                if (p >= end)
                        return NULL;
                const char *f = p;
                while (p < end && !strchr(BLANKS, *p))
                        p++;
                if (i == index) {
                        *ret_len = p - f;
                        return f;
                }
        }
}

static int pid_column(const char *header, size_t len, size_t *ret) {
        const char *f;
        size_t flen;

        for (size_t i = 0; (f = nth_field(header, len, i, &flen)); i++)
                if (flen == 3 && strncmp(f, "PID", 3) == 0) {
                        *ret = i;
                        return 0;
                }
        return -ENOENT;
}

static bool row_matches(const char *line, size_t len, size_t column, const uint32_t *pids, size_t n) {
        char buf[16];
        size_t flen;
        const char *f = nth_field(line, len, column, &flen);
        uint64_t pid;

        if (!f || flen >= sizeof(buf))
                return false;
        memcpy(buf, f, flen);
        buf[flen] = 0;
        if (safe_atou64(buf, &pid) < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

int top_filter_ps_output(const char *output, const uint32_t *pids, size_t n_pids, char **ret) {
        size_t header_len = strcspn(output, "\n"), column, size = 0;
        char *text = NULL;
        FILE *f;
        int r;

        r = pid_column(output, header_len, &column);
        if (r < 0)
                return r;
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "%.*s\n", (int) header_len, output);
        for (const char *l = output + header_len; *l;) {
                size_t len;

                l += *l == '\n';
                len = strcspn(l, "\n");
                if (len > 0 && row_matches(l, len, column, pids, n_pids))
                        fprintf(f, "%.*s\n", (int) len, l);
                l += len;
        }
        if (fclose(f) != 0 || !text) {
                free(text);
                return -ENOMEM;
        }
        *ret = text;
        return 0;
}
