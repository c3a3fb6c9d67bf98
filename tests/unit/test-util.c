/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-util.c — parsers for sizes, CPUs, durations and signals; strv and UTF-8 helpers; the table and
 * cleanup macros of macro.h. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/util.h"

static void test_parse_size(void **state) {
        uint64_t v;
        assert_int_equal(parse_size("64m", &v), 0);
        assert_int_equal(v, 64ULL << 20);
        assert_int_equal(parse_size("1g", &v), 0);
        assert_int_equal(v, 1ULL << 30);
        assert_int_equal(parse_size("1.5G", &v), 0);
        assert_int_equal(v, 3ULL << 29);
        assert_int_equal(parse_size("512KiB", &v), 0);
        assert_int_equal(v, 512ULL << 10);
        assert_int_equal(parse_size("1000", &v), 0);
        assert_int_equal(v, 1000);
        assert_int_equal(parse_size("-1m", &v), -EINVAL);
        assert_int_equal(parse_size("12x", &v), -EINVAL);
        assert_int_equal(parse_size("", &v), -EINVAL);
        assert_int_equal(parse_size("99999999999t", &v), -ERANGE);
}

static void test_parse_cpus(void **state) {
        uint64_t v;
        assert_int_equal(parse_cpus("1.5", &v), 0);
        assert_int_equal(v, 1500000);
        assert_int_equal(parse_cpus("0.01", &v), 0);
        assert_int_equal(v, 10000);
        assert_int_equal(parse_cpus("0", &v), -ERANGE);
        assert_int_equal(parse_cpus("-2", &v), -EINVAL);
        assert_int_equal(parse_cpus("1e9", &v), -ERANGE);
        assert_int_equal(parse_cpus("two", &v), -EINVAL);
}

static void test_parse_duration(void **state) {
        uint64_t v;
        assert_int_equal(parse_duration("10", &v), 0);
        assert_int_equal(v, 10 * USEC_PER_SEC);
        assert_int_equal(parse_duration("500ms", &v), 0);
        assert_int_equal(v, 500 * USEC_PER_MSEC);
        assert_int_equal(parse_duration("2min", &v), 0);
        assert_int_equal(v, 120 * USEC_PER_SEC);
        assert_int_equal(parse_duration("3 s", &v), -EINVAL);
        assert_int_equal(parse_duration("x", &v), -EINVAL);
}

static void test_signals(void **state) {
        assert_int_equal(signal_from_string("KILL"), SIGKILL);
        assert_int_equal(signal_from_string("SIGTERM"), SIGTERM);
        assert_int_equal(signal_from_string("sigusr1"), SIGUSR1);
        assert_int_equal(signal_from_string("9"), 9);
        assert_int_equal(signal_from_string("0"), -EINVAL);
        assert_int_equal(signal_from_string("999"), -EINVAL);
        assert_int_equal(signal_from_string("NOPE"), -EINVAL);
        assert_string_equal(signal_to_string(SIGHUP), "HUP");
}

static void test_strv(void **state) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *j = NULL;
        assert_int_equal(strv_push(&l, "a"), 0);
        assert_int_equal(strv_push(&l, "b c"), 0);
        assert_int_equal(strv_length(l), 2);
        assert_true(strv_contains(l, "b c"));
        j = strv_join(l, ",");
        assert_string_equal(j, "a,b c");
}

static void test_utf8(void **state) {
        assert_true(utf8_is_valid("plain"));
        assert_true(utf8_is_valid("h\xc3\xa9llo"));
        assert_false(utf8_is_valid("\xc3"));
        assert_false(utf8_is_valid("\xc0\xaf"));     /* overlong */
        assert_false(utf8_is_valid("\xed\xa0\x80")); /* surrogate */
}

static void test_random_hex(void **state) {
        HexBuf a = random_hex_stack(32), b = random_hex_stack(32);
        assert_int_equal(strlen(a.s), 64);
        assert_string_not_equal(a.s, b.s);
}

typedef enum Fruit {
        FRUIT_APPLE,
        FRUIT_UNNAMED, /* a hole in the table: no name, never found */
        FRUIT_PEAR,
        _FRUIT_MAX,
        _FRUIT_INVALID = -EINVAL,
} Fruit;

static const char *const fruit_table[_FRUIT_MAX] = {
        [FRUIT_APPLE] = "apple",
        [FRUIT_PEAR] = "pear",
};

const char *fruit_to_string(Fruit f);
Fruit fruit_from_string(const char *s);
DEFINE_STRING_TABLE_LOOKUP(fruit, Fruit);

static void test_string_table(void **state) {
        assert_string_equal(fruit_to_string(FRUIT_APPLE), "apple");
        assert_string_equal(fruit_to_string(FRUIT_PEAR), "pear");
        assert_null(fruit_to_string(FRUIT_UNNAMED));
        assert_null(fruit_to_string(_FRUIT_MAX));
        assert_null(fruit_to_string(_FRUIT_INVALID));
        assert_null(fruit_to_string((Fruit) -1));
        assert_int_equal(fruit_from_string("apple"), FRUIT_APPLE);
        assert_int_equal(fruit_from_string("pear"), FRUIT_PEAR);
        assert_int_equal(fruit_from_string("Pear"), _FRUIT_INVALID); /* names are exact */
        assert_int_equal(fruit_from_string(""), _FRUIT_INVALID);
        assert_int_equal(fruit_from_string(NULL), _FRUIT_INVALID);
        for (Fruit f = 0; f < _FRUIT_MAX; f++)
                if (fruit_to_string(f))
                        assert_int_equal(fruit_from_string(fruit_to_string(f)), f);
}

typedef struct Box {
        int *freed;
} Box;

static Box *box_free(Box *b) {
        (*b->freed)++;
        free(b);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Box *, box_free);

static void test_trivial_cleanup(void **state) {
        int freed = 0;

        {
                _cleanup_(box_freep) Box *b = calloc(1, sizeof(Box));
                assert_non_null(b);
                b->freed = &freed;
        }
        assert_int_equal(freed, 1);
        {
                _cleanup_(box_freep) Box *none = NULL; /* NULL: box_free() is not called */
                (void) none;
        }
        assert_int_equal(freed, 1);
        {
                _cleanup_(box_freep) Box *b = calloc(1, sizeof(Box));
                Box *kept;
                assert_non_null(b);
                b->freed = &freed;
                kept = TAKE_PTR(b); /* ownership moved on: not freed at the end of the scope */
                assert_null(b);
                box_free(kept);
        }
        assert_int_equal(freed, 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_size),
                cmocka_unit_test(test_parse_cpus),
                cmocka_unit_test(test_parse_duration),
                cmocka_unit_test(test_signals),
                cmocka_unit_test(test_strv),
                cmocka_unit_test(test_utf8),
                cmocka_unit_test(test_random_hex),
                cmocka_unit_test(test_string_table),
                cmocka_unit_test(test_trivial_cleanup),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
