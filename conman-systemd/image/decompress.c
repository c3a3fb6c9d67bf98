/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * decompress.c — a tarball (plain, gzip or zstd: no other decompressor runs) copied uncompressed, or
 * compressed anew with gzip or zstd, into another fd while its sha256 (the diff_id) is computed, within the
 * layer size limit (see layer.h).
 */
#include <archive.h>
#include <archive_entry.h>

#include "shared/fileio.h"
#include "shared/macro.h"
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

LayerCompression layer_compression_from_magic(const void *head, size_t size) {
        const unsigned char *p = head;

        if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
                return LAYER_COMPRESSION_GZIP;
        if (size >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
                return LAYER_COMPRESSION_ZSTD;
        return LAYER_COMPRESSION_NONE;
}

/* Where the compressor's output goes: the fd, and the blob digest of it. */
typedef struct CompressSink {
        int fd;
        Digester *digest;
        int error;
} CompressSink;

static la_ssize_t sink_write(struct archive *a, void *userdata, const void *buf, size_t n) {
        CompressSink *k = userdata;
        int r = write_all(k->fd, buf, n);

        if (r >= 0)
                r = digester_update(k->digest, buf, n);
        if (r < 0) {
                k->error = r;
                archive_set_error(a, -r, "cannot write the compressed layer");
                return -1;
        }
        return (la_ssize_t) n;
}

/* A writer of one raw stream through gzip (without a timestamp: the same tar gives the same blob) or zstd. */
static int compressor_open(struct archive *w, LayerCompression to, CompressSink *sink) {
        struct archive_entry *e;
        int r;

        if (to == LAYER_COMPRESSION_GZIP)
                r = archive_write_add_filter_gzip(w) != ARCHIVE_OK ||
                    archive_write_set_filter_option(w, "gzip", "timestamp", NULL) != ARCHIVE_OK;
        else if (to == LAYER_COMPRESSION_ZSTD)
                r = archive_write_add_filter_zstd(w) != ARCHIVE_OK;
        else
                return -EINVAL;
        if (r || archive_write_set_format_raw(w) != ARCHIVE_OK ||
            archive_write_set_bytes_in_last_block(w, 1) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        if (archive_write_open2(w, sink, NULL, sink_write, NULL, NULL) != ARCHIVE_OK)
                return sink->error ?: -EIO;
        e = archive_entry_new();
        if (!e)
                return -ENOMEM;
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_pathname(e, "layer");
        r = archive_write_header(w, e);
        archive_entry_free(e);
        return r == ARCHIVE_OK ? 0 : sink->error ?: -EIO;
}

static int compress_copy(struct archive *a, struct archive *w, CompressSink *sink, Digester *diff,
                         const LayerLimits *limits) {
        char buf[64 * 1024];
        la_ssize_t n;
        int r = 0;

        while (r >= 0 && (n = archive_read_data(a, buf, sizeof(buf))) > 0) {
                if (digester_size(diff) + (uint64_t) n > limits->max_bytes)
                        r = -EFBIG;
                if (r >= 0)
                        r = digester_update(diff, buf, (size_t) n);
                if (r >= 0 && archive_write_data(w, buf, (size_t) n) != n)
                        r = sink->error ?: -EIO;
        }
        if (r >= 0 && n < 0)
                r = -EBADMSG;
        if (r >= 0 && archive_write_close(w) != ARCHIVE_OK)
                r = sink->error ?: -EIO;
        return r;
}

int layer_compress(int in_fd, int out_fd, LayerCompression to, const LayerLimits *limits,
                   char ret_diff_id[static DIGEST_STRING_MAX], char ret_digest[static DIGEST_STRING_MAX],
                   uint64_t *ret_size) {
        _cleanup_(digester_freep) Digester *diff = NULL, *blob = NULL;
        struct archive *a = archive_read_new(), *w = archive_write_new();
        CompressSink sink = { .fd = out_fd };
        int r;

        r = a && w ? digester_new(&diff) : -ENOMEM;
        if (r >= 0)
                r = digester_new(&blob);
        sink.digest = blob;
        if (r >= 0)
                r = decompress_open(a, in_fd);
        if (r >= 0)
                r = compressor_open(w, to, &sink);
        if (r >= 0)
                r = compress_copy(a, w, &sink, diff, limits);
        if (r >= 0)
                *ret_size = digester_size(blob);
        if (r >= 0)
                r = digester_final(diff, ret_diff_id);
        if (r >= 0)
                r = digester_final(blob, ret_digest);
        archive_write_free(w);
        archive_read_free(a);
        return r;
}

static const char *const compression_table[_LAYER_COMPRESSION_MAX] = {
        [LAYER_COMPRESSION_NONE] = "none",
        [LAYER_COMPRESSION_GZIP] = "gzip",
        [LAYER_COMPRESSION_ZSTD] = "zstd",
};

const char *layer_compression_to_string(LayerCompression c) {
        return c >= 0 && c < _LAYER_COMPRESSION_MAX ? compression_table[c] : NULL;
}

LayerCompression layer_compression_from_string(const char *s) {
        for (int i = 0; s && i < _LAYER_COMPRESSION_MAX; i++)
                if (compression_table[i] && streq(s, compression_table[i]))
                        return (LayerCompression) i;
        return _LAYER_COMPRESSION_INVALID;
}
