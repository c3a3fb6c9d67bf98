/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-grpc.c — gRPC's message framing, grpc-message percent-encoding, grpc-timeout, the pod CIDR check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "cri/cri-server.h"
#include "cri/grpc.h"

static void test_frame_roundtrip(void **state) {
        Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT, *back;
        _cleanup_free_ uint8_t *frame = NULL;
        const uint8_t *msg;
        const char *error;
        size_t size, msg_size;

        req.version = (char *) "0.1.0";
        assert_int_equal(grpc_frame_encode(&req.base, GRPC_MAX_MESSAGE_SIZE, &frame, &size), 0);
        assert_int_equal(size, 5 + 7); /* tag, length, "0.1.0" */
        assert_memory_equal(frame,
                            "\0\0\0\0\7\x0a\x05"
                            "0.1.0",
                            size);
        assert_int_equal(grpc_frame_decode(frame, size, GRPC_MAX_MESSAGE_SIZE, &msg, &msg_size, &error),
                         GRPC_OK);
        assert_ptr_equal(msg, frame + 5);
        back = runtime__v1__version_request__unpack(NULL, msg_size, msg);
        assert_non_null(back);
        assert_string_equal(back->version, "0.1.0");
        runtime__v1__version_request__free_unpacked(back, NULL);

        assert_int_equal(grpc_frame_encode(&req.base, 3, &frame, &size), -E2BIG); /* frame kept */
}

static void test_frame_empty_message(void **state) {
        Runtime__V1__StatusRequest req = RUNTIME__V1__STATUS_REQUEST__INIT;
        _cleanup_free_ uint8_t *frame = NULL;
        const uint8_t *msg;
        const char *error;
        size_t size, msg_size = 99;

        assert_int_equal(grpc_frame_encode(&req.base, GRPC_MAX_MESSAGE_SIZE, &frame, &size), 0);
        assert_int_equal(size, 5);
        assert_int_equal(grpc_frame_decode(frame, size, 100, &msg, &msg_size, &error), GRPC_OK);
        assert_int_equal(msg_size, 0);
}

static void test_frame_errors(void **state) {
        const uint8_t *msg;
        const char *error;
        size_t n;

        assert_int_equal(grpc_frame_decode((const uint8_t *) "", 0, 100, &msg, &n, &error), GRPC_INTERNAL);
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\0\0\0", 3, 100, &msg, &n, &error),
                         GRPC_INTERNAL);
        /* compressed: not supported */
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\1\0\0\0\1x", 6, 100, &msg, &n, &error),
                         GRPC_UNIMPLEMENTED);
        assert_string_equal(error, "compressed messages are not supported");
        /* other flag bits */
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\2\0\0\0\1x", 6, 100, &msg, &n, &error),
                         GRPC_INTERNAL);
        /* longer than the limit, whatever follows */
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\0\0\0\0\x65", 5, 100, &msg, &n, &error),
                         GRPC_RESOURCE_EXHAUSTED);
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\0\xff\xff\xff\xff", 5, GRPC_MAX_MESSAGE_SIZE,
                                           &msg, &n, &error),
                         GRPC_RESOURCE_EXHAUSTED);
        /* truncated, and two messages in a unary call */
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\0\0\0\0\2x", 6, 100, &msg, &n, &error),
                         GRPC_INTERNAL);
        assert_string_equal(error, "the message is truncated");
        assert_int_equal(grpc_frame_decode((const uint8_t *) "\0\0\0\0\1xy", 7, 100, &msg, &n, &error),
                         GRPC_INTERNAL);
        assert_string_equal(error, "a unary call takes one message");
}

static void test_frame_header(void **state) {
        uint8_t h[5];

        grpc_frame_header(h, 0x01020304);
        assert_memory_equal(h, "\0\1\2\3\4", 5);
}

static void test_percent_encode(void **state) {
        _cleanup_free_ char *a = grpc_percent_encode("plain text: ok"),
                            *b = grpc_percent_encode("100% sure\n"), *c = grpc_percent_encode("caf\xc3\xa9"),
                            *d = NULL, *e = NULL, *f = NULL;

        assert_string_equal(a, "plain text: ok");
        assert_string_equal(b, "100%25 sure%0A");
        assert_string_equal(c, "caf%C3%A9");
        d = grpc_percent_decode(b);
        assert_string_equal(d, "100% sure\n");
        e = grpc_percent_decode(c);
        assert_string_equal(e, "caf\xc3\xa9");
        /* malformed escapes stay as they are */
        f = grpc_percent_decode("50%zz and %4");
        assert_string_equal(f, "50%zz and %4");
}

static void test_timeout_parse(void **state) {
        uint64_t u;

        assert_int_equal(grpc_timeout_parse("1S", &u), 0);
        assert_int_equal(u, 1000000);
        assert_int_equal(grpc_timeout_parse("2M", &u), 0);
        assert_int_equal(u, 120000000);
        assert_int_equal(grpc_timeout_parse("1H", &u), 0);
        assert_int_equal(u, 3600000000ULL);
        assert_int_equal(grpc_timeout_parse("250m", &u), 0);
        assert_int_equal(u, 250000);
        assert_int_equal(grpc_timeout_parse("7u", &u), 0);
        assert_int_equal(u, 7);
        assert_int_equal(grpc_timeout_parse("1500n", &u), 0);
        assert_int_equal(u, 2); /* rounded up */
        assert_int_equal(grpc_timeout_parse("99999999H", &u), 0);
        assert_int_equal(u, 99999999ULL * 3600000000ULL);

        assert_int_equal(grpc_timeout_parse(NULL, &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("", &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("S", &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("10", &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("10s", &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("-1S", &u), -EINVAL);
        assert_int_equal(grpc_timeout_parse("123456789S", &u), -EINVAL); /* more than 8 digits */
        assert_int_equal(grpc_timeout_parse("1 S", &u), -EINVAL);
}

static void test_code_names(void **state) {
        assert_string_equal(grpc_code_to_string(GRPC_OK), "OK");
        assert_string_equal(grpc_code_to_string(GRPC_UNIMPLEMENTED), "UNIMPLEMENTED");
        assert_null(grpc_code_to_string((GrpcCode) 99));
}

static void test_cidr(void **state) {
        assert_true(cidr_is_valid("10.88.0.0/16"));
        assert_true(cidr_is_valid("0.0.0.0/0"));
        assert_true(cidr_is_valid("fd00::/64"));
        assert_true(cidr_is_valid("::/128"));
        assert_false(cidr_is_valid("10.88.0.0"));
        assert_false(cidr_is_valid("10.88.0.0/33"));
        assert_false(cidr_is_valid("10.88.0.0/-1"));
        assert_false(cidr_is_valid("10.88.0.0/+8"));
        assert_false(cidr_is_valid("10.88.0/16"));
        assert_false(cidr_is_valid("fd00::/129"));
        assert_false(cidr_is_valid("/16"));
        assert_false(cidr_is_valid("10.88.0.0/"));
        assert_false(cidr_is_valid("10.88.0.0/16x"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_frame_roundtrip), cmocka_unit_test(test_frame_empty_message),
                cmocka_unit_test(test_frame_errors),    cmocka_unit_test(test_frame_header),
                cmocka_unit_test(test_percent_encode),  cmocka_unit_test(test_timeout_parse),
                cmocka_unit_test(test_code_names),      cmocka_unit_test(test_cidr),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
