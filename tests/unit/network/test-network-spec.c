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
}

static void test_ports_invalid(void **state) {
        const char *bad[] = { "",
                              "80",
                              ":80",
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
                cmocka_unit_test(test_ports_valid),
                cmocka_unit_test(test_ports_invalid),
                cmocka_unit_test(test_ports_conflict),
                cmocka_unit_test(test_network_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
