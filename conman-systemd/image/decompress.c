/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * decompress.c — a tarball (plain, gzip or zstd: no other decompressor runs) copied uncompressed into
 * another fd while its sha256 (the diff_id) is computed, within the layer size limit (see layer.h).
 */
#include <archive.h>
#include <archive_entry.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "image/layer.h"

static int decompress_open(struct archive *a, int in_fd) {
        struct archive_entry *e;

        if (archive_read_support_filter_none(a) != ARCHIVE_OK ||
            archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
            archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
            archive_read_support_format_raw(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        if (archive_read_open_fd(a, in_fd, 64 * 1024) != ARCHIVE_OK ||
            archive_read_next_header(a, &e) != ARCHIVE_OK)
                return -EBADMSG;
        return 0;
}

int layer_decompress(int in_fd, int out_fd, const LayerLimits *limits,
                     char ret_diff_id[static DIGEST_STRING_MAX], uint64_t *ret_size) {
        _cleanup_(digester_freep) Digester *d = NULL;
        struct archive *a = archive_read_new();
        char buf[64 * 1024];
        la_ssize_t n;
        int r;

        if (!a)
                return -ENOMEM;
        r = digester_new(&d);
        if (r >= 0)
                r = decompress_open(a, in_fd);
        while (r >= 0 && (n = archive_read_data(a, buf, sizeof(buf))) > 0) {
                if (digester_size(d) + (uint64_t) n > limits->max_bytes)
                        r = -EFBIG;
                if (r >= 0)
                        r = write_all(out_fd, buf, (size_t) n);
                if (r >= 0)
                        r = digester_update(d, buf, (size_t) n);
        }
        if (r >= 0 && n < 0)
                r = -EBADMSG;
        if (r >= 0)
                *ret_size = digester_size(d);
        if (r >= 0)
                r = digester_final(d, ret_diff_id);
        archive_read_free(a);
        return r;
}
