/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-nft.c — the native driver's nftables script for one container (masquerade, forward,
 * published ports with and without a host address, udp) and the parsing of a listing with handles into
 * the delete commands of exactly one container's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/util.h"
#include "network/nft-rules.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char expected_table[] =
        "add table inet conman\n"
        "add chain inet conman prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
        "add chain inet conman output { type nat hook output priority -100; policy accept; }\n"
        "add chain inet conman postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
        "add chain inet conman forward { type filter hook forward priority filter; policy accept; }\n";

/* A container without published ports has no rules of its own: the script makes the table only. */
static void test_build_no_ports(void **state) {
        _cleanup_free_ char *s = NULL;
        NftContainer c = { .id = ID_A, .ip = "10.77.0.2", .subnet = "10.77.0.0/16" };

        assert_int_equal(nft_rules_build(&c, &s), 0);
        assert_string_equal(s, expected_table);
}

static void test_build_network(void **state) {
        _cleanup_free_ char *s = NULL, *bad = NULL;

        assert_int_equal(nft_network_rules_build("conman0", "10.77.0.0/16", &s), 0);
        assert_true(string_has_prefix(s, expected_table));
        assert_string_equal(s + strlen(expected_table),
                            "add rule inet conman forward ip daddr 10.77.0.0/16 accept comment "
                            "\"conman-network:conman0\"\n"
                            "add rule inet conman forward ip saddr 10.77.0.0/16 accept comment "
                            "\"conman-network:conman0\"\n"
                            "add rule inet conman postrouting ip saddr 10.77.0.0/16 ip daddr != "
                            "{ 10.77.0.0/16, 224.0.0.0/4 } masquerade comment \"conman-network:conman0\"\n");
        assert_int_equal(nft_network_rules_build("a\"b", "10.77.0.0/16", &bad), -EINVAL);
        assert_null(bad);
}

static void test_build_ports(void **state) {
        _cleanup_free_ char *s = NULL;
        PortMapping p[2];

        assert_int_equal(port_mapping_parse("8080:80", &p[0]), 0);
        assert_int_equal(port_mapping_parse("127.0.0.1:8053:53/udp", &p[1]), 0);
        NftContainer c = {
                .id = ID_A, .ip = "10.77.0.2", .subnet = "10.77.0.0/16", .ports = p, .n_ports = 2
        };
        assert_int_equal(nft_rules_build(&c, &s), 0);
        assert_true(string_has_prefix(s, expected_table));
        assert_string_equal(s + strlen(expected_table),
                            "add rule inet conman prerouting fib daddr type local tcp dport 8080 "
                            "dnat ip to 10.77.0.2:80 comment \"conman:" ID_A "\"\n"
                            "add rule inet conman output fib daddr type local tcp dport 8080 "
                            "dnat ip to 10.77.0.2:80 comment \"conman:" ID_A "\"\n"
                            "add rule inet conman postrouting ip saddr { 127.0.0.0/8, 10.77.0.0/16 } "
                            "ip daddr 10.77.0.2 tcp dport 80 masquerade comment \"conman:" ID_A "\"\n"
                            "add rule inet conman prerouting ip daddr 127.0.0.1 udp dport 8053 "
                            "dnat ip to 10.77.0.2:53 comment \"conman:" ID_A "\"\n"
                            "add rule inet conman output ip daddr 127.0.0.1 udp dport 8053 "
                            "dnat ip to 10.77.0.2:53 comment \"conman:" ID_A "\"\n"
                            "add rule inet conman postrouting ip saddr { 127.0.0.0/8, 10.77.0.0/16 } "
                            "ip daddr 10.77.0.2 udp dport 53 masquerade comment \"conman:" ID_A "\"\n");
}

static void test_build_invalid(void **state) {
        char *s = NULL;
        NftContainer c = { .id = "x\"; flush ruleset", .ip = "10.77.0.2", .subnet = "10.77.0.0/16" };

        assert_int_equal(nft_rules_build(&c, &s), -EINVAL);
        c = (NftContainer){ .id = ID_A };
        assert_int_equal(nft_rules_build(&c, &s), -EINVAL);
        assert_null(s);
}

/* What `nft -a list table inet conman` prints. */
static const char listing[] =
        "table inet conman { # handle 7\n"
        "\tchain prerouting { # handle 1\n"
        "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
        "\t\tfib daddr type local tcp dport 8080 dnat ip to 10.77.0.2:80 comment \"conman:" ID_A
        "\" # handle 9\n"
        "\t}\n"
        "\tchain forward { # handle 4\n"
        "\t\ttype filter hook forward priority filter; policy accept;\n"
        "\t\tip daddr 10.77.0.2 accept comment \"conman:" ID_A "\" # handle 5\n"
        "\t\tip daddr 10.77.0.3 accept comment \"conman:" ID_B "\" # handle 6\n"
        "\t\tip daddr 10.77.0.4 accept comment \"someone else\" # handle 8\n"
        "\t\tip daddr 10.77.0.0/16 accept comment \"conman-network:conman0\" # handle 10\n"
        "\t}\n"
        "}\n";

static void test_delete_script(void **state) {
        _cleanup_free_ char *a = NULL, *all = NULL, *none = NULL, *net = NULL;

        assert_int_equal(nft_delete_script(listing, NFT_COMMENT_PREFIX, ID_A, &a), 0);
        assert_string_equal(a, "delete rule inet conman prerouting handle 9\n"
                               "delete rule inet conman forward handle 5\n");
        assert_int_equal(nft_delete_script(listing, NFT_COMMENT_PREFIX, NULL, &all), 0);
        assert_string_equal(all, "delete rule inet conman prerouting handle 9\n"
                                 "delete rule inet conman forward handle 5\n"
                                 "delete rule inet conman forward handle 6\n");
        assert_int_equal(nft_delete_script("", NFT_COMMENT_PREFIX, ID_A, &none), 0);
        assert_string_equal(none, "");
        assert_int_equal(nft_delete_script(listing, NFT_NETWORK_COMMENT_PREFIX, "conman0", &net), 0);
        assert_string_equal(net, "delete rule inet conman forward handle 10\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_no_ports), cmocka_unit_test(test_build_ports),
                cmocka_unit_test(test_build_network),  cmocka_unit_test(test_build_invalid),
                cmocka_unit_test(test_delete_script),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
