/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-run-env.c — conmanctl's environment rules (ctl/run-env.c): -e KEY from the caller's environment,
 * bare KEY lines in --env-file, --env-host below what was given, a later entry replacing an earlier one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/util.h"
#include "run-env.h"

static char *fake_getenv(const char *k) {
        if (streq(k, "FOO"))
                return "from-client";
        if (streq(k, "EMPTY"))
                return "";
        return NULL;
}

static void assert_env(char **env, const char *const *want) {
        size_t n = 0;

        for (; want[n]; n++) {
                assert_non_null(env);
                assert_non_null(env[n]);
                assert_string_equal(env[n], want[n]);
        }
        assert_int_equal(strv_length(env), n);
}

static void test_env_add(void **state) {
        _cleanup_strv_free_ char **env = NULL;

        assert_int_equal(run_env_add(&env, "A=1", fake_getenv), 0);
        assert_int_equal(run_env_add(&env, "FOO", fake_getenv), 0);   /* the client's value */
        assert_int_equal(run_env_add(&env, "UNSET", fake_getenv), 0); /* dropped */
        assert_int_equal(run_env_add(&env, "EMPTY", fake_getenv), 0); /* set, empty */
        assert_int_equal(run_env_add(&env, "B=", fake_getenv), 0);    /* empty value */
        assert_int_equal(run_env_add(&env, "C=x=y", fake_getenv), 0); /* '=' in the value */
        assert_int_equal(run_env_add(&env, "A=2", fake_getenv), 0);   /* replaces A=1 */
        assert_env(env, (const char *[]){ "A=2", "FOO=from-client", "EMPTY=", "B=", "C=x=y", NULL });

        assert_int_equal(run_env_add(&env, "=x", fake_getenv), -EINVAL);
        assert_int_equal(run_env_add(&env, "", fake_getenv), -EINVAL);
        assert_int_equal(run_env_add(&env, "A B=1", fake_getenv), -EINVAL);
}

static void test_env_file(void **state) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned bad = 0;

        assert_int_equal(
                run_env_add_file_text(
                        &env, "# a comment\n\nX=1\n  FOO\nUNSET\nY=two words\r\nX=3\nZ=", fake_getenv, &bad),
                0);
        assert_env(env, (const char *[]){ "X=3", "FOO=from-client", "Y=two words", "Z=", NULL });
        assert_int_equal(run_env_add_file_text(&env, "OK=1\nBAD KEY=1\n", fake_getenv, &bad), -EINVAL);
        assert_int_equal(bad, 2);
}

static void test_env_host(void **state) {
        _cleanup_strv_free_ char **env = NULL;
        char *host[] = { "HOME=/root", "A=host", "PATH=/bin", "NOEQUALS", "HOME=/dup", NULL };

        assert_int_equal(run_env_add(&env, "A=mine", fake_getenv), 0);
        assert_int_equal(run_env_add_host(&env, host), 0);
        assert_env(env, (const char *[]){ "HOME=/root", "PATH=/bin", "A=mine", NULL });
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_env_add),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_env_host),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
