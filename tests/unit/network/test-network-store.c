/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-store.c — subnets and gateways, conflist generation, and the store in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "network/cni.h"
#include "network/network-store.h"

static void test_subnets(void **state) {
        uint32_t a, b;
        unsigned pa, pb;

        assert_int_equal(subnet_parse("10.77.0.0/16", &a, &pa), 0);
        assert_int_equal(pa, 16);
        assert_int_equal(subnet_parse("10.77.5.0/24", &b, &pb), 0);
        assert_true(subnets_overlap(a, pa, b, pb));
        assert_int_equal(subnet_parse("10.78.0.0/24", &b, &pb), 0);
        assert_false(subnets_overlap(a, pa, b, pb));
        assert_int_equal(subnet_parse("10.77.0.1/16", &a, &pa), -EINVAL); /* host bits */
        assert_int_equal(subnet_parse("10.77.0.0/31", &a, &pa), -EINVAL);
        assert_int_equal(subnet_parse("10.0.0.0/7", &a, &pa), -EINVAL);
        assert_int_equal(subnet_parse("10.77.0.0", &a, &pa), -EINVAL);
        assert_int_equal(subnet_parse("10.77.0.0/+8", &a, &pa), -EINVAL);
        assert_int_equal(subnet_parse("fd00::/64", &a, &pa), -EINVAL);
        assert_int_equal(subnet_parse("", &a, &pa), -EINVAL);
}

static void test_address_plan(void **state) {
        _cleanup_free_ char *g1 = NULL, *g2 = NULL, *msg = NULL;
        char *g = NULL;

        assert_int_equal(network_address_plan("10.79.0.0/24", NULL, &g1, NULL), 0);
        assert_string_equal(g1, "10.79.0.1");
        assert_int_equal(network_address_plan("10.79.0.0/24", "10.79.0.254", &g2, NULL), 0);
        assert_string_equal(g2, "10.79.0.254");
        assert_int_equal(network_address_plan("10.79.0.0/24", "10.79.0.255", &g, NULL),
                         -EINVAL); /* broadcast */
        assert_int_equal(network_address_plan("10.79.0.0/24", "10.79.0.0", &g, NULL), -EINVAL); /* network */
        assert_int_equal(network_address_plan("10.79.0.0/24", "10.80.0.1", &g, &msg), -EINVAL); /* outside */
        assert_non_null(strstr(msg, "inside the subnet"));
        assert_int_equal(network_address_plan("10.79.0.0/24", "nonsense", &g, NULL), -EINVAL);
}

static void test_conflist(void **state) {
        _cleanup_json_ struct json_object *l = NULL;
        _cleanup_(network_freep) Network *n = NULL;
        struct json_object *plugins;

        assert_int_equal(network_conflist_build("web", "conman3", "10.78.3.0/24", "10.78.3.1", "/run/x/ipam",
                                                NETWORK_DRIVER_NATIVE, &l),
                         0);
        assert_int_equal(cni_conflist_validate(l, NULL), 0);
        plugins = json_object_object_get(l, "plugins");
        assert_int_equal(json_object_array_length(plugins), 3);
        assert_string_equal(
                json_object_get_string(json_object_object_get(json_object_array_get_idx(plugins, 1), "type")),
                "portmap");
        assert_int_equal(network_from_conflist(l, &n), 0);
        assert_string_equal(n->name, "web");
        assert_string_equal(n->bridge, "conman3");
        assert_string_equal(n->subnet, "10.78.3.0/24");
        assert_string_equal(n->gateway, "10.78.3.1");
        assert_non_null(
                strstr(json_object_to_json_string_ext(l, JSON_C_TO_STRING_NOSLASHESCAPE), "/run/x/ipam"));
        assert_int_equal(n->driver, NETWORK_DRIVER_NATIVE);
}

/* A list without "driver": "native" (a user's, or an older conman's) stays on CNI; so does a native one
 * that is not a plain bridge network. */
static void test_driver(void **state) {
        _cleanup_json_ struct json_object *l = NULL, *other = NULL;
        _cleanup_(network_freep) Network *cni = NULL, *odd = NULL;

        assert_int_equal(network_conflist_build("web", "conman3", "10.78.3.0/24", "10.78.3.1", "/run/x/ipam",
                                                NETWORK_DRIVER_CNI, &l),
                         0);
        assert_null(json_object_object_get(l, "driver"));
        assert_int_equal(network_from_conflist(l, &cni), 0);
        assert_int_equal(cni->driver, NETWORK_DRIVER_CNI);
        other = json_tokener_parse("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"driver\":\"native\","
                                   "\"plugins\":[{\"type\":\"macvlan\"}]}");
        assert_int_equal(network_from_conflist(other, &odd), 0);
        assert_int_equal(odd->driver, NETWORK_DRIVER_CNI);
        assert_string_equal(network_driver_to_string(NETWORK_DRIVER_NATIVE), "native");
        assert_int_equal(network_driver_from_string("cni"), NETWORK_DRIVER_CNI);
        assert_true(network_driver_from_string("") < 0);
}

static void test_store(void **state) {
        char tmpl[] = "/tmp/test-netstore-XXXXXX";
        _cleanup_free_ char *msg = NULL, *dir = NULL;
        NetworkStore s;
        Network **l = NULL, *n = NULL;
        size_t count = 0;

        assert_non_null(mkdtemp(tmpl));
        assert_true(asprintf(&dir, "%s/networks", tmpl) > 0);
        s = (NetworkStore){ .dir = dir, .ipam_dir = "/run/conman/ipam" };

        /* conman0 exists without a file */
        assert_int_equal(network_store_load(&s, "conman0", &n), 0);
        assert_true(n->builtin);
        assert_int_equal(n->driver, NETWORK_DRIVER_NATIVE);
        assert_string_equal(n->subnet, NETWORK_DEFAULT_SUBNET);
        n = network_free(n);
        assert_int_equal(network_store_load(&s, "nope", &n), -ENOENT);
        assert_int_equal(network_store_load(&s, "../x", &n), -EINVAL);

        assert_int_equal(network_store_create(&s, "a", NULL, NULL, &n, NULL), 0);
        assert_string_equal(n->subnet, "10.78.0.0/24");
        assert_string_equal(n->bridge, "conman1");
        n = network_free(n);
        assert_int_equal(network_store_create(&s, "b", NULL, NULL, &n, NULL), 0);
        assert_string_equal(n->subnet, "10.78.1.0/24");
        assert_string_equal(n->bridge, "conman2");
        n = network_free(n);
        assert_int_equal(network_store_create(&s, "a", NULL, NULL, &n, NULL), -EEXIST);
        assert_int_equal(network_store_create(&s, "c", "10.77.9.0/24", NULL, &n, &msg), -EADDRINUSE);
        assert_non_null(strstr(msg, "conman0"));
        assert_int_equal(network_store_create(&s, "d", "10.10.0.0/16", "10.10.255.255", &n, NULL), -EINVAL);

        assert_int_equal(network_store_list(&s, &l, &count), 0);
        assert_int_equal(count, 3);
        assert_string_equal(l[0]->name, "conman0");
        assert_string_equal(l[1]->name, "a");
        assert_string_equal(l[2]->name, "b");
        network_free_many(l, count);

        assert_int_equal(network_store_remove(&s, "a"), 0);
        assert_int_equal(network_store_remove(&s, "a"), -ENOENT);
        assert_int_equal(network_store_remove(&s, "conman0"), -EPERM);
        assert_int_equal(network_store_load(&s, "b", &n), 0);
        assert_false(n->builtin);
        n = network_free(n);
        (void) rm_rf(tmpl);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_subnets),  cmocka_unit_test(test_address_plan),
                cmocka_unit_test(test_conflist), cmocka_unit_test(test_driver),
                cmocka_unit_test(test_store),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
