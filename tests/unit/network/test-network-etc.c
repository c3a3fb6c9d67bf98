/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-etc.c — /etc/hosts with peers, removing a peer, /etc/resolv.conf from the host's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "network/etc-files.h"

#define ID1 "1111111111111111111111111111111111111111111111111111111111111111"
#define ID2 "2222222222222222222222222222222222222222222222222222222222222222"
#define ID3 "3333333333333333333333333333333333333333333333333333333333333333"

static void test_hosts(void **state) {
        HostsEntry self = { .ip = "10.77.0.5", .name = "client", .hostname = "box", .id = ID1 };
        char *aliases[] = { (char *) "database", (char *) "pg.local", NULL };
        HostsEntry peers[] = {
                { .ip = "10.77.0.2", .name = "web", .hostname = "222222222222", .id = ID2 },
                { .ip = "10.77.0.3", .name = "db", .hostname = "db", .id = ID3, .aliases = aliases },
        };
        _cleanup_free_ char *h = NULL, *without = NULL;

        assert_int_equal(hosts_file_build(&self, peers, 2, &h), 0);
        assert_string_equal(h, "127.0.0.1\tlocalhost\n"
                               "::1\tlocalhost ip6-localhost ip6-loopback\n"
                               "10.77.0.5\tbox client\n"
                               "10.77.0.2\tweb 222222222222\t# conman:222222222222\n"
                               "10.77.0.3\tdb database pg.local\t# conman:333333333333\n");
        assert_int_equal(hosts_remove(h, ID2, &without), 0);
        assert_null(strstr(without, "web"));
        assert_non_null(strstr(without, "10.77.0.3\tdb"));
        assert_non_null(strstr(without, "10.77.0.5\tbox client\n"));
}

static void test_resolv_filters_loopback(void **state) {
        _cleanup_free_ char *r = NULL;

        assert_int_equal(resolv_conf_build("# comment\nnameserver 127.0.0.53\nnameserver 192.0.2.1\n"
                                           "search example.org\noptions edns0\nsortlist 1.2.3.4\n",
                                           NULL, NULL, &r),
                         0);
        assert_null(strstr(r, "127.0.0.53"));
        assert_non_null(strstr(r, "nameserver 192.0.2.1\n"));
        assert_non_null(strstr(r, "search example.org\n"));
        assert_non_null(strstr(r, "options edns0\n"));
        assert_null(strstr(r, "sortlist"));
        assert_null(strstr(r, "8.8.8.8"));
}

static void test_resolv_fallback(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        assert_int_equal(resolv_conf_build("nameserver 127.0.0.1\nnameserver ::1\n", NULL, NULL, &a), 0);
        assert_non_null(strstr(a, "nameserver 8.8.8.8\n"));
        assert_int_equal(resolv_conf_build(NULL, NULL, NULL, &b), 0);
        assert_non_null(strstr(b, "nameserver 8.8.4.4\n"));
}

static void test_resolv_from_cni(void **state) {
        char *ns[] = { "10.77.0.1", NULL }, *search[] = { "svc.local", NULL };
        _cleanup_free_ char *r = NULL;

        assert_int_equal(resolv_conf_build("nameserver 192.0.2.1\n", ns, search, &r), 0);
        assert_non_null(strstr(r, "search svc.local\nnameserver 10.77.0.1\n"));
        assert_null(strstr(r, "192.0.2.1"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hosts),
                cmocka_unit_test(test_resolv_filters_loopback),
                cmocka_unit_test(test_resolv_fallback),
                cmocka_unit_test(test_resolv_from_cni),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
