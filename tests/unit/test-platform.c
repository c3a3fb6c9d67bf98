/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-platform.c — docker's --platform spelling, containerd's normalization, matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "shared/platform.h"

static void assert_parses(const char *s, const char *want) {
        char buf[PLATFORM_STRING_MAX];
        Platform p;

        assert_int_equal(platform_parse(s, &p), 0);
        assert_string_equal(platform_to_string(&p, buf), want);
}

static void test_parse(void **state) {
        assert_parses("linux/amd64", "linux/amd64");
        assert_parses("linux/arm64", "linux/arm64");
        assert_parses("linux/arm64/v8", "linux/arm64"); /* v8 is implied, as containerd */
        assert_parses("linux/aarch64", "linux/arm64");
        assert_parses("linux/x86_64", "linux/amd64");
        assert_parses("linux/x86-64", "linux/amd64");
        assert_parses("linux/amd64/v1", "linux/amd64");
        assert_parses("linux/amd64/v3", "linux/amd64/v3");
        assert_parses("linux/i386", "linux/386");
        assert_parses("linux/arm", "linux/arm/v7");
        assert_parses("linux/arm/7", "linux/arm/v7");
        assert_parses("linux/arm/v6", "linux/arm/v6");
        assert_parses("linux/armhf", "linux/arm/v7");
        assert_parses("linux/armel", "linux/arm/v6");
        assert_parses("Linux/ARM64", "linux/arm64");
        assert_parses("macos/arm64", "darwin/arm64");
        assert_parses("windows/amd64", "windows/amd64");
        assert_parses("arm64", "linux/arm64"); /* an architecture alone: the host's OS */
}

static void test_parse_os_alone(void **state) {
        const char *os, *arch, *variant;
        Platform p;

        platform_host(&os, &arch, &variant);
        assert_int_equal(platform_parse("linux", &p), 0);
        assert_string_equal(p.os, "linux");
        assert_string_equal(p.arch, arch);
}

static void test_parse_bad(void **state) {
        static const char *const bad[] = {
                "",
                "linux/",
                "/amd64",
                "linux//v7",
                "linux/amd64/",
                "nope",
                "lin ux/amd64",
                "linux/amd64/v8/x",
                "linux/am$d64",
                "linux/../x",
                "linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        };
        Platform p;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(platform_parse(bad[i], &p), -EINVAL);
        assert_int_equal(platform_parse(NULL, &p), -EINVAL);
}

static void test_match(void **state) {
        Platform want, have;

        assert_int_equal(platform_parse("linux/arm64", &want), 0);
        assert_int_equal(platform_from_fields("linux", "arm64", "v8", &have), 0);
        assert_int_equal(platform_match_score(&want, &have), 1);
        assert_int_equal(platform_from_fields("linux", "aarch64", NULL, &have), 0);
        assert_int_equal(platform_match_score(&want, &have), 1);
        assert_int_equal(platform_from_fields("linux", "amd64", NULL, &have), 0);
        assert_int_equal(platform_match_score(&want, &have), 0);

        assert_int_equal(platform_parse("linux/arm/v7", &want), 0);
        assert_int_equal(platform_from_fields("linux", "arm", "v7", &have), 0);
        assert_int_equal(platform_match_score(&want, &have), 2);
        assert_int_equal(platform_from_fields("linux", "arm", "v6", &have), 0);
        assert_int_equal(platform_match_score(&want, &have), 0);
        assert_int_equal(platform_from_fields("linux", "arm", NULL, &have), 0); /* arm alone is v7 */
        assert_int_equal(platform_match_score(&want, &have), 2);

        assert_int_equal(platform_from_fields("linux", NULL, NULL, &have), -EINVAL);
        assert_int_equal(platform_from_fields("linux", "x y", NULL, &have), -EINVAL);
        assert_int_equal(platform_from_fields("linux", "amd64", "", &have), 0);
        assert_string_equal(have.variant, "");
}

static void test_host(void **state) {
        char buf[PLATFORM_STRING_MAX];
        Platform host, again;

        platform_get_host(&host);
        assert_string_equal(host.os, "linux");
        assert_int_equal(platform_parse(platform_to_string(&host, buf), &again), 0);
        assert_int_equal(platform_match_score(&host, &again), host.variant[0] ? 2 : 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),     cmocka_unit_test(test_parse_os_alone),
                cmocka_unit_test(test_parse_bad), cmocka_unit_test(test_match),
                cmocka_unit_test(test_host),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
