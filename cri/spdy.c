/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spdy.c — SPDY/3.1 frames to and from bytes, and the zlib-compressed name/value header blocks
 * (spdy.h says how it is used). Nothing here does I/O: stream-server.c owns the sockets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "shared/macro.h"
#include "cri/spdy.h"

/* The SPDY/3 header compression dictionary (spec section 2.6.10.1): 1423 bytes. */
static const uint8_t spdy_dictionary[] = {
        0x00, 0x00, 0x00, 0x07, 0x6f, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x73, 0x00, 0x00, 0x00, 0x04, 0x68, 0x65,
        0x61, 0x64, 0x00, 0x00, 0x00, 0x04, 0x70, 0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x03, 0x70, 0x75, 0x74,
        0x00, 0x00, 0x00, 0x06, 0x64, 0x65, 0x6c, 0x65, 0x74, 0x65, 0x00, 0x00, 0x00, 0x05, 0x74, 0x72, 0x61,
        0x63, 0x65, 0x00, 0x00, 0x00, 0x06, 0x61, 0x63, 0x63, 0x65, 0x70, 0x74, 0x00, 0x00, 0x00, 0x0e, 0x61,
        0x63, 0x63, 0x65, 0x70, 0x74, 0x2d, 0x63, 0x68, 0x61, 0x72, 0x73, 0x65, 0x74, 0x00, 0x00, 0x00, 0x0f,
        0x61, 0x63, 0x63, 0x65, 0x70, 0x74, 0x2d, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67, 0x00, 0x00,
        0x00, 0x0f, 0x61, 0x63, 0x63, 0x65, 0x70, 0x74, 0x2d, 0x6c, 0x61, 0x6e, 0x67, 0x75, 0x61, 0x67, 0x65,
        0x00, 0x00, 0x00, 0x0d, 0x61, 0x63, 0x63, 0x65, 0x70, 0x74, 0x2d, 0x72, 0x61, 0x6e, 0x67, 0x65, 0x73,
        0x00, 0x00, 0x00, 0x03, 0x61, 0x67, 0x65, 0x00, 0x00, 0x00, 0x05, 0x61, 0x6c, 0x6c, 0x6f, 0x77, 0x00,
        0x00, 0x00, 0x0d, 0x61, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x69, 0x7a, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00,
        0x00, 0x00, 0x0d, 0x63, 0x61, 0x63, 0x68, 0x65, 0x2d, 0x63, 0x6f, 0x6e, 0x74, 0x72, 0x6f, 0x6c, 0x00,
        0x00, 0x00, 0x0a, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x00, 0x0c,
        0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x62, 0x61, 0x73, 0x65, 0x00, 0x00, 0x00, 0x10, 0x63,
        0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67, 0x00, 0x00,
        0x00, 0x10, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x6c, 0x61, 0x6e, 0x67, 0x75, 0x61, 0x67,
        0x65, 0x00, 0x00, 0x00, 0x0e, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x6c, 0x65, 0x6e, 0x67,
        0x74, 0x68, 0x00, 0x00, 0x00, 0x10, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x6c, 0x6f, 0x63,
        0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x00, 0x0b, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d,
        0x6d, 0x64, 0x35, 0x00, 0x00, 0x00, 0x0d, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x72, 0x61,
        0x6e, 0x67, 0x65, 0x00, 0x00, 0x00, 0x0c, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x74, 0x79,
        0x70, 0x65, 0x00, 0x00, 0x00, 0x04, 0x64, 0x61, 0x74, 0x65, 0x00, 0x00, 0x00, 0x04, 0x65, 0x74, 0x61,
        0x67, 0x00, 0x00, 0x00, 0x06, 0x65, 0x78, 0x70, 0x65, 0x63, 0x74, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78,
        0x70, 0x69, 0x72, 0x65, 0x73, 0x00, 0x00, 0x00, 0x04, 0x66, 0x72, 0x6f, 0x6d, 0x00, 0x00, 0x00, 0x04,
        0x68, 0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x08, 0x69, 0x66, 0x2d, 0x6d, 0x61, 0x74, 0x63, 0x68, 0x00,
        0x00, 0x00, 0x11, 0x69, 0x66, 0x2d, 0x6d, 0x6f, 0x64, 0x69, 0x66, 0x69, 0x65, 0x64, 0x2d, 0x73, 0x69,
        0x6e, 0x63, 0x65, 0x00, 0x00, 0x00, 0x0d, 0x69, 0x66, 0x2d, 0x6e, 0x6f, 0x6e, 0x65, 0x2d, 0x6d, 0x61,
        0x74, 0x63, 0x68, 0x00, 0x00, 0x00, 0x08, 0x69, 0x66, 0x2d, 0x72, 0x61, 0x6e, 0x67, 0x65, 0x00, 0x00,
        0x00, 0x13, 0x69, 0x66, 0x2d, 0x75, 0x6e, 0x6d, 0x6f, 0x64, 0x69, 0x66, 0x69, 0x65, 0x64, 0x2d, 0x73,
        0x69, 0x6e, 0x63, 0x65, 0x00, 0x00, 0x00, 0x0d, 0x6c, 0x61, 0x73, 0x74, 0x2d, 0x6d, 0x6f, 0x64, 0x69,
        0x66, 0x69, 0x65, 0x64, 0x00, 0x00, 0x00, 0x08, 0x6c, 0x6f, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00,
        0x00, 0x00, 0x0c, 0x6d, 0x61, 0x78, 0x2d, 0x66, 0x6f, 0x72, 0x77, 0x61, 0x72, 0x64, 0x73, 0x00, 0x00,
        0x00, 0x06, 0x70, 0x72, 0x61, 0x67, 0x6d, 0x61, 0x00, 0x00, 0x00, 0x12, 0x70, 0x72, 0x6f, 0x78, 0x79,
        0x2d, 0x61, 0x75, 0x74, 0x68, 0x65, 0x6e, 0x74, 0x69, 0x63, 0x61, 0x74, 0x65, 0x00, 0x00, 0x00, 0x13,
        0x70, 0x72, 0x6f, 0x78, 0x79, 0x2d, 0x61, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x69, 0x7a, 0x61, 0x74, 0x69,
        0x6f, 0x6e, 0x00, 0x00, 0x00, 0x05, 0x72, 0x61, 0x6e, 0x67, 0x65, 0x00, 0x00, 0x00, 0x07, 0x72, 0x65,
        0x66, 0x65, 0x72, 0x65, 0x72, 0x00, 0x00, 0x00, 0x0b, 0x72, 0x65, 0x74, 0x72, 0x79, 0x2d, 0x61, 0x66,
        0x74, 0x65, 0x72, 0x00, 0x00, 0x00, 0x06, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x00, 0x00, 0x00, 0x02,
        0x74, 0x65, 0x00, 0x00, 0x00, 0x07, 0x74, 0x72, 0x61, 0x69, 0x6c, 0x65, 0x72, 0x00, 0x00, 0x00, 0x11,
        0x74, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72, 0x2d, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67,
        0x00, 0x00, 0x00, 0x07, 0x75, 0x70, 0x67, 0x72, 0x61, 0x64, 0x65, 0x00, 0x00, 0x00, 0x0a, 0x75, 0x73,
        0x65, 0x72, 0x2d, 0x61, 0x67, 0x65, 0x6e, 0x74, 0x00, 0x00, 0x00, 0x04, 0x76, 0x61, 0x72, 0x79, 0x00,
        0x00, 0x00, 0x03, 0x76, 0x69, 0x61, 0x00, 0x00, 0x00, 0x07, 0x77, 0x61, 0x72, 0x6e, 0x69, 0x6e, 0x67,
        0x00, 0x00, 0x00, 0x10, 0x77, 0x77, 0x77, 0x2d, 0x61, 0x75, 0x74, 0x68, 0x65, 0x6e, 0x74, 0x69, 0x63,
        0x61, 0x74, 0x65, 0x00, 0x00, 0x00, 0x06, 0x6d, 0x65, 0x74, 0x68, 0x6f, 0x64, 0x00, 0x00, 0x00, 0x03,
        0x67, 0x65, 0x74, 0x00, 0x00, 0x00, 0x06, 0x73, 0x74, 0x61, 0x74, 0x75, 0x73, 0x00, 0x00, 0x00, 0x06,
        0x32, 0x30, 0x30, 0x20, 0x4f, 0x4b, 0x00, 0x00, 0x00, 0x07, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e,
        0x00, 0x00, 0x00, 0x08, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x00, 0x00, 0x03, 0x75,
        0x72, 0x6c, 0x00, 0x00, 0x00, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0x00, 0x00, 0x00, 0x0a, 0x73,
        0x65, 0x74, 0x2d, 0x63, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x00, 0x00, 0x00, 0x0a, 0x6b, 0x65, 0x65, 0x70,
        0x2d, 0x61, 0x6c, 0x69, 0x76, 0x65, 0x00, 0x00, 0x00, 0x06, 0x6f, 0x72, 0x69, 0x67, 0x69, 0x6e, 0x31,
        0x30, 0x30, 0x31, 0x30, 0x31, 0x32, 0x30, 0x31, 0x32, 0x30, 0x32, 0x32, 0x30, 0x35, 0x32, 0x30, 0x36,
        0x33, 0x30, 0x30, 0x33, 0x30, 0x32, 0x33, 0x30, 0x33, 0x33, 0x30, 0x34, 0x33, 0x30, 0x35, 0x33, 0x30,
        0x36, 0x33, 0x30, 0x37, 0x34, 0x30, 0x32, 0x34, 0x30, 0x35, 0x34, 0x30, 0x36, 0x34, 0x30, 0x37, 0x34,
        0x30, 0x38, 0x34, 0x30, 0x39, 0x34, 0x31, 0x30, 0x34, 0x31, 0x31, 0x34, 0x31, 0x32, 0x34, 0x31, 0x33,
        0x34, 0x31, 0x34, 0x34, 0x31, 0x35, 0x34, 0x31, 0x36, 0x34, 0x31, 0x37, 0x35, 0x30, 0x32, 0x35, 0x30,
        0x34, 0x35, 0x30, 0x35, 0x32, 0x30, 0x33, 0x20, 0x4e, 0x6f, 0x6e, 0x2d, 0x41, 0x75, 0x74, 0x68, 0x6f,
        0x72, 0x69, 0x74, 0x61, 0x74, 0x69, 0x76, 0x65, 0x20, 0x49, 0x6e, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74,
        0x69, 0x6f, 0x6e, 0x32, 0x30, 0x34, 0x20, 0x4e, 0x6f, 0x20, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74,
        0x33, 0x30, 0x31, 0x20, 0x4d, 0x6f, 0x76, 0x65, 0x64, 0x20, 0x50, 0x65, 0x72, 0x6d, 0x61, 0x6e, 0x65,
        0x6e, 0x74, 0x6c, 0x79, 0x34, 0x30, 0x30, 0x20, 0x42, 0x61, 0x64, 0x20, 0x52, 0x65, 0x71, 0x75, 0x65,
        0x73, 0x74, 0x34, 0x30, 0x31, 0x20, 0x55, 0x6e, 0x61, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x69, 0x7a, 0x65,
        0x64, 0x34, 0x30, 0x33, 0x20, 0x46, 0x6f, 0x72, 0x62, 0x69, 0x64, 0x64, 0x65, 0x6e, 0x34, 0x30, 0x34,
        0x20, 0x4e, 0x6f, 0x74, 0x20, 0x46, 0x6f, 0x75, 0x6e, 0x64, 0x35, 0x30, 0x30, 0x20, 0x49, 0x6e, 0x74,
        0x65, 0x72, 0x6e, 0x61, 0x6c, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x45, 0x72, 0x72, 0x6f,
        0x72, 0x35, 0x30, 0x31, 0x20, 0x4e, 0x6f, 0x74, 0x20, 0x49, 0x6d, 0x70, 0x6c, 0x65, 0x6d, 0x65, 0x6e,
        0x74, 0x65, 0x64, 0x35, 0x30, 0x33, 0x20, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x20, 0x55, 0x6e,
        0x61, 0x76, 0x61, 0x69, 0x6c, 0x61, 0x62, 0x6c, 0x65, 0x4a, 0x61, 0x6e, 0x20, 0x46, 0x65, 0x62, 0x20,
        0x4d, 0x61, 0x72, 0x20, 0x41, 0x70, 0x72, 0x20, 0x4d, 0x61, 0x79, 0x20, 0x4a, 0x75, 0x6e, 0x20, 0x4a,
        0x75, 0x6c, 0x20, 0x41, 0x75, 0x67, 0x20, 0x53, 0x65, 0x70, 0x74, 0x20, 0x4f, 0x63, 0x74, 0x20, 0x4e,
        0x6f, 0x76, 0x20, 0x44, 0x65, 0x63, 0x20, 0x30, 0x30, 0x3a, 0x30, 0x30, 0x3a, 0x30, 0x30, 0x20, 0x4d,
        0x6f, 0x6e, 0x2c, 0x20, 0x54, 0x75, 0x65, 0x2c, 0x20, 0x57, 0x65, 0x64, 0x2c, 0x20, 0x54, 0x68, 0x75,
        0x2c, 0x20, 0x46, 0x72, 0x69, 0x2c, 0x20, 0x53, 0x61, 0x74, 0x2c, 0x20, 0x53, 0x75, 0x6e, 0x2c, 0x20,
        0x47, 0x4d, 0x54, 0x63, 0x68, 0x75, 0x6e, 0x6b, 0x65, 0x64, 0x2c, 0x74, 0x65, 0x78, 0x74, 0x2f, 0x68,
        0x74, 0x6d, 0x6c, 0x2c, 0x69, 0x6d, 0x61, 0x67, 0x65, 0x2f, 0x70, 0x6e, 0x67, 0x2c, 0x69, 0x6d, 0x61,
        0x67, 0x65, 0x2f, 0x6a, 0x70, 0x67, 0x2c, 0x69, 0x6d, 0x61, 0x67, 0x65, 0x2f, 0x67, 0x69, 0x66, 0x2c,
        0x61, 0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x78, 0x6d, 0x6c, 0x2c, 0x61,
        0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x78, 0x68, 0x74, 0x6d, 0x6c, 0x2b,
        0x78, 0x6d, 0x6c, 0x2c, 0x74, 0x65, 0x78, 0x74, 0x2f, 0x70, 0x6c, 0x61, 0x69, 0x6e, 0x2c, 0x74, 0x65,
        0x78, 0x74, 0x2f, 0x6a, 0x61, 0x76, 0x61, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74, 0x2c, 0x70, 0x75, 0x62,
        0x6c, 0x69, 0x63, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0x6d, 0x61, 0x78, 0x2d, 0x61, 0x67, 0x65,
        0x3d, 0x67, 0x7a, 0x69, 0x70, 0x2c, 0x64, 0x65, 0x66, 0x6c, 0x61, 0x74, 0x65, 0x2c, 0x73, 0x64, 0x63,
        0x68, 0x63, 0x68, 0x61, 0x72, 0x73, 0x65, 0x74, 0x3d, 0x75, 0x74, 0x66, 0x2d, 0x38, 0x63, 0x68, 0x61,
        0x72, 0x73, 0x65, 0x74, 0x3d, 0x69, 0x73, 0x6f, 0x2d, 0x38, 0x38, 0x35, 0x39, 0x2d, 0x31, 0x2c, 0x75,
        0x74, 0x66, 0x2d, 0x2c, 0x2a, 0x2c, 0x65, 0x6e, 0x71, 0x3d, 0x30, 0x2e,
};

struct SpdyCodec {
        z_stream deflate, inflate;
        bool deflate_ready, inflate_ready;
};

int spdy_codec_new(SpdyCodec **ret) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = calloc(1, sizeof(SpdyCodec));

        if (!c)
                return -ENOMEM;
        /* level 9 as Go's framer; a zlib header with the dictionary's id, one stream per connection */
        if (deflateInit2(&c->deflate, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return -ENOMEM;
        c->deflate_ready = true;
        if (deflateSetDictionary(&c->deflate, spdy_dictionary, sizeof(spdy_dictionary)) != Z_OK)
                return -EIO;
        if (inflateInit(&c->inflate) != Z_OK)
                return -ENOMEM;
        c->inflate_ready = true;
        *ret = TAKE_PTR(c);
        return 0;
}

SpdyCodec *spdy_codec_free(SpdyCodec *c) {
        if (!c)
                return NULL;
        if (c->deflate_ready)
                deflateEnd(&c->deflate);
        if (c->inflate_ready)
                inflateEnd(&c->inflate);
        free(c);
        return NULL;
}

void spdy_codec_freep(SpdyCodec **c) {
        *c = spdy_codec_free(*c);
}

/* Buffers */

static int buffer_reserve(SpdyBuffer *b, size_t extra) {
        size_t want, n;
        uint8_t *p;

        if (extra > SIZE_MAX / 2 - b->size)
                return -ENOMEM;
        want = b->size + extra;
        if (want <= b->allocated)
                return 0;
        n = MAX(want, MAX(b->allocated * 2, (size_t) 256));
        p = realloc(b->data, n);
        if (!p)
                return -ENOMEM;
        b->data = p;
        b->allocated = n;
        return 0;
}

int spdy_buffer_append(SpdyBuffer *b, const void *data, size_t len) {
        int r;

        if (len == 0)
                return 0;
        r = buffer_reserve(b, len);
        if (r < 0)
                return r;
        memcpy(b->data + b->size, data, len);
        b->size += len;
        return 0;
}

void spdy_buffer_consume(SpdyBuffer *b, size_t n) {
        n = MIN(n, b->size);
        memmove(b->data, b->data + n, b->size - n);
        b->size -= n;
}

void spdy_buffer_done(SpdyBuffer *b) {
        free(b->data);
        *b = (SpdyBuffer){};
}

static uint32_t get32(const uint8_t *p) {
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v) {
        p[0] = v >> 24;
        p[1] = v >> 16;
        p[2] = v >> 8;
        p[3] = v;
}

static int append32(SpdyBuffer *b, uint32_t v) {
        uint8_t p[4];

        put32(p, v);
        return spdy_buffer_append(b, p, sizeof(p));
}

/* Headers */

const char *spdy_headers_get(const SpdyHeaders *h, const char *name) {
        for (size_t i = 0; i < h->n; i++)
                if (strcasecmp(h->items[i].name, name) == 0)
                        return h->items[i].value;
        return NULL;
}

int spdy_headers_add(SpdyHeaders *h, const char *name, const char *value) {
        _cleanup_free_ char *n = strdup(name), *v = strdup(value);
        SpdyHeader *items;

        if (!n || !v)
                return -ENOMEM;
        if (h->n >= SPDY_MAX_HEADERS)
                return -EMSGSIZE;
        items = realloc(h->items, (h->n + 1) * sizeof(SpdyHeader));
        if (!items)
                return -ENOMEM;
        h->items = items;
        for (char *p = n; *p; p++)
                *p = tolower((unsigned char) *p);
        h->items[h->n].value_len = strlen(v);
        h->items[h->n].name = TAKE_PTR(n);
        h->items[h->n++].value = TAKE_PTR(v);
        return 0;
}

void spdy_headers_done(SpdyHeaders *h) {
        for (size_t i = 0; i < h->n; i++) {
                free(h->items[i].name);
                free(h->items[i].value);
        }
        free(h->items);
        *h = (SpdyHeaders){};
}

static void spdy_headers_donep(SpdyHeaders *h) {
        spdy_headers_done(h);
}

#define TAKE_HEADERS(h)                                                                                      \
        ({                                                                                                   \
                SpdyHeaders _h_ = (h);                                                                       \
                (h) = (SpdyHeaders){};                                                                       \
                _h_;                                                                                         \
        })

/* The uncompressed block: count, then (length, name, length, value) each, all lengths 32-bit. */
static int serialize_headers(const SpdyHeaders *h, SpdyBuffer *out) {
        int r;

        if (h && h->n > SPDY_MAX_HEADERS)
                return -EMSGSIZE;
        r = append32(out, h ? h->n : 0);
        for (size_t i = 0; r >= 0 && h && i < h->n; i++) {
                size_t nl = strlen(h->items[i].name);

                if (nl == 0 || out->size + 8 + nl + h->items[i].value_len > SPDY_MAX_HEADER_BLOCK)
                        return -EMSGSIZE;
                r = append32(out, nl);
                if (r >= 0)
                        r = spdy_buffer_append(out, h->items[i].name, nl);
                if (r >= 0)
                        r = append32(out, h->items[i].value_len);
                if (r >= 0)
                        r = spdy_buffer_append(out, h->items[i].value, h->items[i].value_len);
        }
        return r;
}

int spdy_compress_headers(SpdyCodec *c, SpdyBuffer *b, const SpdyHeaders *h) {
        _cleanup_(spdy_buffer_done) SpdyBuffer plain = {};
        int r;

        r = serialize_headers(h, &plain);
        if (r < 0)
                return r;
        c->deflate.next_in = plain.data;
        c->deflate.avail_in = plain.size;
        do {
                r = buffer_reserve(b, 4096);
                if (r < 0)
                        return r;
                c->deflate.next_out = b->data + b->size;
                c->deflate.avail_out = 4096;
                if (deflate(&c->deflate, Z_SYNC_FLUSH) == Z_STREAM_ERROR)
                        return -EIO;
                b->size += 4096 - c->deflate.avail_out;
        } while (c->deflate.avail_out == 0 || c->deflate.avail_in > 0);
        return 0;
}

static int inflate_block(SpdyCodec *c, const uint8_t *data, size_t len, SpdyBuffer *out,
                         const char **ret_error) {
        int r, z;

        c->inflate.next_in = (uint8_t *) data;
        c->inflate.avail_in = len;
        for (;;) {
                r = buffer_reserve(out, 4096);
                if (r < 0)
                        return r;
                c->inflate.next_out = out->data + out->size;
                c->inflate.avail_out = 4096;
                z = inflate(&c->inflate, Z_SYNC_FLUSH);
                if (z == Z_NEED_DICT) {
                        if (inflateSetDictionary(&c->inflate, spdy_dictionary, sizeof(spdy_dictionary)) !=
                            Z_OK)
                                return *ret_error = "header block wants another dictionary", -EBADMSG;
                        z = inflate(&c->inflate, Z_SYNC_FLUSH);
                }
                out->size += 4096 - c->inflate.avail_out;
                if (z == Z_STREAM_END)
                        return *ret_error = "header compression stream ended", -EBADMSG;
                if (z != Z_OK && z != Z_BUF_ERROR)
                        return *ret_error = "header block does not decompress", -EBADMSG;
                if (out->size > SPDY_MAX_HEADER_BLOCK)
                        return *ret_error = "header block too large", -EMSGSIZE;
                if (c->inflate.avail_in == 0 && c->inflate.avail_out > 0)
                        return 0;
                if (z == Z_BUF_ERROR && c->inflate.avail_out > 0)
                        return *ret_error = "header block truncated", -EBADMSG;
        }
}

static int take_string(const uint8_t **p, size_t *left, char **ret, size_t *ret_len) {
        uint32_t n;
        char *s;

        if (*left < 4)
                return -EPROTO;
        n = get32(*p);
        if (n > *left - 4)
                return -EPROTO;
        s = malloc(n + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, *p + 4, n);
        s[n] = 0;
        *p += 4 + n;
        *left -= 4 + n;
        *ret = s;
        *ret_len = n;
        return 0;
}

static bool name_seen(const SpdyHeaders *h, size_t before, const char *name) {
        for (size_t i = 0; i < before; i++)
                if (strcasecmp(h->items[i].name, name) == 0)
                        return true;
        return false;
}

static int parse_block(const uint8_t *p, size_t left, SpdyHeaders *ret, const char **ret_error) {
        _cleanup_(spdy_headers_donep) SpdyHeaders h = {};
        uint32_t n;
        int r;

        if (left < 4)
                return *ret_error = "header block without a count", -EPROTO;
        n = get32(p);
        p += 4, left -= 4;
        if (n > SPDY_MAX_HEADERS)
                return *ret_error = "too many headers", -EMSGSIZE;
        h.items = calloc(MAX(n, 1u), sizeof(SpdyHeader));
        if (!h.items)
                return -ENOMEM;
        h.n = n; /* zeroed entries free as NULL */
        for (size_t i = 0; i < n; i++) {
                SpdyHeader *e = &h.items[i];
                size_t nl;

                r = take_string(&p, &left, &e->name, &nl);
                if (r >= 0)
                        r = take_string(&p, &left, &e->value, &e->value_len);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return *ret_error = "header block truncated", r;
                if (nl == 0 || strlen(e->name) != nl)
                        return *ret_error = "empty or invalid header name", -EPROTO;
                if (name_seen(&h, i, e->name))
                        return *ret_error = "duplicate header name", -EPROTO;
        }
        if (left != 0)
                return *ret_error = "bytes after the header block", -EPROTO;
        *ret = TAKE_HEADERS(h);
        return 0;
}

int spdy_decompress_headers(SpdyCodec *c, const uint8_t *data, size_t len, SpdyHeaders *ret,
                            const char **ret_error) {
        _cleanup_(spdy_buffer_done) SpdyBuffer plain = {};
        const char *dummy;
        int r;

        if (!ret_error)
                ret_error = &dummy;
        r = inflate_block(c, data, len, &plain, ret_error);
        if (r < 0)
                return r;
        return parse_block(plain.data, plain.size, ret, ret_error);
}

/* Frames: parsing */

static int parse_header_frame(SpdyCodec *c, SpdyFrame *f, const uint8_t *p, size_t len,
                              const char **ret_error) {
        size_t skip = f->type == SPDY_SYN_STREAM ? 10 : 4;

        if (len < skip)
                return *ret_error = "control frame too short", -EPROTO;
        f->stream_id = get32(p) & 0x7fffffffu;
        if (f->type == SPDY_SYN_STREAM) {
                f->associated_id = get32(p + 4) & 0x7fffffffu;
                f->priority = p[8] >> 5;
        }
        if (f->stream_id == 0)
                return *ret_error = "stream id 0", -EPROTO;
        /* every header block goes through the inflate stream, so the connection's state stays in step */
        return spdy_decompress_headers(c, p + skip, len - skip, &f->headers, ret_error);
}

static int parse_settings(SpdyFrame *f, const uint8_t *p, size_t len, const char **ret_error) {
        uint32_t n;

        if (len < 4)
                return *ret_error = "SETTINGS too short", -EPROTO;
        n = get32(p);
        if (n > SPDY_MAX_SETTINGS)
                return *ret_error = "too many settings", -EMSGSIZE;
        if (len != 4 + (size_t) n * 8)
                return *ret_error = "SETTINGS length does not match its count", -EPROTO;
        f->settings = calloc(MAX(n, 1u), sizeof(SpdySetting));
        if (!f->settings)
                return -ENOMEM;
        for (uint32_t i = 0; i < n; i++) {
                const uint8_t *e = p + 4 + i * 8;

                f->settings[i] =
                        (SpdySetting){ .flags = e[0], .id = get32(e) & 0xffffffu, .value = get32(e + 4) };
        }
        f->n_settings = n;
        return 0;
}

static int parse_fixed(SpdyFrame *f, const uint8_t *p, size_t len, const char **ret_error) {
        size_t want = f->type == SPDY_PING ? 4 : 8;

        if (len != want)
                return *ret_error = "control frame of the wrong length", -EPROTO;
        switch (f->type) {
        case SPDY_PING: f->value = get32(p); break;
        case SPDY_RST_STREAM:
        case SPDY_GOAWAY:
                f->stream_id = get32(p) & 0x7fffffffu;
                f->status = get32(p + 4);
                break;
        case SPDY_WINDOW_UPDATE:
                f->stream_id = get32(p) & 0x7fffffffu;
                f->value = get32(p + 4) & 0x7fffffffu;
                if (f->value == 0)
                        return *ret_error = "WINDOW_UPDATE of 0", -EPROTO;
                break;
        }
        if (f->type == SPDY_RST_STREAM && f->stream_id == 0)
                return *ret_error = "stream id 0", -EPROTO;
        return 0;
}

static int parse_control(SpdyCodec *c, SpdyFrame *f, const uint8_t *p, size_t len, const char **ret_error) {
        switch (f->type) {
        case SPDY_SYN_STREAM:
        case SPDY_SYN_REPLY:
        case SPDY_HEADERS: return parse_header_frame(c, f, p, len, ret_error);
        case SPDY_SETTINGS: return parse_settings(f, p, len, ret_error);
        case SPDY_PING:
        case SPDY_RST_STREAM:
        case SPDY_GOAWAY:
        case SPDY_WINDOW_UPDATE: return parse_fixed(f, p, len, ret_error);
        default: return 0; /* unknown control frames are ignored (spec 2.2.1) */
        }
}

ssize_t spdy_parse_frame(SpdyCodec *c, const uint8_t *buf, size_t len, SpdyFrame *ret,
                         const char **ret_error) {
        SpdyFrame f = {};
        const char *dummy;
        uint32_t length;
        int r;

        if (!ret_error)
                ret_error = &dummy;
        *ret_error = NULL;
        if (len < SPDY_FRAME_HEADER_SIZE)
                return 0;
        length = get32(buf + 4) & 0xffffffu;
        f.flags = buf[4];
        if (length > SPDY_MAX_FRAME_LENGTH)
                return *ret_error = "frame too large", -EMSGSIZE;
        if (buf[0] & 0x80) {
                uint16_t version = (buf[0] & 0x7f) << 8 | buf[1];

                if (version != SPDY_VERSION)
                        return *ret_error = "not SPDY version 3", -EPROTONOSUPPORT;
                f.type = buf[2] << 8 | buf[3];
        } else
                f.stream_id = get32(buf) & 0x7fffffffu;
        if (len - SPDY_FRAME_HEADER_SIZE < length)
                return 0;
        if (f.type == SPDY_DATA) {
                f.data = buf + SPDY_FRAME_HEADER_SIZE;
                f.data_len = length;
        } else {
                r = parse_control(c, &f, buf + SPDY_FRAME_HEADER_SIZE, length, ret_error);
                if (r < 0) {
                        spdy_frame_done(&f);
                        return r;
                }
        }
        *ret = f;
        return SPDY_FRAME_HEADER_SIZE + (ssize_t) length;
}

void spdy_frame_done(SpdyFrame *f) {
        spdy_headers_done(&f->headers);
        free(f->settings);
        *f = (SpdyFrame){};
}

const char *spdy_frame_type_to_string(uint16_t type) {
        static const char *const names[] = {
                [SPDY_DATA] = "DATA",
                [SPDY_SYN_STREAM] = "SYN_STREAM",
                [SPDY_SYN_REPLY] = "SYN_REPLY",
                [SPDY_RST_STREAM] = "RST_STREAM",
                [SPDY_SETTINGS] = "SETTINGS",
                [SPDY_PING] = "PING",
                [SPDY_GOAWAY] = "GOAWAY",
                [SPDY_HEADERS] = "HEADERS",
                [SPDY_WINDOW_UPDATE] = "WINDOW_UPDATE",
        };

        return type < ELEMENTSOF(names) && names[type] ? names[type] : "unknown";
}

/* Frames: building */

static int append_control_header(SpdyBuffer *b, uint16_t type, uint8_t flags, size_t length) {
        uint8_t h[SPDY_FRAME_HEADER_SIZE] = { 0x80, SPDY_VERSION, type >> 8, type & 0xff };

        if (length > SPDY_MAX_FRAME_LENGTH)
                return -EMSGSIZE;
        put32(h + 4, (uint32_t) flags << 24 | (uint32_t) length);
        return spdy_buffer_append(b, h, sizeof(h));
}

/* A frame whose payload is fixed fields then a compressed header block: the length is known only
 * after compressing, so the header is written first and patched. */
static int build_header_frame(SpdyCodec *c, SpdyBuffer *b, uint16_t type, uint8_t flags,
                              const uint8_t *fields, size_t n_fields, const SpdyHeaders *h) {
        size_t start = b->size, length;
        int r;

        r = append_control_header(b, type, flags, 0);
        if (r >= 0)
                r = spdy_buffer_append(b, fields, n_fields);
        if (r >= 0)
                r = spdy_compress_headers(c, b, h);
        if (r < 0) {
                b->size = start;
                return r;
        }
        length = b->size - start - SPDY_FRAME_HEADER_SIZE;
        if (length > SPDY_MAX_FRAME_LENGTH) {
                b->size = start;
                return -EMSGSIZE;
        }
        put32(b->data + start + 4, (uint32_t) flags << 24 | (uint32_t) length);
        return 0;
}

int spdy_build_syn_stream(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint32_t associated_id,
                          uint8_t priority, uint8_t flags, const SpdyHeaders *h) {
        uint8_t fields[10] = {};

        put32(fields, stream_id & 0x7fffffffu);
        put32(fields + 4, associated_id & 0x7fffffffu);
        fields[8] = (priority & 7) << 5;
        return build_header_frame(c, b, SPDY_SYN_STREAM, flags, fields, sizeof(fields), h);
}

int spdy_build_syn_reply(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint8_t flags,
                         const SpdyHeaders *h) {
        uint8_t fields[4];

        put32(fields, stream_id & 0x7fffffffu);
        return build_header_frame(c, b, SPDY_SYN_REPLY, flags, fields, sizeof(fields), h);
}

int spdy_build_headers(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint8_t flags, const SpdyHeaders *h) {
        uint8_t fields[4];

        put32(fields, stream_id & 0x7fffffffu);
        return build_header_frame(c, b, SPDY_HEADERS, flags, fields, sizeof(fields), h);
}

static int build_two(SpdyBuffer *b, uint16_t type, uint32_t first, uint32_t second) {
        uint8_t fields[8];
        int r;

        put32(fields, first);
        put32(fields + 4, second);
        r = append_control_header(b, type, 0, sizeof(fields));
        return r < 0 ? r : spdy_buffer_append(b, fields, sizeof(fields));
}

int spdy_build_rst_stream(SpdyBuffer *b, uint32_t stream_id, uint32_t status) {
        return build_two(b, SPDY_RST_STREAM, stream_id & 0x7fffffffu, status);
}

int spdy_build_goaway(SpdyBuffer *b, uint32_t last_good_stream_id, uint32_t status) {
        return build_two(b, SPDY_GOAWAY, last_good_stream_id & 0x7fffffffu, status);
}

int spdy_build_window_update(SpdyBuffer *b, uint32_t stream_id, uint32_t delta) {
        return build_two(b, SPDY_WINDOW_UPDATE, stream_id & 0x7fffffffu, delta & 0x7fffffffu);
}

int spdy_build_ping(SpdyBuffer *b, uint32_t id) {
        int r = append_control_header(b, SPDY_PING, 0, 4);

        return r < 0 ? r : append32(b, id);
}

int spdy_build_settings(SpdyBuffer *b, uint8_t flags, const SpdySetting *s, size_t n) {
        int r;

        if (n > SPDY_MAX_SETTINGS)
                return -EMSGSIZE;
        r = append_control_header(b, SPDY_SETTINGS, flags, 4 + n * 8);
        if (r >= 0)
                r = append32(b, n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                r = append32(b, (uint32_t) s[i].flags << 24 | (s[i].id & 0xffffffu));
                if (r >= 0)
                        r = append32(b, s[i].value);
        }
        return r;
}

int spdy_build_data(SpdyBuffer *b, uint32_t stream_id, uint8_t flags, const void *data, size_t len) {
        int r;

        if (len > SPDY_MAX_FRAME_LENGTH)
                return -EMSGSIZE;
        r = append32(b, stream_id & 0x7fffffffu);
        if (r >= 0)
                r = append32(b, (uint32_t) flags << 24 | (uint32_t) len);
        return r < 0 ? r : spdy_buffer_append(b, data, len);
}
