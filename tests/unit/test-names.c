/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-names.c — container names, ids, in-container paths, env and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/names.h"

static void test_container_name(void **state) {
        assert_true(container_name_is_valid("web"));
        assert_true(container_name_is_valid("a"));
        assert_true(container_name_is_valid("Web_1.prod-2"));
        assert_true(
                container_name_is_valid("0123456789012345678901234567890123456789012345678901234567890ab"));
        assert_false(
                container_name_is_valid("0123456789012345678901234567890123456789012345678901234567890abc"));
        assert_false(container_name_is_valid(""));
        assert_false(container_name_is_valid(NULL));
        assert_false(container_name_is_valid("-web"));
        assert_false(container_name_is_valid(".web"));
        assert_false(container_name_is_valid("_web"));
        assert_false(container_name_is_valid("web/x"));
        assert_false(container_name_is_valid("web x"));
        assert_false(container_name_is_valid("wéb"));
        assert_false(container_name_is_valid("web@1"));
}

static void test_container_id(void **state) {
        const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_true(container_id_is_valid(id));
        assert_false(container_id_is_valid("0123"));
        assert_false(
                container_id_is_valid("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
        assert_true(container_id_prefix_is_valid("01a"));
        assert_false(container_id_prefix_is_valid(""));
        assert_false(container_id_prefix_is_valid("xyz"));
}

static void test_container_path(void **state) {
        assert_true(container_path_is_valid("/"));
        assert_true(container_path_is_valid("/data"));
        assert_true(container_path_is_valid("/var/lib/x.y"));
        assert_true(container_path_is_valid("/a/..b/c"));
        assert_false(container_path_is_valid("data"));
        assert_false(container_path_is_valid("/a/../b"));
        assert_false(container_path_is_valid("/a/.."));
        assert_false(container_path_is_valid("/a/./b"));
        assert_false(container_path_is_valid("/a//b"));
        assert_false(container_path_is_valid("/a/"));
        assert_false(container_path_is_valid(""));
        assert_false(container_path_is_valid("/\xff"));
}

static void test_env_and_labels(void **state) {
        assert_true(env_assignment_is_valid("A=b"));
        assert_true(env_assignment_is_valid("PATH="));
        assert_false(env_assignment_is_valid("=b"));
        assert_false(env_assignment_is_valid("AB"));
        assert_false(env_assignment_is_valid("A B=c"));
        assert_true(label_key_is_valid("org.example.key"));
        assert_false(label_key_is_valid("a=b"));
        assert_false(label_key_is_valid(""));
        assert_false(label_key_is_valid("a b"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_container_name),
                cmocka_unit_test(test_container_id),
                cmocka_unit_test(test_container_path),
                cmocka_unit_test(test_env_and_labels),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
