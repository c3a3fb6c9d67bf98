/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-spdy.c — SPDY/3.1 frames (cri/spdy.c): round trips, header blocks against an encoding made by
 * Python's zlib with the SPDY/3 dictionary, partial input, limits and malformed frames. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <zlib.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "cri/spdy.h"

/* zlib.compressobj(9, DEFLATED, 15, 8, zdict=SPDY3_DICT): {streamtype: error}, then
 * {streamtype: stdout, port: 8080} on the same stream, each with Z_SYNC_FLUSH. */
static const uint8_t golden1[] = {
        0x78, 0xf9, 0xe3, 0xc6, 0xa7, 0xc2, 0x02, 0xa6, 0x23, 0x46, 0x70, 0x3a, 0x2b, 0x29, 0x4a,
        0x4d, 0xcc, 0x85, 0x16, 0x25, 0xac, 0xa9, 0xa0, 0x80, 0x06, 0x00, 0x00, 0x00, 0xff, 0xff,
};
static const uint8_t golden2[] = {
        0x02, 0x65, 0x1c, 0x0c, 0x29, 0x60, 0x62, 0x4e, 0xc9, 0x07, 0x97, 0xd1, 0xc0, 0x22,
        0xbb, 0x08, 0x4c, 0x5b, 0x18, 0x58, 0x18, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
};

static void codecs(SpdyCodec **a, SpdyCodec **b) {
        assert_int_equal(spdy_codec_new(a), 0);
        assert_int_equal(spdy_codec_new(b), 0);
}

static void test_golden_compress(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};
        SpdyHeaders h1 = {}, h2 = {};

        assert_int_equal(spdy_codec_new(&c), 0);
        assert_int_equal(spdy_headers_add(&h1, "streamType", "error"), 0);
        assert_int_equal(spdy_compress_headers(c, &b, &h1), 0);
        assert_int_equal(b.size, sizeof(golden1));
        assert_memory_equal(b.data, golden1, sizeof(golden1));
        b.size = 0;
        assert_int_equal(spdy_headers_add(&h2, "streamtype", "stdout"), 0);
        assert_int_equal(spdy_headers_add(&h2, "port", "8080"), 0);
        assert_int_equal(spdy_compress_headers(c, &b, &h2), 0);
        assert_int_equal(b.size, sizeof(golden2));
        assert_memory_equal(b.data, golden2, sizeof(golden2));
        spdy_headers_done(&h1);
        spdy_headers_done(&h2);
}

static void test_golden_decompress(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
        SpdyHeaders h = {};

        assert_int_equal(spdy_codec_new(&c), 0);
        assert_int_equal(spdy_decompress_headers(c, golden1, sizeof(golden1), &h, NULL), 0);
        assert_int_equal(h.n, 1);
        assert_string_equal(spdy_headers_get(&h, "StreamType"), "error");
        spdy_headers_done(&h);
        assert_int_equal(spdy_decompress_headers(c, golden2, sizeof(golden2), &h, NULL), 0);
        assert_int_equal(h.n, 2);
        assert_string_equal(spdy_headers_get(&h, "streamtype"), "stdout");
        assert_string_equal(spdy_headers_get(&h, "port"), "8080");
        assert_null(spdy_headers_get(&h, "requestid"));
        spdy_headers_done(&h);
}

static SpdyFrame parse_one(SpdyCodec *c, const SpdyBuffer *b) {
        SpdyFrame f = {};

        assert_int_equal(spdy_parse_frame(c, b->data, b->size, &f, NULL), (ssize_t) b->size);
        return f;
}

static void test_round_trip(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *tx = NULL, *rx = NULL;
        SpdySetting set[2] = { { 1, 4, 100 }, { 0, 7, 65536 } };
        SpdyBuffer b = {};
        SpdyHeaders h = {};
        SpdyFrame f;

        codecs(&tx, &rx);
        assert_int_equal(spdy_headers_add(&h, "streamtype", "stdin"), 0);
        assert_int_equal(spdy_build_syn_stream(tx, &b, 5, 3, 2, SPDY_FLAG_FIN, &h), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_SYN_STREAM);
        assert_int_equal(f.stream_id, 5);
        assert_int_equal(f.associated_id, 3);
        assert_int_equal(f.priority, 2);
        assert_int_equal(f.flags, SPDY_FLAG_FIN);
        assert_string_equal(spdy_headers_get(&f.headers, "streamtype"), "stdin");
        spdy_frame_done(&f);
        b.size = 0;

        assert_int_equal(spdy_build_syn_reply(tx, &b, 5, 0, NULL), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_SYN_REPLY);
        assert_int_equal(f.headers.n, 0);
        spdy_frame_done(&f);
        b.size = 0;

        assert_int_equal(spdy_build_headers(tx, &b, 7, 0, &h), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_HEADERS);
        assert_int_equal(f.stream_id, 7);
        spdy_frame_done(&f);
        b.size = 0;

        assert_int_equal(spdy_build_rst_stream(&b, 9, SPDY_RST_CANCEL), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_RST_STREAM);
        assert_int_equal(f.stream_id, 9);
        assert_int_equal(f.status, SPDY_RST_CANCEL);
        b.size = 0;

        assert_int_equal(spdy_build_settings(&b, SPDY_FLAG_CLEAR_SETTINGS, set, 2), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_SETTINGS);
        assert_int_equal(f.n_settings, 2);
        assert_int_equal(f.settings[1].id, 7);
        assert_int_equal(f.settings[1].value, 65536);
        assert_int_equal(f.settings[0].flags, 1);
        spdy_frame_done(&f);
        b.size = 0;

        assert_int_equal(spdy_build_ping(&b, 0xdeadbeef), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_PING);
        assert_int_equal(f.value, 0xdeadbeef);
        b.size = 0;

        assert_int_equal(spdy_build_goaway(&b, 11, 2), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_GOAWAY);
        assert_int_equal(f.stream_id, 11);
        assert_int_equal(f.status, 2);
        b.size = 0;

        assert_int_equal(spdy_build_window_update(&b, 3, 4096), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_WINDOW_UPDATE);
        assert_int_equal(f.value, 4096);
        b.size = 0;

        assert_int_equal(spdy_build_data(&b, 3, SPDY_FLAG_FIN, "hello", 5), 0);
        f = parse_one(rx, &b);
        assert_int_equal(f.type, SPDY_DATA);
        assert_int_equal(f.stream_id, 3);
        assert_int_equal(f.flags, SPDY_FLAG_FIN);
        assert_int_equal(f.data_len, 5);
        assert_memory_equal(f.data, "hello", 5);
        spdy_headers_done(&h);
        spdy_buffer_done(&b);
}

/* Several frames in one buffer, fed a byte at a time: each is returned only when whole. */
static void test_partial(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *tx = NULL, *rx = NULL;
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};
        SpdyHeaders h = {};
        size_t fed = 0, start = 0;
        unsigned frames = 0;

        codecs(&tx, &rx);
        assert_int_equal(spdy_headers_add(&h, "streamtype", "error"), 0);
        assert_int_equal(spdy_build_syn_stream(tx, &b, 1, 0, 0, 0, &h), 0);
        assert_int_equal(spdy_build_data(&b, 1, 0, "abc", 3), 0);
        assert_int_equal(spdy_build_syn_stream(tx, &b, 3, 0, 0, 0, &h), 0);
        assert_int_equal(spdy_build_data(&b, 3, SPDY_FLAG_FIN, "", 0), 0);
        while (fed < b.size) {
                SpdyFrame f = {};
                ssize_t n;

                fed++;
                n = spdy_parse_frame(rx, b.data + start, fed - start, &f, NULL);
                assert_true(n >= 0);
                if (n == 0)
                        continue;
                assert_int_equal((size_t) n, fed - start);
                assert_int_equal(f.stream_id, frames < 2 ? 1 : 3);
                if (f.type == SPDY_SYN_STREAM)
                        assert_string_equal(spdy_headers_get(&f.headers, "streamtype"), "error");
                spdy_frame_done(&f);
                start = fed;
                frames++;
        }
        assert_int_equal(frames, 4);
        spdy_headers_done(&h);
}

static ssize_t parse_bytes(SpdyCodec *c, const uint8_t *p, size_t n, const char **error) {
        SpdyFrame f = {};
        ssize_t r = spdy_parse_frame(c, p, n, &f, error);

        spdy_frame_done(&f);
        return r;
}

static void test_bad_frames(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
        const uint8_t v2[] = { 0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1 };
        const uint8_t short_ping[] = { 0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x02, 0, 0 };
        const uint8_t rst0[] = { 0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 1 };
        const uint8_t wu0[] = { 0x80, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 0, 0 };
        const uint8_t settings[] = { 0x80, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1 };
        const uint8_t unknown[] = { 0x80, 0x03, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x02, 1, 2 };
        const uint8_t garbage_block[] = { 0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08,
                                          0,    0,    0,    1,    1,    2,    3,    4 };
        const char *error = NULL;

        assert_int_equal(spdy_codec_new(&c), 0);
        assert_int_equal(parse_bytes(c, v2, sizeof(v2), &error), -EPROTONOSUPPORT);
        assert_non_null(error);
        assert_int_equal(parse_bytes(c, short_ping, sizeof(short_ping), &error), -EPROTO);
        assert_int_equal(parse_bytes(c, rst0, sizeof(rst0), &error), -EPROTO);
        assert_int_equal(parse_bytes(c, wu0, sizeof(wu0), &error), -EPROTO);
        assert_int_equal(parse_bytes(c, settings, sizeof(settings), &error), -EPROTO);
        assert_int_equal(parse_bytes(c, unknown, sizeof(unknown), &error), (ssize_t) sizeof(unknown));
        assert_int_equal(parse_bytes(c, garbage_block, sizeof(garbage_block), &error), -EBADMSG);
        assert_string_equal(error, "header block does not decompress");
}

/* Header blocks made by hand through zlib with the dictionary: what the block says is checked. */
static size_t deflate_block(const uint8_t *plain, size_t n, uint8_t *out, size_t size) {
        z_stream z = {};
        size_t len;

        assert_int_equal(deflateInit(&z, 9), Z_OK);
        z.next_in = (uint8_t *) plain;
        z.avail_in = n;
        z.next_out = out;
        z.avail_out = size;
        assert_int_equal(deflate(&z, Z_SYNC_FLUSH), Z_OK);
        len = size - z.avail_out;
        deflateEnd(&z);
        return len;
}

static void test_block_limits(void **state) {
        const uint8_t too_many[] = { 0, 0, 0x10, 0 };
        const uint8_t truncated[] = { 0, 0, 0, 1, 0, 0, 0, 9, 'a' };
        const uint8_t empty_name[] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
        const uint8_t dup[] = { 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0 };
        const uint8_t trailing[] = { 0, 0, 0, 0, 1 };
        const struct {
                const uint8_t *p;
                size_t n;
                int r;
        } cases[] = {
                { too_many, sizeof(too_many), -EMSGSIZE },   { truncated, sizeof(truncated), -EPROTO },
                { empty_name, sizeof(empty_name), -EPROTO }, { dup, sizeof(dup), -EPROTO },
                { trailing, sizeof(trailing), -EPROTO },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
                uint8_t z[256];
                size_t n = deflate_block(cases[i].p, cases[i].n, z, sizeof(z));
                SpdyHeaders h = {};
                const char *error = NULL;

                /* these blocks use no dictionary: inflate needs none, and the parse sees the block */
                assert_int_equal(spdy_codec_new(&c), 0);
                assert_int_equal(spdy_decompress_headers(c, z, n, &h, &error), cases[i].r);
                assert_non_null(error);
                spdy_headers_done(&h);
        }
}

/* A block that inflates past SPDY_MAX_HEADER_BLOCK (a zip bomb of zeros) is refused. */
static void test_block_too_large(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
        size_t n = SPDY_MAX_HEADER_BLOCK + 4096, zn;
        _cleanup_free_ uint8_t *plain = calloc(1, n), *z = malloc(n);
        SpdyHeaders h = {};
        const char *error = NULL;

        assert_non_null(plain);
        plain[3] = 1;
        zn = deflate_block(plain, n, z, n);
        assert_int_equal(spdy_codec_new(&c), 0);
        assert_int_equal(spdy_decompress_headers(c, z, zn, &h, &error), -EMSGSIZE);
        assert_string_equal(error, "header block too large");
}

static void test_build_limits(void **state) {
        _cleanup_(spdy_codec_freep) SpdyCodec *c = NULL;
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};
        _cleanup_free_ char *big = malloc(SPDY_MAX_HEADER_BLOCK + 1);
        SpdyHeaders h = {};

        assert_int_equal(spdy_codec_new(&c), 0);
        memset(big, 'x', SPDY_MAX_HEADER_BLOCK);
        big[SPDY_MAX_HEADER_BLOCK] = 0;
        assert_int_equal(spdy_headers_add(&h, "big", big), 0);
        assert_int_equal(spdy_build_syn_reply(c, &b, 1, 0, &h), -EMSGSIZE);
        assert_int_equal(b.size, 0);
        assert_int_equal(spdy_build_data(&b, 1, 0, big, SPDY_MAX_FRAME_LENGTH + 1), -EMSGSIZE);
        for (unsigned i = 1; i < SPDY_MAX_HEADERS; i++) {
                char name[16];

                snprintf(name, sizeof(name), "h%u", i);
                assert_int_equal(spdy_headers_add(&h, name, "v"), 0);
        }
        assert_int_equal(spdy_headers_add(&h, "one-more", "v"), -EMSGSIZE);
        spdy_headers_done(&h);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_golden_compress), cmocka_unit_test(test_golden_decompress),
                cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_partial),
                cmocka_unit_test(test_bad_frames),      cmocka_unit_test(test_block_limits),
                cmocka_unit_test(test_block_too_large), cmocka_unit_test(test_build_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
