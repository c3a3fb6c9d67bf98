/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-auth.c — auth.json parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/macro.h"
#include "image/auth.h"

/* "alice:s3cr:et" and "bob:pw" */
static const char auth_json[] = "{\"auths\": {"
                                "  \"localhost:5050\": {\"auth\": \"YWxpY2U6czNjcjpldA==\"},"
                                "  \"https://index.docker.io/v1/\": {\"auth\": \"Ym9iOnB3\"},"
                                "  \"quay.io\": {\"username\": \"carol\", \"password\": \"x\"},"
                                "  \"broken.example\": {\"auth\": \"!!!\"},"
                                "  \"nocolon.example\": {\"auth\": \"bm9jb2xvbg==\"}"
                                "}}";

static void test_lookup(void **state) {
        Credentials c = {};

        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "localhost:5050", &c), 0);
        assert_string_equal(c.user, "alice");
        assert_string_equal(c.password, "s3cr:et");
        credentials_done(&c);

        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "docker.io", &c), 0);
        assert_string_equal(c.user, "bob");
        assert_string_equal(c.password, "pw");
        credentials_done(&c);

        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "quay.io", &c), 0);
        assert_string_equal(c.user, "carol");
        credentials_done(&c);

        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "localhost:5051", &c), -ENOENT);
        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "localhost", &c), -ENOENT);
        assert_null(c.user);
}

static void test_malformed(void **state) {
        Credentials c = {};

        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "broken.example", &c), -EBADMSG);
        assert_int_equal(auth_parse(auth_json, strlen(auth_json), "nocolon.example", &c), -EBADMSG);
        assert_int_equal(auth_parse("{", 1, "x", &c), -EBADMSG);
        assert_int_equal(auth_parse("[]", 2, "x", &c), -EBADMSG);
        assert_int_equal(auth_parse("{}", 2, "x", &c), -ENOENT);
        assert_int_equal(auth_parse("{\"auths\": 1}", 12, "x", &c), -EBADMSG);
        /* Padding longer than base64 allows (found by fuzz-image-auth: it overran the buffer). */
        for (const char *const *j = (const char *const[]){ "{\"auths\":{\"x\":{\"auth\":\"dTpw========\"}}}",
                                                           "{\"auths\":{\"x\":{\"auth\":\"dTpw====\"}}}",
                                                           "{\"auths\":{\"x\":{\"auth\":\"====\"}}}",
                                                           "{\"auths\":{\"x\":{\"auth\":\"dT===\"}}}", NULL };
             *j; j++)
                assert_int_equal(auth_parse(*j, strlen(*j), "x", &c), -EBADMSG);
        assert_null(c.user);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lookup),
                cmocka_unit_test(test_malformed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
