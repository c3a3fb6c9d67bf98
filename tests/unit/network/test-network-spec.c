/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-spec.c — port specs ("[IP:]HOST:PORT[/proto]") and network names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/network-spec.h"

/* want NULL: refused; else the canonical spelling. */
static void check(const char *in, const char *want) {
        _cleanup_free_ char *s = NULL;
        PortMapping p;
        int r = port_mapping_parse(in, &p);

        if (!want) {
                if (r != -EINVAL)
                        fail_msg("\"%s\" should be refused, got %d", in, r);
                return;
        }
        if (r < 0)
                fail_msg("\"%s\" should parse, got %d", in, r);
        assert_int_equal(port_mapping_format(&p, &s), 0);
        if (!streq(s, want))
                fail_msg("\"%s\" → \"%s\", want \"%s\"", in, s, want);
}

static void test_ports_valid(void **state) {
        check("8080:80", "8080:80/tcp");
        check("8080:80/tcp", "8080:80/tcp");
        check("53:53/udp", "53:53/udp");
        check("127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp");
        check("0.0.0.0:1:65535/udp", "1:65535/udp");
        check("192.168.1.10:443:8443/tcp", "192.168.1.10:443:8443/tcp");
        /* a free host port, chosen at start */
        check("80", "80/tcp");
        check("53/udp", "53/udp");
        check("127.0.0.1::80", "127.0.0.1::80/tcp");
        check("0.0.0.0::80/udp", "80/udp");
        check("8080-8080:80", "8080:80/tcp");
}

/* want_n mappings, the first and last canonical as given. */
static void check_range(const char *in, size_t want_n, const char *first, const char *last) {
        _cleanup_free_ PortMapping *l = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t n = 0;

        if (port_mappings_parse(in, &l, &n) < 0)
                fail_msg("\"%s\" should parse", in);
        assert_int_equal(n, want_n);
        assert_int_equal(port_mapping_format(&l[0], &a), 0);
        assert_int_equal(port_mapping_format(&l[n - 1], &b), 0);
        if (!streq(a, first) || !streq(b, last))
                fail_msg("\"%s\" → %s..%s, want %s..%s", in, a, b, first, last);
}

static void test_ports_ranges(void **state) {
        _cleanup_free_ PortMapping *l = NULL;
        size_t n;

        check_range("8000-8002:80-82", 3, "8000:80/tcp", "8002:82/tcp");
        check_range("127.0.0.1:9000-9001:90-91/udp", 2, "127.0.0.1:9000:90/udp", "127.0.0.1:9001:91/udp");
        check_range("80-84", 5, "80/tcp", "84/tcp");
        check_range("10.0.0.1::80-81", 2, "10.0.0.1::80/tcp", "10.0.0.1::81/tcp");
        assert_int_equal(port_mappings_parse("8000-8001:80-82", &l, &n), -ERANGE);
        assert_int_equal(port_mappings_parse("8000:80-82", &l, &n), -ERANGE);
        assert_int_equal(port_mappings_parse("1-1000", &l, &n), -E2BIG);
        assert_int_equal(port_mappings_parse("82-80", &l, &n), -EINVAL);
        assert_int_equal(port_mappings_parse("80-", &l, &n), -EINVAL);
        assert_int_equal(port_mappings_parse("-80", &l, &n), -EINVAL);
        assert_int_equal(port_mappings_parse("80--82", &l, &n), -EINVAL);
        check("8000-8002:80-82", NULL); /* one mapping only */
}

static void test_ports_invalid(void **state) {
        const char *bad[] = { "",
                              ":80",
                              "1.2.3.4:80",
                              "1.2.3.4:",
                              "::80",
                              "80:",
                              "0:80",
                              "80:0",
                              "65536:80",
                              "80:65536",
                              "-1:80",
                              "+80:80",
                              "8080:80/sctp",
                              "8080:80/",
                              "8080:80/TCP",
                              "a:80",
                              "1.2.3:80:80",
                              "1.2.3.4.5:80:80",
                              "::1:80:80",
                              "[::1]:80:80",
                              "1.2.3.4:80:80:80",
                              "256.0.0.1:80:80",
                              " 80:80",
                              "80:80 ",
                              "0080000:80",
                              "99999999999999999999:80",
                              "1111111111111111111111111111111111111111111111111111111111111111111111:1" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                check(bad[i], NULL);
}

static void test_ports_conflict(void **state) {
        PortMapping a, b, c, d;

        assert_int_equal(port_mapping_parse("8080:80", &a), 0);
        assert_int_equal(port_mapping_parse("127.0.0.1:8080:81", &b), 0);
        assert_int_equal(port_mapping_parse("8080:80/udp", &c), 0);
        assert_int_equal(port_mapping_parse("127.0.0.2:8080:80", &d), 0);
        assert_true(port_mapping_conflicts(&a, &b));  /* all addresses include 127.0.0.1 */
        assert_false(port_mapping_conflicts(&a, &c)); /* other protocol */
        assert_false(port_mapping_conflicts(&b, &d)); /* other address */
        assert_int_equal(port_mapping_parse("80", &a), 0);
        assert_int_equal(port_mapping_parse("80", &b), 0);
        assert_false(port_mapping_conflicts(&a, &b)); /* two free ports */
}

static void test_network_names(void **state) {
        assert_true(network_name_is_valid("conman0"));
        assert_true(network_name_is_valid("back-end_1.v2"));
        assert_true(network_name_is_valid("a"));
        assert_false(network_name_is_valid(""));
        assert_false(network_name_is_valid(NULL));
        assert_false(network_name_is_valid("none"));
        assert_false(network_name_is_valid("host"));
        assert_false(network_name_is_valid("bridge"));
        assert_false(network_name_is_valid(".hidden"));
        assert_false(network_name_is_valid("-x"));
        assert_false(network_name_is_valid("a/b"));
        assert_false(network_name_is_valid("../x"));
        assert_false(network_name_is_valid("a b"));
        assert_false(network_name_is_valid("0123456789012345678901234567890123456789012345678"));
        assert_true(network_name_is_valid("012345678901234567890123456789012345678901234567"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ports_valid),   cmocka_unit_test(test_ports_invalid),
                cmocka_unit_test(test_ports_ranges),  cmocka_unit_test(test_ports_conflict),
                cmocka_unit_test(test_network_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
