/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * layer.c — safe unpacking of layer tarballs (see layer.h).
 *
 * Two libarchive readers are chained: "inner" reads the raw blob from the fd
 * (hashing it) and undoes any compression; "outer" parses the tar from inner's
 * output (hashing that, which gives the diff_id). Each entry is applied by
 * shared/tar-extract.c, with OCI whiteouts.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/tar-extract.h"
#include "shared/util.h"
#include "image/layer.h"

#define READ_BUFFER_SIZE (128 * 1024)

typedef struct Extract {
        int input_fd;
        int root_fd;
        struct archive *inner, *outer;
        Digester *raw, *diff;
        char buf[READ_BUFFER_SIZE];     /* raw input */
        char tar_buf[READ_BUFFER_SIZE]; /* uncompressed tar */
        LayerResult *result;
        LayerCompression compression;
        LayerLimits limits;
        uint64_t n_entries;
        bool over_size;     /* the uncompressed tar passed limits.max_bytes */
        TarExtract entries; /* applies each entry below root_fd */
} Extract;

static _printf_(3, 4) int refuse(Extract *x, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(x->result->error, sizeof(x->result->error), fmt, ap);
        va_end(ap);
        return r;
}

static int refuse_over_size(Extract *x) {
        return refuse(x, -EFBIG,
                      "the layer unpacks to more than %" PRIu64 " bytes (raise the limit with %s= in "
                      "conmand's environment)",
                      x->limits.max_bytes, LAYER_MAX_BYTES_ENV);
}

int layer_limits_from_environment(LayerLimits *ret) {
        LayerLimits l = LAYER_LIMITS_DEFAULT;
        const char *v;
        int r;

        v = getenv(LAYER_MAX_BYTES_ENV);
        if (v && *v) {
                r = parse_size(v, &l.max_bytes);
                if (r < 0 || l.max_bytes == 0)
                        return -EINVAL;
        }
        v = getenv(LAYER_MAX_ENTRIES_ENV);
        if (v && *v) {
                r = safe_atou64(v, &l.max_entries);
                if (r < 0 || l.max_entries == 0)
                        return -EINVAL;
        }
        *ret = l;
        return 0;
}

static la_ssize_t inner_read(struct archive *a, void *userdata, const void **ret) {
        Extract *x = userdata;
        ssize_t n;

        n = read_all(x->input_fd, x->buf, sizeof(x->buf));
        if (n < 0) {
                archive_set_error(a, (int) -n, "read failed");
                return -1;
        }
        if (digester_update(x->raw, x->buf, (size_t) n) < 0)
                return -1;
        *ret = x->buf;
        return n;
}

static la_ssize_t outer_read(struct archive *a, void *userdata, const void **ret) {
        Extract *x = userdata;
        la_ssize_t n;

        n = archive_read_data(x->inner, x->tar_buf, sizeof(x->tar_buf));
        if (n < 0) {
                archive_set_error(a, EIO, "%s", archive_error_string(x->inner) ?: "decompression failed");
                return -1;
        }
        if (digester_size(x->diff) + (uint64_t) n > x->limits.max_bytes) {
                x->over_size = true;
                archive_set_error(a, EFBIG, "the layer unpacks to more than the limit");
                return -1;
        }
        if (digester_update(x->diff, x->tar_buf, (size_t) n) < 0)
                return -1;
        *ret = x->tar_buf;
        return n;
}

/* Enables only the decompressor the media type names. ARCHIVE_WARN from a support call means libarchive
 * would run an external program for it: refused. */
static int support_compression(struct archive *a, LayerCompression c) {
        bool gzip = c == LAYER_COMPRESSION_GZIP || c == LAYER_COMPRESSION_DETECT,
             zstd = c == LAYER_COMPRESSION_ZSTD || c == LAYER_COMPRESSION_DETECT;

        if (c < 0 || c >= _LAYER_COMPRESSION_MAX)
                return -EPROTONOSUPPORT;
        if (archive_read_support_filter_none(a) != ARCHIVE_OK)
                return -EIO;
        if (gzip && archive_read_support_filter_gzip(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        if (zstd && archive_read_support_filter_zstd(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        return 0;
}

static int extract_open(Extract *x) {
        struct archive_entry *e;
        int r;

        x->inner = archive_read_new();
        x->outer = archive_read_new();
        if (!x->inner || !x->outer)
                return -ENOMEM;
        r = support_compression(x->inner, x->compression);
        if (r < 0)
                return refuse(
                        x, r,
                        "this build cannot decompress the layer's compression without external programs");
        if (archive_read_support_format_raw(x->inner) != ARCHIVE_OK ||
            archive_read_support_format_tar(x->outer) != ARCHIVE_OK)
                return -EIO;
        if (archive_read_open(x->inner, x, NULL, inner_read, NULL) != ARCHIVE_OK)
                return refuse(x, -EBADMSG, "cannot read layer: %s", archive_error_string(x->inner));
        r = archive_read_next_header(x->inner, &e);
        if (r != ARCHIVE_OK)
                return refuse(x, -EBADMSG, "cannot read layer: %s", strna(archive_error_string(x->inner)));
        x->entries.reader = x->outer;
        if (archive_read_open(x->outer, x, NULL, outer_read, NULL) != ARCHIVE_OK)
                return x->over_size ? refuse_over_size(x)
                                    : refuse(x, -EBADMSG, "layer is not a tar archive: %s",
                                             archive_error_string(x->outer));
        return 0;
}

/* Reads what the readers left: tar padding after the end marker, trailing bytes of the blob. */
static int extract_drain(Extract *x) {
        char buf[16 * 1024];
        la_ssize_t n;
        ssize_t k;

        while ((n = archive_read_data(x->inner, buf, sizeof(buf))) > 0) {
                if (digester_size(x->diff) + (uint64_t) n > x->limits.max_bytes)
                        return refuse_over_size(x);
                if (digester_update(x->diff, buf, (size_t) n) < 0)
                        return -ENOMEM;
        }
        if (n < 0)
                return refuse(x, -EBADMSG, "decompression failed: %s", strna(archive_error_string(x->inner)));
        do {
                k = read_all(x->input_fd, buf, sizeof(buf));
                if (k < 0)
                        return (int) k;
                if (digester_update(x->raw, buf, (size_t) k) < 0)
                        return -ENOMEM;
        } while ((size_t) k == sizeof(buf));
        return 0;
}

static int extract_all(Extract *x) {
        struct archive_entry *e;
        int r;

        r = extract_open(x);
        if (r < 0)
                return r;
        for (;;) {
                r = archive_read_next_header(x->outer, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (x->over_size)
                        return refuse_over_size(x);
                if (r < ARCHIVE_WARN)
                        return refuse(x, -EBADMSG, "broken tar archive: %s",
                                      strna(archive_error_string(x->outer)));
                if (++x->n_entries > x->limits.max_entries)
                        return refuse(x, -EFBIG,
                                      "the layer has more than %" PRIu64 " entries (raise the limit with %s= "
                                      "in conmand's environment)",
                                      x->limits.max_entries, LAYER_MAX_ENTRIES_ENV);
                r = tar_extract_entry(&x->entries, e);
                if (x->over_size)
                        return refuse_over_size(x);
                if (r < 0) {
                        if (!x->result->error[0])
                                refuse(x, r, "cannot create %s: %s", archive_entry_pathname(e), strerror(-r));
                        return r;
                }
                if (x->entries.ended_early)
                        break;
        }
        return extract_drain(x);
}

static void extract_free(Extract *x) {
        if (!x)
                return;
        if (x->outer)
                archive_read_free(x->outer);
        if (x->inner)
                archive_read_free(x->inner);
        digester_free(x->raw);
        digester_free(x->diff);
        free(x);
}

int layer_extract(int input_fd, int dir_fd, LayerCompression compression, const LayerLimits *limits,
                  LayerResult *ret) {
        Extract *x; /* on the heap: its buffers are too big for a worker thread's stack */
        int r;

        *ret = (LayerResult){};
        x = calloc(1, sizeof(*x));
        if (!x)
                return -ENOMEM;
        x->input_fd = input_fd;
        x->root_fd = dir_fd;
        x->result = ret;
        x->compression = compression;
        x->limits = limits ? *limits : LAYER_LIMITS_DEFAULT;
        x->entries = (TarExtract){
                .root_fd = dir_fd,
                .options = { .whiteouts = true, .keep_owner = true, .devices = true, .root_metadata = true },
                .privileged = geteuid() == 0,
                .error = ret->error,
                .error_size = sizeof(ret->error),
        };
        r = digester_new(&x->raw);
        if (r >= 0)
                r = digester_new(&x->diff);
        if (r >= 0)
                r = extract_all(x);
        if (r >= 0) {
                ret->blob_size = digester_size(x->raw);
                ret->diff_size = digester_size(x->diff);
                r = digester_final(x->raw, ret->blob_digest);
        }
        if (r >= 0)
                r = digester_final(x->diff, ret->diff_id);
        extract_free(x);
        return r;
}
