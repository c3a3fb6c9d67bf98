/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-spdy.c — what a streaming client sends conman-cri after the upgrade (cri/spdy.c): frames parsed
 * one after another from the input, as the server does with what it has buffered, each prefix length
 * handled as incomplete. Every frame with a header block is built again through a second pair of codecs
 * and must parse back to the same headers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/macro.h"
#include "cri/spdy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rebuild(SpdyCodec *tx, SpdyCodec *rx, const SpdyFrame *f) {
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};
        SpdyFrame back = {};

        if (spdy_build_headers(tx, &b, f->stream_id, f->flags, &f->headers) < 0)
                return; /* over a build limit (a header block grows by its framing) */
        if (spdy_parse_frame(rx, b.data, b.size, &back, NULL) != (ssize_t) b.size)
                abort();
        if (back.headers.n != f->headers.n)
                abort();
        for (size_t i = 0; i < f->headers.n; i++) {
                const SpdyHeader *a = &f->headers.items[i], *z = &back.headers.items[i];

                if (!streq(a->name, z->name) || a->value_len != z->value_len ||
                    memcmp(a->value, z->value, a->value_len) != 0)
                        abort();
        }
        spdy_frame_done(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL, *tx = NULL, *rx = NULL;
        size_t off = 0;

        if (size > 1024 * 1024 || spdy_codec_new(&c) < 0 || spdy_codec_new(&tx) < 0 ||
            spdy_codec_new(&rx) < 0)
                return 0;
        while (off < size) {
                SpdyFrame f = {};
                ssize_t n = spdy_parse_frame(c, data + off, size - off, &f, NULL);

                if (n <= 0)
                        break;
                if ((size_t) n > size - off)
                        abort();
                if (f.type == SPDY_DATA && f.data + f.data_len != data + off + n)
                        abort();
                if (f.type == SPDY_SYN_STREAM || f.type == SPDY_SYN_REPLY || f.type == SPDY_HEADERS)
                        check_rebuild(tx, rx, &f);
                spdy_frame_done(&f);
                off += n;
        }
        return 0;
}
