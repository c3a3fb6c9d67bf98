/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-tags.c — tags/list answers and their Link pagination (registry-tags.c), untrusted input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shared/names.h"
#include "shared/util.h"
#include "image/registry.h"

static void assert_next(const char *link, const char *want) {
        _cleanup_free_ char *what = NULL;

        assert_int_equal(registry_tags_next_page(link, "127.0.0.1:5050", "test/tags", &what), want ? 1 : 0);
        if (want)
                assert_string_equal(what, want);
        else
                assert_null(what);
}

static void test_next_page(void **state) {
        char *what = NULL;

        assert_next(NULL, NULL);
        assert_next("", NULL);
        assert_next("</v2/test/tags/tags/list?last=b&n=2>; rel=\"next\"", "tags/list?last=b&n=2");
        assert_next("</v2/test/tags/tags/list?n=2&last=b>; rel=next", "tags/list?n=2&last=b");
        assert_next("<http://127.0.0.1:5050/v2/test/tags/tags/list?n=2&last=b>; rel=\"next\"",
                    "tags/list?n=2&last=b");
        assert_next("</v2/test/tags/tags/list?n=2>; rel=\"prev\"", NULL);
        /* elsewhere: another repository, another host, another endpoint, odd characters */
        static const char *const bad[] = {
                "</v2/other/tags/list?n=2>; rel=\"next\"",
                "</v2/test/tags/manifests/latest>; rel=\"next\"",
                "<https://evil.example/v2/test/tags/tags/list?n=2>; rel=\"next\"",
                "<https://127.0.0.1:5050.evil/v2/test/tags/tags/list>; rel=\"next\"",
                "</v2/test/tags/tags/listing>; rel=\"next\"",
                "</v2/test/tags/tags/list?n=2 x>; rel=\"next\"",
                "</v2/test/tags/tags/list?n=2#x>; rel=\"next\"",
                "<../../x>; rel=\"next\"",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(registry_tags_next_page(bad[i], "127.0.0.1:5050", "test/tags", &what),
                                 -EBADMSG);
                assert_null(what);
        }
}

static void test_parse(void **state) {
        static const char page1[] = "{\"name\":\"test/tags\",\"tags\":[\"a\",\"b\"]}";
        static const char page2[] = "{\"name\":\"test/tags\",\"tags\":[\"b\",\"c\"]}";
        static const char none[] = "{\"name\":\"test/tags\",\"tags\":null}";
        _cleanup_strv_free_ char **tags = calloc(1, sizeof(char *));

        assert_int_equal(registry_tags_parse(page1, strlen(page1), &tags), 0);
        assert_int_equal(registry_tags_parse(page2, strlen(page2), &tags), 0);
        assert_int_equal(registry_tags_parse(none, strlen(none), &tags), 0);
        assert_int_equal(strv_length(tags), 3);
        assert_string_equal(tags[2], "c");

        static const char *const bad[] = {
                "[]",
                "{\"tags\":\"a\"}",
                "{\"tags\":[1]}",
                "{\"tags\":[\"../x\"]}",
                "{\"tags\":[\"a b\"]}",
                "{\"tags\":[\"-a\"]}",
                "{\"tags\":[\"a\"]} trailing",
                "",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(registry_tags_parse(bad[i], strlen(bad[i]), &tags), -EBADMSG);
}

static void test_name_has_tag(void **state) {
        assert_false(image_name_has_tag_or_digest("busybox"));
        assert_false(image_name_has_tag_or_digest("127.0.0.1:5050/test/tags"));
        assert_false(image_name_has_tag_or_digest("localhost:5000/a/b"));
        assert_true(image_name_has_tag_or_digest("busybox:1"));
        assert_true(image_name_has_tag_or_digest("127.0.0.1:5050/test/tags:a"));
        assert_true(image_name_has_tag_or_digest("busybox@sha256:00"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_next_page),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_name_has_tag),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
