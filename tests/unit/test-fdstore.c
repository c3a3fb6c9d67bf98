/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-fdstore.c — names of fds in conmand's fd store (fdstore.h): short, read back, and the older
 * "<kind>-<full id>" names still understood.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/util.h"
#include "daemon/fdstore.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_names_round_trip(void **state) {
        static const char *const kinds[] = { "stdout", "stderr", "console", "stdin" };
        char name[FDSTORE_NAME_MAX];
        const char *kind, *id;

        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                assert_int_equal(fdstore_name(kinds[i], ID, name), 0);
                /* $LISTEN_FDNAMES carries every name: each is one letter and 16 id characters */
                assert_int_equal(strlen(name), 1 + FDSTORE_ID_CHARS);
                assert_int_equal(fdstore_parse_name(name, &kind, &id), 0);
                assert_string_equal(kind, kinds[i]);
                assert_true(strneq(ID, id, FDSTORE_ID_CHARS));
        }
        assert_string_equal((fdstore_name("stdout", ID, name), name), "o0123456789abcdef");
        assert_int_equal(fdstore_name("bogus", ID, name), -EINVAL);
}

static void test_old_names(void **state) {
        const char *kind, *id;

        assert_int_equal(fdstore_parse_name("stdout-" ID, &kind, &id), 0);
        assert_string_equal(kind, "stdout");
        assert_string_equal(id, ID);
        assert_int_equal(fdstore_parse_name("console-" ID, &kind, &id), 0);
        assert_string_equal(kind, "console");
}

static void test_garbage(void **state) {
        const char *kind, *id;

        assert_int_equal(fdstore_parse_name("", &kind, &id), -EINVAL);
        assert_int_equal(fdstore_parse_name("o", &kind, &id), -EINVAL);
        assert_int_equal(fdstore_parse_name("x0123456789abcdef", &kind, &id), -EINVAL);
        assert_int_equal(fdstore_parse_name("o0123", &kind, &id), -EINVAL);
        assert_int_equal(fdstore_parse_name("unknown", &kind, &id), -EINVAL);
        assert_int_equal(fdstore_parse_name("stdoutx-" ID, &kind, &id), -EINVAL);
}

/* The bound that broke conmand once: all names in one environment string under 128 KiB. */
static void test_listen_fdnames_fits(void **state) {
        assert_true(FDSTORE_FDNAMES_MAX < FDSTORE_ARG_STRLEN_MAX);
        assert_true(CONMAN_FDSTORE_MAX >= 3 * 1000); /* 1,000 containers with three fds each */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names_round_trip),
                cmocka_unit_test(test_old_names),
                cmocka_unit_test(test_garbage),
                cmocka_unit_test(test_listen_fdnames_fits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
