/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ctl-help.c — ctl_help_requested() (ctl/help.c) finds -h/--help among a verb's options, stops at
 * "--" and, for run/create/exec, at the first operand (the rest is the container's command), and treats
 * run's -h as docker's --hostname unless it stands alone; the usage hint names the verb. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "help.h"

#define ARGV(...)                                                                                            \
        (char *[]) {                                                                                         \
                __VA_ARGS__, NULL                                                                            \
        }
#define ARGC(...)                  ((int) (sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define REQUESTED(scan, host, ...) ctl_help_requested(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), scan, host)

static void test_all_options(void **state) {
        assert_true(REQUESTED(HELP_SCAN_ALL, false, "ps", "-h"));
        assert_true(REQUESTED(HELP_SCAN_ALL, false, "ps", "-a", "--help"));
        assert_true(REQUESTED(HELP_SCAN_ALL, false, "stop", "-t", "3", "web", "-h"));
        assert_false(REQUESTED(HELP_SCAN_ALL, false, "stop", "web"));
        assert_false(REQUESTED(HELP_SCAN_ALL, false, "rm", "--", "-h"));
        assert_false(REQUESTED(HELP_SCAN_ALL, false, "ps", "--helpful"));
        assert_false(REQUESTED(HELP_SCAN_ALL, false, "ps"));
}

static void test_command_verbs(void **state) {
        assert_true(REQUESTED(HELP_SCAN_TO_OPERAND, false, "exec", "-h"));
        assert_true(REQUESTED(HELP_SCAN_TO_OPERAND, false, "exec", "-it", "--help", "web", "sh"));
        assert_false(REQUESTED(HELP_SCAN_TO_OPERAND, false, "exec", "web", "ls", "-h"));
        assert_false(REQUESTED(HELP_SCAN_TO_OPERAND, false, "exec", "web", "ls", "--help"));
}

static void test_run_hostname(void **state) {
        assert_true(REQUESTED(HELP_SCAN_TO_OPERAND, true, "run", "-h"));
        assert_true(REQUESTED(HELP_SCAN_TO_OPERAND, true, "run", "--rm", "--help"));
        assert_false(REQUESTED(HELP_SCAN_TO_OPERAND, true, "run", "-h", "box", "img", "true"));
        assert_false(REQUESTED(HELP_SCAN_TO_OPERAND, true, "run", "--rm", "-h"));
        assert_false(REQUESTED(HELP_SCAN_TO_OPERAND, true, "run", "img", "sh", "--help"));
}

static void test_usage_error(void **state) {
        assert_false(ctl_usage_failed());
        assert_int_equal(ctl_usage_error(), -EINVAL);
        assert_true(ctl_usage_failed());
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_all_options),
                cmocka_unit_test(test_command_verbs),
                cmocka_unit_test(test_run_hostname),
                cmocka_unit_test(test_usage_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
