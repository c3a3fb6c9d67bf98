/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-reference.c — docker-style reference parsing and normalization. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/macro.h"
#include "image/reference.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void check(const char *in, const char *want) {
        _cleanup_reference_ Reference *r = NULL;
        _cleanup_free_ char *s = NULL;
        int k = reference_parse(in, &r);

        if (!want) {
                if (k != -EINVAL)
                        fail_msg("\"%s\" should be refused, got %d", in, k);
                return;
        }
        if (k < 0)
                fail_msg("\"%s\" should parse, got %d", in, k);
        assert_int_equal(reference_to_string(r, &s), 0);
        if (!streq(s, want))
                fail_msg("\"%s\" → \"%s\", want \"%s\"", in, s, want);
}

static void test_normalize(void **state) {
        check("busybox", "docker.io/library/busybox:latest");
        check("busybox:1.36", "docker.io/library/busybox:1.36");
        check("library/busybox", "docker.io/library/busybox:latest");
        check("docker.io/busybox", "docker.io/library/busybox:latest");
        check("index.docker.io/library/busybox:1", "docker.io/library/busybox:1");
        check("user/app:v1.2-rc_3", "docker.io/user/app:v1.2-rc_3");
        check("quay.io/org/sub/app:tag", "quay.io/org/sub/app:tag");
        check("localhost/app", "localhost/app:latest");
        check("localhost:5050/test/busybox:1", "localhost:5050/test/busybox:1");
        check("127.0.0.1:5050/test/busybox", "127.0.0.1:5050/test/busybox:latest");
        check("[::1]:5050/test/busybox:2", "[::1]:5050/test/busybox:2");
        check("busybox@" D64, "docker.io/library/busybox@" D64);
        check("busybox:1@" D64, "docker.io/library/busybox@" D64);
        check("a__b/c.d-e--f", "docker.io/a__b/c.d-e--f:latest");
}

static void test_refuse(void **state) {
        check("", NULL);
        check("Busybox", NULL);
        check("busybox:", NULL);
        check("busybox:-x", NULL);
        check("busybox@sha256:abc", NULL);
        check("busybox@md5:0123456789abcdef0123456789abcdef", NULL);
        check("/busybox", NULL);
        check("busybox/", NULL);
        check("a//b", NULL);
        check("-a/b", NULL);
        check("a_/b", NULL);
        check("a___b", NULL);
        check("localhost:port/a", NULL);
        check("host:123456/a", NULL);
        check("a/../b", NULL);
        check("a b", NULL);
        check("busybox:tag with space", NULL);
}

static void test_parts(void **state) {
        _cleanup_reference_ Reference *r = NULL;
        _cleanup_free_ char *repo = NULL;

        assert_int_equal(reference_parse("busybox", &r), 0);
        assert_string_equal(r->domain, "docker.io");
        assert_string_equal(r->path, "library/busybox");
        assert_string_equal(r->tag, "latest");
        assert_null(r->digest);
        assert_string_equal(reference_registry_host(r), "registry-1.docker.io");
        assert_int_equal(reference_repository(r, &repo), 0);
        assert_string_equal(repo, "docker.io/library/busybox");
        r = reference_free(r);

        assert_int_equal(reference_parse("localhost:5050/x@" D64, &r), 0);
        assert_string_equal(reference_registry_host(r), "localhost:5050");
        assert_null(r->tag);
        assert_string_equal(r->digest, D64);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_normalize),
                cmocka_unit_test(test_refuse),
                cmocka_unit_test(test_parts),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
