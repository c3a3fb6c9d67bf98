/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctl/list-filter.c: `volume ls --filter` and `network ls --filter` as docker's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "list-filter.h"

static char *data_labels[] = { "backup=daily", "tier=db", NULL };
static const VolumeFilterItem data = { .name = "data", .driver = "local", .labels = data_labels, .users = 1 };
static const VolumeFilterItem cache = { .name = "web-cache", .driver = "local", .users = 0 };

static ListFilters volume_filters(const char *const *specs) {
        ListFilters f = { .keys = volume_filter_keys };
        const char *message;

        for (; *specs; specs++)
                assert_int_equal(list_filters_add(&f, *specs, &message), 0);
        return f;
}

static bool volume_match(const char *const *specs, const VolumeFilterItem *v) {
        ListFilters f = volume_filters(specs);
        bool m = volume_filters_match(&f, v);

        list_filters_done(&f);
        return m;
}

static void test_volume_dangling_label_name_driver(void **state) {
        (void) state;
        assert_true(volume_match((const char *[]){ NULL }, &data));
        assert_true(volume_match((const char *[]){ "dangling=true", NULL }, &cache));
        assert_false(volume_match((const char *[]){ "dangling=true", NULL }, &data));
        assert_true(volume_match((const char *[]){ "dangling=0", NULL }, &data));
        assert_true(volume_match((const char *[]){ "label=tier", NULL }, &data));
        assert_true(volume_match((const char *[]){ "label=tier=db", NULL }, &data));
        assert_false(volume_match((const char *[]){ "label=tier=web", NULL }, &data));
        assert_false(volume_match((const char *[]){ "label=ti", NULL }, &data));
        assert_false(volume_match((const char *[]){ "label=tier", NULL }, &cache));
        assert_true(volume_match((const char *[]){ "name=cache", NULL }, &cache)); /* partial, as docker */
        assert_false(volume_match((const char *[]){ "name=^cache", NULL }, &cache));
        assert_true(volume_match((const char *[]){ "driver=local", NULL }, &cache));
        assert_false(volume_match((const char *[]){ "driver=nfs", NULL }, &cache));
}

static void test_alternatives_and_all_keys(void **state) {
        (void) state;
        /* values of one key: any; different keys: all */
        assert_true(volume_match((const char *[]){ "name=nomatch", "name=data", NULL }, &data));
        assert_false(volume_match((const char *[]){ "name=data", "dangling=true", NULL }, &data));
        assert_true(volume_match((const char *[]){ "name=data", "label=backup=daily", NULL }, &data));
}

static void test_bad_filters(void **state) {
        ListFilters f = { .keys = volume_filter_keys };
        const char *message = NULL;

        (void) state;
        assert_int_equal(list_filters_add(&f, "dangling=maybe", &message), -EINVAL);
        assert_string_equal(message, "dangling is true or false");
        assert_int_equal(list_filters_add(&f, "status=running", &message), -EINVAL);
        assert_int_equal(list_filters_add(&f, "name", &message), -EINVAL);
        assert_int_equal(list_filters_add(&f, "name=", &message), -EINVAL);
        assert_int_equal(list_filters_add(&f, "=x", &message), -EINVAL);
        assert_int_equal(list_filters_add(&f, "name=(", &message), -EINVAL);
        assert_int_equal(list_filters_add(&f, "id=abc", &message), -EINVAL); /* a network key */
        list_filters_done(&f);
}

static void test_network(void **state) {
        ListFilters f = { .keys = network_filter_keys };
        const NetworkFilterItem conman0 = { .id = "conman0", .name = "conman0", .driver = "bridge" };
        const NetworkFilterItem ext = { .id = "ext", .name = "ext", .driver = "cni" };
        const char *message;

        (void) state;
        assert_int_equal(list_filters_add(&f, "driver=bridge", &message), 0);
        assert_true(network_filters_match(&f, &conman0));
        assert_false(network_filters_match(&f, &ext));
        assert_int_equal(list_filters_add(&f, "name=man", &message), 0);
        assert_true(network_filters_match(&f, &conman0));
        assert_int_equal(list_filters_add(&f, "label=x", &message), 0);
        assert_false(network_filters_match(&f, &conman0)); /* no labels */
        list_filters_done(&f);
        f = (ListFilters){ .keys = network_filter_keys };
        assert_int_equal(list_filters_add(&f, "id=con", &message), 0);
        assert_true(network_filters_match(&f, &conman0));
        assert_false(network_filters_match(&f, &ext));
        list_filters_done(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_volume_dangling_label_name_driver),
                cmocka_unit_test(test_alternatives_and_all_keys),
                cmocka_unit_test(test_bad_filters),
                cmocka_unit_test(test_network),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
