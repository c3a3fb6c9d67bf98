/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-auth.c — auth.json parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <sys/stat.h>

#include "shared/fileio.h"
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

/* login: the entry is set (replacing every key naming the registry), the rest is kept. */
static void test_json_set(void **state) {
        _cleanup_free_ char *out = NULL, *out2 = NULL;
        Credentials c = {};

        assert_int_equal(auth_json_set(NULL, 0, "localhost:5050", "dave", "pa:ss", &out), 0);
        assert_int_equal(auth_parse(out, strlen(out), "localhost:5050", &c), 0);
        assert_string_equal(c.user, "dave");
        assert_string_equal(c.password, "pa:ss");
        credentials_done(&c);

        assert_int_equal(auth_json_set(auth_json, strlen(auth_json), "docker.io", "eve", "new", &out2), 0);
        assert_int_equal(auth_parse(out2, strlen(out2), "docker.io", &c), 0);
        assert_string_equal(c.user, "eve");
        credentials_done(&c);
        assert_null(strstr(out2, "index.docker.io")); /* the old key for docker.io is gone */
        assert_int_equal(auth_parse(out2, strlen(out2), "localhost:5050", &c), 0);
        assert_string_equal(c.user, "alice");
        credentials_done(&c);
        assert_non_null(strstr(out2, "quay.io"));

        assert_int_equal(auth_json_set(NULL, 0, "x", "a:b", "p", &out2), -EINVAL);
        assert_int_equal(auth_json_set(NULL, 0, "x", "", "p", &out2), -EINVAL);
        assert_int_equal(auth_json_set("[1]", 3, "x", "a", "p", &out2), -EBADMSG);
}

/* logout: every key naming the registry goes; -ENOENT when there was none. */
static void test_json_remove(void **state) {
        _cleanup_free_ char *out = NULL, *out2 = NULL;
        Credentials c = {};

        assert_int_equal(auth_json_remove(auth_json, strlen(auth_json), "localhost:5050", &out), 0);
        assert_int_equal(auth_parse(out, strlen(out), "localhost:5050", &c), -ENOENT);
        assert_int_equal(auth_parse(out, strlen(out), "docker.io", &c), 0);
        credentials_done(&c);
        assert_int_equal(auth_json_remove(out, strlen(out), "localhost:5050", &out2), -ENOENT);
        assert_int_equal(auth_json_remove(NULL, 0, "x", &out2), -ENOENT);
}

/* The file: created with its directory, 0600, replaced atomically, other entries kept. */
static void test_file_update(void **state) {
        char dir[] = "/tmp/test-auth-XXXXXX";
        _cleanup_free_ char *path = NULL;
        Credentials c = {};
        struct stat st;

        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&path, "%s/sub/auth.json", dir) > 0);
        assert_int_equal(auth_file_update(path, "a.example", "u1", "p1"), 0);
        assert_int_equal(auth_file_update(path, "b.example:5000", "u2", "p2"), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(auth_lookup(path, "a.example", &c), 0);
        assert_string_equal(c.password, "p1");
        credentials_done(&c);
        assert_int_equal(auth_file_update(path, "a.example", NULL, NULL), 0);
        assert_int_equal(auth_lookup(path, "a.example", &c), -ENOENT);
        assert_int_equal(auth_lookup(path, "b.example:5000", &c), 0);
        credentials_done(&c);
        assert_int_equal(auth_file_update(path, "a.example", NULL, NULL), -ENOENT);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lookup),      cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_json_set),    cmocka_unit_test(test_json_remove),
                cmocka_unit_test(test_file_update),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
