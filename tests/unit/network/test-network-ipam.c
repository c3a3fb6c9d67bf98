/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-ipam.c — the native driver's address picking (round robin, gateway, exhaustion) and its
 * leases in a temp dir (host-local's format, reuse by the same container, release by id). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "network/ipam.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const uint32_t net = (10u << 24) | (99u << 16) | (5u << 8); /* 10.99.5.0 */

static bool taken_set(uint32_t a, void *userdata) {
        for (const uint32_t *t = userdata; *t; t++)
                if (*t == a)
                        return true;
        return false;
}

static void test_next(void **state) {
        uint32_t taken[] = { net + 2, net + 3, 0 }, a;

        /* first time: after the gateway .1 comes .2 */
        assert_int_equal(ipam_next(net, 24, net + 1, 0, NULL, NULL, &a), 0);
        assert_int_equal(a, net + 2);
        /* taken addresses are skipped */
        assert_int_equal(ipam_next(net, 24, net + 1, 0, taken_set, taken, &a), 0);
        assert_int_equal(a, net + 4);
        /* round robin after the last one, then wrap, never network, broadcast or gateway */
        assert_int_equal(ipam_next(net, 24, net + 1, net + 100, NULL, NULL, &a), 0);
        assert_int_equal(a, net + 101);
        assert_int_equal(ipam_next(net, 24, net + 1, net + 254, NULL, NULL, &a), 0);
        assert_int_equal(a, net + 2);
        assert_int_equal(ipam_next(net, 24, net + 254, net + 253, NULL, NULL, &a), 0);
        assert_int_equal(a, net + 1);
}

static bool all_taken(uint32_t a, void *userdata) {
        return true;
}

static void test_exhausted(void **state) {
        uint32_t a, taken[] = { net + 2, 0 };

        assert_int_equal(ipam_next(net, 24, net + 1, 0, all_taken, NULL, &a), -ENOSPC);
        /* a /30 has two hosts: the gateway and one more */
        assert_int_equal(ipam_next(net, 30, net + 1, 0, NULL, NULL, &a), 0);
        assert_int_equal(a, net + 2);
        assert_int_equal(ipam_next(net, 30, net + 1, 0, taken_set, taken, &a), -ENOSPC);
}

static void test_leases(void **state) {
        char dir[] = "/tmp/test-ipam-XXXXXX";
        _cleanup_free_ char *a = NULL, *b = NULL, *a2 = NULL, *c = NULL, *lease = NULL, *path = NULL;
        _cleanup_strv_free_ char **owners = NULL;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(ipam_reserve(dir, "backend", "10.99.5.0/24", "10.99.5.254", ID_A, &a), 0);
        assert_string_equal(a, "10.99.5.1");
        assert_int_equal(ipam_reserve(dir, "backend", "10.99.5.0/24", "10.99.5.254", ID_B, &b), 0);
        assert_string_equal(b, "10.99.5.2");
        /* the same container asking again gets its address back */
        assert_int_equal(ipam_reserve(dir, "backend", "10.99.5.0/24", "10.99.5.254", ID_A, &a2), 0);
        assert_string_equal(a2, "10.99.5.1");
        /* host-local's format */
        assert_int_equal(asprintf(&path, "%s/backend/10.99.5.2", dir) < 0, 0);
        assert_int_equal(read_file(path, 1024, &lease, NULL), 0);
        assert_string_equal(lease, ID_B "\r\neth0");
        assert_int_equal(ipam_lease_owners(dir, &owners), 0);
        assert_int_equal(strv_length(owners), 2);
        assert_true(strv_contains(owners, ID_A) && strv_contains(owners, ID_B));
        /* release by id, in one network or all; twice is fine */
        assert_int_equal(ipam_release(dir, "backend", ID_A), 0);
        assert_int_equal(ipam_release(dir, NULL, ID_B), 0);
        assert_int_equal(ipam_release(dir, NULL, ID_B), 0);
        assert_int_equal(ipam_release(dir, "nosuch", ID_B), 0);
        strv_freep(&owners);
        assert_int_equal(ipam_lease_owners(dir, &owners), 0);
        assert_int_equal(strv_length(owners), 0);
        /* round robin: the next one is .3, not the freed .1 */
        assert_int_equal(ipam_reserve(dir, "backend", "10.99.5.0/24", "10.99.5.254", ID_C, &c), 0);
        assert_string_equal(c, "10.99.5.3");
        assert_int_equal(ipam_reserve(dir, "backend", "bad", NULL, ID_C, &c), -EINVAL);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_next),
                cmocka_unit_test(test_exhausted),
                cmocka_unit_test(test_leases),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
