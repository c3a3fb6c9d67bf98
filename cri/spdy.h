/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spdy.h — SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 as amended by 3.1), the protocol kubelet's
 * streaming (exec, attach, port-forward) speaks after an HTTP upgrade.
 *
 * A SpdyCodec is one connection's pair of header compressors: every name/value header block sent goes
 * through one deflate stream, every one received through one inflate stream, both primed with SPDY/3's
 * dictionary, as the spec requires (so frames must be parsed and built in connection order).
 * spdy_parse_frame() parses one frame from the start of a byte buffer: it returns 0 while the frame is
 * incomplete (call again with more bytes), else the number of bytes the frame took. A frame that cannot
 * be parsed is a connection error (-EPROTO, -EMSGSIZE over a limit, -EBADMSG for a broken header block):
 * the compression state is then undefined and the connection must be dropped.
 * Builders append a frame to a SpdyBuffer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPDY_VERSION 3

typedef enum SpdyFrameType {
        SPDY_DATA = 0, /* not a control frame */
        SPDY_SYN_STREAM = 1,
        SPDY_SYN_REPLY = 2,
        SPDY_RST_STREAM = 3,
        SPDY_SETTINGS = 4,
        SPDY_PING = 6,
        SPDY_GOAWAY = 7,
        SPDY_HEADERS = 8,
        SPDY_WINDOW_UPDATE = 9,
} SpdyFrameType;

#define SPDY_FLAG_FIN            0x01
#define SPDY_FLAG_UNIDIRECTIONAL 0x02 /* SYN_STREAM */
#define SPDY_FLAG_CLEAR_SETTINGS 0x01 /* SETTINGS */

/* RST_STREAM status codes */
#define SPDY_RST_PROTOCOL_ERROR  1
#define SPDY_RST_INVALID_STREAM  2
#define SPDY_RST_REFUSED_STREAM  3
#define SPDY_RST_CANCEL          5
#define SPDY_RST_INTERNAL_ERROR  6
#define SPDY_RST_STREAM_IN_USE   8
#define SPDY_RST_FRAME_TOO_LARGE 11

/* Limits of what is accepted (and built) */
#define SPDY_MAX_FRAME_LENGTH  (16u * 1024 * 1024 - 1) /* the 24-bit length field */
#define SPDY_MAX_HEADER_BLOCK  (256u * 1024)           /* a header block, decompressed */
#define SPDY_MAX_HEADERS       256                     /* name/value pairs in one block */
#define SPDY_MAX_SETTINGS      64                      /* entries of one SETTINGS frame */
#define SPDY_FRAME_HEADER_SIZE 8

typedef struct SpdyHeader {
        char *name;       /* lowercase, NUL-terminated */
        char *value;      /* NUL-terminated; several values are separated by NUL bytes inside value_len */
        size_t value_len; /* without the terminating NUL */
} SpdyHeader;

typedef struct SpdyHeaders {
        SpdyHeader *items;
        size_t n;
} SpdyHeaders;

typedef struct SpdySetting {
        uint8_t flags;
        uint32_t id; /* 24 bits */
        uint32_t value;
} SpdySetting;

typedef struct SpdyFrame {
        uint16_t type; /* SpdyFrameType; an unknown control type is returned as is, with no fields */
        uint8_t flags;
        uint32_t stream_id;     /* DATA, SYN_*, RST_STREAM, HEADERS, WINDOW_UPDATE; GOAWAY: last good id */
        uint32_t associated_id; /* SYN_STREAM */
        uint8_t priority;       /* SYN_STREAM, 0..7 */
        uint32_t status;        /* RST_STREAM, GOAWAY */
        uint32_t value;         /* PING: its id; WINDOW_UPDATE: the delta */
        SpdyHeaders headers;    /* SYN_STREAM, SYN_REPLY, HEADERS */
        SpdySetting *settings;  /* SETTINGS */
        size_t n_settings;
        const uint8_t *data; /* DATA: points into the buffer given to spdy_parse_frame() */
        size_t data_len;
} SpdyFrame;

typedef struct SpdyBuffer {
        uint8_t *data;
        size_t size, allocated;
} SpdyBuffer;

typedef struct SpdyCodec SpdyCodec;

int spdy_codec_new(SpdyCodec **ret);
SpdyCodec *spdy_codec_free(SpdyCodec *c);
void spdy_codec_freep(SpdyCodec **c);

/* Returns 0: incomplete; > 0: the frame's size, *ret filled (release with spdy_frame_done());
 * < 0: a connection error, *ret_error (if given) says what in a static string. */
ssize_t spdy_parse_frame(SpdyCodec *c, const uint8_t *buf, size_t len, SpdyFrame *ret,
                         const char **ret_error);
void spdy_frame_done(SpdyFrame *f);
const char *spdy_frame_type_to_string(uint16_t type);

/* The first value of a header, by name (ASCII case-insensitive); NULL if absent. */
const char *spdy_headers_get(const SpdyHeaders *h, const char *name);
/* Appends a copy of name (lowercased) and value. */
int spdy_headers_add(SpdyHeaders *h, const char *name, const char *value);
void spdy_headers_done(SpdyHeaders *h);

/* Builders: append one frame to b. -EMSGSIZE over the limits, -ENOMEM. */
int spdy_build_syn_stream(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint32_t associated_id,
                          uint8_t priority, uint8_t flags, const SpdyHeaders *h);
int spdy_build_syn_reply(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint8_t flags,
                         const SpdyHeaders *h);
int spdy_build_headers(SpdyCodec *c, SpdyBuffer *b, uint32_t stream_id, uint8_t flags, const SpdyHeaders *h);
int spdy_build_rst_stream(SpdyBuffer *b, uint32_t stream_id, uint32_t status);
int spdy_build_settings(SpdyBuffer *b, uint8_t flags, const SpdySetting *s, size_t n);
int spdy_build_ping(SpdyBuffer *b, uint32_t id);
int spdy_build_goaway(SpdyBuffer *b, uint32_t last_good_stream_id, uint32_t status);
int spdy_build_window_update(SpdyBuffer *b, uint32_t stream_id, uint32_t delta);
int spdy_build_data(SpdyBuffer *b, uint32_t stream_id, uint8_t flags, const void *data, size_t len);

/* Header block compression alone (for tests): compress appends to b; decompress parses one block. */
int spdy_compress_headers(SpdyCodec *c, SpdyBuffer *b, const SpdyHeaders *h);
int spdy_decompress_headers(SpdyCodec *c, const uint8_t *data, size_t len, SpdyHeaders *ret,
                            const char **ret_error);

int spdy_buffer_append(SpdyBuffer *b, const void *data, size_t len);
/* Drops the first n bytes. */
void spdy_buffer_consume(SpdyBuffer *b, size_t n);
void spdy_buffer_done(SpdyBuffer *b);
