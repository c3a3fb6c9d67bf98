/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-container-index.c — the manager's hash tables of containers: found by id, name and unit path,
 * never two under one key, gone once removed, and right through the tables' growth to thousands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "daemon/container-index.h"
#include "daemon/container.h"

#define UNIT_PATH_PREFIX "/org/freedesktop/systemd1/unit/conman_2d"

static Container *make(const char *id, const char *name) {
        Container *c = calloc(1, sizeof(Container));

        assert_non_null(c);
        assert_non_null(c->id = strdup(id));
        assert_non_null(c->name = strdup(name));
        assert_true(asprintf(&c->unit_path, UNIT_PATH_PREFIX "%s_2eservice", name) > 0);
        return c;
}

static void drop(Container *c) {
        free(c->id);
        free(c->name);
        free(c->unit_path);
        free(c);
}

static void test_lookups(void **state) {
        Manager m = {};
        Container *a = make("aaaa", "web"), *b = make("bbbb", "db");

        assert_int_equal(container_index_add(&m, a), 0);
        assert_int_equal(container_index_add(&m, b), 0);
        assert_int_equal(container_index_size(&m), 2);
        assert_ptr_equal(manager_get_container_by_id(&m, "aaaa"), a);
        assert_ptr_equal(manager_get_container_by_id(&m, "bbbb"), b);
        assert_ptr_equal(manager_get_container_by_name(&m, "web"), a);
        assert_ptr_equal(manager_get_container_by_name(&m, "db"), b);
        assert_ptr_equal(manager_get_container_by_unit_path(&m, b->unit_path), b);
        assert_null(manager_get_container_by_id(&m, "aaa")); /* a prefix is no key */
        assert_null(manager_get_container_by_id(&m, "web")); /* keys do not mix across tables */
        assert_null(manager_get_container_by_name(&m, "aaaa"));
        assert_null(manager_get_container_by_name(&m, NULL));
        assert_null(manager_get_container_by_unit_path(&m, "/org/freedesktop/systemd1/unit/other"));

        container_index_remove(&m, a);
        assert_null(manager_get_container_by_id(&m, "aaaa"));
        assert_null(manager_get_container_by_name(&m, "web"));
        assert_null(manager_get_container_by_unit_path(&m, a->unit_path));
        assert_ptr_equal(manager_get_container_by_name(&m, "db"), b);
        container_index_remove(&m, a); /* not indexed: nothing happens */
        assert_int_equal(container_index_size(&m), 1);
        container_index_remove(&m, b);
        assert_null(m.containers_by_id); /* the last one out frees the tables */
        assert_null(m.containers_by_name);
        assert_null(m.containers_by_unit_path);
        drop(a);
        drop(b);
}

/* A second container under a taken id or name is refused whole: no table holds it. */
static void test_taken_keys(void **state) {
        Manager m = {};
        Container *a = make("aaaa", "web"), *same_name = make("cccc", "web"), *same_id = make("aaaa", "api");

        assert_int_equal(container_index_add(&m, a), 0);
        assert_int_equal(container_index_add(&m, same_name), -EEXIST);
        assert_int_equal(container_index_add(&m, same_id), -EEXIST);
        assert_int_equal(container_index_size(&m), 1);
        assert_null(manager_get_container_by_id(&m, "cccc"));
        assert_null(manager_get_container_by_name(&m, "api"));
        assert_ptr_equal(manager_get_container_by_name(&m, "web"), a);
        container_index_remove(&m, same_id); /* same id, another container: a is kept */
        assert_ptr_equal(manager_get_container_by_id(&m, "aaaa"), a);
        container_index_remove(&m, a);
        drop(a);
        drop(same_name);
        drop(same_id);
}

/* 5,000 containers: the tables grow many times; every one is found, half are removed in a scattered
 * order, and exactly the other half is still found. */
static void test_many(void **state) {
        enum {
                N = 5000
        };
        Manager m = {};
        Container **l = calloc(N, sizeof(Container *));

        assert_non_null(l);
        for (unsigned i = 0; i < N; i++) {
                char id[65], name[32];
                snprintf(id, sizeof(id), "%064x", i * 2654435761u);
                snprintf(name, sizeof(name), "c%u", i);
                l[i] = make(id, name);
                assert_int_equal(container_index_add(&m, l[i]), 0);
        }
        assert_int_equal(container_index_size(&m), N);
        for (unsigned i = 0; i < N; i++) {
                assert_ptr_equal(manager_get_container_by_id(&m, l[i]->id), l[i]);
                assert_ptr_equal(manager_get_container_by_name(&m, l[i]->name), l[i]);
                assert_ptr_equal(manager_get_container_by_unit_path(&m, l[i]->unit_path), l[i]);
        }
        for (unsigned i = 0; i < N; i += 2)
                container_index_remove(&m, l[(i * 7919u) % N & ~1u]);
        for (unsigned i = 0; i < N; i++) {
                bool kept = i % 2 == 1;
                assert_true((manager_get_container_by_name(&m, l[i]->name) == l[i]) == kept);
                assert_true((manager_get_container_by_id(&m, l[i]->id) == l[i]) == kept);
        }
        for (unsigned i = 1; i < N; i += 2)
                container_index_remove(&m, l[i]);
        assert_int_equal(container_index_size(&m), 0);
        for (unsigned i = 0; i < N; i++)
                drop(l[i]);
        free(l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lookups),
                cmocka_unit_test(test_taken_keys),
                cmocka_unit_test(test_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
