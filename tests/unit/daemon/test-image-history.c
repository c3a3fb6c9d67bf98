/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-history.c — image_history_build(): rows newest first, non-empty history entries take the
 * layer sizes in order, empty_layer entries 0, the top row the image id and tags, no history one row a
 * layer, and a malformed config no crash. */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "daemon/image-history.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct json_object *row(struct json_object *rows, size_t i, const char *key) {
        struct json_object *v;
        assert_true(json_object_object_get_ex(json_object_array_get_idx(rows, i), key, &v));
        return v;
}

static void test_history_with_empty_layers(void **state) {
        static const char config[] =
                "{\"history\":[{\"created\":\"2024-05-01T10:00:00Z\",\"created_by\":\"ADD file:abc in /\"},"
                "{\"created\":\"2024-05-01T10:00:01Z\",\"created_by\":\"CMD [\\\"sh\\\"]\",\"empty_layer\":true},"
                "{\"created\":\"2024-05-02T00:00:00Z\",\"created_by\":\"RUN touch /x\",\"comment\":\"hi\"}]}";
        static const uint64_t sizes[] = { 4000000, 12 };
        char *tags[] = { (char *) "docker.io/library/t:1", NULL };
        _cleanup_json_ struct json_object *rows = NULL;

        assert_int_equal(image_history_build(config, ID, tags, sizes, 2, &rows), 0);
        assert_int_equal(json_object_array_length(rows), 3);
        assert_string_equal(json_object_get_string(row(rows, 0, "Id")), "sha256:" ID);
        assert_string_equal(json_object_get_string(row(rows, 0, "CreatedBy")), "RUN touch /x");
        assert_string_equal(json_object_get_string(row(rows, 0, "Comment")), "hi");
        assert_int_equal(json_object_get_int64(row(rows, 0, "Size")), 12);
        assert_int_equal(json_object_array_length(row(rows, 0, "Tags")), 1);
        assert_int_equal(json_object_get_int64(row(rows, 0, "Created")), 1714608000);
        assert_string_equal(json_object_get_string(row(rows, 1, "Id")), "<missing>");
        assert_int_equal(json_object_get_int64(row(rows, 1, "Size")), 0);
        assert_int_equal(json_object_get_int64(row(rows, 2, "Size")), 4000000);
        assert_int_equal(json_object_get_int64(row(rows, 2, "Created")), 1714557600);
        assert_int_equal(json_object_array_length(row(rows, 2, "Tags")), 0);
}

static void test_no_history(void **state) {
        static const uint64_t sizes[] = { 1, 2 };
        _cleanup_json_ struct json_object *rows = NULL;

        assert_int_equal(
                image_history_build("{\"created\":\"2024-05-01T10:00:00Z\"}", ID, NULL, sizes, 2, &rows), 0);
        assert_int_equal(json_object_array_length(rows), 2);
        assert_int_equal(json_object_get_int64(row(rows, 0, "Size")), 2);
        assert_int_equal(json_object_get_int64(row(rows, 1, "Size")), 1);
        assert_int_equal(json_object_get_int64(row(rows, 1, "Created")), 1714557600);
}

static void test_bad_configs(void **state) {
        static const char *const configs[] = { NULL, "", "[1]", "{\"history\":7}",
                                               "{\"history\":[3,{\"created\":5,\"empty_layer\":\"x\"}]}" };
        static const uint64_t sizes[] = { 9 };

        for (size_t i = 0; i < ELEMENTSOF(configs); i++) {
                _cleanup_json_ struct json_object *rows = NULL;

                assert_int_equal(image_history_build(configs[i], ID, NULL, sizes, 1, &rows), 0);
                assert_int_equal(json_object_array_length(rows), 1);
                assert_int_equal(json_object_get_int64(row(rows, 0, "Size")), 9);
        }
}

static void test_more_entries_than_layers(void **state) {
        _cleanup_json_ struct json_object *rows = NULL;

        assert_int_equal(image_history_build("{\"history\":[{},{}]}", ID, NULL, NULL, 0, &rows), 0);
        assert_int_equal(json_object_array_length(rows), 2);
        assert_int_equal(json_object_get_int64(row(rows, 0, "Size")), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_history_with_empty_layers),
                cmocka_unit_test(test_no_history),
                cmocka_unit_test(test_bad_configs),
                cmocka_unit_test(test_more_entries_than_layers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
